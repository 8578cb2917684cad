"""A DDL script as its client runs it: split into statements (psql, mysql, sqlcmd, SQL*Plus and
sqlite3 each end statements their own way), and what the importer must know of each dialect.

The splitter never needs sqlglot's parser, so a statement sqlglot cannot read never takes its
neighbours down with it. It knows the dialect's quoting, comments, dollar quotes, `GO` and `/`
batch separators, MySQL `DELIMITER`, client commands, and bodies (BEGIN ... END) whose `;` do
not end the statement.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path

from sqlglot.dialects.dialect import Dialect
from sqlglot.tokens import Token, TokenType

from datagen_assets.schema.model import DEFAULT_DIALECT

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
    trailing_words: frozenset[str] = frozenset()  # ignored only where an element ends
    identity_options: tuple[tuple[str, ...], ...] = ()  # ignored only after IDENTITY
    typeless_columns: bool = False  # SQLite accepts a column without a type
    like_classes: bool = False  # LIKE '[0-9][A-Z]' has character classes (T-SQL, Sybase)
    bare_unique_takes_name: bool = False  # sqlglot: the word after UNIQUE is a name (T-SQL)


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
        like_classes=True,
        bare_unique_takes_name=True,
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
        # constraint states (`NOT NULL ENABLE,`): only where an element ends
        trailing_words=frozenset({"ENABLE", "DISABLE", "VALIDATE", "NOVALIDATE", "RELY", "NORELY"}),
        # sequence options of an identity column, written without parentheses
        identity_options=(
            ("MINVALUE", "#"),
            ("MAXVALUE", "#"),
            ("CACHE", "#"),
            ("START", "WITH", "#"),
            ("INCREMENT", "BY", "#"),
            ("NOORDER",),
            ("NOCYCLE",),
            ("NOKEEP",),
            ("NOSCALE",),
            ("NOCACHE",),
            ("NOMINVALUE",),
            ("NOMAXVALUE",),
            ("KEEP",),
            ("SCALE",),
            ("EXTEND",),
            ("ORDER",),
            ("CYCLE",),
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
    "sybase": "tsql",  # Sybase ASE: T-SQL's ancestor (GO batches, sp_addtype, LIKE '[0-9]')
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
