"""CHECK constraints translated into generation rules, so rows satisfy them by construction.

A CHECK is split into its AND-ed parts; each part that matches a known shape becomes a rule:

| shape                                   | rule                                        |
|-----------------------------------------|---------------------------------------------|
| `c IN (v, ...)`, `c = ANY (ARRAY[...])` | `domains[c]`: values picked from the list   |
| `c > 0`, `c <= 9`, `c BETWEEN a AND b`  | `bounds[c]`: values clipped into the range  |
| `a > b`, `a >= b` (two columns)         | `ordered`: a = b + a positive offset        |
| `c IS NOT NULL`                         | `not_null`: c never NULL                    |
| `c ~ 're'`, `c LIKE 'AB%'`, `c SIMILAR  | `patterns[c]`: strings made to match        |
| TO '(a|b)%'`, `c OPERATOR(public.~) 're'`|                                             |
| `c = 'a' OR c = 'b'`                    | `domains[c]`: an IN list written out        |
| `lower(c) = c`, `upper(c) = c`          | `cases[c]`: values folded to that case      |
| `length(c) = n`, `octet_length(c) = n`  | `patterns[c]`: codes of n letters/digits    |
| `c = 1`                                 | `domains[c]`: that one value                |
| `c = a + b` (other columns)             | `derived[c]`: computed from the row         |
| `c < 0 OR c BETWEEN 5 AND 9`            | `intervals[c]`: drawn inside one range      |
| `c IS JSON`                             | `json`: c holds JSON documents              |
| `jsonb_typeof(c) = 'array'` (or IN)     | `json_kinds[c]`: documents of that type     |
| `array_length(c, 1) IS NOT NULL`,       | `array_sizes[c]`: arrays of that many       |
| `cardinality(c) <= 5`, `array_ndims(c)` | elements (DataGen's arrays have one         |
| `= 1`, `array_upper(c, 1) BETWEEN ...`  | dimension: `array_ndims(c) = 1` holds)      |
| `a IS NULL OR (...)`                    | the parts of (...) hold; a is NULL wherever |
|                                         | a column (...) needs non-NULL is NULL       |
| any CASE/IF/AND/OR/NOT/= of NULL tests  | `null_patterns`: each row takes one of the  |
| (`CASE WHEN a IS NULL THEN b IS NOT     | NULL patterns of its columns that the CHECK |
| NULL ELSE b IS NULL END`)               | lets through                                |

Casts are read through (`'array'::text`, `(status)::text`, `ARRAY[...]::text[]`): pg_dump and
psql write every literal and column compared with its type, and the comparison means the same
without them. Every AND-ed part is applied, so a CHECK with one unknown part still has its
known parts made by construction. Anything else is kept in `untranslated`: the engine
evaluates it on each chunk and redraws the failing rows deterministically (see `Engine`), and
reports what it cannot evaluate.
"""

from __future__ import annotations

import re
from typing import Any

import sqlglot.expressions as exp

from datagen_assets.schema.model import Bound, Check, CheckRules, Table, TypeKind

_FLIP = {">": "<", ">=": "<=", "<": ">", "<=": ">="}
_OPS = {exp.GT: ">", exp.GTE: ">=", exp.LT: "<", exp.LTE: "<="}


def translate_checks(table: Table) -> CheckRules:
    rules = CheckRules()
    checks = list(table.checks) + [
        _on_column(check, column.name) for column in table.columns for check in column.domain_checks
    ]
    columns = set(table.column_names)
    for check in checks:
        # every part is applied (a list, not a short-circuit): the rules of the parts it
        # knows hold by construction, and the repair loop only has the rest left to satisfy
        applied = [_apply(part, rules, columns) for part in _conjuncts(check.expression)]
        if all(applied):
            continue
        patterns = null_patterns(check.expression, columns)
        if patterns is not None:  # `CASE WHEN a IS NULL THEN b IS NOT NULL ELSE ... END`
            rules.null_patterns.append((*patterns, check))
        else:
            rules.untranslated.append(check)
    for column in table.columns:  # AUTO_INCREMENT, SERIAL, IDENTITY count from 1
        if column.autoincrement and column.type.kind in _COUNTING:
            bound = rules.bounds.setdefault(column.name, Bound())
            if bound.low is None or bound.low < 1:  # (a tinyint's range reads -128..127)
                bound.tighten(">=", 1)
    return rules


# An auto-incremented integer is positive: MySQL takes an inserted 0 as "the next value"
# (mysqldump sets NO_AUTO_VALUE_ON_ZERO for that), so a tinyint AUTO_INCREMENT drawn over
# -128..127 loaded 0 as a duplicate of 1 (piwigo); it holds 127 rows, not 256.
_COUNTING = frozenset({TypeKind.SMALLINT, TypeKind.INTEGER, TypeKind.BIGINT})


def _on_column(check: Check, column: str) -> Check:
    """A domain's CHECK as a CHECK on one column of that domain (tree and text)."""
    expression = _rename_value(check.expression, column)
    return Check(expression, expression.sql(dialect="postgres"), check.name)


def _rename_value(expression: exp.Expression, column: str) -> exp.Expression:
    """A domain's CHECK speaks of VALUE; on a column it means that column."""

    def swap(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and node.name.upper() == "VALUE":
            return exp.column(column)
        return node

    return expression.copy().transform(swap)


def _strip(node: exp.Expression) -> exp.Expression:
    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    return node


def _conjuncts(node: exp.Expression) -> list[exp.Expression]:
    node = _strip(node)
    if isinstance(node, exp.And):
        return _conjuncts(node.this) + _conjuncts(node.expression)
    return [node]


def _column(node: exp.Expression, columns: set[str]) -> str | None:
    node = _strip(node)
    if isinstance(node, exp.Column) and node.name in columns:
        return node.name
    return None


def _literal(node: exp.Expression) -> tuple[bool, Any]:
    node = _strip(node)
    if isinstance(node, exp.Neg):
        ok, value = _literal(node.this)
        return ok and isinstance(value, (int, float)), -value if ok else None
    if isinstance(node, exp.Literal):
        if node.is_string:
            return True, node.this
        text = node.this
        return True, int(text) if text.lstrip("-").isdigit() else float(text)
    if isinstance(node, exp.Boolean):
        return True, node.this
    return False, None


def _literals(nodes: list[exp.Expression]) -> tuple | None:
    values = []
    for node in nodes:
        ok, value = _literal(node)
        if not ok:
            return None
        values.append(value)
    return tuple(values)


def _apply(node: exp.Expression, rules: CheckRules, columns: set[str]) -> bool:
    """Record the rule for one AND-ed part; False when its shape is not known."""
    node = _strip(node)
    sized = _array_size(node, rules, columns)
    if sized is not None:  # `array_length(c, 1) IS NOT NULL`, `array_ndims(c) = 1`
        return sized
    same = _same_nulls(node, columns)
    if same is not None:  # `(code IS NULL) = (email IS NULL)`
        rules.null_same.append(same)
        return True
    group = _one_of(node, columns)
    if group is not None:
        if any(set(group[0]) & set(other) for other, _ in rules.one_of):
            return False  # overlapping groups: left to the repair loop
        rules.one_of.append(group)
        return True
    if isinstance(node, exp.In):
        kind = _json_kind(node, rules, columns)
        if kind is not None:
            return kind
        column, values = _column(node.this, columns), _literals(node.expressions)
        if column and values:
            rules.domains[column] = values
            return True
        return False
    if isinstance(node, exp.EQ) and isinstance(_strip(node.expression), exp.Any):
        array = _strip(_strip(node.expression).this)
        if isinstance(array, exp.Array):  # `jsonb_typeof(c) = ANY (ARRAY['object'::text])`
            listed = exp.In(this=node.this, expressions=list(array.expressions))
            kind = _json_kind(listed, rules, columns)
            if kind is not None:
                return kind
        column = _column(node.this, columns)
        values = _literals(array.expressions) if isinstance(array, exp.Array) else None
        if column and values:
            rules.domains[column] = values
            return True
        return False
    if isinstance(node, exp.Between) and _measured(node.this) is not None:
        _max_length(node.this, "<=", node.args["high"], rules, columns)
        return False  # the lower end is left to the repair loop
    if isinstance(node, exp.Between):
        column = _column(node.this, columns)
        (ok_low, low), (ok_high, high) = _literal(node.args["low"]), _literal(node.args["high"])
        if column and ok_low and ok_high:
            bound = rules.bounds.setdefault(column, Bound())
            bound.tighten(">=", low)
            bound.tighten("<=", high)
            return True
        return False
    if isinstance(node, exp.NEQ):
        left, right = _column(node.this, columns), _column(node.expression, columns)
        if left and right and left != right:
            rules.differ.append((left, right))  # (still checked by the repair loop)
        return False
    if type(node) in _OPS:
        op, left, right = _OPS[type(node)], node.this, node.expression
        if _measured(left) is not None or _measured(right) is not None:
            if _measured(left) is None:
                left, right, op = right, left, _FLIP[op]
            _max_length(left, op, right, rules, columns)
            return False  # `length(c) <= 24`: cut to it; the repair loop checks the rest
        return _comparison(op, left, right, rules, columns)
    if (
        isinstance(node, exp.Is)
        and isinstance(node.expression, exp.Null)
        and node.args.get("negate")
    ):
        column = _column(node.this, columns)
        if column:
            rules.not_null.add(column)
            return True
        return False
    negated = _forbidden(node, columns)
    if negated is not None:  # `c !~ '\s'`: no white space, removed from the values
        rules.forbidden.setdefault(negated[0], []).append(negated[1])
        return False  # the repair loop still verifies it
    if isinstance(node, exp.Not) and isinstance(_strip(node.this), exp.Is):
        inner = _strip(node.this)
        column = _column(inner.this, columns)
        if column and isinstance(inner.expression, exp.Null):
            rules.not_null.add(column)
            return True
        return False
    if isinstance(node, exp.Or):
        if _null_or(node, rules, columns):
            return True
        listed = _listed(node, columns)
        if listed is not None:  # `del = '1' OR del = '0'`: an IN list written out
            rules.domains[listed[0]] = listed[1]
            return True
        if _widest_alternative(node, rules, columns):
            return True
        _intervals(node, rules, columns)
        return False
    matcher = _matcher(node)
    if matcher is not None:
        column = _column(node.this, columns)
        ok, pattern = _literal(node.expression)
        if column and ok and isinstance(pattern, str):
            regex = matcher(pattern)
            if regex is not None and _generable(regex):
                rules.patterns[column] = regex
                return True
        return False
    if isinstance(node, exp.EQ):
        for folded, other in ((node.this, node.expression), (node.expression, node.this)):
            if isinstance(folded, (exp.Lower, exp.Upper)):
                column = _column(folded.this, columns)
                if column and column == _column(other, columns):
                    rules.cases[column] = "lower" if isinstance(folded, exp.Lower) else "upper"
                    return True
        equal = _equality(node, columns)
        if equal is not None:  # `version = 1`: a domain of one value
            rules.domains[equal[0]] = (equal[1],)
            return True
        kind = _json_kind(node, rules, columns)
        if kind is not None:
            return kind
        for measured, other in ((node.this, node.expression), (node.expression, node.this)):
            column = _column(_measured(measured), columns) if _measured(measured) else None
            ok, size = _literal(other)
            if (
                column
                and ok
                and isinstance(size, int)
                and size >= 0
                and column not in rules.patterns
            ):
                rules.patterns[column] = f"^[A-Z0-9]{{{size}}}$"  # `length(code) = 6`: a code
                return True
        _derived(node, rules, columns)
        return False
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.JSON):
        column = _column(node.this, columns)
        if column and not node.args.get("negate"):
            rules.json.add(column)
            return True
    return False


def _forbidden(node: exp.Expression, columns: set[str]) -> tuple[str, str] | None:
    r"""`NOT c ~ 'x'` (`c !~ 'x'`) or `c NOT LIKE '%x%'` where x matches single characters
    (a class, an escape like \s, a literal character, maybe repeated), as (c, a regex of the
    characters c may not hold): removing them from a value makes it satisfy the CHECK."""
    from datagen_assets.generate.regex import sre, sre_parse

    pattern = None
    if isinstance(node, exp.Not) and isinstance(_strip(node.this), exp.RegexpLike):
        inner = _strip(node.this)
        column, (ok, text) = _column(inner.this, columns), _literal(inner.expression)
        pattern = text if column and ok and isinstance(text, str) else None
    elif isinstance(node, exp.Like) and node.args.get("negate"):
        column, (ok, text) = _column(node.this, columns), _literal(node.expression)
        inner_text = text[1:-1] if ok and isinstance(text, str) and len(text) == 3 else ""
        if column and text == f"%{inner_text}%" and inner_text not in ("%", "_", "\\", ""):
            pattern = re.escape(inner_text)
    if pattern is None:
        return None
    try:
        nodes = list(sre_parse.parse(pattern))
    except (re.error, ValueError, TypeError):
        return None
    if len(nodes) != 1:
        return None
    op, value = nodes[0]
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and value[0] >= 1 and len(value[2]) == 1:
        op, value = list(value[2])[0]  # `[^a-z]+`: a run of them, removed all the same
    if op not in (sre.LITERAL, sre.IN, sre.NOT_LITERAL):
        return None
    return column, pattern


REGEX_OPERATORS = {"~", "~*"}  # PostgreSQL's regex match, also as OPERATOR(public.~)


def _matcher(node: exp.Expression):
    """How a string-matching predicate's pattern reads as a regex generation can follow:
    `~`/`~*`/REGEXP (as it is), LIKE, SIMILAR TO; None for other nodes and negations (a
    value drawn at random almost always avoids a pattern: the repair loop holds those)."""
    if node.args.get("negate"):
        return None
    from datagen_assets.plan.check_literals import are_to_python  # \\m, \\y: PostgreSQL's

    if isinstance(node, (exp.RegexpLike, exp.RegexpILike)):
        return are_to_python
    if isinstance(node, exp.Operator):
        operator = str(node.args.get("operator") or "").rsplit(".", 1)[-1]
        return are_to_python if operator in REGEX_OPERATORS else None
    if isinstance(node, exp.Like):
        return like_to_regex
    if isinstance(node, exp.SimilarTo):
        return similar_to_regex
    return None


def _generable(regex: str) -> bool:
    from datagen_assets.generate.regex import validate_pattern

    try:
        validate_pattern(regex)
    except ValueError:
        return False
    return True


def _measured(node: exp.Expression) -> exp.Expression | None:
    """What a `length(c)`, `char_length(c)` or `octet_length(c)` measures (the codes made
    for it are ASCII: one byte a character), else None."""
    node = _strip(node)
    if isinstance(node, (exp.Length, exp.ByteLength)):
        return node.this
    if isinstance(node, exp.Anonymous) and node.name.lower() in BYTE_LENGTHS and node.expressions:
        return node.expressions[0]
    return None


BYTE_LENGTHS = ("octet_length", "lengthb")


def _max_length(
    measured: exp.Expression, op: str, limit: exp.Expression, rules: CheckRules, columns: set[str]
) -> None:
    """`length(c) <= n` / `< n`: at most n (n - 1) characters in c, kept in `max_lengths`."""
    column = _column(_measured(measured), columns)
    ok, value = _literal(limit)
    if column is None or not ok or not isinstance(value, int) or op not in ("<", "<="):
        return
    most = value - (op == "<")
    if most >= 0:
        rules.max_lengths[column] = min(rules.max_lengths.get(column, most), most)


def similar_to_regex(pattern: str) -> str:
    """SQL SIMILAR TO -> regex: `%` any run, `_` any character, `|`, `()`, `[...]`,
    `*+?{m,n}` as in a regex; other characters literal. The whole value must match."""
    out = []
    in_class = False
    for char in pattern:
        if in_class:
            out.append(char)
            in_class = char != "]"
        elif char == "%":
            out.append("[A-Za-z0-9]{0,6}")
        elif char == "_":
            out.append("[A-Za-z0-9]")
        elif char == "[":
            out.append(char)
            in_class = True
        elif char in "|()*+?{},":
            out.append(char)
        elif char.isdigit():
            out.append(char)  # inside {m,n} or literal: a digit means itself either way
        else:
            out.append(re.escape(char))
    return "^(?:" + "".join(out) + ")$"


def like_to_regex(pattern: str) -> str:
    """SQL LIKE -> a regex generation can satisfy: `%` is a short run of letters and digits,
    `_` one of them, `\\x` the character x (backslash is LIKE's default escape in PostgreSQL
    and MySQL: `'A\\_%'` starts with `A_`), everything else literal."""
    out = []
    escaped = False
    for char in pattern:
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            out.append("[A-Za-z0-9]{0,6}")
        elif char == "_":
            out.append("[A-Za-z0-9]")
        else:
            out.append(re.escape(char))
    if escaped:  # a trailing backslash: PostgreSQL refuses it, MySQL reads it as itself
        out.append(re.escape("\\"))
    return "^" + "".join(out) + "$"


# Characters a regex reads specially outside a bracket expression (ARE and Python alike).
_REGEX_SPECIAL = frozenset(".^$|?*+()[]{}\\")


def class_like_to_regex(pattern: str) -> str | None:
    """A T-SQL/Sybase LIKE pattern as the anchored PostgreSQL (ARE) regex matching the same
    strings: `%` any run, `_` any character, `[a-z0-9]` a character class, `[^...]` a negated
    one (`[_]`, `[%]`, `[[]` are those characters); everything else literal. The regex is
    also Python's, so generation draws from it. None for an unclosed `[`."""
    out, index = ["^"], 0
    while index < len(pattern):
        char = pattern[index]
        if char == "[":
            close = pattern.find("]", index + 2)
            if close < 0:
                return None
            body = pattern[index + 1 : close]
            negated = body.startswith("^") and len(body) > 1
            members = body[1:] if negated else body
            members = "".join("\\" + c if c in "\\[]" else c for c in members)
            out.append(f"[{'^' if negated else ''}{members}]")
            index = close + 1
            continue
        if char == "%":
            out.append(".*")
        elif char == "_":
            out.append(".")
        else:
            out.append("\\" + char if char in _REGEX_SPECIAL else char)
        index += 1
    return "".join(out) + "$"


def _comparison(
    op: str, left: exp.Expression, right: exp.Expression, rules: CheckRules, columns: set[str]
) -> bool:
    left_column, right_column = _column(left, columns), _column(right, columns)
    if left_column and right_column:
        if op in ("<", "<="):
            left_column, right_column, op = right_column, left_column, _FLIP[op]
        rules.ordered.append((left_column, right_column, op == ">"))
        return True
    if right_column and not left_column:
        left, right, op = right, left, _FLIP[op]
        left_column = right_column
    ok, value = _literal(right)
    if left_column and ok:
        rules.bounds.setdefault(left_column, Bound()).tighten(op, value)
        return True
    return False


def _null_or(node: exp.Or, rules: CheckRules, columns: set[str]) -> bool:
    """`a IS NULL OR (p AND q ...)`: make p, q hold everywhere; where they need a column to
    be non-NULL, make `a` NULL wherever that column is NULL."""
    sides = [_strip(node.this), _strip(node.expression)]
    for first, rest in (sides, sides[::-1]):
        if (
            isinstance(first, exp.Is)
            and isinstance(first.expression, exp.Null)
            and not first.args.get("negate")
        ):
            column = _column(first.this, columns)
            if column is None:
                return False
            scratch = CheckRules()
            if not all(_apply(part, scratch, columns) for part in _conjuncts(rest)):
                return False
            if scratch.one_of or scratch.derived or scratch.intervals or scratch.null_with:
                return False  # shapes not carried over: left to the repair loop
            rules.domains.update(scratch.domains)
            for name, bound in scratch.bounds.items():
                rules.bounds[name] = bound
            rules.ordered.extend(scratch.ordered)
            rules.patterns.update(scratch.patterns)  # `v IS NULL OR octet_length(v) = 20`
            rules.cases.update(scratch.cases)
            rules.json |= scratch.json
            rules.json_kinds.update(scratch.json_kinds)
            rules.array_sizes.update(scratch.array_sizes)
            needed = scratch.not_null - {column}
            needed |= {c for pair in scratch.ordered for c in pair[:2]} - {column}
            rules.null_with.setdefault(column, set()).update(needed)
            return True
    return False


def _intervals(node: exp.Or, rules: CheckRules, columns: set[str]) -> None:
    """`(n >= 0 AND n < 10) OR n > 100 OR n = 500`, every side a range of the same column:
    recorded in `rules.intervals` so values are drawn inside one of them."""
    ranges, column = [], None
    for side in _disjuncts(node):
        scratch = CheckRules()
        equal = _equality(side, columns)
        if equal is not None:
            scratch.bounds[equal[0]] = Bound(low=equal[1], high=equal[1])
        elif not all(_apply(part, scratch, columns) for part in _conjuncts(side)):
            return
        other = (scratch.domains, scratch.ordered, scratch.patterns, scratch.cases, scratch.json,
                 scratch.array_sizes)  # fmt: skip
        if len(scratch.bounds) != 1 or any(other):
            return
        ((name, bound),) = scratch.bounds.items()
        if column not in (None, name):
            return
        column = name
        ranges.append(bound)
    if column is not None:
        rules.intervals[column] = tuple(ranges)


def _widest_alternative(node: exp.Or, rules: CheckRules, columns: set[str]) -> bool:
    """`c IN ('1389', '0736') OR c LIKE '99[0-9][0-9]'`, `c ~ 'a' OR c ~ 'b'`: every side a
    value list or a pattern of one column, at least one a pattern. Values are drawn from the
    side with the most distinct values (a list as a domain, a pattern as `patterns[c]`): each
    satisfies the OR, and a key column keeps one fixed-length pattern to number its values."""
    from datagen_assets.generate.regex import unique_space

    column, best, best_size = None, None, -1
    for side in _disjuncts(node):
        side = _strip(side)
        equal = _equality(side, columns)
        if equal is not None:
            name, choice, size = equal[0], ("domain", (equal[1],)), 1
        elif isinstance(side, exp.In) and _column(side.this, columns):
            values = _literals(side.expressions)
            if values is None:
                return False
            name, choice, size = _column(side.this, columns), ("domain", values), len(values)
        else:
            matcher, name = _matcher(side), _column(side.this, columns)
            ok, pattern = _literal(side.expression) if matcher else (False, None)
            regex = matcher(pattern) if ok and isinstance(pattern, str) else None
            if name is None or regex is None or not _generable(regex):
                return False
            try:
                size = unique_space(regex, False)[1]
            except ValueError:  # alternatives: no numbering, counted as one value
                size = 1
            choice = ("pattern", regex)
        if column not in (None, name):
            return False
        column = name
        if size > best_size:
            best, best_size = choice, size
    if (
        column is None
        or best is None
        or not any(_matcher(_strip(side)) for side in _disjuncts(node))
    ):
        return False
    if best[0] == "domain":
        rules.domains[column] = best[1]
    else:
        rules.patterns[column] = best[1]
    return True


def _listed(node: exp.Or, columns: set[str]) -> tuple[str, tuple] | None:
    """`c = 'a' OR c = 'b' OR c IN ('x', 'y')`: one column, literal values, as (c, values)."""
    column, values = None, []
    for side in _disjuncts(node):
        side = _strip(side)
        equal = _equality(side, columns)
        if equal is not None:
            name, found = equal[0], (equal[1],)
        elif isinstance(side, exp.In) and _column(side.this, columns):
            name, found = _column(side.this, columns), _literals(side.expressions)
        else:
            return None
        if found is None or column not in (None, name):
            return None
        column = name
        values.extend(found)
    return (column, tuple(dict.fromkeys(values))) if column else None


def _disjuncts(node: exp.Expression) -> list[exp.Expression]:
    node = _strip(node)
    if isinstance(node, exp.Or):
        return _disjuncts(node.this) + _disjuncts(node.expression)
    return [node]


def _equality(node: exp.Expression, columns: set[str]) -> tuple[str, Any] | None:
    """`c = literal` (either way round) as (column, value)."""
    node = _strip(node)
    if not isinstance(node, exp.EQ):
        return None
    for left, right in ((node.this, node.expression), (node.expression, node.this)):
        column, (ok, value) = _column(left, columns), _literal(right)
        if column and ok:
            return column, value
    return None


def _derived(node: exp.EQ, rules: CheckRules, columns: set[str]) -> None:
    """`total = net + tax`: a column equal to an expression over other columns of the row is
    computed from them (recorded in `rules.derived`; the CHECK itself stays untranslated)."""
    for left, right in ((node.this, node.expression), (node.expression, node.this)):
        column = _column(left, columns)
        used = {c.name for c in right.find_all(exp.Column)}
        if column and used and used <= columns and column not in used:
            free = column not in rules.derived and not used & set(rules.derived)
            if free:  # one expression per column, never over another derived column
                rules.derived[column] = _strip(right).sql(dialect="postgres")
            return


JSON_TYPEOF = ("jsonb_typeof", "json_typeof")
JSON_KINDS_MADE = ("object", "array")  # top-level JSON types generation makes, preferred first


def _json_kind(node: exp.Expression, rules: CheckRules, columns: set[str]) -> bool | None:
    """`jsonb_typeof(c) = 'array'` or `json_typeof(c) IN ('object', 'array')`: c holds JSON
    documents of a type generation makes (`json`, and `json_kinds` unless an object); False
    for other types (string, number: the repair loop), None for other shapes."""
    typed = _strip(node.this)
    if not (isinstance(typed, exp.Anonymous) and typed.name.lower() in JSON_TYPEOF):
        return None
    column = _column(typed.expressions[0], columns) if typed.expressions else None
    listed = node.expressions if isinstance(node, exp.In) else [node.expression]
    kinds = _literals(listed)
    made = [kind for kind in JSON_KINDS_MADE if kinds and kind in kinds]
    if not column or not made:
        return False
    rules.json.add(column)
    if made[0] != "object":
        rules.json_kinds[column] = made[0]
    return True


# Functions of an array's size: what they return for a non-empty 1-D array, and whether an
# empty array gives NULL (array_length) or 0 (cardinality).
ARRAY_SIZES = {
    "array_length": ("length", True),
    "array_upper": ("length", True),  # PostgreSQL arrays start at 1: the upper bound is the size
    "cardinality": ("length", False),
    "array_ndims": ("dimensions", True),
}


def _sized(node: exp.Expression, columns: set[str]) -> tuple[str, str, bool] | None:
    """What an array-size call reads: (column, 'length' | 'dimensions', NULL when empty);
    None for anything else, or another dimension than the first (arrays made have one)."""
    node = _strip(node)
    if isinstance(node, exp.ArraySize):  # sqlglot's array_length(c, dim)
        name, operand, dimension = "array_length", node.this, node.expression
    elif isinstance(node, exp.Anonymous) and node.name.lower() in ARRAY_SIZES and node.expressions:
        name, operand = node.name.lower(), node.expressions[0]
        dimension = node.expressions[1] if len(node.expressions) > 1 else None
    else:
        return None
    column = _column(operand, columns)
    if column is None:
        return None
    if name in ("array_length", "array_upper"):
        ok, value = _literal(dimension) if dimension is not None else (False, None)
        if not ok or value != 1:
            return None
    measure, null_when_empty = ARRAY_SIZES[name]
    return column, measure, null_when_empty


def _array_size(node: exp.Expression, rules: CheckRules, columns: set[str]) -> bool | None:
    """`array_length(c, 1) IS NOT NULL` (not empty), `cardinality(c) <= 5`, `array_length(c,
    1) BETWEEN 1 AND 3`, `array_ndims(c) = 1`: the number of elements of c's arrays, in
    `array_sizes`. A size bound is applied to every array, empty ones included, which is
    stricter than `array_length`'s NULL for an empty array and so holds either way. The
    arrays made have one dimension: `array_ndims(c) = 1` holds of every one (NULL when
    empty). None when the part is not about an array's size; False when it is in a shape
    not translated."""
    operand = node.this if isinstance(node, (exp.Is, exp.Between, exp.EQ, *_OPS)) else None
    sized = _sized(operand, columns) if operand is not None else None
    if sized is None and isinstance(node, (exp.EQ, *_OPS)):  # `1 = array_ndims(c)`
        flipped = _sized(node.expression, columns)
        if flipped is not None:
            op = "=" if isinstance(node, exp.EQ) else _FLIP[_OPS[type(node)]]
            return _size_rule(flipped, op, _literal(node.this), rules)
        return None
    if sized is None:
        return None
    if isinstance(node, exp.Is):
        if not isinstance(node.expression, exp.Null):
            return False
        column, _, null_when_empty = sized
        if not node.args.get("negate"):
            return False  # IS NULL: an empty array (or NULL) in every row
        if null_when_empty:
            rules.array_sizes.setdefault(column, Bound()).tighten(">=", 1)
        return True
    if isinstance(node, exp.Between):
        low, high = _literal(node.args["low"]), _literal(node.args["high"])
        return _size_rule(sized, ">=", low, rules) and _size_rule(sized, "<=", high, rules)
    op = "=" if isinstance(node, exp.EQ) else _OPS[type(node)]
    return _size_rule(sized, op, _literal(node.expression), rules)


def _size_rule(sized, op: str, literal: tuple[bool, Any], rules: CheckRules) -> bool:
    """`size op n` as a bound on the number of elements (see `_array_size`)."""
    column, measure, _ = sized
    ok, value = literal
    if not ok or not isinstance(value, int) or isinstance(value, bool):
        return False
    if measure == "dimensions":  # every array made has one: true, or never true
        return {"=": value == 1, ">": value < 1, ">=": value <= 1, "<": value > 1,
                "<=": value >= 1}[op]  # fmt: skip
    bound = rules.array_sizes.setdefault(column, Bound())
    for part in (">=", "<=") if op == "=" else (op,):
        bound.tighten(part, value)
    return True


def _one_of(node: exp.Expression, columns: set[str]) -> tuple[tuple[str, ...], bool] | None:
    """At least one, or exactly one, of some columns not NULL (a polymorphic reference, a
    contact by mail or phone): `num_nonnulls(a, b) = 1` (exactly), `num_nonnulls(a, b) >= 1`,
    `NOT (a IS NULL AND b IS NULL)`, `a IS NOT NULL OR b IS NOT NULL`, `COALESCE(a, b) IS NOT
    NULL` (at least), `(a IS NULL) <> (b IS NULL)` (exactly one of two)."""
    node = _strip(node)
    counted = node.this if isinstance(node, (exp.EQ, exp.GTE, exp.GT)) else None
    if isinstance(counted, exp.Anonymous) and counted.name.lower() == "num_nonnulls":
        names = _columns_of(counted.expressions, columns)
        ok, value = _literal(node.expression)
        if names and ok and isinstance(value, int):
            if isinstance(node, exp.EQ) and value == 1:
                return names, True
            if (isinstance(node, exp.GTE) and value == 1) or (
                isinstance(node, exp.GT) and value == 0
            ):
                return names, False
        return None
    if isinstance(node, exp.Not) and isinstance(_strip(node.this), exp.And):
        parts = [_strip(p) for p in _conjuncts(node.this)]
        if all(_null_test(p, negated=False) for p in parts):
            names = _columns_of([p.this for p in parts], columns)
            return (names, False) if names else None
    if isinstance(node, exp.Or):
        parts = [_strip(p) for p in _disjuncts(node)]
        if all(_null_test(p, negated=True) for p in parts):
            names = _columns_of([_null_operand(p) for p in parts], columns)
            return (names, False) if names else None
    if _null_test(node, negated=True) and isinstance(_strip(_null_operand(node)), exp.Coalesce):
        coalesce = _strip(_null_operand(node))
        names = _columns_of([coalesce.this, *coalesce.expressions], columns)
        return (names, False) if names else None
    if isinstance(node, exp.NEQ):
        sides = [_strip(node.this), _strip(node.expression)]
        if all(_null_test(side, negated=False) for side in sides):
            names = _columns_of([side.this for side in sides], columns)
            return (names, True) if names else None
    return None


def _same_nulls(node: exp.Expression, columns: set[str]) -> tuple[str, str] | None:
    """`(a IS NULL) = (b IS NULL)` (or both IS NOT NULL): two columns NULL in the same rows."""
    if not isinstance(node, exp.EQ):
        return None
    sides = [_strip(node.this), _strip(node.expression)]
    for negated in (False, True):
        if all(_null_test(side, negated=negated) for side in sides):
            names = _columns_of([_null_operand(side) for side in sides], columns)
            return (names[0], names[1]) if names else None
    return None


def _null_test(node: exp.Expression, negated: bool) -> bool:
    """`x IS NULL` (negated=False) or `x IS NOT NULL` / `NOT x IS NULL` (negated=True)."""
    if isinstance(node, exp.Not):
        return negated and _null_test(_strip(node.this), negated=False)
    return (
        isinstance(node, exp.Is)
        and isinstance(node.expression, exp.Null)
        and bool(node.args.get("negate")) == negated
    )


def _null_operand(node: exp.Expression) -> exp.Expression:
    return _strip(node.this).this if isinstance(node, exp.Not) else node.this


def _columns_of(nodes: list[exp.Expression], columns: set[str]) -> tuple[str, ...] | None:
    """Two or more distinct plain columns, or None."""
    names = [_column(n, columns) for n in nodes]
    if len(names) < 2 or None in names or len(set(names)) != len(names):
        return None
    return tuple(names)


MAX_PATTERN_COLUMNS = 10  # 2**10 assignments to evaluate, at most


class _NotNullFormula(Exception):
    """A node outside the NULL-test formulas `null_patterns` evaluates."""


def null_patterns(
    node: exp.Expression, columns: set[str]
) -> tuple[tuple[str, ...], tuple[tuple[bool, ...], ...]] | None:
    """A CHECK whose only atoms are NULL tests of columns (`c IS NULL`, `c IS NOT NULL`),
    joined by AND, OR, NOT, CASE, IF and comparisons of truth values (MySQL's `IF(...) = 1`),
    as (columns, the NULL patterns it lets through): every assignment of NULL / not NULL to
    its columns is evaluated with SQL's three-valued logic, and a pattern passes unless the
    CHECK is FALSE (a CASE without ELSE is NULL, which passes). None for any other shape, or
    a CHECK no pattern satisfies (left to the repair loop, which reports it)."""
    names = sorted({c.name for c in node.find_all(exp.Column)})
    if not names or len(names) > MAX_PATTERN_COLUMNS or not set(names) <= columns:
        return None
    allowed = []
    try:
        for bits in range(1 << len(names)):
            nulls = tuple(bool(bits >> i & 1) for i in range(len(names)))
            if _truth(node, dict(zip(names, nulls, strict=True))) is not False:
                allowed.append(nulls)
    except _NotNullFormula:
        return None
    return (tuple(names), tuple(allowed)) if allowed else None


def _truth(node: exp.Expression, nulls: dict[str, bool]) -> bool | None:
    """The SQL truth value of a NULL-test formula where `nulls` says which columns are NULL."""
    node = _strip(node)
    if isinstance(node, exp.Is) and isinstance(node.expression, exp.Null):
        operand = _strip(node.this)
        if not isinstance(operand, exp.Column):
            raise _NotNullFormula
        return nulls[operand.name] != bool(node.args.get("negate"))
    if isinstance(node, exp.Not):
        value = _truth(node.this, nulls)
        return None if value is None else not value
    if isinstance(node, (exp.And, exp.Or)):
        left, right = _truth(node.this, nulls), _truth(node.expression, nulls)
        decisive = isinstance(node, exp.Or)  # TRUE decides an OR, FALSE an AND
        if decisive in (left, right):
            return decisive
        return None if None in (left, right) else not decisive
    if isinstance(node, exp.Case) and node.this is None:
        for branch in node.args.get("ifs") or ():
            if _truth(branch.this, nulls):
                return _truth(branch.args["true"], nulls)
        default = node.args.get("default")
        return None if default is None else _truth(default, nulls)
    if isinstance(node, exp.If):
        if _truth(node.this, nulls):
            return _truth(node.args["true"], nulls)
        other = node.args.get("false")
        return None if other is None else _truth(other, nulls)
    if isinstance(node, (exp.EQ, exp.NEQ)):
        left, right = _truth(node.this, nulls), _truth(node.expression, nulls)
        if left is None or right is None:
            return None
        return (left == right) == isinstance(node, exp.EQ)
    if isinstance(node, exp.Boolean):
        return bool(node.this)
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Literal) and not node.is_string and node.this in ("0", "1"):
        return node.this == "1"  # MySQL's truth values
    raise _NotNullFormula
