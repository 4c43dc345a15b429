"""Dash dashboard over the NAVO fact tables: `python -m dashboard --data DIR`."""

from __future__ import annotations

import os
from pathlib import Path

# Polars allocates through jemalloc, which by default keeps freed pages for a long time: loading
# a 50,000-report build left some 200 MB of garbage resident in every worker. Return freed pages
# to the system within a quarter of a second, from a background thread. jemalloc reads this when
# Polars is first imported, so before the imports below; a value set by the deployer wins.
os.environ.setdefault(
    "_RJEM_MALLOC_CONF", "background_thread:true,dirty_decay_ms:250,muzzy_decay_ms:0"
)

import dash  # noqa: E402


def create_app(data_dir: Path) -> dash.Dash:
    """The dashboard app over the Parquet tables in `data_dir` (see dashboard.app)."""
    from dashboard.app import create_app as _create

    return _create(Path(data_dir))


__all__ = ["create_app"]
