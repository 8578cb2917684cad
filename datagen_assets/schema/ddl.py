"""Import a SQL DDL script (PostgreSQL, MySQL, SQLite, T-SQL, Oracle, ...) into the schema model.

Real DDL files are whole scripts: dumps with SET lines and functions, client commands, batch
separators, views and grants around the tables. So the importer works statement by statement:

1. split the script into statements, aware of the dialect's quoting, comments, dollar quotes,
   `GO`/`/` batch separators and MySQL `DELIMITER` (the splitter never needs sqlglot, so a
   statement sqlglot cannot read never takes its neighbours down with it);
2. classify each statement by its leading keywords and parse only the kinds that shape the
   model (CREATE TABLE, ALTER TABLE, CREATE UNIQUE INDEX, COMMENT ON, CREATE TYPE/DOMAIN);
   everything else becomes a `Note` with its line;
3. apply them to mutable drafts, then resolve references and validate at the end, raising one
   `SchemaError` with every problem so a user fixes the file in one pass.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import sqlglot
import sqlglot.expressions as exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import ParseError, TokenError
from sqlglot.tokens import Token, TokenType

from datagen_assets.schema.model import (
    DEFAULT_DIALECT,
    Check,
    Column,
    ColumnType,
    ForeignKey,
    Note,
    Problem,
    Schema,
    SchemaError,
    Table,
    TypeKind,
    UniqueIndex,
)
from datagen_assets.schema.naming import mysql_constraint_name, postgres_constraint_name
from datagen_assets.schema.types import UserType, map_type

_T = TypeVar("_T")

# ---------------------------------------------------------------------------------------------
# Dialect profiles: how each dialect writes scripts, as data.
# ---------------------------------------------------------------------------------------------

_EOL = r"(?=\r?\n|\Z)"
_GO = re.compile(rf"[ \t]*GO(?:[ \t]+\d+)?[ \t]*(?:--[^\n]*)?{_EOL}", re.I)
_SLASH = re.compile(rf"[ \t]*/[ \t]*{_EOL}")
_DELIMITER = re.compile(r"[ \t]*DELIMITER[ \t]+(\S+)[^\n]*", re.I)
_PSQL_META = re.compile(r"[ \t]*\\[^\n]*")
_SQLITE_DOT = re.compile(r"[ \t]*\.[A-Za-z][^\n]*")
_SQLPLUS_SILENT = re.compile(r"[ \t]*(?:REM(?:ARK)?|PRO(?:MPT)?)\b[^\n]*", re.I)
_SQLPLUS = re.compile(
    r"[ \t]*(?:@|(?:SET|SPO(?:OL)?|WHENEVER|EXIT|QUIT|DEF(?:INE)?|UNDEF(?:INE)?|CONN(?:ECT)?"
    r"|SHO(?:W)?|COL(?:UMN)?|TTI(?:TLE)?|BTI(?:TLE)?|BRE(?:AK)?|COMP(?:UTE)?|ACC(?:EPT)?"
    r"|PAU(?:SE)?|HO(?:ST)?|STA(?:RT)?|TIMI(?:NG)?|CL(?:EAR)?|VAR(?:IABLE)?|EXEC(?:UTE)?"
    r"|DESC(?:RIBE)?)\b)[^\n]*",
    re.I,
)
# PL/SQL units end only at a "/" line: their bodies contain ";".
_PLSQL_UNIT = re.compile(
    r"(?:CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:NON)?EDITIONABLE\s+)?"
    r"(?:PROCEDURE|FUNCTION|PACKAGE|TRIGGER|TYPE|LIBRARY)|DECLARE|BEGIN)\b",
    re.I,
)
# T-SQL modules end only at GO: they must be alone in their batch.
_TSQL_MODULE = re.compile(
    r"(?:CREATE(?:\s+OR\s+ALTER)?|ALTER)\s+(?:PROC|PROCEDURE|FUNCTION|TRIGGER|VIEW)\b", re.I
)
# T-SQL control flow: ";" inside BEGIN ... END does not end it, the closing END does.
_TSQL_CONTROL = re.compile(r"(?:IF|WHILE|BEGIN(?!\s+(?:TRAN|TRANSACTION|DISTRIBUTED)\b))\b", re.I)
# T-SQL needs no ";": a line starting with one of these (outside parentheses) starts a statement.
_TSQL_IMPLICIT_START = re.compile(
    r"[ \t]*(?:CREATE|ALTER|DROP|EXEC|EXECUTE|INSERT|GRANT|USE|PRINT)\b", re.I
)
# Routines whose body is BEGIN ... END with ";" inside (PostgreSQL BEGIN ATOMIC, MySQL/SQLite).
_ROUTINE = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:DEFINER\s*=\s*\S+\s+)?(?:TEMP\s+|TEMPORARY\s+)?"
    r"(?:FUNCTION|PROCEDURE|TRIGGER|EVENT)\b",
    re.I,
)


@dataclass(frozen=True)
class _Profile:
    """What the importer must know about a dialect beyond sqlglot's grammar."""

    lower_unquoted: bool = False  # PostgreSQL folds unquoted names to lower case
    case_insensitive: bool = True  # names match regardless of case when no exact match
    default_schema: str | None = None  # what an unqualified name means (public, dbo)
    hash_comments: bool = False
    backslash_escapes: bool = False
    bracket_quotes: bool = False
    backtick_quotes: bool = False
    dollar_quotes: bool = False
    delimiter_command: bool = False
    batch_separator: re.Pattern[str] | None = None
    client_command: re.Pattern[str] | None = None  # one-line commands without terminator
    silent_command: re.Pattern[str] | None = None  # one-line client comments (REM, PROMPT)
    implicit_start: re.Pattern[str] | None = None
    block_start: re.Pattern[str] | None = None
    control_start: re.Pattern[str] | None = None
    routine_start: re.Pattern[str] | None = None
    ignored_words: frozenset[str] = frozenset()  # words sqlglot trips on and we do not need
    ignored_phrases: tuple[tuple[str, ...], ...] = ()  # word sequences, "#" for any number
    typeless_columns: bool = False  # SQLite accepts a column without a type


_PROFILES: dict[str, _Profile] = {
    "postgres": _Profile(
        lower_unquoted=True,
        case_insensitive=False,
        default_schema="public",
        dollar_quotes=True,
        client_command=_PSQL_META,
        routine_start=_ROUTINE,
    ),
    "mysql": _Profile(
        hash_comments=True,
        backslash_escapes=True,
        backtick_quotes=True,
        delimiter_command=True,
        routine_start=_ROUTINE,
    ),
    "sqlite": _Profile(
        typeless_columns=True,
        bracket_quotes=True,
        backtick_quotes=True,
        client_command=_SQLITE_DOT,
        routine_start=_ROUTINE,
        ignored_phrases=(("ON", "CONFLICT", "*"),),  # how a violation is resolved
    ),
    "tsql": _Profile(
        default_schema="dbo",
        bracket_quotes=True,
        batch_separator=_GO,
        implicit_start=_TSQL_IMPLICIT_START,
        block_start=_TSQL_MODULE,
        control_start=_TSQL_CONTROL,
        ignored_words=frozenset(
            {"CLUSTERED", "NONCLUSTERED", "ROWGUIDCOL", "SPARSE", "FILESTREAM"}
        ),  # fmt: skip
    ),
    "oracle": _Profile(
        batch_separator=_SLASH,
        client_command=_SQLPLUS,
        silent_command=_SQLPLUS_SILENT,
        block_start=_PLSQL_UNIT,
        # constraint states and identity/sequence options
        ignored_words=frozenset(
            {
                "ENABLE",
                "DISABLE",
                "VALIDATE",
                "NOVALIDATE",
                "RELY",
                "NORELY",
                "NOORDER",
                "NOCYCLE",
                "NOKEEP",
                "NOSCALE",
                "NOCACHE",
                "NOMINVALUE",
                "NOMAXVALUE",
            }
        ),
        ignored_phrases=(
            ("MINVALUE", "#"),
            ("MAXVALUE", "#"),
            ("CACHE", "#"),
            ("KEEP",),
            ("SCALE",),
            ("EXTEND",),
            ("ORDER",),
            ("CYCLE",),
            ("START", "WITH", "#"),
            ("INCREMENT", "BY", "#"),
        ),
    ),
}
_GENERIC_PROFILE = _Profile()
# In every dialect: the default for a foreign key, and the sort order of key columns
# (`PRIMARY KEY (id DESC)` in SQLite and MySQL), which sqlglot's grammar lacks.
_IGNORED_PHRASES: tuple[tuple[str, ...], ...] = (("NOT", "DEFERRABLE"), ("ASC",), ("DESC",))


def _phrase_end(tokens: list[Token], index: int, phrase: tuple[str, ...]) -> int | None:
    """The index of the last token of `phrase` matched at `index` ("#": a number, maybe
    negative; "*": any word), or None."""
    position = index
    for word in phrase:
        if position >= len(tokens):
            return None
        token = tokens[position]
        if word == "#":
            if token.token_type == TokenType.DASH and position + 1 < len(tokens):
                position += 1
                token = tokens[position]
            if token.token_type != TokenType.NUMBER:
                return None
        elif word != "*" and token.text.upper() != word:
            return None
        position += 1
    return position - 1


_ALIASES = {
    "postgresql": "postgres",
    "pg": "postgres",
    "psql": "postgres",
    "mssql": "tsql",
    "sqlserver": "tsql",
    "mariadb": "mysql",
    "sqlite3": "sqlite",
    "plsql": "oracle",
}


def canonical_dialect(name: str) -> str:
    """A sqlglot dialect name for `name` (accepting aliases like postgresql or mssql)."""
    lowered = name.strip().lower()
    lowered = _ALIASES.get(lowered, lowered)
    Dialect.get_or_raise(lowered)  # fail early and clearly on an unknown dialect
    return lowered


def dialect_from_path(path: str | Path) -> str:
    """`x.postgres.sql` -> postgres, `x.mysql.sql` -> mysql; anything else -> postgres."""
    suffixes = Path(path).suffixes
    if len(suffixes) >= 2:
        candidate = suffixes[-2].lstrip(".").lower()
        candidate = _ALIASES.get(candidate, candidate)
        if candidate in _PROFILES or Dialect.get(candidate) is not None:
            return candidate
    return DEFAULT_DIALECT


# ---------------------------------------------------------------------------------------------
# Statement splitting.
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    """One statement of a script and the 1-based line of its first character."""

    sql: str
    line: int


def split_statements(text: str, dialect: str = DEFAULT_DIALECT) -> list[Statement]:
    """Split a script into statements without parsing them (see the module docstring)."""
    return _Splitter(text, _PROFILES.get(dialect, _GENERIC_PROFILE)).split()


def _scan_pattern(profile: _Profile, delimiter: str) -> re.Pattern[str]:
    """One regex that matches the next lexical unit the splitter cares about."""
    if profile.backslash_escapes:
        strings = [r"'(?:[^'\\]|''|\\[\s\S])*(?:'|\Z)"]
    else:
        strings = [r"'(?:[^']|'')*(?:'|\Z)"]
    if profile.dollar_quotes:  # PostgreSQL E'...' strings take backslash escapes
        strings.insert(0, r"[eE]'(?:[^'\\]|''|\\[\s\S])*(?:'|\Z)")
    strings.append(r'"(?:[^"]|"")*(?:"|\Z)')
    if profile.backtick_quotes:
        strings.append(r"`(?:[^`]|``)*(?:`|\Z)")
    if profile.bracket_quotes:
        strings.append(r"\[(?:[^\]]|\]\])*(?:\]|\Z)")
    comments = r"--[^\n]*|/\*[\s\S]*?(?:\*/|\Z)" + (r"|\#[^\n]*" if profile.hash_comments else "")
    parts = [
        r"(?P<nl>\n)",
        r"(?P<ws>[ \t\r\f\v]+)",
        rf"(?P<term>{re.escape(delimiter)})",
        rf"(?P<comment>{comments})",
        rf"(?P<quoted>{'|'.join(strings)})",
    ]
    if profile.dollar_quotes:
        parts.append(r"(?P<dollar>\$(?:[^\W\d]\w*)?\$)")
    word = rf"[^\W\d](?:(?!{re.escape(delimiter)})[\w$])*"  # END$$ is END, then the delimiter
    parts += [rf"(?P<word>{word})", r"(?P<open>\()", r"(?P<close>\))", r"(?P<other>[\s\S])"]
    return re.compile("|".join(parts))


_NEXT_WORD = re.compile(r"\s*([^\W\d]\w*)")
_NOT_A_BLOCK = frozenset({"TRAN", "TRANSACTION", "DISTRIBUTED", "WORK"})
_LOOP_ENDS = frozenset({"IF", "LOOP", "WHILE", "REPEAT", "FOR"})


class _Splitter:
    """A single pass over the script; see `split_statements`.

    Modes of the current statement: "plain" ends at the delimiter; "block" ends only at the
    batch separator (PL/SQL units, T-SQL modules); "routine" ignores delimiters inside
    BEGIN/CASE ... END; "control" does too and also ends at the END closing its first BEGIN.
    """

    def __init__(self, text: str, profile: _Profile):
        self.text = text
        self.profile = profile
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
        self.statements: list[Statement] = []
        self.start: int | None = None
        self.mode = "plain"
        self.nesting: list[str] = []
        self.parens = 0
        self.pattern = _scan_pattern(profile, ";")

    def split(self) -> list[Statement]:
        pos, size, line_start = 0, len(self.text), True
        while pos < size:
            if line_start:
                line_start = False
                line_end = self._line_command(pos)
                if line_end is not None:
                    pos = line_end
                    continue
            match = self.pattern.match(self.text, pos)
            assert match is not None  # the last alternative matches any character
            kind, pos = match.lastgroup, match.end()
            if kind == "nl":
                line_start = True
            elif kind == "term":
                self._terminator(match.start())
            elif kind not in ("ws", "comment"):
                pos = self._content(kind, match)
        self._end(size)
        return self.statements

    def _line_command(self, pos: int) -> int | None:
        """Handle a line that is a command of its own (GO, /, DELIMITER, client commands)."""
        profile, text = self.profile, self.text
        if profile.batch_separator and (match := profile.batch_separator.match(text, pos)):
            self._end(pos)
            return match.end()
        if profile.delimiter_command and (match := _DELIMITER.match(text, pos)):
            self._end(pos)
            self.pattern = _scan_pattern(profile, match.group(1))
            return match.end()
        if self.start is not None:
            implicit = profile.implicit_start
            if implicit and self.mode == "plain" and not self.parens and implicit.match(text, pos):
                self._end(pos)
            return None
        if profile.silent_command and (match := profile.silent_command.match(text, pos)):
            return match.end()
        if profile.client_command and (match := profile.client_command.match(text, pos)):
            self._begin(pos + len(match.group()) - len(match.group().lstrip()))
            self._end(match.end())
            return match.end()
        return None

    def _content(self, kind: str | None, match: re.Match[str]) -> int:
        """A unit of statement text: start a statement if none is open, track nesting."""
        if self.start is None:
            self._begin(match.start())
        if kind == "dollar":
            closing = self.text.find(match.group(), match.end())
            return len(self.text) if closing < 0 else closing + len(match.group())
        if kind == "open":
            self.parens += 1
        elif kind == "close":
            self.parens = max(0, self.parens - 1)
        elif kind == "word" and self.mode in ("routine", "control"):
            self._block_word(match)
        return match.end()

    def _block_word(self, match: re.Match[str]) -> None:
        """Track BEGIN/CASE ... END so that ";" inside a body does not end the statement."""
        word, after = match.group().upper(), self._next_word(match.end())
        if word == "CASE" or (word == "BEGIN" and after not in _NOT_A_BLOCK):
            self.nesting.append(word)
        elif word == "END" and self.nesting and after not in _LOOP_ENDS:
            opened = self.nesting.pop()
            closes = self.mode == "control" and not self.nesting and opened == "BEGIN"
            if closes and after != "ELSE":
                self._end(match.end())

    def _next_word(self, pos: int) -> str:
        match = _NEXT_WORD.match(self.text, pos)
        return match.group(1).upper() if match else ""

    def _terminator(self, pos: int) -> None:
        if self.start is None or self.mode == "block":
            return
        if self.mode in ("routine", "control") and self.nesting:
            return
        self._end(pos)

    def _begin(self, pos: int) -> None:
        self.start, self.nesting, self.parens = pos, [], 0
        head = self.text[pos : pos + 200]
        profile = self.profile
        if profile.block_start and profile.block_start.match(head):
            self.mode = "block"
        elif profile.control_start and profile.control_start.match(head):
            self.mode = "control"
        elif profile.routine_start and profile.routine_start.match(head):
            self.mode = "routine"
        else:
            self.mode = "plain"

    def _end(self, pos: int) -> None:
        if self.start is None:
            return
        sql = self.text[self.start : pos].strip()
        if sql:
            line = bisect.bisect_right(self.line_starts, self.start)
            self.statements.append(Statement(sql, line))
        self.start = None


# ---------------------------------------------------------------------------------------------
# Parsing helpers.
# ---------------------------------------------------------------------------------------------


class _Silence(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return False


@contextmanager
def _quiet_sqlglot() -> Iterator[None]:
    """sqlglot logs a warning when it falls back to a Command; we report those as notes."""
    logger, silence = logging.getLogger("sqlglot"), _Silence()
    logger.addFilter(silence)
    try:
        yield
    finally:
        logger.removeFilter(silence)


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
_OPEN = (TokenType.L_PAREN, TokenType.L_BRACKET)
_CLOSE = (TokenType.R_PAREN, TokenType.R_BRACKET)


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
        with _quiet_sqlglot():
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


def _unparen(expression: exp.Expression) -> exp.Expression:
    while isinstance(expression, exp.Paren):
        expression = expression.this
    return expression


def _summary(sql: str, limit: int = 80) -> str:
    text = " ".join(sql.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


# ---------------------------------------------------------------------------------------------
# Drafts: mutable while statements apply, frozen into the model at the end.
# ---------------------------------------------------------------------------------------------


@dataclass
class _ColumnDraft:
    name: str
    type: ColumnType
    line: int
    nullable: bool = True
    default: str | None = None
    autoincrement: bool = False
    comment: str | None = None
    domain_checks: tuple[Check, ...] = ()
    computed: str | None = None


@dataclass
class _KeyDraft:
    """A PRIMARY KEY or UNIQUE constraint, with the column names as written."""

    columns: tuple[str, ...]
    line: int
    name: str | None = None
    auto_name: str | None = None  # the name the database gave it (see schema.naming)

    def named(self, name: str) -> bool:
        return name in (self.name, self.auto_name)


@dataclass
class _IndexDraft:
    """A unique index on lower()/upper()/trim() of columns, or partial: its key parts as
    parsed (each on one column, names as written) and its predicate."""

    columns: tuple[str, ...]
    parts: tuple[exp.Expression, ...]
    folded: tuple[bool, ...]
    where: exp.Expression | None
    line: int
    name: str | None = None

    def named(self, name: str) -> bool:
        return name == self.name


@dataclass
class _ForeignKeyDraft:
    columns: tuple[str, ...]
    ref_schema: str | None
    ref_name: str
    ref_columns: tuple[str, ...]  # empty: the referenced table's primary key
    line: int
    name: str | None = None
    auto_name: str | None = None
    # The parent, when it existed as the FK was declared (it follows RENAMEs); else it is
    # looked up by name at the end, along the search path in force at the declaration.
    target: _TableDraft | None = None
    path: tuple[str, ...] = ()

    def named(self, name: str) -> bool:
        return name in (self.name, self.auto_name)


@dataclass
class _PartitionDraft:
    """`CREATE TABLE name PARTITION OF parent FOR VALUES ...`: which rows the parent routes
    there (its `bound`, a sqlglot PartitionBoundSpec, or DEFAULT)."""

    name: str
    bound: exp.Expression
    line: int
    partitioned: bool = False  # itself PARTITION BY: its own partitions narrow it further


@dataclass
class _TableDraft:
    name: str
    schema: str | None
    line: int
    columns: dict[str, _ColumnDraft] = field(default_factory=dict)
    primary_key: _KeyDraft | None = None
    uniques: list[_KeyDraft] = field(default_factory=list)
    unique_indexes: list[_IndexDraft] = field(default_factory=list)
    foreign_keys: list[_ForeignKeyDraft] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    comment: str | None = None
    resolved_indexes: list[UniqueIndex] = field(default_factory=list)
    exclusions: list[str] = field(default_factory=list)
    partitioned_by: exp.Expression | None = None  # PARTITION BY RANGE|LIST|HASH (key)
    partitions: list[_PartitionDraft] = field(default_factory=list)
    check_names: dict[int, str] = field(default_factory=dict)  # id(check) -> name given
    inherited: set[str] = field(default_factory=set)  # columns from INHERITS parents
    parents: list[_TableDraft] = field(default_factory=list)  # INHERITS

    @property
    def key(self) -> str:
        return f"{self.schema}.{self.name}" if self.schema else self.name


# ---------------------------------------------------------------------------------------------
# The importer.
# ---------------------------------------------------------------------------------------------

_CREATE_TABLE = re.compile(
    r"CREATE\s+(?:OR\s+REPLACE\s+)?(?:(?:GLOBAL|LOCAL)\s+)?(?:(?:TEMP|TEMPORARY|UNLOGGED)\s+)?"
    r"TABLE\b",
    re.I,
)
_ALTER_TABLE = re.compile(r"ALTER\s+TABLE\b", re.I)
_UNIQUE_INDEX = re.compile(r"CREATE\s+UNIQUE\s+(?:(?:CLUSTERED|NONCLUSTERED)\s+)?INDEX\b", re.I)
_COMMENT_ON = re.compile(r"COMMENT\s+ON\b", re.I)
_CREATE_TYPE = re.compile(r"CREATE\s+(?:OR\s+REPLACE\s+)?TYPE\b", re.I)
_CREATE_DOMAIN = re.compile(r"CREATE\s+DOMAIN\b", re.I)
_NAME = r"(?:\"(?:[^\"]|\"\")*\"|\[(?:[^\]]|\]\])*\]|`(?:[^`]|``)*`|[\w$#]+)"
_DOMAIN = re.compile(rf"CREATE\s+DOMAIN\s+(?P<name>{_NAME}(?:\s*\.\s*{_NAME})?)\s+(?:AS\s+)?", re.I)
_QNAME = rf"{_NAME}(?:\s*\.\s*{_NAME}){{0,2}}"
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
    rf"ALTER\s+TABLE\s+(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(?P<table>{_QNAME})\s*\*?\s*"
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
_RECOVERY_TABLE = "_datagen_recovered"
_UNNAMED = "_datagen_unnamed"
_BLOCK_BODY = re.compile(r"\bBEGIN\b(?!\s+TRAN)(?P<body>[\s\S]*)\bEND\s*;?\s*\Z", re.I)


class _Importer:
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
            self._skip(statement, "control flow without a BEGIN ... END body")
            return
        self._skip(statement, "control flow; its body is imported")
        offset = statement.line - 1 + statement.sql.count("\n", 0, body.start("body"))
        for inner in split_statements(body.group("body"), self.dialect):
            self._statement(Statement(inner.sql, inner.line + offset))

    # -- reporting ---------------------------------------------------------------------------

    def _note(self, message: str, line: int | None) -> None:
        self.notes.append(Note(message, self.source, line))

    def _skip(self, statement: Statement, why: str = "not a table definition") -> None:
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
        with _quiet_sqlglot():
            trees = self.sqlglot.parser().parse(tokens, sql)
        tree = next((tree for tree in trees if tree is not None), None)
        return _Parsed(tree, sql, tokens, [token.start for token in tokens])

    def _blank_ignored(self, sql: str, tokens: list[Token]) -> tuple[str, list[Token]]:
        """Replace vendor words and phrases that change storage, not data (CLUSTERED,
        ROWGUIDCOL, Oracle's ENABLE and identity CACHE 20, SQLite's ON CONFLICT REPLACE,
        NOT DEFERRABLE) by spaces: same offsets and lines, a grammar sqlglot reads."""
        phrases = (*self.profile.ignored_phrases, *_IGNORED_PHRASES)
        words = self.profile.ignored_words
        cuts = []
        for index, token in enumerate(tokens):
            if token.token_type in (TokenType.STRING, TokenType.IDENTIFIER):
                continue
            if token.text.upper() in words:
                cuts.append((token.start, token.end + 1))
                continue
            for phrase in phrases:
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
            draft.exclusions += [c for c in source.exclusions if c not in draft.exclusions]

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

    def _merge_inherited(
        self, draft: _TableDraft, name: str, node: exp.ColumnDef, line: int
    ) -> None:
        """A column the child declares again merges with the inherited one (PostgreSQL
        requires the same type): the child's NOT NULL, DEFAULT and constraints add to it."""
        draft.inherited.discard(name)
        column = draft.columns[name]
        for constraint in node.args.get("constraints") or []:
            self._column_constraint(draft, column, constraint, line)

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
        elif not isinstance(node, exp.IndexColumnConstraint):  # a plain index constrains nothing
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

    # -- ALTER TABLE -------------------------------------------------------------------------

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

    def _actions(self, sql: str, start: int) -> list[tuple[int, str]]:
        """(offset, text) of each comma-separated action after the ALTER TABLE header."""
        rest = sql[start:]
        try:
            tokens = self.sqlglot.tokenize(rest)
        except TokenError:
            return [(start, rest.strip())]
        cuts, depth = [0], 0
        for token in tokens:
            depth += (token.token_type in _OPEN) - (token.token_type in _CLOSE)
            if token.token_type == TokenType.COMMA and depth == 0:
                cuts.append(token.start)
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

    # ALTER TABLE actions read by pattern (sqlglot misreads `RENAME a TO b` as a table rename)

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
        if action.args.get("default") is not None:
            self._set_default(column, action.args["default"])
        elif action.args.get("allow_null") is not None:
            column.nullable = bool(action.args["allow_null"])
        elif action.args.get("drop"):
            column.default = None
        elif isinstance(action.args.get("dtype"), exp.DataType):
            node = exp.ColumnDef(this=action.this, kind=action.args["dtype"])
            column.type = self._column(node, parsed, line, draft.key).type

    def _table_from_text(self, text: str) -> _TableDraft | None:
        qualified = self._qualified(text)
        return self._find_table(*qualified) if qualified else None

    def _identifier_from_text(self, text: str) -> exp.Expression | None:
        column = self._parse_quietly(f"SELECT {text}")
        if isinstance(column, exp.Select) and isinstance(column.expressions[0], exp.Column):
            return column.expressions[0].this
        return None

    # -- the catalog: renames and drops, as the database applies them ------------------------

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
        for index in table.unique_indexes:
            index.columns = renamed(index.columns)
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
        found += [("index", index) for index in table.unique_indexes]
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
        for index in table.unique_indexes:
            if matches(index):
                table.unique_indexes.remove(index)
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
        tree = self._parse_quietly(statement.sql)
        declared = tree.expression if isinstance(tree, exp.Create) else None
        if not (isinstance(declared, exp.DataType) and declared.this == exp.DataType.Type.ENUM):
            self._skip(statement, "only ENUM types are modelled")
            return
        schema, name = self._table_name(tree.this)
        values = tuple(e.name for e in declared.expressions if isinstance(e, exp.Literal))
        enum = ColumnType(TypeKind.ENUM, sql=name, enum_values=values)
        self.user_types.append((schema, name, UserType(name, enum)))

    def _create_domain(self, statement: Statement) -> None:
        """CREATE DOMAIN d AS base ...: read the rest as a column definition of a probe table."""
        match = _DOMAIN.match(statement.sql)
        rest = statement.sql[match.end() :] if match else ""
        try:
            parsed = self._parse(f"CREATE TABLE _datagen_domain (value {rest})")
            table = exp.to_table(match.group("name"), dialect=self.dialect) if match else None
        except (ParseError, TokenError):
            parsed = table = None
        create = parsed.tree if parsed else None
        if table is None or not isinstance(create, exp.Create):
            self._skip(statement, "unreadable domain")
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

    # -- resolution and validation -----------------------------------------------------------

    def _finish(self) -> Schema:
        if not self.tables:
            self._problem("no CREATE TABLE statement found", None)
        for table in self.tables.values():
            self._resolve_keys(table)
            self._partition_bounds(table)
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
            else _postgres_sql(exp.column(column, quoted=True))
            for part, column in zip(index.parts, columns, strict=True)
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
        parent = fk.target if fk.target is not None and fk.target.key in self.tables else None
        parent = parent or self._find_table(fk.ref_schema, fk.ref_name, table.schema, fk.path)
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
            self._problem(message, fk.line, table.key, columns[0])
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


def _check(expression: exp.Expression, name: str | None) -> Check:
    """A CHECK kept as parsed (outer parentheses dropped) with its PostgreSQL text."""
    expression = _unparen(expression)
    return Check(parsed=expression, sql=expression.sql(dialect="postgres"), name=name)


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


def _cc_computed(site: _Site) -> None:
    """GENERATED ALWAYS AS (expr) [STORED], MySQL/SQLite `AS (expr)`, T-SQL `c AS expr`."""
    expression = site.kind.this
    while isinstance(expression, exp.Paren):
        expression = expression.this
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

_N, _Q = _NAME, _QNAME
# ALTER TABLE actions read by pattern (each matched against one whole action), in order.
_ALTER_PATTERNS: tuple[tuple[re.Pattern[str], Callable], ...] = tuple(
    (re.compile(pattern, re.I | re.S), handler)
    for pattern, handler in (
        (rf"RENAME\s+(?:TO|AS)\s+(?P<new>{_Q})", _Importer._act_rename_table),
        (rf"RENAME\s+(?:CONSTRAINT|INDEX|KEY)\s+(?P<old>{_N})\s+TO\s+(?P<new>{_N})",
         _Importer._act_rename_constraint),
        (rf"RENAME\s+(?:COLUMN\s+)?(?P<old>{_N})\s+(?:TO|AS)\s+(?P<new>{_N})",
         _Importer._act_rename_column),
        (rf"SET\s+SCHEMA\s+(?P<schema>{_N})", _Importer._act_set_schema),
        (r"DROP\s+PRIMARY\s+KEY(?:\s+(?:CASCADE|RESTRICT))?", _Importer._act_drop_primary),
        (rf"DROP\s+(?:CONSTRAINT|FOREIGN\s+KEY|INDEX|KEY|CHECK)\s+(?P<exists>IF\s+EXISTS\s+)?"
         rf"(?P<name>{_N})(?:\s+(?P<cascade>CASCADE)|\s+RESTRICT)?",
         _Importer._act_drop_constraint),
        (rf"DROP\s+(?:COLUMN\s+)?(?P<exists>IF\s+EXISTS\s+)?(?P<names>{_N}|\([^()]*\))"
         r"(?:\s+(?P<cascade>CASCADE)|\s+RESTRICT)?", _Importer._act_drop_column),
        (rf"(?:NO\s+)?INHERIT\s+{_Q}", _Importer._act_inherit),
        (rf"ATTACH\s+PARTITION\s+(?P<child>{_Q})\s+(?P<bound>FOR\s+VALUES\b.*|DEFAULT)",
         _Importer._act_attach),
        (rf"ADD\s+(?:CONSTRAINT\s+(?P<name>{_N})\s+)?(?P<kind>PRIMARY\s+KEY|UNIQUE)\s+USING\s+"
         rf"INDEX\s+(?P<index>{_N}).*", _Importer._act_using_index),
        (r"MODIFY\s*\((?P<body>.*)\)", _Importer._act_modify_list),
        (rf"MODIFY\s+(?:COLUMN\s+)?(?P<body>{_N}\s+(?:NOT\s+)?NULL\b.*|{_N}\s+DEFAULT\s+.+)",
         _Importer._act_modify_list),
        (r"MODIFY\s+(?P<body>.*)", _Importer._act_modify_oracle),
        (rf"ALTER\s+(?:COLUMN\s+)?(?P<column>{_N})\s+ADD\s+GENERATED\s+(?:ALWAYS|BY\s+DEFAULT)"
         r"\s+AS\s+IDENTITY\b.*", _Importer._act_identity),
        (rf"ADD\s+(?:CONSTRAINT\s+{_N}\s+)?DEFAULT\s+(?P<expression>.+?)\s+FOR\s+(?P<column>{_N})",
         _Importer._act_default_for),
    )
)  # fmt: skip

# Statement kinds that shape the model: leading keywords -> handler. Anything else is a note.
_HANDLERS: tuple[tuple[re.Pattern[str], Callable[[_Importer, Statement], None]], ...] = (
    (_CREATE_TABLE, _Importer._create_table),
    (_ALTER_TABLE, _Importer._alter_table),
    (_DROP, _Importer._drop),
    (_RENAME_TABLE, _Importer._rename_statement),
    (_ALTER_INDEX_RENAME, _Importer._rename_statement),
    (_SET_PATH, _Importer._set_path),
    (_SET_CONFIG_PATH, _Importer._set_path),
    (_CREATE_SCHEMA, _Importer._create_schema),
    (_USE, _Importer._use),
    (_SP_RENAME, _Importer._sp_rename),
    (_UNIQUE_INDEX, _Importer._unique_index),
    (_COMMENT_ON, _Importer._comment),
    (_CREATE_TYPE, _Importer._create_type),
    (_CREATE_DOMAIN, _Importer._create_domain),
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
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    return parse_ddl(text, dialect or dialect_from_path(path), source=str(path))
