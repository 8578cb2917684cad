"""Where a CHECK constraint is written in its schema file, for messages that point at it.

The importer keeps a CHECK as PostgreSQL text, not where it came from; messages about a CHECK
(the pre-flight's) still want the user's own `file:line`. The file is read again and every
`CHECK (...)` in it compared with the constraint, by name first (`CONSTRAINT name CHECK`),
then by its text with quoting, case and spacing set aside, then by the columns it reads, the
candidates inside the table's own CREATE TABLE (or an ALTER TABLE of it) first. A CHECK the
file does not spell out (a partition bound, a MySQL type width) gets the table's line.
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


def check_line(path: Path | str | None, table: str, check: Check) -> int | None:
    """The 1-based line of `check` of `table` (its bare name) in the schema file, or of the
    table's statement when the CHECK is not spelled out there; None for unreadable files."""
    if path is None:
        return None
    try:
        stat = Path(path).stat()
    except OSError:
        return None
    candidates, tables = _scan(str(path), stat.st_mtime_ns, stat.st_size)
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
        candidates.append(_Candidate(line_of(match.start()), name, _normalise(body), words, owner))
    return candidates, tables


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
