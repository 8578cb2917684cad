"""Replay a DDL script as the database runs it, against the in-memory catalog of drafts.

A script is a program: migrations drop and re-add primary keys, rename columns, drop tables and
create them again; dumps set the search path and attach partitions; installer scripts wrap DDL
in DO blocks and T-SQL IF ... BEGIN ... END. `Replay` applies each such statement the way the
database would, so the catalog ends as the database's would:

- names: the current search path (SET search_path, set_config, CREATE SCHEMA elements) places
  unqualified CREATEs and resolves unqualified references;
- CREATE TABLE ... INHERITS / LIKE copy columns and constraints as PostgreSQL does;
- ALTER TABLE runs action by action (split at top-level commas): RENAME [COLUMN] / TO, SET
  SCHEMA, DROP COLUMN / CONSTRAINT / PRIMARY KEY / FOREIGN KEY / INDEX by the given or the
  engine-chosen name, ATTACH PARTITION, Oracle MODIFY, ... (others go to sqlglot);
- DROP TABLE / INDEX / TYPE / SCHEMA, RENAME TABLE, sp_rename, then re-CREATE;
- DO blocks and T-SQL control flow: their DDL, as if each condition held.

It is a mixin of `ddl._Importer`, which owns parsing, reporting and name lookup.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import sqlglot.expressions as exp
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import TokenType

from datagen_assets.schema.drafts import (
    _CLOSE,
    _NAME,
    _OPEN,
    _QNAME,
    _RECOVERY_TABLE,
    _check,
    _ForeignKeyDraft,
    _IndexDraft,
    _KeyDraft,
    _PartitionDraft,
    _summary,
    _TableDraft,
)
from datagen_assets.schema.model import Check
from datagen_assets.schema.naming import mysql_constraint_name, postgres_constraint_name
from datagen_assets.schema.statements import Statement, split_statements

_DROP = re.compile(
    r"DROP\s+(?P<kind>TABLE|INDEX|TYPE|DOMAIN|SCHEMA)\s+(?:CONCURRENTLY\s+)?"
    r"(?P<exists>IF\s+EXISTS\s+)?",
    re.I,
)

_RENAME_TABLE = re.compile(r"RENAME\s+(?:TABLES?\s+)?(?=[^\s,]+\s+TO\s)", re.I)

_ALTER_INDEX_RENAME = re.compile(
    rf"ALTER\s+INDEX\s+(?:IF\s+EXISTS\s+)?(?P<old>{_QNAME})\s+RENAME\s+TO\s+(?P<new>{_NAME})"
    r"\s*;?\s*$",
    re.I,
)

_SET_PATH = re.compile(
    r"SET\s+(?:SESSION\s+|LOCAL\s+)?(?:search_path\s*(?:=|\bTO\b)|SCHEMA\b)\s*(?P<path>.*)",
    re.I | re.S,
)

_SET_CONFIG_PATH = re.compile(
    r"SELECT\s+(?:pg_catalog\s*\.\s*)?set_config\s*\(\s*'search_path'\s*,\s*'(?P<path>[^']*)'",
    re.I,
)

_SYSTEM_SCHEMAS = frozenset({"pg_catalog", "pg_temp", "information_schema"})

_CREATE_SCHEMA = re.compile(
    rf"CREATE\s+SCHEMA\s+(?:IF\s+NOT\s+EXISTS\s+)?(?:(?P<name>(?!AUTHORIZATION\b){_NAME})\s*)?"
    rf"(?:AUTHORIZATION\s+(?P<role>{_NAME})\s*)?",
    re.I,
)

_USE = re.compile(r"USE\s+\S", re.I)

_ALTER_HEAD = re.compile(
    rf"ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?P<only>ONLY\s+)?(?P<table>{_QNAME})\s*\*?\s*"
    r"(?:WITH\s+(?:NO)?CHECK\s+(?=ADD\b))?",
    re.I,
)

# Words that start an ALTER TABLE action; a comma-separated piece starting otherwise
# continues the previous verb (T-SQL `ADD a INT, b INT`, `ADD CONSTRAINT x ..., CONSTRAINT y`).
_ACTION_START = re.compile(
    r"(?:ADD|DROP|ALTER|MODIFY|CHANGE|RENAME|SET|RESET|OWNER|ENABLE|DISABLE|VALIDATE|INHERIT"
    r"|NO|ATTACH|DETACH|CLUSTER|REPLICA|OF|NOT|FORCE|ENGINE|AUTO_INCREMENT|DEFAULT|CHARACTER"
    r"|CHARSET|COLLATE|COMMENT|ROW_FORMAT|CONVERT|LOCK|ALGORITHM|ORDER|PARTITION|REMOVE"
    r"|TRUNCATE|COALESCE|REORGANIZE|EXCHANGE|ANALYZE|OPTIMIZE|REBUILD|REPAIR|DISCARD|IMPORT"
    r"|UPGRADE|NOCHECK|WITH|SWITCH|TABLESPACE|STORAGE|PCTFREE|LOGGING|NOLOGGING|COMPRESS"
    r"|NOCOMPRESS|MOVE|SHRINK|READ|PARALLEL|NOPARALLEL|CACHE|NOCACHE|MONITORING|KEY_BLOCK_SIZE"
    r"|STATS_\w+|PACK_KEYS|CHECKSUM|MAX_ROWS|MIN_ROWS|AVG_ROW_LENGTH)\b",
    re.I,
)

# ALTER TABLE actions PostgreSQL applies to inheriting tables as well (unless ONLY).
_INHERITED_ACTIONS = tuple(
    (re.compile(pattern, re.I), kind)
    for pattern, kind in (
        (r"ADD\s+(?:CONSTRAINT\s+\S+\s+)?CHECK\b", "check"),
        (r"ADD\s+(?!CONSTRAINT\b|PRIMARY\b|UNIQUE\b|FOREIGN\b|CHECK\b|EXCLUDE\b)", "add column"),
        (r"DROP\s+(?!CONSTRAINT\b|PRIMARY\b|FOREIGN\b|INDEX\b|KEY\b)", "drop column"),
        (r"RENAME\s+(?!TO\b|AS\b|CONSTRAINT\b|INDEX\b|KEY\b)", "rename column"),
        (r"ALTER\s+", "alter column"),
    )
)
_ADDED_COLUMN = re.compile(rf"ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?(?P<name>{_NAME})", re.I)
_DROPPED_COLUMNS = re.compile(
    rf"DROP\s+(?:COLUMN\s+)?(?:IF\s+EXISTS\s+)?(?P<names>{_NAME}|\([^()]*\))", re.I
)
_VERB = re.compile(r"(?:DROP\s+(?:COLUMN|CONSTRAINT)|ADD|DROP|ALTER|MODIFY)\b", re.I)


def _verb(text: str) -> str:
    match = _VERB.match(text)
    return " ".join(match.group().upper().split()) if match else ""


_MODIFY_NULLABILITY = re.compile(
    rf"(?P<name>{_NAME})\s*(?:DEFAULT\s+(?P<default>.+?))?\s*(?:CONSTRAINT\s+{_NAME}\s+)?"
    r"(?P<null>(?P<not>NOT\s+)?NULL)?(?:\s+(?:ENABLE|DISABLE|VALIDATE|NOVALIDATE))*\s*",
    re.I | re.S,
)

_SP_RENAME = re.compile(
    r"EXEC(?:UTE)?\s+(?:(?:\[?\w+\]?\.)?\[?sys\]?\.)?\[?sp_rename\]?\s+"
    r"(?:@objname\s*=\s*)?N?'(?P<old>[^']+)'\s*,\s*(?:@newname\s*=\s*)?N?'(?P<new>[^']+)'"
    r"(?:\s*,\s*(?:@objtype\s*=\s*)?N?'(?P<kind>\w+)')?",
    re.I,
)

_ALL_LIKE_OPTIONS = frozenset(
    {"DEFAULTS", "GENERATED", "IDENTITY", "CONSTRAINTS", "INDEXES", "COMMENTS", "STATISTICS",
     "STORAGE", "COMPRESSION"}
)  # fmt: skip

_DO = re.compile(r"DO\b", re.I)

_DO_BODY = re.compile(
    r"DO\s+(?:LANGUAGE\s+plpgsql\s+)?(?P<tag>\$\w*\$)(?P<body>[\s\S]*?)(?P=tag)"
    r"(?:\s+LANGUAGE\s+plpgsql)?\s*;?\s*$",
    re.I,
)

# What opens or switches a PL/pgSQL block in front of a statement (after comments).
_PLPGSQL_PREFIX = re.compile(
    r"(?:\s+|--[^\n]*|/\*[\s\S]*?\*/)*"
    r"(?:(?P<word>DECLARE\b[\s\S]*?\bBEGIN|BEGIN|LOOP|EXCEPTION|ELSE)\b"
    r"|(?P<cond>(?:IF|ELSIF|ELSEIF|WHEN|WHILE|FOR)\b[\s\S]*?\b(?:THEN|LOOP)\b))?",
    re.I,
)

_PLPGSQL_END = re.compile(r"END(?:\s+(?:IF|LOOP|CASE))?(?:\s+\w+)?\s*", re.I)

_PLPGSQL_SKIPPED = re.compile(
    r"(?:EXECUTE|PERFORM|RAISE|RETURN|NULL|EXIT|CONTINUE|DECLARE|GET\s+DIAGNOSTICS)\b"
    r"|\w+\s*:=",
    re.I,
)

_BLOCK_BODY = re.compile(r"\bBEGIN\b(?!\s+TRAN)(?P<body>[\s\S]*)\bEND\s*;?\s*\Z", re.I)


class Replay:
    """The statements that change the catalog rather than define a table (see module doc)."""

    def _do_block(self, statement: Statement) -> None:
        """PostgreSQL `DO $$ ... $$`: the DDL of its body is replayed as if each IF held
        (`IF server_version_num >= 100000 THEN CREATE TABLE ...`, `IF NOT EXISTS (...) THEN
        CREATE TYPE ...`); ELSE/ELSIF branches and EXCEPTION handlers are skipped, and so is
        dynamic SQL (EXECUTE), which only the running database can spell out."""
        match = _DO_BODY.match(statement.sql)
        if match is None:
            self._skip(statement, "DO block in a language other than PL/pgSQL")
            return
        self._skip(statement, "DO block; its DDL statements are replayed as if each IF held")
        offset = statement.line - 1 + statement.sql.count("\n", 0, match.start("body"))
        branches: list[bool] = []  # per open block: True while in a branch that is skipped
        for inner in split_statements(match.group("body"), "postgres"):
            sql = inner.sql
            while (prefix := _PLPGSQL_PREFIX.match(sql)) is not None and prefix.end() > 0:
                opened = prefix.group("word") or prefix.group("cond") or ""
                word = opened.split(None, 1)[0].upper() if opened else ""
                if word in ("IF", "BEGIN", "DECLARE", "LOOP", "FOR", "WHILE"):
                    branches.append(False)
                elif word in ("ELSIF", "ELSEIF", "ELSE", "EXCEPTION", "WHEN") and branches:
                    branches[-1] = True
                sql = sql[prefix.end() :]
            if _PLPGSQL_END.fullmatch(sql):
                if branches:
                    branches.pop()
                continue
            if not sql or any(branches):
                continue
            if _PLPGSQL_SKIPPED.match(sql):
                if sql[:7].upper() == "EXECUTE":
                    line = inner.line + offset
                    self._note(f"skipped (dynamic SQL in a DO block): {_summary(sql)}", line)
                continue
            self._statement(Statement(sql, inner.line + offset))

    def _control_block(self, statement: Statement) -> None:
        """T-SQL IF/WHILE/BEGIN: import the statements of the BEGIN ... END body.

        SSMS scripts wrap each CREATE TABLE in IF NOT EXISTS (...) BEGIN ... END; the body is
        read as if the condition held.
        """
        body = _BLOCK_BODY.search(statement.sql)
        if body is None:
            single = self._controlled_statement(statement.sql)
            if single is None:
                self._skip(statement, "control flow without a BEGIN ... END body")
                return
            self._skip(statement, "control flow; its statement is imported")
            line = statement.line + statement.sql.count("\n", 0, single)
            self._statement(Statement(statement.sql[single:].strip(), line))
            return
        self._skip(statement, "control flow; its body is imported")
        offset = statement.line - 1 + statement.sql.count("\n", 0, body.start("body"))
        for inner in split_statements(body.group("body"), self.dialect):
            self._statement(Statement(inner.sql, inner.line + offset))

    def _controlled_statement(self, sql: str) -> int | None:
        """Where the one statement of `IF <condition> <statement>` starts (T-SQL's `IF
        OBJECT_ID('t') IS NOT NULL DROP TABLE t`): the first DDL word outside parentheses
        after the condition."""
        try:
            tokens = self.sqlglot.tokenize(sql)
        except TokenError:
            return None
        depth = 0
        for token in tokens[1:]:
            depth += (token.token_type in _OPEN) - (token.token_type in _CLOSE)
            if depth == 0 and token.text.upper() in ("CREATE", "ALTER", "DROP", "EXEC", "EXECUTE"):
                return token.start
        return None

    def _creation_schema(self, schema: str | None) -> str | None:
        """The schema an unqualified CREATE puts an object in: the first schema of the search
        path (None for the dialect's default schema, so its tables keep unqualified keys)."""
        if schema is not None:
            return schema
        for searched in self.search_path:
            if searched == (self.profile.default_schema or ""):
                return None
            if searched in self.schemas or not self.schemas:
                return searched
        return None

    def _register(self, draft: _TableDraft) -> None:
        self.tables[draft.key] = draft
        self.by_name.setdefault(draft.name.casefold(), []).append(draft)

    def _unregister(self, draft: _TableDraft) -> int:
        """Take a table out of the catalog; returns its position (for a RENAME)."""
        position = list(self.tables).index(draft.key)
        del self.tables[draft.key]
        self.by_name[draft.name.casefold()].remove(draft)
        return position

    def _rename(self, draft: _TableDraft, schema: str | None, name: str) -> None:
        """RENAME TO / SET SCHEMA: same table, same place in declaration order; FKs bound to
        it follow (they hold the draft, not the name)."""
        position = self._unregister(draft)
        draft.schema, draft.name = schema, name
        items = list(self.tables.items())
        items.insert(position, (draft.key, draft))
        self.tables = dict(items)
        self.by_name.setdefault(name.casefold(), []).append(draft)

    def _source_table(self, node: exp.Expression, statement: Statement, what: str):
        schema, name = self._table_name(node)
        source = self._find_table(schema, name)
        if source is None:
            label = f"{schema}.{name}" if schema else name
            self._note(f"{what} names unknown table {label}: nothing copied", statement.line)
        return source

    def _inherit(self, draft: _TableDraft, node: exp.Expression, statement: Statement) -> None:
        """INHERITS (parent): the parent's columns come first, with their types, NOT NULL,
        defaults and CHECKs (PRIMARY KEY, UNIQUE and FOREIGN KEY are not inherited); columns of
        several parents with one name merge, and so does a column the child declares again."""
        parent = self._source_table(node, statement, "INHERITS")
        if parent is None:
            return
        draft.parents.append(parent)
        for name, column in parent.columns.items():
            if self._find_column(draft, name) is None:
                draft.columns[name] = replace(column, line=statement.line)
                draft.inherited.add(name)
        for check in parent.checks:
            draft.checks.append(check)
            if id(check) in parent.check_names:
                draft.check_names[id(check)] = parent.check_names[id(check)]

    def _like(
        self, draft: _TableDraft, like: exp.LikeProperty, statement: Statement, everything=False
    ) -> None:
        """LIKE source: copy its columns (names, types, NOT NULL) where the LIKE stands, and
        what the INCLUDING options ask for, as PostgreSQL does: DEFAULTS, GENERATED, IDENTITY,
        CONSTRAINTS (CHECKs), INDEXES (PRIMARY KEY, UNIQUE, unique indexes), COMMENTS, ALL.
        MySQL's `CREATE TABLE t LIKE s` copies all of them. Foreign keys are never copied."""
        source = self._source_table(like.this, statement, "LIKE")
        if source is None:
            return
        options = set(_ALL_LIKE_OPTIONS) if everything else set()
        for option in like.expressions:
            word = str(option.args.get("value") or option.this).upper()
            chosen = _ALL_LIKE_OPTIONS if word == "ALL" else {word}
            if str(option.this).upper() == "INCLUDING":
                options |= set(chosen)
            else:
                options -= set(chosen)
        for name, column in source.columns.items():
            if self._find_column(draft, name) is not None:
                line = statement.line
                self._problem(f"column {name} is defined twice (LIKE {source.key})", line,
                              draft.key, name)  # fmt: skip
                continue
            copy = replace(column, line=statement.line)
            if "DEFAULTS" not in options and column.computed is None:
                copy.default = None
                copy.autoincrement = copy.autoincrement and "IDENTITY" in options and \
                    column.default is None  # fmt: skip
            if "IDENTITY" not in options:
                copy.identity = None
            if "GENERATED" not in options:
                copy.computed = None
            if "COMMENTS" not in options:
                copy.comment = None
            draft.columns[name] = copy
        if "CONSTRAINTS" in options:
            for check in source.checks:
                draft.checks.append(check)
        if "INDEXES" in options:
            if source.primary_key is not None and draft.primary_key is None:
                draft.primary_key = replace(source.primary_key, name=None, auto_name=None)
            draft.uniques += [replace(u, name=None, auto_name=None) for u in source.uniques]
            draft.unique_indexes += [replace(i, name=None) for i in source.unique_indexes]
            draft.indexes += [replace(i, name=None) for i in source.indexes]
            draft.exclusions += [c for c in source.exclusions if c not in draft.exclusions]

    def _merge_inherited(
        self, draft: _TableDraft, name: str, node: exp.ColumnDef, line: int
    ) -> None:
        """A column the child declares again merges with the inherited one (PostgreSQL
        requires the same type): the child's NOT NULL, DEFAULT and constraints add to it."""
        draft.inherited.discard(name)
        column = draft.columns[name]
        for constraint in node.args.get("constraints") or []:
            self._column_constraint(draft, column, constraint, line)

    def _auto_name(self, draft: _TableDraft, kind: str, columns: tuple[str, ...]) -> str | None:
        """The name the database gives an unnamed constraint, so that a later DROP
        CONSTRAINT by that name finds it (see schema.naming)."""
        taken = lambda name: self._constraint_named(draft, name)  # noqa: E731
        if self.dialect == "postgres":
            return postgres_constraint_name(draft.name, kind, columns, taken)
        if self.dialect == "mysql" and kind != "check":
            count = sum(1 for fk in draft.foreign_keys if fk.auto_name) + 1
            return mysql_constraint_name(draft.name, kind, columns, taken, count)
        return None

    def _alter_table(self, statement: Statement) -> None:
        """ALTER TABLE as the database runs it: each action in order, against the table as
        the statements before left it. Actions are split at top-level commas and read one at a
        time, so an action sqlglot cannot read costs a note, not its neighbours."""
        head = _ALTER_HEAD.match(statement.sql)
        table = self._table_from_text(head.group("table")) if head else None
        if head is None or table is None:
            name = head.group("table") if head else _summary(statement.sql, 40)
            self._skip(statement, f"ALTER TABLE of unknown table {name}")
            return
        header = f"ALTER TABLE {' '.join(head.group('table').split())} "
        previous = ""
        for offset, text in self._actions(statement.sql, head.end()):
            if not _ACTION_START.match(text) and previous:
                text = f"{previous} {text}"  # `ADD a ..., b ...`, `DROP COLUMN a, b`
            previous = _verb(text)
            line = statement.line + statement.sql.count("\n", 0, offset)
            if table.key not in self.tables:  # dropped or renamed away by an earlier action
                table = self._table_from_text(head.group("table")) or table
            padding = "\n" * (line - statement.line)
            action = Statement(f"{header}{padding}{text}", statement.line)
            self._alter_action_text(table, text, action, line)
            if not head.group("only") and self.dialect == "postgres":
                self._propagate(table, text, padding, line)

    def _propagate(self, parent: _TableDraft, text: str, padding: str, line: int) -> None:
        """Without ONLY, PostgreSQL applies a column or CHECK change to the tables that
        INHERIT from the table too: an added column (merged where the child has one), a
        dropped inherited column, a renamed column, an added CHECK, ALTER COLUMN."""
        kind = next((k for pattern, k in _INHERITED_ACTIONS if pattern.match(text)), None)
        if kind is None:
            return
        for child in [t for t in self.tables.values() if parent in t.parents]:
            if kind == "add column":
                added = _ADDED_COLUMN.match(text)
                name = self._name_text(added.group("name")) if added else ""
                if self._find_column(child, name) is not None:
                    continue  # merged with the child's own column
                before = set(child.columns)
            elif kind == "drop column":
                dropped = _DROPPED_COLUMNS.match(text)
                names = re.split(r"\s*,\s*", dropped.group("names").strip("() ")) if dropped \
                    else []  # fmt: skip
                if not all(self._name_text(n) in child.inherited for n in names):
                    continue  # the child defines it itself: it keeps it
            header = f"ALTER TABLE {_RECOVERY_TABLE} "
            self._alter_action_text(
                child, text, Statement(f"{header}{padding}{text}", line - len(padding)), line
            )
            if kind == "add column":
                child.inherited |= set(child.columns) - before
            self._propagate(child, text, padding, line)

    def _actions(self, sql: str, start: int) -> list[tuple[int, str]]:
        """(offset, text) of each comma-separated action after the ALTER TABLE header."""
        rest = sql[start:]
        prefix = f"ALTER TABLE {_RECOVERY_TABLE} "  # a leading RENAME would read as a command
        try:
            tokens = self.sqlglot.tokenize(prefix + rest)
        except TokenError:
            return [(start, rest.strip())]
        cuts, depth = [0], 0
        for token in tokens:
            depth += (token.token_type in _OPEN) - (token.token_type in _CLOSE)
            if token.token_type == TokenType.COMMA and depth == 0:
                cuts.append(token.start - len(prefix))
        cuts.append(len(rest))
        pieces = []
        for begin, end in zip(cuts, cuts[1:], strict=False):
            text = rest[begin:end].lstrip(",")
            stripped = text.strip().rstrip(";").strip()
            if stripped:
                pieces.append((start + begin + text.index(stripped[0]), stripped))
        return pieces

    def _alter_action_text(
        self, table: _TableDraft, text: str, action: Statement, line: int
    ) -> None:
        for pattern, handler in _ALTER_PATTERNS:
            match = pattern.fullmatch(text)
            if match is not None and handler(self, table, match, line) is not False:
                return
        try:
            parsed = self._parse(self._name_bare_checks(action.sql))
        except (ParseError, TokenError):
            parsed = None
        tree = parsed.tree if parsed else None
        actions = tree.args.get("actions") if isinstance(tree, exp.Alter) else None
        if parsed is None or not actions:
            self._note(f"skipped (ALTER TABLE {table.key} action not modelled): "
                       f"{_summary(text)}", line)  # fmt: skip
            return
        for node in actions:
            self._alter_action(table, node, parsed, action)

    def _act_rename_table(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        target = self._qualified(match.group("new"))
        if target is None:
            self._note(f"skipped unreadable RENAME of {table.key}", line)
            return
        schema, name = target
        self._rename(table, schema if schema is not None else table.schema, name)

    def _act_set_schema(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        schema = self._name_text(match.group("schema"))
        default = self.profile.default_schema
        self._rename(table, None if schema == default else schema, table.name)

    def _act_rename_column(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        old = self._name_text(match.group("old"))
        new = self._name_text(match.group("new"))
        self._rename_column(table, old, new, line)

    def _act_rename_constraint(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        old = self._name_text(match.group("old"))
        new = self._name_text(match.group("new"))
        if not self._rename_constraint(table, old, new):
            self._note(f"{table.key}: RENAME of unknown constraint or index {old}", line)

    def _act_drop_column(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        names = [n for n in re.split(r"\s*,\s*", match.group("names").strip("() \t\n")) if n]
        for written in names:
            name = self._find_column(table, self._name_text(written))
            if name is None:
                if not match.group("exists"):
                    self._note(f"{table.key}: DROP COLUMN of unknown column {written}", line)
                continue
            self._drop_column(table, name, line)

    def _act_drop_primary(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        if table.primary_key is None:
            self._note(f"{table.key}: DROP PRIMARY KEY, but it has none", line)
        table.primary_key = None

    def _act_drop_constraint(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        name = self._name_text(match.group("name"))
        dropped = self._drop_constraint(table, name, bool(match.group("cascade")), line)
        if not dropped and not match.group("exists"):
            self._note(f"{table.key}: DROP of a constraint DataGen does not model or "
                       f"know: {name}", line)  # fmt: skip

    def _act_modify_list(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        """Oracle `MODIFY (a NOT NULL, b DEFAULT 0, c VARCHAR2(9))`: each element alone."""
        header = f"ALTER TABLE {_RECOVERY_TABLE} MODIFY "
        body = match.group("body")
        for offset, text in self._actions(body, 0):
            column = _MODIFY_NULLABILITY.fullmatch(text)
            if column is not None:  # no type: only NULL / NOT NULL / DEFAULT change
                name = self._column_from_text(table, column.group("name"), line)
                if name is None:
                    continue
                if column.group("null"):
                    table.columns[name].nullable = not column.group("not")
                if column.group("default"):
                    expression = self._parse_quietly(f"SELECT {column.group('default')}")
                    if isinstance(expression, exp.Select) and expression.expressions:
                        self._set_default(table.columns[name], expression.expressions[0])
                continue
            sub = line + body.count("\n", 0, offset)
            if self.dialect == "oracle":  # Oracle changes only what the element states
                self._modify_in_place(table, text, sub)
            else:
                self._alter_action_text(table, f"MODIFY {text}", Statement(header + text, sub),
                                        sub)  # fmt: skip

    def _modify_in_place(self, table: _TableDraft, text: str, line: int) -> None:
        element = self._parse_probe("", text)
        node = element[0] if element else None
        if not isinstance(node, exp.ColumnDef) or element is None:
            self._note(f"skipped (ALTER TABLE {table.key} action not modelled): MODIFY "
                       f"{_summary(text)}", line)  # fmt: skip
            return
        name = self._column_from_text(table, node.this.sql(self.dialect), line)
        if name is None:
            return
        column = table.columns[name]
        if node.args.get("kind") is not None:
            column.type = self._column(node, element[1], line, table.key).type
        for constraint in node.args.get("constraints") or []:
            self._column_constraint(table, column, constraint, line)

    def _act_modify_oracle(
        self, table: _TableDraft, match: re.Match[str], line: int
    ) -> bool | None:
        """`MODIFY c VARCHAR2(9)`: Oracle's MODIFY alters a column in place; in the other
        dialects (MySQL) MODIFY redefines it, which sqlglot reads (False: not handled here)."""
        if self.dialect != "oracle":
            return False
        self._modify_in_place(table, match.group("body"), line)
        return None

    def _act_attach(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        """ATTACH PARTITION child FOR VALUES ... (how pg_dump writes partitions): the child's
        rows are the parent's, routed by the bound, so it is no table of its own any more."""
        child = self._table_from_text(match.group("child"))
        probe = self._parse_quietly(
            f"CREATE TABLE {_RECOVERY_TABLE} PARTITION OF {_RECOVERY_TABLE} {match.group('bound')}"
        )
        properties = probe.args.get("properties") if isinstance(probe, exp.Create) else None
        spec = next((p for p in (properties.expressions if properties else [])
                     if isinstance(p, exp.PartitionedOfProperty)), None)  # fmt: skip
        if child is None or spec is None:
            self._note(f"{table.key}: skipped unreadable ATTACH PARTITION", line)
            return
        self._unregister(child)
        partitioned = child.partitioned_by is not None
        table.partitions.append(_PartitionDraft(child.name, spec.expression, line, partitioned))
        table.partitions += child.partitions  # its own partitions narrow the same rows

    def _act_using_index(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        """ADD [CONSTRAINT c] PRIMARY KEY | UNIQUE USING INDEX idx: the unique index becomes
        the constraint."""
        index = self._name_text(match.group("index"))
        key = next((k for k in table.uniques if k.named(index)), None)
        if key is None:
            self._note(f"{table.key}: USING INDEX names an unknown unique index {index}", line)
            return
        name = self._name_text(match.group("name")) if match.group("name") else index
        if match.group("kind").upper().startswith("PRIMARY"):
            table.uniques.remove(key)
            self._key(table, key.columns, name, line, primary=True)
        else:
            key.name = name

    def _act_inherit(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        self._note(f"{table.key}: {' '.join(match.group().split())} (columns unchanged)", line)

    def _act_identity(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        name = self._column_from_text(table, match.group("column"), line)
        if name is not None:
            table.columns[name].autoincrement = True
            table.columns[name].nullable = False
            always = re.match(r"ALWAYS\b", match.group("how"), re.I) is not None
            table.columns[name].identity = "ALWAYS" if always else "BY DEFAULT"

    def _act_default_for(self, table: _TableDraft, match: re.Match[str], line: int) -> None:
        name = self._column_from_text(table, match.group("column"), line)
        expression = self._parse_quietly(f"SELECT {match.group('expression')}")
        if name is not None and isinstance(expression, exp.Select) and expression.expressions:
            self._set_default(table.columns[name], expression.expressions[0])

    def _column_from_text(self, table: _TableDraft, text: str, line: int) -> str | None:
        written = self._name_text(text)
        name = self._find_column(table, written)
        if name is None:
            self._problem(f"ALTER TABLE names unknown column {written}", line, table.key, written)
        return name

    def _name_text(self, text: str) -> str:
        """A name as written (`"Foo"`, `[Foo]`, `` `Foo` ``, foo) as the database stores it."""
        text = text.strip()
        for opening, closing in (('"', '"'), ("[", "]"), ("`", "`")):
            if len(text) >= 2 and text[0] == opening and text[-1] == closing:
                return text[1:-1].replace(closing * 2, closing)
        return text.lower() if self.profile.lower_unquoted else text

    def _qualified(self, text: str) -> tuple[str | None, str] | None:
        try:
            return self._table_name(exp.to_table(text.strip(), dialect=self.dialect))
        except (ParseError, TokenError):
            return None

    def _table_from_text(self, text: str) -> _TableDraft | None:
        qualified = self._qualified(text)
        return self._find_table(*qualified) if qualified else None

    def _rename_column(self, table: _TableDraft, old: str, new: str, line: int) -> None:
        """RENAME COLUMN: keys, indexes, CHECKs and partition keys of the table follow the new
        name, and so do the foreign keys of other tables that reference it."""
        name = self._find_column(table, old)
        if name is None:
            self._note(f"{table.key}: RENAME of unknown column {old}", line)
            return
        table.columns = {
            (new if key == name else key): column for key, column in table.columns.items()
        }
        table.columns[new].name = new
        if name in table.inherited:
            table.inherited = (table.inherited - {name}) | {new}

        def renamed(columns: tuple[str, ...]) -> tuple[str, ...]:
            return tuple(new if self._same(c, name) else c for c in columns)

        def rename_node(node: exp.Expression) -> exp.Expression:
            if (
                isinstance(node, exp.Column)
                and not node.table
                and self._same(self._ident(node.this), name)
            ):
                return exp.column(new, quoted=True)
            return node

        if table.primary_key is not None:
            table.primary_key.columns = renamed(table.primary_key.columns)
        for key in table.uniques:
            key.columns = renamed(key.columns)
        for index in (*table.unique_indexes, *table.indexes):
            index.columns = renamed(index.columns)
            index.include = renamed(index.include)
            index.parts = tuple(
                exp.to_identifier(new, quoted=True)
                if isinstance(part, exp.Identifier) and self._same(self._ident(part), name)
                else part.copy().transform(rename_node)
                for part in index.parts
            )
            if index.where is not None:
                index.where = index.where.copy().transform(rename_node)
        for fk in table.foreign_keys:
            fk.columns = renamed(fk.columns)
        table.checks = [self._recheck(table, check, rename_node) for check in table.checks]
        table.exclusions = list(renamed(tuple(table.exclusions)))
        if table.partitioned_by is not None:
            table.partitioned_by = table.partitioned_by.copy().transform(rename_node)
        for fk in self._references_to(table):
            if fk.ref_columns:
                fk.ref_columns = renamed(fk.ref_columns)

    def _recheck(self, table: _TableDraft, check: Check, transform) -> Check:
        """A CHECK with its tree rewritten (renamed column), keeping the name it was given."""
        rewritten = _check(check.expression.copy().transform(transform), check.name)
        if id(check) in table.check_names:
            table.check_names[id(rewritten)] = table.check_names.pop(id(check))
        return rewritten

    def _references_to(self, parent: _TableDraft) -> list[_ForeignKeyDraft]:
        """Foreign keys of any table that point at `parent` (bound, or by name)."""
        found = []
        for table in self.tables.values():
            for fk in table.foreign_keys:
                target = fk.target or self._find_table(
                    fk.ref_schema, fk.ref_name, table.schema, fk.path
                )
                if target is parent:
                    found.append(fk)
        return found

    def _drop_column(self, table: _TableDraft, name: str, line: int) -> None:
        """DROP COLUMN takes the keys, indexes, CHECKs and foreign keys over the column with
        it (PostgreSQL; CASCADE for foreign keys of other tables that reference it)."""
        del table.columns[name]
        table.inherited.discard(name)

        def uses(columns: tuple[str, ...]) -> bool:
            return any(self._same(c, name) for c in columns)

        if table.primary_key is not None and uses(table.primary_key.columns):
            table.primary_key = None
        table.uniques = [k for k in table.uniques if not uses(k.columns)]
        table.unique_indexes = [i for i in table.unique_indexes if not uses(i.columns)]
        table.indexes = [i for i in table.indexes if not uses((*i.columns, *i.include))]
        table.foreign_keys = [fk for fk in table.foreign_keys if not uses(fk.columns)]
        kept = [c for c in table.checks if not any(self._same(n, name) for n in c.columns)]
        table.checks = kept
        referencing = {id(fk) for fk in self._references_to(table)}
        table.exclusions = [c for c in table.exclusions if not self._same(c, name)]
        for other in self.tables.values():
            before = len(other.foreign_keys)
            other.foreign_keys = [
                fk for fk in other.foreign_keys
                if not (fk.ref_columns and uses(fk.ref_columns) and id(fk) in referencing)
            ]  # fmt: skip
            if len(other.foreign_keys) < before:
                self._note(f"{other.key}: foreign key to dropped column {table.key}.{name} "
                           "dropped with it", line)  # fmt: skip

    def _constraints_of(self, table: _TableDraft) -> list[tuple[str, object]]:
        """(kind, constraint) of every named-or-nameable constraint of a table."""
        found: list[tuple[str, object]] = []
        if table.primary_key is not None:
            found.append(("primary", table.primary_key))
        found += [("unique", key) for key in table.uniques]
        found += [("index", index) for index in (*table.unique_indexes, *table.indexes)]
        found += [("foreign", fk) for fk in table.foreign_keys]
        return found

    def _constraint_named(self, table: _TableDraft, name: str) -> bool:
        if any(c.named(name) for _, c in self._constraints_of(table)):  # type: ignore[attr-defined]
            return True
        return any(name in (c.name, table.check_names.get(id(c))) for c in table.checks)

    def _drop_constraint(self, table: _TableDraft, name: str, cascade: bool, line: int) -> bool:
        """DROP CONSTRAINT / FOREIGN KEY / INDEX / KEY / CHECK by name (as given, or as the
        database named it: see schema.naming). False when nothing modelled has that name."""

        def matches(constraint: _KeyDraft | _IndexDraft | _ForeignKeyDraft) -> bool:
            if constraint.named(name):
                return True
            names = (constraint.name, getattr(constraint, "auto_name", None))
            folded = name.casefold()
            return self.profile.case_insensitive and any(
                n is not None and n.casefold() == folded for n in names
            )

        if table.primary_key is not None and matches(table.primary_key):
            if cascade:
                self._drop_references(table, table.primary_key.columns, line)
            table.primary_key = None
            return True
        for key in table.uniques:
            if matches(key):
                if cascade:
                    self._drop_references(table, key.columns, line)
                table.uniques.remove(key)
                return True
        for indexes in (table.unique_indexes, table.indexes):
            for index in indexes:
                if matches(index):
                    indexes.remove(index)
                    return True
        for fk in table.foreign_keys:
            if matches(fk):
                table.foreign_keys.remove(fk)
                return True
        for check in table.checks:
            if name in (check.name, table.check_names.get(id(check))):
                table.checks.remove(check)
                table.check_names.pop(id(check), None)
                return True
        return False

    def _drop_references(self, parent: _TableDraft, columns: tuple[str, ...], line: int) -> None:
        """CASCADE: foreign keys of other tables onto a dropped key go with it."""
        wanted = {c.casefold() for c in columns}
        for fk in self._references_to(parent):
            ref = fk.ref_columns or (parent.primary_key.columns if parent.primary_key else ())
            if {c.casefold() for c in ref} == wanted:
                for table in self.tables.values():
                    if fk in table.foreign_keys:
                        table.foreign_keys.remove(fk)
                        self._note(f"{table.key}: foreign key onto {parent.key} dropped by "
                                   "CASCADE", line)  # fmt: skip

    def _rename_constraint(self, table: _TableDraft, old: str, new: str) -> bool:
        for _, constraint in self._constraints_of(table):
            if constraint.named(old):  # type: ignore[attr-defined]
                constraint.name = new  # type: ignore[attr-defined]
                if hasattr(constraint, "auto_name"):
                    constraint.auto_name = None  # type: ignore[attr-defined]
                return True
        for position, check in enumerate(table.checks):
            if old in (check.name, table.check_names.get(id(check))):
                table.check_names.pop(id(check), None)
                table.checks[position] = replace(check, name=new)
                return True
        return False

    def _drop_table(self, table: _TableDraft, line: int, why: str = "DROP TABLE") -> None:
        """The table leaves the catalog; foreign keys onto it go with it (CASCADE), and a
        later CREATE of the same name makes a new table."""
        self._unregister(table)
        for child in [t for t in self.tables.values() if table in t.parents]:
            self._note(f"{child.key} inherits from {table.key}: dropped with it (CASCADE)", line)
            self._drop_table(child, line, why)
        for other in self.tables.values():
            bound = [fk for fk in other.foreign_keys if fk.target is table]
            if bound and self.dialect == "mysql":  # FOREIGN_KEY_CHECKS=0: they keep the name
                for fk in bound:
                    fk.target, fk.ref_schema, fk.ref_name = None, table.schema, table.name
            elif bound:
                other.foreign_keys = [fk for fk in other.foreign_keys if fk not in bound]
                self._note(f"{other.key}: foreign key onto {table.key} dropped with it ({why})",
                           line)  # fmt: skip

    def _drop(self, statement: Statement) -> None:
        """DROP TABLE / INDEX / TYPE / DOMAIN / SCHEMA [IF EXISTS] name, ... [CASCADE]."""
        match = _DROP.match(statement.sql)
        if match is None:
            self._skip(statement, "DROP of an object DataGen does not model")
            return
        kind = " ".join(match.group("kind").upper().split())
        names = self._name_list(statement.sql[match.end() :])
        for schema, name in names:
            if kind == "TABLE":
                table = self._find_table(schema, name)
                if table is not None:
                    self._drop_table(table, statement.line)
                elif not match.group("exists"):
                    self._note(f"DROP TABLE of unknown table {name}", statement.line)
            elif kind == "INDEX":
                cascade = re.search(r"\bCASCADE\b", statement.sql, re.I) is not None
                self._drop_index(schema, name, cascade, statement.line)
            elif kind in ("TYPE", "DOMAIN"):
                self.user_types = [
                    t for t in self.user_types
                    if not (self._same(t[1], name) and (schema is None or t[0] == schema))
                ]  # fmt: skip
            elif kind == "SCHEMA":
                for table in [t for t in self.tables.values() if t.schema == name]:
                    self._drop_table(table, statement.line, "DROP SCHEMA")
                self.schemas.discard(name)

    def _drop_index(self, schema: str | None, name: str, cascade: bool, line: int) -> None:
        """DROP INDEX name: a unique index (or the UNIQUE it stands for) of whichever table,
        with CASCADE the foreign keys that rely on it. MySQL and T-SQL write `DROP INDEX name
        ON table`."""
        for table in list(self.tables.values()):
            if schema is not None and (table.schema or self.profile.default_schema) != schema:
                continue
            for key in table.uniques:
                if key.named(name):
                    table.uniques.remove(key)
                    if cascade:
                        self._drop_references(table, key.columns, line)
                    return
            for index in table.unique_indexes:
                if index.named(name):
                    table.unique_indexes.remove(index)
                    if cascade and index.where is None:
                        self._drop_references(table, index.columns, line)
                    return
            for index in table.indexes:
                if index.named(name):
                    table.indexes.remove(index)
                    return

    def _name_list(self, text: str) -> list[tuple[str | None, str]]:
        """`a, s.b CASCADE` -> [(None, a), (s, b)]; `idx ON t` -> [(None, idx)]."""
        text = re.split(r"\s+(?:CASCADE|RESTRICT|PURGE|ON)\b|;", text, maxsplit=1, flags=re.I)[0]
        names = []
        for part in re.findall(rf"{_QNAME}", text):
            qualified = self._qualified(part)
            if qualified is not None:
                names.append(qualified)
        return names

    def _rename_statement(self, statement: Statement) -> None:
        """MySQL `RENAME TABLE a TO b, c TO d`; PostgreSQL `ALTER INDEX a RENAME TO b`."""
        index = _ALTER_INDEX_RENAME.match(statement.sql)
        if index is not None:
            old = self._qualified(index.group("old"))
            new = self._name_text(index.group("new"))
            for table in self.tables.values():
                if old is not None and self._rename_constraint(table, old[1], new):
                    return
            self._skip(statement, "rename of an index DataGen does not model")
            return
        body = statement.sql[_RENAME_TABLE.match(statement.sql).end() :]
        for pair in re.split(r"\s*,\s*", body.strip().rstrip(";")):
            parts = re.split(r"\s+TO\s+", pair, flags=re.I)
            old = self._table_from_text(parts[0]) if len(parts) == 2 else None
            new = self._qualified(parts[1]) if len(parts) == 2 else None
            if old is None or new is None:
                self._note(f"RENAME TABLE of unknown table: {_summary(pair)}", statement.line)
                continue
            self._rename(old, new[0] if new[0] is not None else old.schema, new[1])

    def _sp_rename(self, statement: Statement) -> None:
        """T-SQL `EXEC sp_rename 'dbo.t.old', 'new', 'COLUMN'` (or a table, or an index)."""
        match = _SP_RENAME.match(statement.sql)
        if match is None:
            self._skip(statement)
            return
        kind = (match.group("kind") or "OBJECT").upper()
        old, new = match.group("old"), self._name_text(match.group("new"))
        parts = old.rsplit(".", 1)
        if kind == "COLUMN" and len(parts) == 2 and (table := self._table_from_text(parts[0])):
            self._rename_column(table, self._name_text(parts[1]), new, statement.line)
        elif kind == "INDEX" and len(parts) == 2 and (table := self._table_from_text(parts[0])):
            if not self._rename_constraint(table, self._name_text(parts[1]), new):
                self._skip(statement, "rename of an index DataGen does not model")
        elif kind == "OBJECT" and (table := self._table_from_text(old)) is not None:
            self._rename(table, table.schema, new)
        elif kind == "OBJECT":
            for candidate in self.tables.values():
                if self._rename_constraint(candidate, self._name_text(parts[-1]), new):
                    return
            self._skip(statement, "rename of an object DataGen does not model")
        else:
            self._skip(statement, "sp_rename of an unknown table or column")

    def _set_path(self, statement: Statement) -> None:
        """SET search_path = a, b / SET SCHEMA 'a' / set_config('search_path', 'a, b', ...):
        later unqualified names are looked up, and created, there."""
        match = _SET_PATH.match(statement.sql) or _SET_CONFIG_PATH.search(statement.sql)
        text = match.group("path") if match else ""
        if re.fullmatch(r"\s*DEFAULT\s*;?\s*", text, re.I):
            self.search_path = ()
            return
        path = []
        for part in re.findall(r"\"(?:[^\"]|\"\")*\"|'[^']*'|[^\s,;']+", text):
            name = part.strip("'")
            for inner in re.split(r"\s*,\s*", name) if part.startswith("'") else [name]:
                cleaned = self._name_text(inner) if inner else ""
                if cleaned and not cleaned.startswith("$") and cleaned not in _SYSTEM_SCHEMAS:
                    path.append(cleaned)
        self.search_path = tuple(path)

    def _use(self, statement: Statement) -> None:
        self._note(f"{_summary(statement.sql)}: tables stay unqualified", statement.line)

    def _create_schema(self, statement: Statement) -> None:
        """CREATE SCHEMA name [AUTHORIZATION role] [element ...]: the embedded CREATE TABLE,
        VIEW, INDEX ... statements run with the new schema first in the search path."""
        match = _CREATE_SCHEMA.match(statement.sql)
        if match is None:
            self._skip(statement, "unreadable CREATE SCHEMA")
            return
        name = self._name_text(match.group("name") or match.group("role") or "")
        self.schemas.add(name)
        rest = statement.sql[match.end() :]
        elements = self._schema_elements(rest)
        if not elements:
            return
        saved = self.search_path
        self.search_path = (name, *saved)
        offset = statement.line - 1 + statement.sql.count("\n", 0, match.end())
        try:
            for start, text in elements:
                line = offset + rest.count("\n", 0, start) + 1
                self._statement(Statement(text, line))
        finally:
            self.search_path = saved

    def _schema_elements(self, rest: str) -> list[tuple[int, str]]:
        """Offsets and text of the statements embedded in CREATE SCHEMA (each starts with
        CREATE or GRANT at the top level)."""
        try:
            tokens = self.sqlglot.tokenize(rest)
        except TokenError:
            return []
        starts, depth = [], 0
        for token in tokens:
            depth += (token.token_type in _OPEN) - (token.token_type in _CLOSE)
            if depth == 0 and token.text.upper() in ("CREATE", "GRANT"):
                starts.append(token.start)
        bounds = zip(starts, [*starts[1:], len(rest)], strict=False)
        return [(a, rest[a:b].strip().rstrip(";")) for a, b in bounds]


_N, _Q = _NAME, _QNAME
# ALTER TABLE actions read by pattern (each matched against one whole action), in order.
_ALTER_PATTERNS: tuple[tuple[re.Pattern[str], Callable], ...] = tuple(
    (re.compile(pattern, re.I | re.S), handler)
    for pattern, handler in (
        (rf"RENAME\s+(?:TO|AS)\s+(?P<new>{_Q})", Replay._act_rename_table),
        (rf"RENAME\s+(?:CONSTRAINT|INDEX|KEY)\s+(?P<old>{_N})\s+TO\s+(?P<new>{_N})",
         Replay._act_rename_constraint),
        (rf"RENAME\s+(?:COLUMN\s+)?(?P<old>{_N})\s+(?:TO|AS)\s+(?P<new>{_N})",
         Replay._act_rename_column),
        (rf"SET\s+SCHEMA\s+(?P<schema>{_N})", Replay._act_set_schema),
        (r"DROP\s+PRIMARY\s+KEY(?:\s+(?:CASCADE|RESTRICT))?", Replay._act_drop_primary),
        (rf"DROP\s+(?:CONSTRAINT|FOREIGN\s+KEY|INDEX|KEY|CHECK)\s+(?P<exists>IF\s+EXISTS\s+)?"
         rf"(?P<name>{_N})(?:\s+(?P<cascade>CASCADE)|\s+RESTRICT)?",
         Replay._act_drop_constraint),
        (rf"DROP\s+(?:COLUMN\s+)?(?P<exists>IF\s+EXISTS\s+)?(?P<names>{_N}|\([^()]*\))"
         r"(?:\s+(?P<cascade>CASCADE)|\s+RESTRICT)?", Replay._act_drop_column),
        (rf"(?:NO\s+)?INHERIT\s+{_Q}", Replay._act_inherit),
        (rf"ATTACH\s+PARTITION\s+(?P<child>{_Q})\s+(?P<bound>FOR\s+VALUES\b.*|DEFAULT)",
         Replay._act_attach),
        (rf"ADD\s+(?:CONSTRAINT\s+(?P<name>{_N})\s+)?(?P<kind>PRIMARY\s+KEY|UNIQUE)\s+USING\s+"
         rf"INDEX\s+(?P<index>{_N}).*", Replay._act_using_index),
        (r"MODIFY\s*\((?P<body>.*)\)", Replay._act_modify_list),
        (rf"MODIFY\s+(?:COLUMN\s+)?(?P<body>{_N}\s+(?:NOT\s+)?NULL\b.*|{_N}\s+DEFAULT\s+.+)",
         Replay._act_modify_list),
        (r"MODIFY\s+(?P<body>.*)", Replay._act_modify_oracle),
        (rf"ALTER\s+(?:COLUMN\s+)?(?P<column>{_N})\s+ADD\s+GENERATED\s+(?P<how>ALWAYS|BY\s+DEFAULT)"
         r"\s+AS\s+IDENTITY\b.*", Replay._act_identity),
        (rf"ADD\s+(?:CONSTRAINT\s+{_N}\s+)?DEFAULT\s+(?P<expression>.+?)\s+FOR\s+(?P<column>{_N})",
         Replay._act_default_for),
    )
)  # fmt: skip

# Statements that change the catalog rather than define a table: leading keywords -> handler.
REPLAY_HANDLERS: tuple[tuple[re.Pattern[str], Callable[[Any, Statement], None]], ...] = (
    (_DROP, Replay._drop),
    (_RENAME_TABLE, Replay._rename_statement),
    (_ALTER_INDEX_RENAME, Replay._rename_statement),
    (_SET_PATH, Replay._set_path),
    (_SET_CONFIG_PATH, Replay._set_path),
    (_CREATE_SCHEMA, Replay._create_schema),
    (_USE, Replay._use),
    (_SP_RENAME, Replay._sp_rename),
)
