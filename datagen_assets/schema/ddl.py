"""Import a SQL DDL script (PostgreSQL, MySQL, SQLite, T-SQL, Oracle, ...) into the schema model.

Real DDL files are whole scripts: dumps with SET lines and functions, migrations, client
commands, batch separators, views and grants around the tables. So the importer runs the script
the way the database would, statement by statement:

1. `schema.statements` splits the script as the dialect's client does (quoting, comments,
   dollar quotes, `GO`/`/` batches, MySQL `DELIMITER`), without sqlglot's parser, so a
   statement sqlglot cannot read never takes its neighbours down with it;
2. each statement is classified by its leading keywords: those that define tables (CREATE
   TABLE, CREATE UNIQUE INDEX, COMMENT ON, CREATE TYPE/DOMAIN) are parsed here, those that
   change the catalog (ALTER, DROP, RENAME, search_path, CREATE SCHEMA, DO blocks) are replayed
   by `schema.replay`; everything else becomes a `Note` with its file and line;
3. the drafts (`schema.drafts`) are resolved and validated at the end, raising one
   `SchemaError` with every problem so a user fixes the file in one pass. A problem is an
   error only when data valid for the real database could not be produced without resolving
   it; what DataGen does not model is a note.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import sqlglot
import sqlglot.expressions as exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from datagen_assets.schema.check_rules import class_like_to_regex
from datagen_assets.schema.drafts import (
    _CLOSE,
    _NAME,
    _OPEN,
    _RECOVERY_TABLE,
    _check,
    _ColumnDraft,
    _ForeignKeyDraft,
    _IndexDraft,
    _KeyDraft,
    _PartitionDraft,
    _summary,
    _TableDraft,
    _unparen,
)
from datagen_assets.schema.model import (
    DEFAULT_DIALECT,
    Check,
    Column,
    ColumnType,
    ForeignKey,
    Index,
    Note,
    Problem,
    Schema,
    SchemaError,
    Table,
    TypeKind,
    UniqueIndex,
)
from datagen_assets.schema.replay import _DO, REPLAY_HANDLERS, Replay
from datagen_assets.schema.statements import (
    _GENERIC_PROFILE,
    _IGNORED_PHRASES,
    _PROFILES,
    Statement,
    _phrase_end,
    canonical_dialect,
    dialect_from_path,
    split_statements,
)
from datagen_assets.schema.triggers import (
    CREATE_TRIGGER,
    InsertTrigger,
    TriggerInsert,
    function_name,
    inserts_of,
    read_trigger,
)
from datagen_assets.schema.types import UserType, map_type

_T = TypeVar("_T")


# ---------------------------------------------------------------------------------------------
# Parsing helpers.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Parsed:
    """A parsed statement with its tokens, to read back source text (types as written)."""

    tree: exp.Expression | None
    sql: str
    tokens: list[Token]
    starts: list[int]

    def written_type(self, name: exp.Expression) -> str | None:
        """The declared type of the column named by `name`, exactly as written."""
        end = name.meta.get("end") if isinstance(name, exp.Identifier) else None
        if end is None:
            return None
        first = last = None
        for token in _type_tokens(self.tokens, bisect.bisect_right(self.starts, end)):
            first, last = first or token, token
        if first is None or last is None:
            return ""
        text = self.sql[first.start : last.end + 1]
        return " ".join(text.split()) if "\n" in text else text


# Words that end a column's type and start its constraints.
_TYPE_STOP_WORDS = frozenset(
    {
        "NOT", "NULL", "DEFAULT", "CONSTRAINT", "PRIMARY", "PRIMARY KEY", "UNIQUE", "CHECK",
        "REFERENCES", "FOREIGN KEY", "GENERATED", "IDENTITY", "AUTO_INCREMENT", "AUTOINCREMENT",
        "COLLATE", "COMMENT", "ON", "AS", "CHARSET", "KEY", "INVISIBLE", "VISIBLE", "SPARSE",
        "ROWGUIDCOL", "MASKED", "ENCRYPTED", "FILESTREAM", "STORAGE", "COMPRESSION", "ENABLE",
        "DISABLE", "UNIQUE KEY",
    }
)  # fmt: skip
# Words that start a table-level element rather than a column definition.
_CONSTRAINT_STARTS = frozenset(
    {"CONSTRAINT", "PRIMARY KEY", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN KEY", "FOREIGN", "KEY",
     "INDEX", "EXCLUDE", "PERIOD"}
)  # fmt: skip


def _set_action_columns(tokens: list[Token], index: int) -> tuple[int, int] | None:
    """The span of the column list of a referential action `ON DELETE SET NULL (a, b)` /
    `SET DEFAULT (a)` (PostgreSQL 15) when `tokens[index]` opens it: which columns a delete
    clears changes no row DataGen writes, and sqlglot reads the action without it."""
    if index < 3 or tokens[index].token_type != TokenType.L_PAREN:
        return None
    words = [t.text.upper() for t in tokens[index - 3 : index]]
    if words[1:] not in (["SET", "NULL"], ["SET", "DEFAULT"]) or words[0] not in (
        "DELETE",
        "UPDATE",
    ):
        return None
    depth = 0
    for position in range(index, len(tokens)):
        depth += (tokens[position].token_type in _OPEN) - (tokens[position].token_type in _CLOSE)
        if depth == 0:
            return tokens[index].start, tokens[position].end + 1
    return None


def _ends_element(tokens: list[Token], index: int, profile) -> bool:
    """Whether the word at `index` is followed only by more such words, then `,`, `)`, `;`
    or the end: the trailing state of a constraint, not a name in an expression."""
    for token in tokens[index + 1 :]:
        if token.text.upper() in profile.trailing_words:
            continue
        return token.token_type in (TokenType.COMMA, TokenType.R_PAREN, TokenType.SEMICOLON)
    return True


def _type_tokens(tokens: list[Token], index: int) -> Iterator[Token]:
    """The tokens of a column type starting at `index`, up to its first constraint."""
    depth = 0
    for position in range(index, len(tokens)):
        token = tokens[position]
        if token.token_type in _CLOSE and depth == 0:
            return
        if depth == 0 and _ends_type(token, tokens, position):
            return
        depth += (token.token_type in _OPEN) - (token.token_type in _CLOSE)
        yield token


def _ends_type(token: Token, tokens: list[Token], position: int) -> bool:
    if token.token_type == TokenType.COMMA:
        return True
    if token.token_type in (TokenType.IDENTIFIER, TokenType.STRING):
        return False
    word = " ".join(token.text.upper().split())
    if word == "CHARACTER" and position + 1 < len(tokens):
        return tokens[position + 1].text.upper() == "SET"
    return word in _TYPE_STOP_WORDS


def _build_type(written: str) -> exp.DataType | None:
    """A type the dialect's grammar rejected (MySQL POINT), read with PostgreSQL's grammar.

    Read as a CAST target so that trailing junk (a misspelt constraint) is an error. An
    array of such a type (`oid[]`, `regclass[][]`) is an array of the element read so.
    """
    element = _ARRAY_SUFFIX.sub("", written)
    if element != written and element.strip():
        inner = _build_type(element)
        if inner is None:
            return None
        return exp.DataType(this=exp.DataType.Type.ARRAY, expressions=[inner], nested=True)
    try:
        tree = sqlglot.parse_one(f"SELECT CAST(NULL AS {written})", read=DEFAULT_DIALECT)
    except (ParseError, TokenError):
        return _named_type(written)
    cast = tree.expressions[0] if isinstance(tree, exp.Select) and tree.expressions else None
    to = cast.args.get("to") if isinstance(cast, exp.Cast) else None
    return to if isinstance(to, exp.DataType) else _named_type(written)


# Where the storage options of a key's index begin (Oracle USING INDEX ... TABLESPACE,
# T-SQL WITH (FILLFACTOR = 90) ON [PRIMARY]): they say nothing about the data.
_INDEX_OPTIONS = re.compile(r"\s+(?:USING\s+INDEX\b|TABLESPACE\b|WITH\s*\(|ON\s+\[)", re.I)
# Built-in types written with their schema (pg_dump: `pg_catalog.xml`, T-SQL `sys.sysname`).
_SYSTEM_TYPE_SCHEMA = re.compile(r'^\s*(?:"?pg_catalog"?|\[?sys\]?)\s*\.\s*', re.I)
_ARRAY_SUFFIX = re.compile(r"(?:\s*\[\s*\d*\s*\])+\s*$|\s+ARRAY\s*$", re.I)


_NAMED_TYPE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*(?:\s+[A-Za-z_][A-Za-z0-9_]*)*)\s*"
                         r"(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*")  # fmt: skip


_NAMED_WITH_OPTIONS = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*\([^()]*\)\s*")


def _named_type(written: str) -> exp.DataType | None:
    """A plain `name [name ...] [(n[, m])]` no grammar reads (PostgreSQL `BIT VARYING(16)`),
    as a named type for `map_type`'s name tables; anything else stays unreadable."""
    match = _NAMED_TYPE.fullmatch(re.sub(r"[\[\]`\"]", "", written))
    if match is None:  # `xml(CONTENT schema_collection)`: the name, without its parameters
        match = _NAMED_WITH_OPTIONS.fullmatch(re.sub(r"[\[\]`\"]", "", written))
        if match is None:
            return None
        return exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=match.group(1).upper())
    params = [exp.DataTypeParam(this=exp.Literal.number(n)) for n in match.groups()[1:] if n]
    return exp.DataType(this=exp.DataType.Type.USERDEFINED, kind=match.group(1).upper(),
                        expressions=params)  # fmt: skip


def _is_sequence_default(expression: exp.Expression) -> bool:
    """nextval('s'), NEXT VALUE FOR s, s.NEXTVAL: the column takes numbers from a sequence."""
    for node in expression.walk():
        if isinstance(node, exp.NextValueFor):
            return True
        if isinstance(node, exp.Anonymous) and str(node.this).lower() == "nextval":
            return True
        if isinstance(node, exp.Column) and node.table and node.name.upper() == "NEXTVAL":
            return True
    return False


_CREATE_TABLE = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?"
    r"TABLE\b",
    re.I,
)

_ALTER_TABLE = re.compile(r"ALTER\s+TABLE\b", re.I)

_UNIQUE_INDEX = re.compile(r"CREATE\s+UNIQUE\s+(?:(?:CLUSTERED|NONCLUSTERED)\s+)?INDEX\b", re.I)

_INDEX = re.compile(r"CREATE\s+(?:(?:CLUSTERED|NONCLUSTERED)\s+)?INDEX\b", re.I)

_COMMENT_ON = re.compile(r"COMMENT\s+ON\b", re.I)

_CREATE_TYPE = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?TYPE\b", re.I)

_CREATE_DOMAIN = re.compile(r"CREATE\s+DOMAIN\b", re.I)

_DOMAIN = re.compile(rf"CREATE\s+DOMAIN\s+(?P<name>{_NAME}(?:\s*\.\s*{_NAME})?)\s+(?:AS\s+)?", re.I)

# T-SQL alias types: `CREATE TYPE name FROM base [NULL | NOT NULL]`, and the older
# `EXEC sp_addtype name, 'base' [, 'NULL' | 'NOT NULL' | 'NONULL' [, owner]]` (Sybase too).
_ALIAS_TYPE = re.compile(rf"CREATE\s+TYPE\s+(?P<name>{_NAME}(?:\s*\.\s*{_NAME})?)\s+FROM\s+",
                         re.I)  # fmt: skip
_SP_ADDTYPE = re.compile(r"EXEC(?:UTE)?\s+(?:\S+\.)?sp_addtype\b\s*(?P<args>.*)", re.I | re.S)
_PROC_ARGUMENT = re.compile(
    r"\s*(?:@\w+\s*=\s*)?(N?'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|[^,]*?)\s*(?:,|;?\s*$)"
)

_UNNAMED = "_datagen_unnamed"
# Constraints that may follow a column's bare UNIQUE (see `_name_bare_uniques`).
_AFTER_BARE_UNIQUE = frozenset(
    {"CHECK", "REFERENCES", "DEFAULT", "NOT", "NULL", "CONSTRAINT", "PRIMARY", "FOREIGN",
     "IDENTITY", "COLLATE", "WITH"}
)  # fmt: skip
# Tables the engine owns, which a dump may list (sqlite3 .dump writes sqlite_sequence).
_INTERNAL_TABLES = {"sqlite": re.compile(r"sqlite_", re.I)}
_OR_REPLACE = r"(?:CREATE\s+(?:OR\s+(?:REPLACE|ALTER)\s+)?|DROP\s+|ALTER\s+|REFRESH\s+)"
# What a statement DataGen does not model is, for its note: leading keywords -> kind.
_SKIPPED: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), kind)
    for pattern, kind in (
        (rf"{_OR_REPLACE}(?:(?:NON)?EDITIONABLE\s+|FORCE\s+|ALGORITHM\s*=\s*\w+\s+"
         r"|DEFINER\s*=\s*\S+\s+|SQL\s+SECURITY\s+\w+\s+|TEMP(?:ORARY)?\s+|RECURSIVE\s+)*"
         r"(?:MATERIALIZED\s+)?VIEW\b", "a view: DataGen makes rows for tables"),
        (rf"{_OR_REPLACE}(?:(?:NON)?EDITIONABLE\s+|DEFINER\s*=\s*\S+\s+)*"
         r"(?:FUNCTION|PROCEDURE|PROC|PACKAGE(?:\s+BODY)?|AGGREGATE|OPERATOR|CAST)\b",
         "a routine"),
        (rf"{_OR_REPLACE}(?:DEFINER\s*=\s*\S+\s+)?(?:CONSTRAINT\s+|EVENT\s+)?TRIGGER\b",
         "a trigger: generated rows do not go through it; a table it fills has a note"),
        (rf"{_OR_REPLACE}RULE\b", "a rule"),
        (r"(?:CREATE|DROP|ALTER)\s+(?:DATABASE|SCHEMA)\b", "a database statement: DataGen "
         "loads into the database you name"),
        (r"CREATE\s+VIRTUAL\s+TABLE\b", "a virtual table: its module makes its rows"),
        (r"CREATE\s+(?:(?:CLUSTERED|NONCLUSTERED|BITMAP|FULLTEXT|SPATIAL)\s+)?INDEX\b",
         "an index that constrains no value"),
        (r"(?:CREATE|ALTER|DROP)\s+SEQUENCE\b", "a sequence: key columns count on their own"),
        (r"(?:CREATE|ALTER|DROP)\s+(?:EXTENSION|POLICY|PUBLICATION|SUBSCRIPTION|STATISTICS"
         r"|COLLATION|TEXT\s+SEARCH|SERVER|FOREIGN|EVENT)\b", "an object without rows"),
        (r"(?:INSERT|UPDATE|DELETE|MERGE|COPY|TRUNCATE|CALL|SELECT|WITH|REPLACE\s+INTO)\b",
         "a data statement: DataGen writes its own rows"),
        (r"(?:GRANT|REVOKE|DENY)\b|ALTER\s+DEFAULT\s+PRIVILEGES|(?:CREATE|ALTER|DROP)\s+"
         r"(?:ROLE|USER|LOGIN|GROUP)\b|(?:ALTER|SET)\s+.*\bOWNER\b", "privileges"),
        (r"(?:SET|RESET|PRAGMA|BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION|SAVEPOINT|RELEASE"
         r"|END|LOCK|UNLOCK|ANALYZE|VACUUM|CHECKPOINT|PRINT|DECLARE|EXEC(?:UTE)?|FLUSH|PREPARE"
         r"|DEALLOCATE|\\)",
         "a session or transaction statement"),
    )
)  # fmt: skip


class _Importer(Replay):
    """Applies the statements of one script to drafts, collecting notes and problems."""

    def __init__(self, dialect: str, source: str | None):
        self.dialect = dialect
        self.source = source
        self.profile = _PROFILES.get(dialect, _GENERIC_PROFILE)
        self.sqlglot = Dialect.get_or_raise(dialect)
        self.tables: dict[str, _TableDraft] = {}
        self.by_name: dict[str, list[_TableDraft]] = {}
        self.user_types: list[tuple[str | None, str, UserType]] = []
        self.notes: list[Note] = []
        self.problems: list[Problem] = []
        # Columns recovered with a placeholder type: ColumnDef node id -> the type as written.
        self.placeholder_types: dict[int, str] = {}
        # PostgreSQL's search_path (SET search_path, CREATE SCHEMA elements): where an
        # unqualified name is looked up, its first schema where an unqualified CREATE goes.
        # Empty: the dialect's default schema, written as no schema at all.
        self.search_path: tuple[str, ...] = ()
        self.schemas: set[str] = set()
        # CREATE FUNCTION texts by folded name (PostgreSQL trigger functions), and the INSERT
        # triggers read so far with their lines (see `_trigger_fills`)
        self.functions: dict[str, str] = {}
        self.insert_triggers: list[tuple[InsertTrigger, int]] = []

    # -- entry points ------------------------------------------------------------------------

    def run(self, text: str) -> Schema:
        for statement in split_statements(text, self.dialect):
            self._statement(statement)
        return self._finish()

    def _statement(self, statement: Statement) -> None:
        control = self.profile.control_start
        if control and control.match(statement.sql):
            self._control_block(statement)
            return
        if self.dialect == "postgres" and _DO.match(statement.sql):
            self._do_block(statement)
            return
        for pattern, handler in _HANDLERS:
            if pattern.match(statement.sql):
                handler(self, statement)
                return
        self._skip(statement)

    # -- reporting ---------------------------------------------------------------------------

    def _note(self, message: str, line: int | None) -> None:
        self.notes.append(Note(message, self.source, line))

    def _skip(self, statement: Statement, why: str | None = None) -> None:
        name = function_name(statement.sql)
        if name is not None:
            self.functions[self._name_text(name.rsplit(".", 1)[-1]).casefold()] = statement.sql
        if why is None:
            why = next((kind for pattern, kind in _SKIPPED if pattern.match(statement.sql)),
                       "not a table definition")  # fmt: skip
        self._note(f"skipped ({why}): {_summary(statement.sql)}", statement.line)

    def _problem(
        self, message: str, line: int | None, table: str | None = None, column: str | None = None
    ) -> None:
        self.problems.append(Problem(message, self.source, line, table, column))

    # -- names -------------------------------------------------------------------------------

    def _ident(self, identifier: exp.Expression | str | None) -> str:
        """A name as the target database stores it (PostgreSQL folds unquoted to lower)."""
        if identifier is None:
            return ""
        if isinstance(identifier, str):
            return identifier
        if isinstance(identifier, exp.Identifier):
            quoted = identifier.args.get("quoted")
            name = identifier.this
            return name.lower() if self.profile.lower_unquoted and not quoted else name
        return self._ident(identifier.this) if isinstance(identifier, exp.Column) else ""

    def _table_name(self, table: exp.Expression) -> tuple[str | None, str]:
        if isinstance(table, exp.Schema):
            table = table.this
        db = table.args.get("db")
        return (self._ident(db) or None, self._ident(table.this))

    def _same(self, left: str, right: str) -> bool:
        if left == right:
            return True
        return self.profile.case_insensitive and left.casefold() == right.casefold()

    def _pick(
        self,
        items: list[tuple[str | None, str, _T]],
        schema: str | None,
        name: str,
        context: str | None = None,
    ) -> _T | None:
        """Resolve a possibly unqualified name the way the database would.

        `items` are (schema, name, value). An unqualified name means the context schema (the
        referencing table's), else the dialect default, else any schema if only one matches.
        """
        default = self.profile.default_schema or ""
        wanted = schema or context or default
        exact_first = [lambda a, b: a == b, self._same]
        for same in exact_first if self.profile.case_insensitive else exact_first[:1]:
            named = [item for item in items if same(item[1], name)]
            picked = [item for item in named if same(item[0] or default, wanted)]
            if len(picked) == 1:
                return picked[0][2]
            if schema is None and len(named) == 1:
                return named[0][2]
        return None

    def _find_table(
        self,
        schema: str | None,
        name: str,
        context: str | None = None,
        path: tuple[str, ...] | None = None,
    ) -> _TableDraft | None:
        """A table by possibly qualified name: an unqualified one along the search path
        (`path`, else the current one) first, as PostgreSQL resolves it, then by `_pick`'s
        rules for scripts that set no path."""
        candidates = self.by_name.get(name.casefold(), [])
        items = [(table.schema, table.name, table) for table in candidates]
        if schema is None:
            for searched in self.search_path if path is None else path:
                found = self._pick(items, searched, name)
                if found is not None:
                    return found
        return self._pick(items, schema, name, context)

    def _find_column(self, table: _TableDraft, name: str) -> str | None:
        if name in table.columns:
            return name
        matches = [column for column in table.columns if self._same(column, name)]
        return matches[0] if len(matches) == 1 else None

    def _user_type(self, declared: exp.DataType) -> UserType | None:
        kind = declared.args.get("kind")
        if isinstance(kind, exp.Dot):
            schema, name = self._ident(kind.this) or None, self._ident(kind.expression)
        else:
            schema, name = None, self._ident(kind)
        return self._pick(self.user_types, schema, name) if name else None

    # -- parsing -----------------------------------------------------------------------------

    def _parse(self, sql: str) -> _Parsed:
        """Tokenize and parse one statement; raises ParseError/TokenError."""
        tokens = self.sqlglot.tokenize(sql)
        sql, tokens = self._blank_ignored(sql, tokens)
        if self.profile.bare_unique_takes_name:
            sql, tokens = self._name_bare_uniques(sql, tokens)
        trees = self.sqlglot.parser().parse(tokens, sql)
        tree = next((tree for tree in trees if tree is not None), None)
        if tree is not None and self.profile.like_classes:
            tree = tree.transform(_class_like, copy=False)
        return _Parsed(tree, sql, tokens, [token.start for token in tokens])

    def _blank_ignored(self, sql: str, tokens: list[Token]) -> tuple[str, list[Token]]:
        """Replace vendor words and phrases that change storage, not data (CLUSTERED,
        ROWGUIDCOL, Oracle's ENABLE and identity CACHE 20, SQLite's ON CONFLICT REPLACE,
        NOT DEFERRABLE) by spaces: same offsets and lines, a grammar sqlglot reads. Words that
        could also name a column are blanked only where they cannot: constraint states where
        an element ends, sequence options after IDENTITY in the same element."""
        profile = self.profile
        phrases = (*profile.ignored_phrases, *_IGNORED_PHRASES)
        cuts, identity_depth, depth = [], None, 0
        for index, token in enumerate(tokens):
            kind, word = token.token_type, token.text.upper()
            depth += (kind in _OPEN) - (kind in _CLOSE)
            if identity_depth is not None and (
                depth < identity_depth or (kind == TokenType.COMMA and depth == identity_depth)
            ):
                identity_depth = None
            if kind in (TokenType.STRING, TokenType.IDENTIFIER):
                continue
            if word == "IDENTITY":
                identity_depth = depth
            if word in profile.ignored_words or (
                word in profile.trailing_words and _ends_element(tokens, index, profile)
            ):
                cuts.append((token.start, token.end + 1))
                continue
            columns = _set_action_columns(tokens, index)
            if columns is not None:
                cuts.append(columns)
                continue
            options = profile.identity_options if identity_depth is not None else ()
            for phrase in (*phrases, *options):
                end = _phrase_end(tokens, index, phrase)
                if end is not None:
                    cuts.append((token.start, tokens[end].end + 1))
                    break
        if not cuts:
            return sql, tokens
        chars = list(sql)
        for start, stop in cuts:
            chars[start:stop] = " " * (stop - start)
        blanked = "".join(chars)
        return blanked, self.sqlglot.tokenize(blanked)

    def _name_bare_uniques(self, sql: str, tokens: list[Token]) -> tuple[str, list[Token]]:
        """T-SQL's grammar in sqlglot reads the word after a column's `UNIQUE` as the index
        name, so `c char(9) UNIQUE CHECK (...)` failed to parse: a placeholder name goes
        there (same line; the name of a column-level UNIQUE is not used)."""
        cuts = [
            token.end + 1
            for token, after in zip(tokens, tokens[1:], strict=False)
            if token.text.upper() == "UNIQUE" and after.text.upper() in _AFTER_BARE_UNIQUE
        ]
        if not cuts:
            return sql, tokens
        for cut in reversed(cuts):
            sql = f"{sql[:cut]} {_UNNAMED}{sql[cut:]}"
        return sql, self.sqlglot.tokenize(sql)

    def _line(self, node: exp.Expression | None, statement: Statement) -> int:
        """The file line of a node: its first identifier's line within the statement."""
        if node is not None:
            for identifier in node.find_all(exp.Identifier):
                line = identifier.meta.get("line")
                if line:
                    return statement.line + line - 1
        return statement.line

    # -- CREATE TABLE ------------------------------------------------------------------------

    def _create_table(self, statement: Statement) -> None:
        try:
            parsed = self._parse(statement.sql)
        except (ParseError, TokenError):
            parsed = None
        tree = parsed.tree if parsed else None
        if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema):
            self._define_table(statement, tree, [(node, parsed) for node in tree.this.expressions])
        elif isinstance(tree, exp.Create) and isinstance(tree.this, exp.Table):
            properties = tree.args.get("properties")
            if properties and any(isinstance(p, exp.LikeProperty) for p in properties.expressions):
                self._define_table(statement, tree, [])  # MySQL: CREATE TABLE t LIKE source
            elif tree.expression is None and tree.args.get("properties") is None:
                self._problem("CREATE TABLE without columns", statement.line, tree.this.name)
            elif not self._partition_of(statement, tree):  # AS SELECT, LIKE: no columns here
                self._skip(statement, "CREATE TABLE without a column list")
        else:
            self._recover_table(statement)

    def _partition_of(self, statement: Statement, create: exp.Create) -> bool:
        """Record a partition on its parent (declared earlier in the script, as PostgreSQL
        requires); its rows are the parent's, so it is no table of its own."""
        properties = create.args.get("properties")
        spec = next(
            (p for p in (properties.expressions if properties else [])
             if isinstance(p, exp.PartitionedOfProperty)),
            None,
        )  # fmt: skip
        if spec is None:
            return False
        schema, name = self._table_name(spec.this)
        parent = self._find_table(schema, name)
        child = self._table_name(create.this)[1]
        if parent is None:
            self._note(f"partition {child} of unknown table {name}: skipped", statement.line)
            return True
        partitioned = any(isinstance(p, exp.PartitionedByProperty) for p in properties.expressions)
        parent.partitions.append(_PartitionDraft(child, spec.expression, statement.line,
                                                 partitioned))  # fmt: skip
        return True

    def _define_table(
        self,
        statement: Statement,
        create: exp.Create,
        elements: list[tuple[exp.Expression, _Parsed]],
    ) -> None:
        schema, name = self._table_name(create.this)
        schema = self._creation_schema(schema)
        internal = _INTERNAL_TABLES.get(self.dialect)
        if internal is not None and internal.match(name):
            self._skip(statement, "a table the database keeps itself")
            return
        draft = _TableDraft(name, schema, statement.line)
        existing = self._find_exact(schema, name)
        if existing is not None:
            if create.args.get("exists"):
                self._note(f"table {existing.key} already exists; IF NOT EXISTS", statement.line)
                return
            if not create.args.get("replace"):
                message = f"table {draft.key} is defined twice (first at line {existing.line})"
                self._problem(message, statement.line, draft.key)
                return
            self._drop_table(existing, statement.line, "CREATE OR REPLACE")
        properties = create.args.get("properties")
        props = properties.expressions if properties else []
        for prop in props:
            if isinstance(prop, exp.InheritsProperty):
                for parent in prop.expressions:
                    self._inherit(draft, parent, statement)
        for node, parsed in elements:
            self._table_element(draft, node, parsed, statement)
        for prop in props:
            if isinstance(prop, exp.LikeProperty):  # MySQL: CREATE TABLE t LIKE parent
                self._like(draft, prop, statement, everything=True)
        draft.comment = self._table_comment(create)
        draft.partitioned_by = next(
            (p.this for p in props if isinstance(p, exp.PartitionedByProperty)), None
        )
        self._register(draft)

    def _find_exact(self, schema: str | None, name: str) -> _TableDraft | None:
        """The table a CREATE of `schema.name` clashes with: same name in the same schema
        (no schema and the dialect's default schema are one)."""
        default = self.profile.default_schema or ""
        for table in self.by_name.get(name.casefold(), []):
            same_schema = (table.schema or default) == (schema or default)
            if same_schema and self._same(table.name, name):
                return table
        return None

    def _table_comment(self, create: exp.Create) -> str | None:
        properties = create.args.get("properties")
        for prop in properties.expressions if properties else []:
            if isinstance(prop, exp.SchemaCommentProperty):
                return prop.this.name
        return None

    def _table_element(
        self, draft: _TableDraft, node: exp.Expression, parsed: _Parsed, statement: Statement
    ) -> None:
        if isinstance(node, exp.ColumnDef):
            self._add_column(draft, node, parsed, statement)
        elif isinstance(node, exp.Identifier):  # a column without a type
            self._add_column(draft, exp.ColumnDef(this=node), parsed, statement)
        elif isinstance(node, exp.LikeProperty):
            self._like(draft, node, statement)
        else:
            self._add_constraint(draft, node, None, statement)

    def _recover_table(self, statement: Statement) -> None:
        """sqlglot rejected the statement: parse the column list element by element.

        One exotic column type or option, or a table option sqlglot does not know
        (ORGANIZATION INDEX, WITHOUT ROWID), then costs a note instead of the whole table.
        """
        try:
            tokens = self.sqlglot.tokenize(statement.sql)
        except TokenError as error:
            self._problem(f"could not read CREATE TABLE: {error}", statement.line)
            return
        bounds = _column_list(tokens)
        create = self._recovery_header(statement, tokens, bounds) if bounds else None
        if bounds is None or create is None:
            message = f"could not parse CREATE TABLE: {_summary(statement.sql, 60)}"
            self._problem(message, statement.line, self._guess_table_name(statement.sql))
            return
        elements = []
        for start, end in _split_elements(tokens, *bounds):
            element = self._parse_element(statement, start, end)
            if element is not None:
                elements.append(element)
        self._define_table(statement, create, elements)

    def _recovery_header(
        self, statement: Statement, tokens: list[Token], bounds: tuple[int, int]
    ) -> exp.Create | None:
        """The CREATE TABLE around a probe column: name, IF NOT EXISTS, options if readable."""
        header = statement.sql[: tokens[bounds[0]].start]
        trailing = statement.sql[tokens[bounds[1]].end + 1 :].strip()
        create = self._parse_quietly(f"{header} (_datagen_probe INT) {trailing}")
        if not isinstance(create, exp.Create) and trailing:
            self._note(f"ignored table options: {_summary(trailing, 60)}", statement.line)
            create = self._parse_quietly(f"{header} (_datagen_probe INT)")
        return create if isinstance(create, exp.Create) else None

    def _parse_quietly(self, sql: str) -> exp.Expression | None:
        try:
            return self._parse(sql).tree
        except (ParseError, TokenError):
            return None

    def _parse_element(
        self, statement: Statement, start: int, end: int
    ) -> tuple[exp.Expression, _Parsed] | None:
        """Parse one element of a column list alone, keeping its line numbers.

        A column whose type sqlglot cannot read is parsed again with a placeholder type, so
        its name and constraints survive; its type becomes UNKNOWN with the text as written.
        """
        text = statement.sql[start:end]
        padding = "\n" * statement.sql.count("\n", 0, start)
        line = statement.line + padding.count("\n")
        if not text and statement.sql[start : start + 1] == ")":
            self._note("ignored a trailing comma in the column list", line)
            return None
        if not text:
            self._problem("empty element in the column list (two commas?)", line)
            return None
        element = self._parse_probe(padding, text)
        if element is None and (typed := self._type_span(text)) is not None:
            placeholder = f"{text[: typed[0]]}TEXT{text[typed[1] :]}"
            element = self._parse_probe(padding, placeholder)
            if element is not None and isinstance(element[0], exp.ColumnDef):
                self.placeholder_types[id(element[0])] = text[typed[0] : typed[1]]
        options = _INDEX_OPTIONS.search(text) if element is None else None
        if options is not None and text.split(None, 1)[0].upper() in _CONSTRAINT_STARTS:
            element = self._parse_probe(padding, text[: options.start()])
            if element is not None:
                self._note(f"ignored index options: {_summary(text[options.start() :], 60)}",
                           line)  # fmt: skip
        if element is None:
            self._unreadable_element(text, line)
        return element

    def _unreadable_element(self, text: str, line: int) -> None:
        """A table-level element we cannot read is a note; a column we cannot read is fatal."""
        first = text.split(None, 1)[0].upper()
        if first in _CONSTRAINT_STARTS or first in ("FULLTEXT", "SPATIAL", "INDEX"):
            self._note(f"skipped unreadable table element: {_summary(text, 60)}", line)
        else:
            self._problem(f"could not parse column definition: {_summary(text, 60)}", line)

    def _parse_probe(self, padding: str, element: str) -> tuple[exp.Expression, _Parsed] | None:
        try:
            parsed = self._parse(f"{padding}CREATE TABLE {_RECOVERY_TABLE} ({element})")
        except (ParseError, TokenError):
            return None
        tree = parsed.tree
        if (
            isinstance(tree, exp.Create)
            and isinstance(tree.this, exp.Schema)
            and tree.this.expressions
        ):
            return tree.this.expressions[0], parsed
        return None

    def _type_span(self, element: str) -> tuple[int, int] | None:
        """Offsets of the type in a column definition `name type constraints...`."""
        try:
            tokens = self.sqlglot.tokenize(element)
        except TokenError:
            return None
        if len(tokens) < 2 or tokens[0].text.upper() in _CONSTRAINT_STARTS:
            return None
        typed = list(_type_tokens(tokens, 1))
        return (typed[0].start, typed[-1].end + 1) if typed else None

    def _guess_table_name(self, sql: str) -> str | None:
        match = re.search(rf"\bTABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?({_NAME}(?:\.{_NAME})?)", sql, re.I)
        return match.group(1) if match else None

    # -- columns -----------------------------------------------------------------------------

    def _add_column(
        self, draft: _TableDraft, node: exp.ColumnDef, parsed: _Parsed, statement: Statement
    ) -> None:
        line, name = self._line(node.this, statement), self._ident(node.this)
        inherited = self._find_column(draft, name)
        if inherited is not None and inherited in draft.inherited:
            self._merge_inherited(draft, inherited, node, line)
            return
        if inherited is not None:
            self._problem(f"column {name} is defined twice", line, draft.key, name)
            return
        if not self._typed_or_computed(node):
            self._problem(f"column {name} has no type", line, draft.key, name)
        column = self._column(node, parsed, line, draft.key)
        for constraint in node.args.get("constraints") or []:
            self._column_constraint(draft, column, constraint, line)
        draft.columns[column.name] = column

    def _column(self, node: exp.ColumnDef, parsed: _Parsed, line: int, table: str) -> _ColumnDraft:
        """A column draft from its definition: name, mapped type, and what the type implies."""
        name = self._ident(node.this)
        declared, written = node.args.get("kind"), parsed.written_type(node.this)
        if id(node) in self.placeholder_types:
            written = self.placeholder_types.pop(id(node))
            declared = _build_type(written)
            if declared is None:
                self._problem(f"could not parse the type {written!r}", line, table, name)
        if written and _SYSTEM_TYPE_SCHEMA.search(written) and isinstance(declared, exp.DataType):
            builtin = _build_type(_SYSTEM_TYPE_SCHEMA.sub("", written))  # pg_catalog.int4
            declared = builtin if builtin is not None else declared
        mapped = map_type(declared, self.dialect, written, self._user_type)
        if mapped.note:
            self._note(f"{table}.{name}: {mapped.note}", line)
        column = _ColumnDraft(name, mapped.type, line)
        if mapped.autoincrement:  # serial: a sequence default, and NOT NULL
            column.autoincrement, column.nullable = True, False
        if mapped.domain is not None:
            self._apply_domain(column, mapped.domain, node.this)
        if mapped.width is not None and not mapped.type.array:
            column.domain_checks += (_width_check(name, *mapped.width),)
        return column

    def _typed_or_computed(self, node: exp.ColumnDef) -> bool:
        """Only SQLite accepts a column with neither a type nor a computing expression."""
        if self.profile.typeless_columns or node.args.get("kind") is not None:
            return True
        if id(node) in self.placeholder_types:
            return True
        kinds = (exp.ComputedColumnConstraint, exp.GeneratedAsIdentityColumnConstraint)
        constraints = node.args.get("constraints") or []
        return any(isinstance(c.args.get("kind"), kinds) for c in constraints)

    def _apply_domain(self, column: _ColumnDraft, domain: UserType, name: exp.Expression) -> None:
        """A domain column inherits the domain's NOT NULL, default and CHECKs.

        The checks are rewritten from `VALUE` to the column, so they read like column checks.
        """
        column.nullable = column.nullable and not domain.not_null
        column.default = column.default or domain.default
        column.domain_checks = tuple(_check_on_column(check, name) for check in domain.checks)

    def _column_constraint(
        self, draft: _TableDraft, column: _ColumnDraft, constraint: exp.Expression, line: int
    ) -> None:
        kind = constraint.args.get("kind") if isinstance(constraint, exp.ColumnConstraint) else None
        handler = _COLUMN_CONSTRAINTS.get(type(kind))
        if handler is not None and kind is not None:
            handler(_Site(self, draft, column, kind, constraint.name or None, line))

    def _set_default(self, column: _ColumnDraft, expression: exp.Expression) -> None:
        if isinstance(_unparen(expression), exp.Null):
            column.default = None
            return
        column.default = expression.sql(dialect=self.dialect)
        if _is_sequence_default(expression):
            column.autoincrement = True

    # -- constraints -------------------------------------------------------------------------

    def _add_constraint(
        self, draft: _TableDraft, node: exp.Expression, name: str | None, statement: Statement
    ) -> None:
        """A table-level constraint from CREATE TABLE or ALTER TABLE ... ADD."""
        line = self._line(node, statement)
        if isinstance(node, exp.Constraint):
            inner_name = node.name if node.name and node.name != _UNNAMED else None
            for inner in node.expressions:
                self._add_constraint(draft, inner, inner_name, statement)
        elif isinstance(node, exp.PrimaryKey):
            self._note_prefixes(draft, node, line)
            self._key(draft, self._column_names(node.expressions), name, line, primary=True)
        elif isinstance(node, exp.UniqueColumnConstraint):
            self._unique(draft, node, name, line)
        elif isinstance(node, exp.ForeignKey):
            columns = self._column_names(node.expressions)
            self._foreign_key(draft, columns, node.args.get("reference"), name, line)
        elif isinstance(node, exp.CheckColumnConstraint):
            self._add_check(draft, _check(node.this, name))
        elif isinstance(node, exp.ExcludeColumnConstraint) and self._exclude(draft, node):
            pass
        elif isinstance(node, exp.IndexColumnConstraint):  # MySQL KEY/INDEX: constrains nothing
            if not node.args.get("kind"):  # FULLTEXT and SPATIAL have no PostgreSQL equivalent
                index = self._index_draft(node.expressions, None, None, (), node.name, line)
                if index is not None:
                    draft.indexes.append(index)
        else:
            self._note(f"table {draft.key}: ignored {_summary(node.sql(self.dialect), 60)}", line)

    def _exclude(self, draft: _TableDraft, node: exp.ExcludeColumnConstraint) -> bool:
        """`EXCLUDE (room WITH =, during WITH &&)` over range columns: those ranges are made
        pairwise disjoint, which holds whatever the `=` parts are. False (left to a note) for
        any other operator or element."""
        parameters = node.this
        elements = parameters.args.get("columns") if parameters is not None else None
        overlapping = []
        for element in elements or []:
            target = element.this.this if isinstance(element.this, exp.Ordered) else element.this
            operator = element.args.get("op")
            op = operator.name if isinstance(operator, exp.Var) else str(operator or "")
            column = self._find_column(draft, target.name) if isinstance(target, exp.Column) \
                else None  # fmt: skip
            if column is None or op not in ("=", "&&"):
                return False
            if op == "&&":
                if draft.columns[column].type.kind != TypeKind.RANGE:
                    return False
                overlapping.append(column)
        draft.exclusions += [c for c in overlapping if c not in draft.exclusions]
        return bool(overlapping)

    def _unique(
        self, draft: _TableDraft, node: exp.UniqueColumnConstraint, name: str | None, line: int
    ) -> None:
        target = node.this
        if isinstance(target, exp.Schema):  # MySQL: UNIQUE KEY name (columns)
            self._note_prefixes(draft, target, line)
            name = name or (self._ident(target.this) if target.this else None)
            self._key(draft, self._column_names(target.expressions), name, line, primary=False)
        else:
            self._note(f"table {draft.key}: ignored UNIQUE without columns", line)

    def _key(
        self,
        draft: _TableDraft,
        columns: tuple[str, ...] | None,
        name: str | None,
        line: int,
        primary: bool,
    ) -> None:
        what = "PRIMARY KEY" if primary else "UNIQUE"
        if columns is None:
            self._note(f"table {draft.key}: skipped {what} on expressions", line)
            return
        key = _KeyDraft(columns, line, name)
        if name is None:
            key.auto_name = self._auto_name(draft, "primary" if primary else "unique", columns)
        if not primary:
            draft.uniques.append(key)
        elif draft.primary_key is not None:
            first = draft.primary_key.line
            message = f"table has more than one PRIMARY KEY (first at line {first})"
            self._problem(message, line, draft.key)
        else:
            draft.primary_key = key
            for written in columns:  # NOT NULL from now on, even if the key is dropped later
                if (name := self._find_column(draft, written)) is not None:
                    draft.columns[name].nullable = False

    def _add_check(self, draft: _TableDraft, check: Check) -> None:
        draft.checks.append(check)
        if check.name is None:
            draft.check_names[id(check)] = self._auto_name(draft, "check", check.columns)

    def _column_names(self, nodes: list[exp.Expression]) -> tuple[str, ...] | None:
        """Plain column names of a key; None when any part is an expression."""
        names = []
        for node in nodes:
            while isinstance(node, (exp.Ordered, exp.Collate, exp.ColumnPrefix)):
                node = node.this  # MySQL `name(191)`: a key on the first 191 characters
            if isinstance(node, exp.Column) and not node.table:
                node = node.this
            if not isinstance(node, exp.Identifier):
                return None
            names.append(self._ident(node))
        return tuple(names)

    def _note_prefixes(self, draft: _TableDraft, node: exp.Expression, line: int) -> None:
        for prefix in node.find_all(exp.ColumnPrefix):
            self._note(f"{draft.key}: key on the first {prefix.expression.sql()} characters of "
                       f"{prefix.this.sql()} is generated unique over whole values; longer "
                       "values may share a prefix", line)  # fmt: skip

    def _foreign_key(
        self,
        draft: _TableDraft,
        columns: tuple[str, ...] | None,
        reference: exp.Expression | None,
        name: str | None,
        line: int,
    ) -> None:
        """Record an FK; the target is resolved at the end (it may be created later)."""
        target = reference.this if isinstance(reference, exp.Reference) else None
        ref_columns: tuple[str, ...] | None = ()
        if isinstance(target, exp.Schema):
            ref_columns = self._column_names(target.expressions)
        if columns is None or target is None or ref_columns is None:
            self._note(f"table {draft.key}: skipped unreadable FOREIGN KEY", line)
            return
        schema, ref_name = self._table_name(target)
        fk = _ForeignKeyDraft(columns, schema, ref_name, ref_columns, line, name)
        fk.path = self.search_path
        if draft.name == ref_name and (schema is None or schema == draft.schema):
            fk.target = draft  # a self-reference, while the table is being created
        else:
            fk.target = self._find_table(schema, ref_name, draft.schema)
        if name is None:
            fk.auto_name = self._auto_name(draft, "foreign", columns)
        draft.foreign_keys.append(fk)

    # -- ALTER TABLE actions sqlglot reads (see replay.Replay._alter_table) ---------

    def _name_bare_checks(self, sql: str) -> str:
        """`ADD CHECK (...)` -> `ADD CONSTRAINT <placeholder> CHECK (...)`: sqlglot needs a name.

        The placeholder is on the same line, so line numbers stay right; it becomes None again
        when the constraint is recorded.
        """
        tokens = self.sqlglot.tokenize(sql)
        pairs = zip(tokens, tokens[1:], strict=False)
        cuts = [b.start for a, b in pairs if a.text.upper() == "ADD" and b.text.upper() == "CHECK"]
        for cut in reversed(cuts):
            sql = f"{sql[:cut]}CONSTRAINT {_UNNAMED} {sql[cut:]}"
        return sql

    def _alter_action(
        self, draft: _TableDraft, action: exp.Expression, parsed: _Parsed, statement: Statement
    ) -> None:
        if isinstance(action, exp.AddConstraint):
            for node in action.expressions:
                self._add_constraint(draft, node, None, statement)
        elif isinstance(action, exp.Schema):
            for node in action.expressions:
                self._table_element(draft, node, parsed, statement)
        elif isinstance(action, exp.ColumnDef):
            if action.args.get("exists") and self._find_column(draft, self._ident(action.this)):
                return  # ADD COLUMN IF NOT EXISTS of a column that exists
            self._add_column(draft, action, parsed, statement)
            self._place(draft, self._ident(action.this), action.args.get("position"))
        elif isinstance(action, exp.ModifyColumn) and isinstance(action.this, exp.ColumnDef):
            old = action.args.get("rename_from")  # MySQL CHANGE [COLUMN] old new type ...
            new = self._ident(action.this.this)
            if old is not None and not self._same(self._ident(old), new):
                self._rename_column(draft, self._ident(old), new, self._line(action, statement))
            self._redefine_column(draft, action.this, parsed, statement)
        elif isinstance(action, exp.AlterColumn):
            self._alter_column(draft, action, parsed, statement)
        elif isinstance(action, exp.DropPrimaryKey):
            draft.primary_key = None
        else:
            self._note(f"skipped (ALTER TABLE {draft.key} action not modelled): "
                       f"{_summary(action.sql(self.dialect))}", statement.line)  # fmt: skip

    def _redefine_column(
        self, draft: _TableDraft, node: exp.ColumnDef, parsed: _Parsed, statement: Statement
    ) -> None:
        """MySQL MODIFY: the column keeps its position, everything else is replaced."""
        name = self._find_column(draft, self._ident(node.this))
        if name is None:
            self._add_column(draft, node, parsed, statement)
            return
        line = self._line(node.this, statement)
        column = self._column(node, parsed, line, draft.key)
        column.name = name
        for constraint in node.args.get("constraints") or []:
            self._column_constraint(draft, column, constraint, line)
        draft.columns[name] = column
        self._place(draft, name, node.args.get("position"))

    def _place(self, draft: _TableDraft, name: str, position: exp.Expression | None) -> None:
        """MySQL `FIRST` / `AFTER other`: move the column there, as the table stores it."""
        name = self._find_column(draft, name) or name
        if not isinstance(position, exp.ColumnPosition) or name not in draft.columns:
            return
        where = str(position.args.get("position") or "").upper()
        after = self._find_column(draft, self._ident(position.this)) if position.this else None
        if where not in ("FIRST", "AFTER") or (where == "AFTER" and after is None):
            return
        column = draft.columns.pop(name)
        items = list(draft.columns.items())
        index = 0 if where == "FIRST" else [k for k, _ in items].index(after) + 1
        items.insert(index, (name, column))
        draft.columns = dict(items)

    def _alter_column(
        self, draft: _TableDraft, action: exp.AlterColumn, parsed: _Parsed, statement: Statement
    ) -> None:
        line = self._line(action, statement)
        name = self._find_column(draft, self._ident(action.this))
        if name is None:
            message = f"ALTER COLUMN names unknown column {self._ident(action.this)}"
            self._problem(message, line, draft.key, self._ident(action.this))
            return
        column = draft.columns[name]
        if isinstance(action.args.get("dtype"), exp.DataType):  # T-SQL: type [NOT] NULL too
            node = exp.ColumnDef(this=action.this, kind=action.args["dtype"])
            column.type = self._column(node, parsed, line, draft.key).type
        if action.args.get("default") is not None:
            self._set_default(column, action.args["default"])
        elif action.args.get("allow_null") is not None:
            column.nullable = bool(action.args["allow_null"])
        elif action.args.get("drop"):
            if column.default is not None and column.autoincrement:
                column.autoincrement = False  # its sequence default is gone
            column.default = None

    def _identifier_from_text(self, text: str) -> exp.Expression | None:
        column = self._parse_quietly(f"SELECT {text}")
        if isinstance(column, exp.Select) and isinstance(column.expressions[0], exp.Column):
            return column.expressions[0].this
        return None

    # -- CREATE UNIQUE INDEX, COMMENT ON, CREATE TYPE, CREATE DOMAIN ------------------------

    def _unique_index(self, statement: Statement) -> None:
        """A unique index on plain columns is a unique constraint for generation purposes.

        One whose key parts are `lower()`, `upper()` or `trim()` of a column, or with a
        predicate, is a `UniqueIndex`: decidable, since values unique over all rows (after
        case folding where it folds) satisfy it whatever the predicate selects. Any other
        expression (`(a + b)`, `substr(c, 1, 3)`) is skipped with a note."""
        tree = self._parse_quietly(statement.sql)
        index = tree.this if isinstance(tree, exp.Create) else None
        if not isinstance(index, exp.Index) or index.args.get("table") is None:
            self._skip(statement, "unreadable unique index")
            return
        params = index.args.get("params")
        keyed = params.args.get("columns") or [] if params else []
        if self.dialect == "mysql":  # `name(100)` is a prefix of the column, not a call
            keyed = [node.transform(_mysql_prefix) for node in keyed]
            if any(node.find(exp.ColumnPrefix) for node in keyed):
                self._note(
                    "unique index on a prefix of a column is generated unique over "
                    "whole values; longer values may share a prefix",
                    statement.line,
                )
        parts = [_key_part(node) for node in keyed]
        where = params.args.get("where") if params else None
        if not parts or None in parts:
            self._skip(
                statement, "unique index on expressions other than lower/upper/trim of a column"
            )
            return
        table = self._find_table(*self._table_name(index.args["table"]))
        if table is None:
            self._skip(statement, "unique index on an unknown table")
            return
        known = [part for part in parts if part is not None]
        columns = tuple(self._ident(identifier) for identifier, _, _ in known)
        folded = tuple(fold for _, _, fold in known)
        name = index.name or None
        if where is None and not any(folded):
            table.uniques.append(_KeyDraft(columns, statement.line, name))
            return
        predicate = where.this if isinstance(where, exp.Where) else where
        if predicate is not None:
            self._note(
                f"unique index {name or '(unnamed)'} on {table.key} is partial "
                f"(WHERE {predicate.sql(self.dialect)}): generated unique over all rows",
                statement.line,
            )
        parts_sql = tuple(expression for _, expression, _ in known)
        table.unique_indexes.append(
            _IndexDraft(columns, parts_sql, folded, predicate, statement.line, name)
        )

    def _index(self, statement: Statement) -> None:
        """A non-unique index: it constrains no value, so generation ignores it, but exports
        and loads recreate it (see `_index_draft` for what is kept). Read by sqlglot as
        written: the importer's own parse blanks ASC/DESC, which an index keeps."""
        try:
            tree = sqlglot.parse_one(statement.sql, read=self.dialect)
        except (ParseError, TokenError):
            tree = None
        index = tree.this if isinstance(tree, exp.Create) else None
        if not isinstance(index, exp.Index) or index.args.get("table") is None:
            self._skip(statement, "an index DataGen cannot read; it constrains no value")
            return
        table = self._find_table(*self._table_name(index.args["table"]))
        if table is None:
            self._skip(statement, "index on an unknown table")
            return
        params = index.args.get("params") or exp.IndexParameters()
        where = params.args.get("where")
        draft = self._index_draft(
            params.args.get("columns") or [],
            where.this if isinstance(where, exp.Where) else where,
            params.args.get("using"),
            params.args.get("include") or (),
            index.name or None,
            statement.line,
        )
        if draft is None:
            self._skip(statement, "an index over expressions of another dialect: left out of "
                       "exports; it constrains no value")  # fmt: skip
            return
        table.indexes.append(draft)

    def _index_draft(
        self,
        keyed: Sequence[exp.Expression],
        predicate: exp.Expression | None,
        using: exp.Expression | None,
        include: Sequence[exp.Expression],
        name: str | None,
        line: int,
    ) -> _IndexDraft | None:
        """A non-unique index as exports recreate it. A PostgreSQL schema's index is kept as
        written: any key parts (expressions, order, operator class), method, INCLUDE and
        predicate. Of another dialect only plain columns (a MySQL prefix `name(10)` is the
        whole column) and no predicate: its expressions and options need not mean the same
        in PostgreSQL. None when nothing is kept."""
        postgres = self.dialect == DEFAULT_DIALECT
        parts, columns = [], []
        for node in keyed:
            if self.dialect == "mysql":
                node = node.transform(_mysql_prefix)
            if not postgres:
                while isinstance(node, (exp.Ordered, exp.Paren, exp.ColumnPrefix)):
                    node = node.this
                if isinstance(node, exp.Column) and not node.table:
                    node = node.this
                if not isinstance(node, exp.Identifier):
                    return None
                columns.append(self._ident(node))
            columns += [self._ident(c.this) for c in node.find_all(exp.Column) if not c.table]
            parts.append(_index_element(node) if postgres else node)
        if not parts or (predicate is not None and not postgres):
            return None
        method = using.name.lower() if postgres and using is not None else None
        kept = tuple(self._ident(i) for i in include) if postgres else ()
        return _IndexDraft(tuple(dict.fromkeys(columns)), tuple(parts), (), predicate, line,
                           name or None, method, kept)  # fmt: skip

    def _comment(self, statement: Statement) -> None:
        tree = self._parse_quietly(statement.sql)
        kind = str(tree.args.get("kind") or "").upper() if isinstance(tree, exp.Comment) else ""
        if kind not in ("TABLE", "COLUMN"):
            self._skip(statement, "comment on something other than a table or column")
            return
        target, text = tree.this, tree.expression
        comment = text.name if isinstance(text, exp.Literal) else None
        if kind == "TABLE":
            table = self._find_table(*self._table_name(target))
        else:
            schema = self._ident(target.args.get("db")) or None
            table = self._find_table(schema, self._ident(target.args.get("table")))
        if table is None:
            self._skip(statement, "comment on an unknown table, e.g. a view")
        elif kind == "TABLE":
            table.comment = comment
        elif (name := self._find_column(table, self._ident(target.this))) is not None:
            table.columns[name].comment = comment
        else:
            self._skip(statement, "comment on an unknown column")

    def _create_type(self, statement: Statement) -> None:
        alias = _ALIAS_TYPE.match(statement.sql)
        if alias is not None:
            rest = statement.sql[alias.end() :].rstrip().rstrip(";")
            self._define_user_type(statement, alias.group("name"), rest)
            return
        tree = self._parse_quietly(statement.sql)
        declared = tree.expression if isinstance(tree, exp.Create) else None
        if not (isinstance(declared, exp.DataType) and declared.this == exp.DataType.Type.ENUM):
            self._skip(statement, "only ENUM, domain and alias types are modelled")
            return
        schema, name = self._table_name(tree.this)
        values = tuple(e.name for e in declared.expressions if isinstance(e, exp.Literal))
        enum = ColumnType(TypeKind.ENUM, sql=name, enum_values=values)
        self.user_types.append((schema, name, UserType(name, enum)))

    def _create_domain(self, statement: Statement) -> None:
        """CREATE DOMAIN d AS base ...: read the rest as a column definition of a probe table."""
        match = _DOMAIN.match(statement.sql)
        if match is None:
            self._skip(statement, "unreadable domain")
            return
        self._define_user_type(statement, match.group("name"), statement.sql[match.end() :])

    def _sp_addtype(self, statement: Statement) -> None:
        """`EXEC sp_addtype name, 'varchar(6)', 'NOT NULL'`: an alias type, as CREATE TYPE
        name FROM varchar(6) NOT NULL (a third argument NULL, NOT NULL or NONULL; none: NULL)."""
        text = _SP_ADDTYPE.match(statement.sql).group("args").strip()
        arguments = [_unquoted_argument(m.group(1)) for m in _PROC_ARGUMENT.finditer(text)]
        arguments = [a for a in arguments if a is not None]
        if len(arguments) < 2 or not arguments[0] or not arguments[1]:
            self._skip(statement, "unreadable sp_addtype")
            return
        nullability = arguments[2].upper() if len(arguments) > 2 else "NULL"
        rest = arguments[1] + (" NOT NULL" if nullability in ("NOT NULL", "NONULL") else "")
        self._define_user_type(statement, arguments[0], rest)

    def _define_user_type(self, statement: Statement, name_text: str, rest: str) -> None:
        """A domain or alias type named `name_text` over `rest` (base type, then NOT NULL,
        DEFAULT and CHECKs on VALUE), read as a column definition of a probe table: columns of
        that type get the base type, its nullability, default and checks."""
        try:
            parsed = self._parse(f"CREATE TABLE _datagen_domain (value {rest})")
            table = exp.to_table(name_text, dialect=self.dialect)
        except (ParseError, TokenError):
            parsed = table = None
        create = parsed.tree if parsed else None
        if table is None or not isinstance(create, exp.Create):
            self._skip(statement, "unreadable domain" if _DOMAIN.match(statement.sql)
                       else "unreadable alias type")  # fmt: skip
            return
        node = create.this.expressions[0]
        schema, name = self._table_name(table)
        column = self._column(node, parsed, statement.line, name)
        domain = _DomainDraft()
        for constraint in node.args.get("constraints") or []:
            domain.read(self, constraint)
        user_type = UserType(
            name,
            column.type,
            checks=column.domain_checks + tuple(domain.checks),
            not_null=domain.not_null or not column.nullable,
            default=domain.default or column.default,
            is_domain=True,
        )
        self.user_types.append((schema, name, user_type))

    def _trigger(self, statement: Statement) -> None:
        """A CREATE TRIGGER: an INSERT trigger is kept for `_trigger_fills`; any is a note."""
        trigger = read_trigger(statement.sql)
        if trigger is not None and trigger.function is not None:
            name = self._name_text(trigger.function.rsplit(".", 1)[-1]).casefold()
            body = self.functions.get(name, "")
            trigger = replace(trigger, inserts=inserts_of(body))
        if trigger is not None and trigger.inserts:
            self.insert_triggers.append((trigger, statement.line))
        self._skip(statement)

    def _trigger_fills(self) -> None:
        """Tables an INSERT trigger of another table fills: the database writes their rows
        when the source's rows load, so DataGen makes none (a note names the trigger). Where
        loads keep triggers off (PostgreSQL: DISABLE TRIGGER USER) DataGen still makes them.

        A child of such a table still needs parents: when the trigger copies the source row's
        columns into every column the child references (`VALUES (NEW.film_id, ...)`), its
        foreign key is drawn from those source columns, which the trigger's rows hold; else
        DataGen makes the table's rows after all, and a note says the trigger adds its own."""
        for trigger, line in self.insert_triggers:
            source = self._table_from_text(trigger.table)
            for insert in trigger.inserts:
                target = self._table_from_text(insert.target)
                if source is None or target is None or target is source or target.filled_by:
                    continue
                where = f"trigger {self._name_text(trigger.name)} on {source.key} " \
                        f"({self.source or 'line'}:{line})"  # fmt: skip
                if self.dialect == "postgres":
                    self._note(f"{target.key} is also filled by {where}; PostgreSQL loads "
                               "keep application triggers off, so DataGen makes its rows",
                               line)  # fmt: skip
                    continue
                target.filled_by = where
                if self._children_follow(target, source, insert, line):
                    self._note(f"{target.key}: no rows generated, {where} fills it when "
                               f"{source.key}'s rows load", line)  # fmt: skip
                else:
                    target.filled_by = None

    def _children_follow(
        self, target: _TableDraft, source: _TableDraft, insert: TriggerInsert, line: int
    ) -> bool:
        """Point the foreign keys onto `target` at the `source` columns the trigger copies
        into the referenced ones; False (nothing changed) when some are not copies."""
        columns = insert.columns or tuple(target.columns)
        copies: dict[str, str] = {}
        if insert.copied is not None and len(insert.copied) == len(columns):
            for written, copied in zip(columns, insert.copied, strict=True):
                name = self._find_column(target, written)
                origin = self._find_column(source, copied) if copied else None
                if name is not None and origin is not None:
                    copies[name] = origin
        children = []
        for child in self.tables.values():
            for fk in child.foreign_keys:
                if self._fk_parent(child, fk) is not target:
                    continue
                keyed = target.primary_key.columns if target.primary_key else ()
                referenced = [self._find_column(target, c) for c in fk.ref_columns or keyed]
                if not referenced or any(c not in copies for c in referenced):
                    self._note(f"{target.key}: generated although {target.filled_by} fills it: "
                               f"{child.key} references columns the trigger does not copy; "
                               "loads that run the trigger add its rows too", line)  # fmt: skip
                    return False
                children.append((child, fk, tuple(copies[c] for c in referenced)))
        for child, fk, origin in children:
            fk.target, fk.ref_schema, fk.ref_name, fk.ref_columns = (
                source,
                source.schema,
                source.name,
                origin,
            )
            self._note(f"{child.key}: its foreign key onto {target.key} is drawn from "
                       f"{source.key}({', '.join(origin)}), which {target.filled_by} copies "
                       f"into {target.key}", line)  # fmt: skip
        return True

    # -- resolution and validation -----------------------------------------------------------

    def _finish(self) -> Schema:
        if not self.tables:
            self._problem("no CREATE TABLE statement found", None)
        for table in self.tables.values():
            self._resolve_keys(table)
            self._partition_bounds(table)
        self._trigger_fills()
        resolved = {key: self._resolve_foreign_keys(table) for key, table in self.tables.items()}
        if self.problems:
            raise SchemaError(sorted(self.problems, key=lambda problem: problem.line or 0))
        tables = {key: _freeze(self.tables[key], fks) for key, fks in resolved.items()}
        return Schema(tables, source=self.source, dialect=self.dialect, notes=tuple(self.notes))

    def _partition_bounds(self, table: _TableDraft) -> None:
        """Rows of a partitioned table must each find a partition, or the database rejects
        them: the partitions' bounds become the table's CHECK (a key column of RANGE and of
        LIST partitions without NULL is also NOT NULL). Decided for one key column; a DEFAULT
        partition takes any row, and complete HASH partitions do too."""
        spec, partitions = table.partitioned_by, table.partitions
        if spec is None or not partitions:
            return
        if isinstance(spec, exp.List):  # sqlglot reads LIST (key) as its LIST function
            method = "LIST"
        else:
            method = spec.name.upper() if isinstance(spec, exp.Anonymous) else ""
        keys = spec.expressions if isinstance(spec, (exp.Anonymous, exp.List)) else []
        column = (
            self._find_column(table, keys[0].name)
            if len(keys) == 1 and isinstance(keys[0], exp.Column)
            else None
        )
        if any(p.partitioned for p in partitions):
            self._note(f"{table.key}: partitions of partitions are not narrowed further",
                       partitions[0].line)  # fmt: skip
        if any(isinstance(p.bound, exp.Var) for p in partitions) or method == "HASH":
            return  # a DEFAULT partition, or hash partitions (complete when all remainders are)
        if column is None or method not in ("RANGE", "LIST"):
            self._note(f"{table.key}: partition bounds over {spec.sql('postgres')} are not "
                       "enforced; rows may find no partition", partitions[0].line)  # fmt: skip
            return
        quoted = exp.column(column, quoted=True).sql("postgres")
        if method == "LIST":
            values = [v for p in partitions for v in p.bound.args.get("this") or []]
            listed = [v for v in values if not isinstance(v, exp.Null)]
            if len(listed) == len(values):
                table.columns[column].nullable = False
            text = f"{quoted} IN ({', '.join(v.sql('postgres') for v in listed)})"
        else:
            table.columns[column].nullable = False
            text = " OR ".join(_range_text(quoted, p.bound) for p in _merged(partitions))
        tree = sqlglot.parse_one(text, read=DEFAULT_DIALECT)
        table.checks.append(_check(tree, None))

    def _canonical(
        self, table: _TableDraft, names: tuple[str, ...], what: str, line: int, owner: str
    ) -> tuple[str, ...] | None:
        """Column names as declared in `table`; a problem (and None) for each unknown one."""
        found = tuple(self._find_column(table, name) for name in names)
        for name, hit in zip(names, found, strict=True):
            if hit is None:
                self._problem(f"{what} names unknown column {name}", line, owner, name)
        return None if None in found else tuple(n for n in found if n is not None)

    def _resolve_keys(self, table: _TableDraft) -> None:
        """Canonical PK/UNIQUE columns; PK columns become NOT NULL."""
        key = table.primary_key
        if key is not None:
            columns = self._canonical(table, key.columns, "PRIMARY KEY", key.line, table.key)
            table.primary_key = replace(key, columns=columns) if columns else None
            for name in columns or ():
                table.columns[name].nullable = False
        uniques = []
        for unique in table.uniques:
            columns = self._canonical(table, unique.columns, "UNIQUE", unique.line, table.key)
            if columns:
                uniques.append(replace(unique, columns=columns))
        table.uniques = uniques
        for index in table.unique_indexes:
            label = f"UNIQUE INDEX {index.name}" if index.name else "UNIQUE INDEX"
            columns = self._canonical(table, index.columns, label, index.line, table.key)
            if columns:
                table.resolved_indexes.append(self._resolve_index(table, index, columns))
        for index in table.indexes:
            found = [self._find_column(table, c) for c in (*index.columns, *index.include)]
            if None in found:
                missing = [
                    c for c, f in zip((*index.columns, *index.include), found, strict=True) if not f
                ]
                self._note(f"index {index.name or '(unnamed)'} on {table.key} names unknown "
                           f"column(s) {', '.join(missing)}: left out", index.line)  # fmt: skip
                continue
            resolved = self._resolve_index(table, replace(index, folded=()), ())
            table.resolved_plain.append(
                Index(
                    tuple(f for f in found[: len(index.columns)] if f),
                    resolved.parts,
                    index.method,
                    tuple(f for f in found[len(index.columns) :] if f),
                    resolved.where,
                    # other dialects name indexes per table: a PostgreSQL schema may clash
                    index.name if self.dialect == DEFAULT_DIALECT else None,
                )
            )

    def _resolve_index(
        self, table: _TableDraft, index: _IndexDraft, columns: tuple[str, ...]
    ) -> UniqueIndex:
        """The model's index: canonical names, parts and predicate as PostgreSQL SQL."""

        def canonical(node: exp.Expression) -> exp.Expression:
            if isinstance(node, exp.Column) and not node.table:
                name = self._find_column(table, self._ident(node.this))
                return exp.column(name, quoted=True) if name else node
            return node

        parts = tuple(
            _postgres_sql(part.copy().transform(canonical))
            if not isinstance(part, exp.Identifier)
            else _postgres_sql(exp.column(self._find_column(table, self._ident(part)), quoted=True))
            for part in index.parts
        )
        where = None
        if index.where is not None:
            where = _postgres_sql(index.where.copy().transform(canonical))
        folded = tuple(dict.fromkeys(c for c, f in zip(columns, index.folded, strict=True) if f))
        return UniqueIndex(columns, parts, folded, where, index.name)

    def _resolve_foreign_keys(self, table: _TableDraft) -> tuple[ForeignKey, ...]:
        resolved = []
        for fk in table.foreign_keys:
            result = self._resolve_foreign_key(table, fk)
            if result is not None:
                resolved.append(result)
        return tuple(resolved)

    def _resolve_foreign_key(self, table: _TableDraft, fk: _ForeignKeyDraft) -> ForeignKey | None:
        """Check one FK against its parent; the parent's keys are canonical by now."""
        label = f"FOREIGN KEY {fk.name}" if fk.name else "FOREIGN KEY"
        columns = self._canonical(table, fk.columns, label, fk.line, table.key)
        parent = self._fk_parent(table, fk)
        if parent is None:
            ref = f"{fk.ref_schema}.{fk.ref_name}" if fk.ref_schema else fk.ref_name
            self._problem(f"{label} references unknown table {ref}", fk.line, table.key)
            return None
        ref_columns = self._referenced_columns(table, fk, parent, label)
        if columns is None or ref_columns is None:
            return None
        if len(columns) != len(ref_columns):
            message = (
                f"{label} has {len(columns)} column(s) but references {len(ref_columns)} "
                f"in {parent.key}"
            )
            self._problem(message, fk.line, table.key, columns[0] if columns else None)
            return None
        if not _is_key_of(parent, ref_columns):
            # MySQL/InnoDB accepts a foreign key onto any indexed columns: child values are
            # drawn from existing parent rows, which holds whether or not those are unique.
            self._note(
                f"{table.key}: {label} references {parent.key}({', '.join(ref_columns)}), "
                "which is neither its PRIMARY KEY nor UNIQUE: child values are drawn from "
                "existing parent rows",
                fk.line,
            )
            return ForeignKey(columns, parent.key, ref_columns, fk.name, ref_unique=False)
        return ForeignKey(columns, parent.key, ref_columns, fk.name)

    def _fk_parent(self, table: _TableDraft, fk: _ForeignKeyDraft) -> _TableDraft | None:
        """The table a foreign key references: the one it named when declared, if it still
        exists, else its name looked up now (it may have been created later)."""
        if fk.target is not None and fk.target.key in self.tables:
            return fk.target
        return self._find_table(fk.ref_schema, fk.ref_name, table.schema, fk.path)

    def _referenced_columns(
        self, table: _TableDraft, fk: _ForeignKeyDraft, parent: _TableDraft, label: str
    ) -> tuple[str, ...] | None:
        if fk.ref_columns:
            found = tuple(self._find_column(parent, name) for name in fk.ref_columns)
            for name, hit in zip(fk.ref_columns, found, strict=True):
                if hit is None:
                    message = f"{label} references unknown column {parent.key}.{name}"
                    self._problem(message, fk.line, table.key)
            return None if None in found else tuple(n for n in found if n is not None)
        if parent.primary_key is None:
            message = f"{label} references {parent.key}, which has no PRIMARY KEY"
            self._problem(message, fk.line, table.key)
            return None
        return parent.primary_key.columns


@dataclass
class _DomainDraft:
    """The constraints of a CREATE DOMAIN, read from its probe column definition."""

    checks: list[Check] = field(default_factory=list)
    not_null: bool = False
    default: str | None = None

    def read(self, importer: _Importer, constraint: exp.Expression) -> None:
        kind = constraint.args.get("kind")
        if isinstance(kind, exp.NotNullColumnConstraint):
            self.not_null = not kind.args.get("allow_null")
        elif isinstance(kind, exp.CheckColumnConstraint):
            self.checks.append(_check(kind.this, constraint.name or None))
        elif isinstance(kind, exp.DefaultColumnConstraint):
            self.default = kind.this.sql(dialect=importer.dialect)


def _class_like(node: exp.Expression) -> exp.Expression:
    """`c LIKE '[0-9][0-9]'` of a dialect whose LIKE has character classes (T-SQL, Sybase)
    as `c ~ '^[0-9][0-9]$'`: the model's CHECKs are PostgreSQL, whose LIKE would read the
    brackets literally (generation then wrote the pattern itself as the value). A pattern
    without `[` means the same in both and stays a LIKE; so does one with an ESCAPE."""
    pattern = node.expression if isinstance(node, exp.Like) else None
    if not isinstance(pattern, exp.Literal) or not pattern.is_string or "[" not in pattern.this:
        return node
    if isinstance(node.parent, exp.Escape):
        return node
    regex = class_like_to_regex(pattern.this)
    if regex is None:
        return node
    matched = exp.RegexpLike(this=node.this, expression=exp.Literal.string(regex))
    return exp.Not(this=matched) if node.args.get("negate") else matched


def _unquoted_argument(text: str) -> str | None:
    """A procedure argument as its value: `'varchar(6)'`, `N'x'`, `"x"` or a bare word."""
    text = text.strip()
    if not text:
        return None
    if text[:2].upper() == "N'":
        text = text[1:]
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].replace(text[0] * 2, text[0]).strip()
    return text


def _merged(partitions: list[_PartitionDraft]) -> list[_PartitionDraft]:
    """RANGE partitions whose bounds meet (`TO ('2025-01-01')`, `FROM ('2025-01-01')`) as one:
    monthly or yearly partitions become one range, so generation draws within it."""
    ordered = sorted(partitions, key=lambda p: _bound_key(p.bound.args.get("from_expressions")))
    merged: list[_PartitionDraft] = []
    for partition in ordered:
        last = merged[-1] if merged else None
        if last is not None and _same_value(
            last.bound.args.get("to_expressions"), partition.bound.args.get("from_expressions")
        ):
            bound = last.bound.copy()
            bound.set("to_expressions", partition.bound.args.get("to_expressions"))
            merged[-1] = replace(last, bound=bound)
        else:
            merged.append(partition)
    return merged


def _bound_key(values: list[exp.Expression] | None) -> tuple:
    value = (values or [None])[0]
    if value is None or (isinstance(value, exp.Var) and value.name.upper() == "MINVALUE"):
        return (0, "")
    if isinstance(value, exp.Literal) and not value.is_string:
        return (1, float(value.this))
    return (2, value.sql("postgres"))


def _same_value(left: list[exp.Expression] | None, right: list[exp.Expression] | None) -> bool:
    return bool(left and right) and left[0].sql("postgres") == right[0].sql("postgres")


def _range_text(column: str, bound: exp.Expression) -> str:
    """`FROM (a) TO (b)` as `(column >= a AND column < b)`; MINVALUE/MAXVALUE leave a side open."""
    parts = []
    for key, op in (("from_expressions", ">="), ("to_expressions", "<")):
        value = (bound.args.get(key) or [None])[0]
        if value is not None and not isinstance(value, exp.Var):
            parts.append(f"{column} {op} {value.sql('postgres')}")
    return "(" + " AND ".join(parts or ["TRUE"]) + ")"


def _width_check(column: str, low: int | None, high: int | None) -> Check:
    """The range a narrow or unsigned type takes (MySQL TINYINT, INT UNSIGNED), as a CHECK on
    the column: generation keeps to it and other databases get it spelled out."""
    target = exp.column(column, quoted=True)
    if high is None:
        return _check(exp.GTE(this=target, expression=exp.Literal.number(low)), None)
    low_node, high_node = exp.Literal.number(low), exp.Literal.number(high)
    return _check(exp.Between(this=target, low=low_node, high=high_node), None)


def _check_on_column(check: Check, name: exp.Expression) -> Check:
    """A domain CHECK on `VALUE` rewritten for one column of that domain."""

    def rename(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not node.table and node.name.upper() == "VALUE":
            return exp.Column(this=name.copy())
        return node

    return _check(check.expression.copy().transform(rename), check.name)


def _mysql_prefix(node: exp.Expression) -> exp.Expression:
    arguments = node.expressions if isinstance(node, exp.Anonymous) else []
    if len(arguments) == 1 and isinstance(arguments[0], exp.Literal) and arguments[0].is_int:
        return exp.ColumnPrefix(this=exp.to_identifier(node.name), expression=arguments[0])
    return node


def _key_part(node: exp.Expression) -> tuple[exp.Identifier, exp.Expression, bool] | None:
    """(column, key expression, folded) of one key part of a unique index: a column, or
    `lower`/`upper`/`trim` (whitespace only) of one, through casts to unbounded text, in any
    nesting; None for any other expression. Sort order, collation and operator class are
    dropped: they do not change which values are equal (deterministic collations)."""
    while isinstance(node, (exp.Ordered, exp.Collate, exp.Opclass, exp.Paren, exp.ColumnPrefix)):
        node = node.this  # a MySQL prefix `name(100)`: kept unique over whole values
    expression, folded = node, False
    while True:
        if isinstance(node, (exp.Lower, exp.Upper)) or (
            isinstance(node, exp.Trim) and node.args.get("expression") is None
        ):
            folded = True
        elif not (isinstance(node, (exp.Paren, exp.Collate)) or _text_cast(node)):
            break
        node = node.this
    if isinstance(node, exp.Column) and not node.table:
        node = node.this
    return (node, expression, folded) if isinstance(node, exp.Identifier) else None


_TEXT_TYPES = frozenset(
    (exp.DataType.Type.TEXT, exp.DataType.Type.VARCHAR, exp.DataType.Type.NVARCHAR)
)


def _text_cast(node: exp.Expression) -> bool:
    """A cast to text or varchar without a length: it never truncates, so keeps values apart."""
    if not isinstance(node, exp.Cast):
        return False
    to = node.args.get("to")
    return isinstance(to, exp.DataType) and to.this in _TEXT_TYPES and not to.expressions


def _index_element(node: exp.Expression) -> exp.Expression:
    """A key part of CREATE INDEX as PostgreSQL reads it: a column, or an expression in
    parentheses (`(lower(email)) text_pattern_ops DESC`), with its operator class and order."""
    node = node.copy()
    holder = node.this if isinstance(node, exp.Ordered) else node
    target = holder.this if isinstance(holder, exp.Opclass) else holder
    if not isinstance(target, (exp.Column, exp.Paren)):
        wrapped = exp.Paren(this=target.copy())
        if target is node:
            return wrapped
        target.replace(wrapped)
    return node


def _postgres_sql(expression: exp.Expression) -> str:
    return expression.sql(dialect="postgres")


def _is_key_of(table: _TableDraft, columns: tuple[str, ...]) -> bool:
    keys = [table.primary_key] if table.primary_key else []
    return any(set(key.columns) == set(columns) for key in keys + table.uniques)


def _column_list(tokens: list[Token]) -> tuple[int, int] | None:
    """Token indexes of the parentheses around a CREATE TABLE column list."""
    opening = next((i for i, t in enumerate(tokens) if t.token_type == TokenType.L_PAREN), None)
    if opening is None:
        return None
    depth = 0
    for index in range(opening, len(tokens)):
        kind = tokens[index].token_type
        depth += (kind == TokenType.L_PAREN) - (kind == TokenType.R_PAREN)
        if depth == 0:
            return opening, index
    return None


def _split_elements(tokens: list[Token], opening: int, closing: int) -> Iterator[tuple[int, int]]:
    """Source offsets (start, end) of the comma-separated elements of a column list."""
    depth, first = 0, opening + 1
    for index in range(opening + 1, closing + 1):
        kind = tokens[index].token_type
        if (kind == TokenType.COMMA and depth == 0) or index == closing:
            if first < index:
                yield tokens[first].start, tokens[index - 1].end + 1
            elif index < closing or first > opening + 1:  # ",," or ",)": an empty element
                yield tokens[index].start, tokens[index].start
            first = index + 1
        depth += (kind in _OPEN) - (kind in _CLOSE)


def _freeze(table: _TableDraft, foreign_keys: tuple[ForeignKey, ...]) -> Table:
    """The immutable model table; UNIQUEs repeating the PK or another UNIQUE are dropped."""
    seen = [set(table.primary_key.columns)] if table.primary_key else []
    uniques = []
    for unique in table.uniques:
        if set(unique.columns) not in seen:
            seen.append(set(unique.columns))
            uniques.append(unique.columns)
    columns = tuple(
        Column(
            name=c.name,
            type=c.type,
            nullable=c.nullable,
            default=c.default,
            autoincrement=c.autoincrement,
            comment=c.comment,
            domain_checks=c.domain_checks,
            computed=c.computed,
            identity=c.identity if c.autoincrement else None,
        )
        for c in table.columns.values()
    )
    return Table(
        name=table.name,
        columns=columns,
        schema=table.schema,
        primary_key=table.primary_key.columns if table.primary_key else (),
        uniques=tuple(uniques),
        foreign_keys=foreign_keys,
        checks=tuple(table.checks),
        comment=table.comment,
        unique_indexes=tuple(table.resolved_indexes),
        exclusions=tuple(table.exclusions),
        indexes=tuple(table.resolved_plain),
        filled_by=table.filled_by,
    )


@dataclass(frozen=True)
class _Site:
    """One column constraint in context: where it applies and what it says."""

    importer: _Importer
    table: _TableDraft
    column: _ColumnDraft
    kind: exp.Expression
    name: str | None
    line: int


def _cc_not_null(site: _Site) -> None:
    site.column.nullable = bool(site.kind.args.get("allow_null"))


def _cc_primary_key(site: _Site) -> None:
    site.importer._key(site.table, (site.column.name,), site.name, site.line, primary=True)
    site.column.nullable = False


def _cc_unique(site: _Site) -> None:
    site.importer._key(site.table, (site.column.name,), site.name, site.line, primary=False)


def _cc_default(site: _Site) -> None:
    site.importer._set_default(site.column, site.kind.this)


def _cc_autoincrement(site: _Site) -> None:
    site.column.autoincrement = True


def _cc_identity(site: _Site) -> None:
    """GENERATED ... AS IDENTITY, T-SQL IDENTITY(1,1); GENERATED ... AS (expr) is computed."""
    if site.kind.args.get("expression") is not None:
        _cc_computed(site)
    else:
        site.column.autoincrement, site.column.nullable = True, False
        site.column.identity = "ALWAYS" if site.kind.this is True else "BY DEFAULT"


def _cc_computed(site: _Site) -> None:
    """GENERATED ALWAYS AS (expr) [STORED], MySQL/SQLite `AS (expr)`, T-SQL `c AS expr`."""
    expression = site.kind.this
    while isinstance(expression, exp.Paren):
        expression = expression.this
    if not isinstance(expression, exp.Expression):  # `GENERATED GENERATED ...`: no expression
        site.importer._problem("GENERATED column without an expression", site.line,
                               site.table.key, site.column.name)  # fmt: skip
        return
    site.column.computed = expression.sql(dialect="postgres")


def _cc_reference(site: _Site) -> None:
    """Inline REFERENCES t[(c)], or T-SQL's inline FOREIGN KEY REFERENCES t(c)."""
    kind = site.kind
    reference = kind if isinstance(kind, exp.Reference) else kind.args.get("reference")
    site.importer._foreign_key(site.table, (site.column.name,), reference, site.name, site.line)


def _cc_check(site: _Site) -> None:
    site.importer._add_check(site.table, _check(site.kind.this, site.name))


def _cc_comment(site: _Site) -> None:
    text = site.kind.this
    site.column.comment = text.name if isinstance(text, exp.Literal) else None


# Column constraints: sqlglot constraint class -> what it does to the column or table.
_COLUMN_CONSTRAINTS: dict[type, Callable[[_Site], None]] = {
    exp.NotNullColumnConstraint: _cc_not_null,
    exp.PrimaryKeyColumnConstraint: _cc_primary_key,
    exp.UniqueColumnConstraint: _cc_unique,
    exp.DefaultColumnConstraint: _cc_default,
    exp.AutoIncrementColumnConstraint: _cc_autoincrement,
    exp.GeneratedAsIdentityColumnConstraint: _cc_identity,
    exp.ComputedColumnConstraint: _cc_computed,
    exp.Reference: _cc_reference,
    exp.ForeignKey: _cc_reference,
    exp.CheckColumnConstraint: _cc_check,
    exp.CommentColumnConstraint: _cc_comment,
}


# Statement kinds that shape the model: leading keywords -> handler. Anything else is a note.
_HANDLERS: tuple[tuple[re.Pattern[str], Callable[[_Importer, Statement], None]], ...] = (
    (_CREATE_TABLE, _Importer._create_table),
    (_ALTER_TABLE, _Importer._alter_table),
    *REPLAY_HANDLERS,
    (_UNIQUE_INDEX, _Importer._unique_index),
    (_INDEX, _Importer._index),
    (_COMMENT_ON, _Importer._comment),
    (_CREATE_TYPE, _Importer._create_type),
    (_CREATE_DOMAIN, _Importer._create_domain),
    (_SP_ADDTYPE, _Importer._sp_addtype),
    (CREATE_TRIGGER, _Importer._trigger),
)


# ---------------------------------------------------------------------------------------------
# Public API.
# ---------------------------------------------------------------------------------------------


def parse_ddl(sql: str, dialect: str | None = None, source: str | None = None) -> Schema:
    """Build a `Schema` from DDL text. Raises `SchemaError` listing every problem found.

    `dialect` is any sqlglot dialect name (or an alias like postgresql/mssql), default
    postgres; `source` names the input in notes and problems.
    """
    return _Importer(canonical_dialect(dialect or DEFAULT_DIALECT), source).run(sql)


def load_ddl(path: str | Path, dialect: str | None = None) -> Schema:
    """Build a `Schema` from a DDL file; the dialect defaults to the file name's suffix.

    `x.postgres.sql`, `x.mysql.sql`, `x.sqlite.sql`, `x.tsql.sql`, `x.oracle.sql` pick their
    dialect; anything else is read as PostgreSQL.
    """
    path = Path(path)
    return parse_ddl(read_ddl_text(path), dialect or dialect_from_path(path), source=str(path))


def read_ddl_text(path: Path) -> str:
    """A DDL file's text: UTF-8 (a BOM skipped, undecodable bytes replaced: a dump's latin-1
    comment must not stop it), or UTF-16 when it starts with that BOM (SQL Server Management
    Studio saves scripts so). A binary file (NUL bytes) is one problem naming it, not an
    empty schema."""
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    if b"\x00" in raw[:8192]:
        offset = raw.index(b"\x00")
        raise SchemaError(
            [
                Problem(
                    f"not text (a NUL byte at offset {offset}): is this the right file?",
                    file=str(path),
                )
            ]
        )
    return raw.decode("utf-8-sig", errors="replace")
