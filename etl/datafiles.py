"""Read the project's editable data files (taxonomy, stances, countries, places)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# libyaml's C parser is ~10x faster than the pure-Python one; start-up time counts per build
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml_text(text: str) -> Any:
    """Parse YAML text safely (no arbitrary objects)."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader


def load_yaml(path: Path) -> Any:
    """Parse a YAML file safely."""
    return load_yaml_text(Path(path).read_text(encoding="utf-8"))
