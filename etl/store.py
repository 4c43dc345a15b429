"""Where the tables live: each build in its own folder, published by one atomic symlink swap.

Layout of an output folder OUT:
    OUT/.builds/<build_id>/<table>.parquet   every table of one build, plus _build.json
    OUT/CURRENT -> .builds/<build_id>        swapped atomically (rename of a symlink)
    OUT/<table>.parquet -> CURRENT/<table>.parquet   stable paths for any Parquet reader

A reader that resolves CURRENT once (current_build) sees all tables of one build, never a mix;
a crash before the swap leaves the previous build in place.

A table that a build leaves unchanged is a hard link to the previous build's file (link_table):
published files are never written again, only replaced by new builds, so sharing them is safe.
A table that changes a little is spliced (splice_table, etl.pqsplice): the previous file's
untouched row groups copied as bytes, the others encoded anew. Either way one file per table.

Polars is imported only by the functions that read or write tables: a build that finds nothing
changed never needs it (its start-up is most of a no-op run).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

BUILDS = ".builds"
CURRENT = "CURRENT"
KEEP_BUILDS = 3  # older builds are removed; a reader still holding one keeps its open files
INFO = "_build.json"
# zstd at level 1: at 50,000 reports a fifth less CPU to write than the default level 3 for
# files 7 % larger, read as fast (BENCHMARKS.md, "Incremental")
COMPRESSION = "zstd"
COMPRESSION_LEVEL = 1
ROW_GROUP_BYTES = 8_000_000  # in memory, per row group (group_rows)
MIN_GROUP_ROWS = 1024


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


def build_info(build_dir: Path | None) -> dict:
    """The _build.json of a build folder ({} if there is none or it cannot be read)."""
    if build_dir is None:
        return {}
    try:
        info = json.loads((build_dir / INFO).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info if isinstance(info, dict) else {}


def read_tables(out: Path, tables: tuple[str, ...] | None = None) -> dict[str, pl.DataFrame]:
    """All tables of the published build (empty frames with the contract schema if none)."""
    import polars as pl

    from etl.tables import SCHEMAS, TABLES

    cur = current_build(out)
    result: dict[str, pl.DataFrame] = {}
    for t in TABLES if tables is None else tables:
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
    """Write one table into an unpublished build folder and fsync it (publish relies on it)."""
    write_parquet(df, build_dir / f"{table}.parquet")


def write_parquet(df: pl.DataFrame, path: Path) -> None:
    """Write a frame as Parquet with the build's settings, and fsync the file."""
    _write(df, path)
    _fsync_file(path)


def group_rows(df: pl.DataFrame) -> int:
    """Rows per row group: about ROW_GROUP_BYTES of the frame in memory each (at least
    MIN_GROUP_ROWS), the frame cut into equal groups. An incremental build re-encodes only the
    groups a change falls into (splice_table), so they should be small; smaller still costs
    file size (at 50,000 reports 8 MB groups made the files 2-10 % larger than one group per
    table, and reading them no slower)."""
    rows = df.height
    if rows == 0:
        return 1
    per = max(MIN_GROUP_ROWS, int(rows * ROW_GROUP_BYTES / max(1, df.estimated_size())))
    groups = max(1, rows // per)  # a remainder is spread over the groups, never a tiny group
    return -(-rows // groups)


def _write(df: pl.DataFrame, target: Path | io.BytesIO) -> None:
    df.write_parquet(
        target,
        compression=COMPRESSION,
        compression_level=COMPRESSION_LEVEL,
        statistics=True,
        row_group_size=group_rows(df),
    )


def encode_table(df: pl.DataFrame) -> bytes:
    """A frame as the bytes of a Parquet file, written exactly as write_table writes it."""
    buf = io.BytesIO()
    _write(df, buf)
    return buf.getvalue()


def splice_table(
    prev_build: Path,
    build_dir: Path,
    table: str,
    new: pl.DataFrame,
    drop: list[str],
    moved: dict[str, str],
) -> int:
    """Write a table as the previous build's file with the rows of `drop`ped doc_ids gone,
    `moved` documents' source_path changed and `new` rows (sorted by doc_id) in their place,
    copying the row groups that do not change (etl.pqsplice); fsynced. Returns its rows.

    Raises pqsplice.SpliceError when the file cannot be spliced, or the result does not read
    back as expected: then the caller writes the table whole.
    """
    import polars as pl

    from etl.pqsplice import Change, SpliceError, splice

    path = build_dir / f"{table}.parquet"
    change = Change("doc_id", new, drop=drop, moved=moved)
    try:
        rows, _ = splice(prev_build / f"{table}.parquet", path, change, encode_table)
        # read back what a reader reads first: the footer, and the key column whole
        keys = pl.read_parquet(path, columns=["doc_id"])["doc_id"]
        if keys.len() != rows or not keys.is_sorted():
            raise SpliceError("the spliced file does not read back as written")
    except (OSError, pl.exceptions.PolarsError) as e:
        path.unlink(missing_ok=True)
        raise SpliceError(f"cannot splice {table}: {e}") from e
    except SpliceError:
        path.unlink(missing_ok=True)
        raise
    _fsync_file(path)
    return rows


def link_table(prev_build: Path, build_dir: Path, table: str) -> bool:
    """Reuse the previous build's file of an unchanged table (a hard link); False if it cannot be.

    The previous build's file was fsynced before it was published, so the link needs no fsync of
    its own beyond the build folder's (publish does that).
    """
    src, dst = prev_build / f"{table}.parquet", build_dir / f"{table}.parquet"
    try:
        os.link(src, dst)
    except OSError:  # no such file, another file system, no hard links here: write it instead
        return False
    return True


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(out: Path, build_dir: Path, info: dict) -> None:
    """Make build_dir the current build in one atomic step, then tidy old builds."""
    from etl.tables import TABLES

    out = Path(out)
    (build_dir / INFO).write_text(json.dumps(info, indent=2, default=str))
    # Every file, also those written (and fsynced) by write_table: fsync of a clean file is cheap
    for f in build_dir.iterdir():
        _fsync_file(f)
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
