"""Literals inside a CHECK that the database itself refuses, found before anything is made.

`CHECK (code ~ '[a-')` or `CHECK (d > '2020-02-30')` cannot be created in PostgreSQL: the
table's DDL fails there. Neither polars nor DuckDB evaluates such a CHECK either, so the
pre-flight's sample, which skips what no engine reads, would let it through and the load would
fail. Each is a problem at the CHECK's line instead.

Regexes are PostgreSQL's (ARE) dialect, read with Python's parser after mapping what only ARE
spells (`***:` and embedded options, `\\m \\M \\y \\Y` word boundaries, `\\e`, `\\cX`), so a
pattern PostgreSQL accepts is not reported; SIMILAR TO patterns are read as the CHECK rules
translate them. Dates are judged only when they read as ISO (`YYYY-MM-DD...`): PostgreSQL
reads many other spellings (`Jan 1 2020`, `epoch`, `infinity`) that are left alone.
"""

from __future__ import annotations

import datetime as dt
import re
import string
import warnings

import sqlglot.expressions as exp

from datagen_assets.schema.model import Check, Table, TypeKind

REGEX_NODES = (exp.RegexpLike, exp.RegexpILike, exp.RegexpReplace, exp.RegexpExtract)
REGEX_FUNCTIONS = {"regexp_match", "regexp_matches", "regexp_count", "regexp_instr",
                   "regexp_substr", "regexp_split_to_array", "regexp_split_to_table"}  # fmt: skip
REGEX_OPERATORS = {"~", "~*", "!~", "!~*"}
ARE_OPTIONS = re.compile(r"^\(\?([bcegimnpqstwx]+)\)")
ARE_ESCAPES = {"m": r"\b", "M": r"\b", "y": r"\b", "Y": r"\B", "e": r"\x1b"}
POSIX_CLASSES = {  # inside a bracket expression, as PostgreSQL reads them in the C locale
    "alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
    "space": r" \t\n\r\f\v", "blank": r" \t", "punct": re.escape(string.punctuation),
    "xdigit": "0-9A-Fa-f", "word": "a-zA-Z0-9_", "cntrl": r"\x00-\x1f\x7f",
    "print": r"\x20-\x7e", "graph": r"\x21-\x7e",
}  # fmt: skip
POSIX_CLASS = re.compile(r"\[:(" + "|".join(POSIX_CLASSES) + r"):\]")
# names a CHECK may use that are no column: a domain's VALUE, Oracle's and SQL's niladic
# functions written without parentheses
PSEUDO_COLUMNS = {"value", "sysdate", "systimestamp", "user", "uid", "current_user",
                  "session_user", "current_date", "current_time", "current_timestamp",
                  "localtime", "localtimestamp", "current_schema", "rownum", "level"}  # fmt: skip
DATE_KINDS = {TypeKind.DATE, TypeKind.TIMESTAMP, TypeKind.TIMESTAMPTZ}
ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def are_to_python(pattern: str) -> str:
    """A PostgreSQL (ARE) regex in Python's spelling, matching the same strings: director
    prefixes and embedded options dropped but expanded syntax `x` (a literal `***=` or `(?q)`
    pattern escaped; case folding is the operator's, `~*`), word
    boundaries `\\m \\M \\y` as `\\b`, `\\Y` as `\\B`, `\\e` and `\\cX` as the characters, POSIX
    classes (`[[:alpha:]]`) as the ranges they name."""
    if pattern.startswith("***="):
        return re.escape(pattern[4:])
    pattern = pattern.removeprefix("***:")
    options = ARE_OPTIONS.match(pattern)
    if options:
        if "q" in options.group(1):
            return re.escape(pattern[options.end() :])
        pattern = ("(?x)" if "x" in options.group(1) else "") + pattern[options.end() :]
    pattern = POSIX_CLASS.sub(lambda m: POSIX_CLASSES[m.group(1)], pattern)
    return re.sub(r"\\(c.|.)", _python_escape, pattern, flags=re.S)


def regex_error(pattern: str) -> str | None:
    """Why PostgreSQL would refuse `pattern` as a regular expression, or None."""
    pattern = are_to_python(pattern)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # [[:alpha:]] reads as a nested set to Python
        try:
            re.compile(pattern)
        except re.error as error:
            return str(error)
        except (OverflowError, RecursionError):
            return "too complex"
    return None


def _python_escape(found: re.Match) -> str:
    """An ARE escape in Python's spelling: `\\cX` is the control character X names."""
    escape = found.group(1)
    if escape.startswith("c") and len(escape) == 2:
        return re.escape(chr(ord(escape[1]) % 32))
    return ARE_ESCAPES.get(escape, found.group(0))


def _regex_literals(check: Check):
    """(pattern, is SIMILAR TO) of every regex match in the CHECK whose pattern is a literal."""
    for node in check.expression.walk():
        pattern = None
        if isinstance(node, REGEX_NODES):
            pattern = node.args.get("expression")
        elif isinstance(node, exp.Operator):
            operator = str(node.args.get("operator") or "").rsplit(".", 1)[-1]
            if operator in REGEX_OPERATORS:
                pattern = node.args.get("expression")
        elif isinstance(node, exp.Anonymous) and node.name.lower() in REGEX_FUNCTIONS:
            pattern = node.expressions[1] if len(node.expressions) > 1 else None
        elif isinstance(node, exp.SimilarTo):
            literal = node.args.get("expression")
            if isinstance(literal, exp.Literal) and literal.is_string:
                yield literal.this, True
            continue
        if isinstance(pattern, exp.Literal) and pattern.is_string:
            yield pattern.this, False


def date_error(text: str) -> str | None:
    """Why an ISO-looking date or timestamp literal names no real moment, or None."""
    found = ISO_DATE.match(text)
    if not found:
        return None
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in found.groups())
    try:
        dt.datetime(year or 1, month, day, hour, minute, second)
    except ValueError as error:
        return str(error)
    return None


def _date_literals(check: Check, table: Table):
    """String literals compared with (or bounding) a date or timestamp column of the table."""
    kinds = {c.name: c.type.kind for c in table.columns}
    comparisons = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.Between, exp.In)
    for node in check.expression.find_all(*comparisons):
        column = node.this if isinstance(node, (exp.Between, exp.In)) else None
        if isinstance(node, (exp.Between, exp.In)):
            others = [node.args.get("low"), node.args.get("high"), *node.expressions]
        else:
            column, other = node.this, node.expression
            if not isinstance(column, exp.Column):
                column, other = other, column
            others = [other]
        if not isinstance(column, exp.Column) or kinds.get(column.name) not in DATE_KINDS:
            continue
        for other in others:
            if isinstance(other, exp.Literal) and other.is_string:
                yield other.this


def unknown_columns(check: Check, table: Table) -> list[str]:
    """Columns a table's CHECK names that the table lacks (PostgreSQL: column "x" does not
    exist), compared as unquoted names fold; none for a qualified or domain name."""
    own = {c.name.lower() for c in table.columns}
    missing = []
    for node in check.expression.find_all(exp.Column):
        if node.table or node.name.lower() in own or node.name.lower() in PSEUDO_COLUMNS:
            continue
        missing.append(node.name)
    return list(dict.fromkeys(missing))


def literal_errors(check: Check, table: Table) -> list[str]:
    """What in `check` the database refuses: invalid regexes and impossible dates."""
    from datagen_assets.schema.check_rules import similar_to_regex

    errors = []
    for pattern, similar in _regex_literals(check):
        error = regex_error(similar_to_regex(pattern) if similar else pattern)
        if error:
            kind = "SIMILAR TO pattern" if similar else "regular expression"
            errors.append(f"invalid {kind} {pattern!r}: {error}")
    for text in _date_literals(check, table):
        error = date_error(text)
        if error:
            errors.append(f"{text!r} is no date ({error})")
    return errors
