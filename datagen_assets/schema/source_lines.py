"""Where a constraint is written in its schema file, for messages that point at it.

The importer keeps a CHECK as PostgreSQL text and a key as its columns, not where they came
from; messages about them (the pre-flight's, the engine's) still want the user's own
`file:line:column`. The file is read again and every `CHECK (...)` in it compared with the
constraint, by name first (`CONSTRAINT name CHECK`), then by its text with quoting, case and
spacing set aside, then by the columns it reads, the candidates inside the table's own CREATE
TABLE (or an ALTER TABLE of it) first. A key (`UNIQUE`, `PRIMARY KEY`, `CREATE UNIQUE INDEX`)
is found by the columns it lists, a column-level one by the column it follows. A constraint
the file does not spell out (a partition bound, a MySQL type width) gets the table's line.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from datagen_assets.schema.model import Check

_CHECK = re.compile(r"\bCHECK\s*\(", re.IGNORECASE)
_NAMED = re.compile(r"\bCONSTRAINT\s+[\"`\[]?([^\s\"`\]]+)[\"`\]]?\s+CHECK\s*\(", re.IGNORECASE)
_TABLE = re.compile(
    r"\b(?:CREATE\s+(?:[A-Z]+\s+)*TABLE|ALTER\s+TABLE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?"
    r"(?:ONLY\s+)?([\w\"`\[\].$]+)",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z_][\w$]*")
_KEYWORDS = {"and", "or", "not", "in", "is", "null", "between", "like", "true", "false", "check"}


@dataclass(frozen=True)
class _Candidate:
    line: int
    name: str | None
    text: str  # normalised body
    words: frozenset[str]
    table: str | None  # the statement's table, unquoted, last name part, lower case
    column: int = 1  # 1-based character column of the CHECK keyword


@dataclass(frozen=True)
class _Key:
    line: int
    column: int
    columns: frozenset[str]  # lower case, bare
    table: str | None


_KEY = re.compile(r"\b(?:UNIQUE|PRIMARY\s+KEY)\b", re.IGNORECASE)
_UNIQUE_INDEX = re.compile(
    r"\bCREATE\s+UNIQUE\s+(?:\w+\s+)*?INDEX\b[^;(]*?\bON\s+(?:ONLY\s+)?([\w\"`\[\].$]+)"
    r"\s*(?:USING\s+\w+\s*)?\(",
    re.IGNORECASE,
)


def check_position(path: Path | str | None, table: str, check: Check) -> tuple[int, int] | None:
    """(line, column) of `check` of `table` in the schema file, as `check_line` finds it;
    the column is 1 where only the table's line is known."""
    line = check_line(path, table, check)
    if line is None:
        return None
    candidates, _ = _scan(*_key_of(path))
    for candidate in candidates:
        if candidate.line == line:
            return line, candidate.column
    return line, 1


def key_position(
    path: Path | str | None, table: str, columns: tuple[str, ...]
) -> tuple[int, int] | None:
    """(line, column) of the UNIQUE / PRIMARY KEY / unique index of `table` over `columns`
    in the schema file (the table's own statements first), or of the table's statement;
    None for unreadable files or a table the file does not create."""
    if path is None:
        return None
    key = _key_of(path)
    if key is None:
        return None
    keys, tables = _scan_keys(*key)
    wanted, own = frozenset(c.lower() for c in columns), table.lower()
    found = [k for k in keys if k.columns == wanted]
    mine = [k for k in found if k.table == own]
    if mine or found:
        hit = (mine or found)[0]
        return hit.line, hit.column
    line = _scan(*key)[1].get(own)
    return (line, 1) if line is not None else None


def _key_of(path: Path | str | None) -> tuple[str, int, int] | None:
    try:
        stat = Path(path).stat()
    except (OSError, TypeError):
        return None
    return str(path), stat.st_mtime_ns, stat.st_size


def check_line(path: Path | str | None, table: str, check: Check) -> int | None:
    """The 1-based line of `check` of `table` (its bare name) in the schema file, or of the
    table's statement when the CHECK is not spelled out there; None for unreadable files."""
    key = None if path is None else _key_of(path)
    if key is None:
        return None
    candidates, tables = _scan(*key)
    own = table.lower()
    if check.name:
        for candidate in candidates:
            if candidate.name and candidate.name.lower() == check.name.lower():
                return candidate.line
    target = _normalise(check.sql)
    columns = frozenset(c.lower() for c in check.columns)
    for match in (
        lambda c: c.text == target,
        lambda c: columns and c.words == columns,
    ):
        found = [c for c in candidates if match(c)]
        mine = [c for c in found if c.table == own]
        if mine or found:
            return (mine or found)[0].line
    return tables.get(own)


@functools.lru_cache(maxsize=32)
def _scan(path: str, mtime: int, size: int) -> tuple[list[_Candidate], dict[str, int]]:
    """Every CHECK of the file, and the first line of each table's CREATE TABLE."""
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return [], {}
    line_of = _line_counter(text)
    statements = [(m.start(), _bare(m.group(1))) for m in _TABLE.finditer(text)]
    tables: dict[str, int] = {}
    for start, name in statements:
        if text[start : start + 6].upper() == "CREATE":
            tables.setdefault(name, line_of(start))
    names = {m.end(): m.group(1) for m in _NAMED.finditer(text)}
    candidates = []
    for match in _CHECK.finditer(text):
        body = _balanced(text, match.end() - 1)
        owner = None
        for start, name in statements:
            if start > match.start():
                break
            owner = name
        words = (
            frozenset(w.lower() for w in _WORD.findall(re.sub(r"'(?:[^']|'')*'", "", body)))
            - _KEYWORDS
        )
        name = names.get(match.end())
        line = line_of(match.start())
        column = match.start() - text.rfind("\n", 0, match.start())
        candidates.append(_Candidate(line, name, _normalise(body), words, owner, column))
    return candidates, tables


@functools.lru_cache(maxsize=32)
def _scan_keys(path: str, mtime: int, size: int) -> tuple[list[_Key], None]:
    """Every UNIQUE / PRIMARY KEY (table- or column-level) and unique index of the file."""
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return [], None
    line_of = _line_counter(text)
    statements = [(m.start(), _bare(m.group(1))) for m in _TABLE.finditer(text)]

    def owner_at(position: int) -> str | None:
        owner = None
        for start, name in statements:
            if start > position:
                break
            owner = name
        return owner

    def at(position: int) -> tuple[int, int]:
        return line_of(position), position - text.rfind("\n", 0, position)

    keys = []
    for match in _UNIQUE_INDEX.finditer(text):
        body = _balanced(text, match.end() - 1)
        words = {w.lower() for w in _WORD.findall(re.sub(r"\w+\s*\(", "(", body))} - _KEYWORDS
        keys.append(_Key(*at(match.start()), frozenset(words), _bare(match.group(1))))
    for match in _KEY.finditer(text):
        rest = text[match.end() :]
        opening = re.match(r"\s*(?:(?:KEY|INDEX)\s+)?(?:[\w\"`\[\]]+\s*)?\(", rest, re.I)
        if opening and not re.match(r"\s*(?:KEY|INDEX)?\s*\w*\s*\(\s*\)", rest):
            body = _balanced(text, match.end() + opening.end() - 1)
            names = {_bare(part.strip().split()[0]) for part in body.split(",") if part.strip()}
        else:  # column-level: the column whose definition it ends
            names = {_element_name(text, match.start())}
        keys.append(_Key(*at(match.start()), frozenset(names - {""}), owner_at(match.start())))
    return keys, None


def _element_name(text: str, position: int) -> str:
    """The first word of the column definition (or element) holding `position`."""
    depth, index = 0, position - 1
    while index >= 0:
        char = text[index]
        if char == ")":
            depth += 1
        elif char == "(":
            if depth == 0:
                break
            depth -= 1
        elif char == "," and depth == 0:
            break
        index -= 1
    words = re.findall(r"[\"`\[]?[\w$]+[\"`\]]?", text[index + 1 : position])
    return _bare(words[0]) if words else ""


def _line_counter(text: str):
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(position: int) -> int:
        import bisect

        return bisect.bisect_right(starts, position)

    return line


def _balanced(text: str, open_at: int) -> str:
    """The text inside the parenthesis at `open_at` (string literals may hold parentheses)."""
    depth, position, quote = 0, open_at, None
    while position < len(text):
        char = text[position]
        if quote:
            if char == quote:
                quote = None
        elif char in "'\"":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return text[open_at + 1 : position]
        position += 1
    return text[open_at + 1 :]


def _normalise(sql: str) -> str:
    """Lower case, no quoting of names, no spaces, no outer parentheses."""
    text = re.sub(r"[\"`\[\]\s]", "", sql).lower()
    while text.startswith("(") and text.endswith(")") and _balanced(text, 0) == text[1:-1]:
        text = text[1:-1]
    return text


def _bare(name: str) -> str:
    return re.sub(r"[\"`\[\]]", "", name).rsplit(".", 1)[-1].lower()
