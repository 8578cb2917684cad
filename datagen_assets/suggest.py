"""Near-miss names: "did you mean" for a mistyped table, column, key, generator or dataset.

One helper (difflib's ratio, as Python's own NameError hints use) so every message suggests
the same way, wherever the name was typed: a YAML config or the command line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping


class UnknownName(ValueError):
    """A name that matches nothing the user could mean (a dataset, table, template ...); the
    message lists the known names and suggests the nearest."""


def close_matches(name: str, candidates: Iterable[str], n: int = 3) -> list[str]:
    """The candidates nearest to `name`, best first; compared case-insensitively, so `Orders`
    finds `orders`."""
    by_folded: dict[str, str] = {}
    for candidate in candidates:
        by_folded.setdefault(str(candidate).casefold(), str(candidate))
    found = difflib.get_close_matches(str(name).casefold(), list(by_folded), n=n, cutoff=0.6)
    return [by_folded[f] for f in found]


def did_you_mean(
    name: str, candidates: Iterable[str], aliases: Mapping[str, str] | None = None
) -> str:
    """` (did you mean 'orders'?)`, or "" when nothing is close. `aliases` maps names users
    write for a thing to the name it has here (`integer` -> `uniform_int`): when nothing is
    close, a near miss of an alias suggests its target."""
    found = close_matches(name, candidates)
    for alias in [] if found else close_matches(name, aliases or {}):
        if aliases[alias] not in found:
            found.append(aliases[alias])
    if not found:
        return ""
    return f" (did you mean {' or '.join(repr(f) for f in found)}?)"
