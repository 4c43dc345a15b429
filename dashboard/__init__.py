"""Dash dashboard over the NAVO fact tables: `python -m dashboard --data DIR`."""

from __future__ import annotations

from pathlib import Path

import dash


def create_app(data_dir: Path) -> dash.Dash:
    """The dashboard app over the Parquet tables in `data_dir` (see dashboard.app)."""
    from dashboard.app import create_app as _create

    return _create(Path(data_dir))


__all__ = ["create_app"]
