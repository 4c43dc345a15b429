"""Where the tables live: each build in its own folder, published by one atomic symlink swap.

Layout of an output folder OUT:
    OUT/.builds/<build_id>/<table>.parquet   every table of one build, plus _build.json
    OUT/CURRENT -> .builds/<build_id>        swapped atomically (rename of a symlink)
    OUT/<table>.parquet -> CURRENT/<table>.parquet   stable paths for any Parquet reader

A reader that resolves CURRENT once (current_build) sees all tables of one build, never a mix;
a crash before the swap leaves the previous build in place.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from pathlib import Path

import polars as pl

from etl.tables import SCHEMAS, TABLES

BUILDS = ".builds"
CURRENT = "CURRENT"
KEEP_BUILDS = 3  # older builds are removed; a reader still holding one keeps its open files


def current_build(out: Path) -> Path | None:
    """The folder of the published build, resolved once; None if nothing was built yet."""
    link = Path(out) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    path = (Path(out) / target).resolve()
    return path if path.is_dir() else None


def build_id(out: Path) -> str | None:
    """Id of the published build (changes with every publish), for readers to notice."""
    cur = current_build(out)
    return cur.name if cur else None


def read_tables(out: Path, tables: tuple[str, ...] = TABLES) -> dict[str, pl.DataFrame]:
    """All tables of the published build (empty frames with the contract schema if none)."""
    cur = current_build(out)
    result: dict[str, pl.DataFrame] = {}
    for t in tables:
        path = cur / f"{t}.parquet" if cur else Path(out) / f"{t}.parquet"
        result[t] = pl.read_parquet(path) if path.is_file() else pl.DataFrame(schema=SCHEMAS[t])
    return result


def new_build_dir(out: Path) -> Path:
    """A fresh, unpublished build folder under OUT/.builds."""
    stamp = time.strftime("%Y%m%dT%H%M%S")
    path = Path(out) / BUILDS / f"{stamp}-{uuid.uuid4().hex[:8]}"
    path.mkdir(parents=True)
    return path


def write_table(build_dir: Path, table: str, df: pl.DataFrame) -> None:
    """Write one table into an unpublished build folder (fsynced before publishing)."""
    path = build_dir / f"{table}.parquet"
    df.write_parquet(path, compression="zstd", statistics=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(out: Path, build_dir: Path, info: dict) -> None:
    """Make build_dir the current build in one atomic step, then tidy old builds."""
    out = Path(out)
    (build_dir / "_build.json").write_text(json.dumps(info, indent=2, default=str))
    for f in build_dir.iterdir():
        with open(f, "rb") as fh:
            os.fsync(fh.fileno())
    _fsync_dir(build_dir)
    tmp_link = out / f".{CURRENT}.{uuid.uuid4().hex[:8]}"
    os.symlink(os.path.relpath(build_dir, out), tmp_link)
    os.replace(tmp_link, out / CURRENT)
    _fsync_dir(out)
    for t in TABLES:
        stable = out / f"{t}.parquet"
        want = os.path.join(CURRENT, f"{t}.parquet")
        if stable.is_symlink() and os.readlink(stable) == want:
            continue
        tmp = out / f".{t}.{uuid.uuid4().hex[:8]}"
        os.symlink(want, tmp)
        os.replace(tmp, stable)
    _prune(out, keep=build_dir)


def _prune(out: Path, keep: Path) -> None:
    builds = sorted(
        (p for p in (out / BUILDS).iterdir() if p.is_dir()), key=lambda p: p.stat().st_mtime
    )
    for old in builds[:-KEEP_BUILDS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
