"""Reading YAML: libyaml's C parser when PyYAML was built with it (ten times faster than the
pure-Python one, which showed up in every definitions load), same safe subset either way."""

from __future__ import annotations

from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """`yaml.safe_load`, through the C parser when there is one."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a SafeLoader
