"""`etl build`: every file of a corpus folder → Document → rows → Parquet tables, incrementally.

A file is parsed again only when what parsing it would give may have changed: not when its
size and mtime (and its sidecar's) are those of the previous build, nor when its content, its
sidecar's content and its suffix are those of a file the previous build parsed (_files.parquet
keeps, per file, the hashes and what parsing gave: doc_id and format, or a reject reason).
Every table of a build is written to a fresh folder and published with one atomic swap
(etl.store), so a crash leaves the previous build whole. The tables always equal those of a
full build of the same corpus (tests/test_build.py builds both and compares).

What a re-run costs (BENCHMARKS.md, "Incremental"):

- Nothing changed: a stat of every input and its sidecar, and one digest of all (path, stamp)
  compared with the one in the previous build's _build.json. No table is read, and neither
  Polars nor the extractor is imported (imports are where they are used: start-up was most of
  a no-op run).
- Some files changed: only they are parsed; which file gives each document is decided over the
  whole corpus at once in Polars (_choose). A table that does not change is a hard link to the
  previous build's file. A table that does is still one file: the previous file's row groups
  that no change touches are copied as bytes and the few others encoded anew with the new rows
  in doc_id order (etl.pqsplice); a small table is written whole. The tables are made in
  threads, at once.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import select
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from etl import limits
from etl.errors import Rejected
from etl.store import (
    build_info,
    current_build,
    link_table,
    new_build_dir,
    publish,
    splice_table,
    write_parquet,
    write_table,
)

if TYPE_CHECKING:  # imported where used: a no-op run never loads Polars
    import polars as pl

SIDECAR_SUFFIXES = (".meta.json", ".truth.json")
MAX_FILE_BYTES = limits.MAX_FILE_BYTES
MAX_FILE_SECONDS = limits.MAX_FILE_SECONDS
FORMAT_PREFERENCE = {"op_xml": 0, "html": 1, "markdown": 2, "text": 3}
SYNTHETIC_MARK = "SYNTHETISCH DEMODOCUMENT"
PARALLEL_MIN_FILES = 64
CHUNK_FILES = 64  # files per task sent to a worker
WRITE_THREADS = 3  # tables read, spliced and written at once (Polars works outside the GIL)
MERGE_MAX_DOCS = 2000  # more new documents: concatenate and sort (_merge_sorted)
SPLICE_MIN_BYTES = 2_000_000  # a smaller table file is written whole (_spliceable)
FILES = "_files.parquet"  # every input of a build: stamp, hashes, what parsing it gave
# Which files a worker process imports before it is forked (etl.tables brings Polars)
WORKER_PRELOAD = ["etl.build", "etl.tables", "etl.extract", "etl.parse"]


@dataclass
class BuildSummary:
    """What a build did: counts per table, files parsed and reused, rejects, seconds."""

    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    parsed: int = 0
    reused: int = 0
    rejected: int = 0
    seconds: float = 0.0
    unchanged: bool = False
    build_dir: str | None = None
    tables_written: list[str] = field(default_factory=list)  # encoded whole
    tables_spliced: list[str] = field(default_factory=list)  # changed row groups only
    tables_linked: list[str] = field(default_factory=list)  # the previous file, unchanged
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        """One line for a person."""
        if self.unchanged:
            return f"nothing changed in {self.files} files; tables kept ({self.seconds:.2f} s)"
        counts = ", ".join(f"{t} {n}" for t, n in self.rows.items() if t != "rejects")
        return (
            f"{self.files} files: {self.parsed} parsed, {self.reused} reused, "
            f"{self.rejected} rejected | {counts} | {self.seconds:.2f} s"
        )


# What the rows depend on: a change to any of these re-parses every file
_EXTRACTOR_CODE = (
    "parse",
    "extract",
    "model.py",
    "textutil.py",
    "dates.py",
    "geo.py",
    "taxonomy.py",
    "tables.py",
    "datafiles.py",
)


def code_fingerprint() -> str:
    """Hash of the extractor's code and data files: a change means every file is parsed again."""
    h = hashlib.sha256()
    root = Path(__file__).parent
    files = [p for p in root.glob("*.yaml")]
    for name in _EXTRACTOR_CODE:
        target = root / name
        files += sorted(target.rglob("*.py")) if target.is_dir() else [target]
    for p in sorted(files):
        h.update(p.relative_to(root).as_posix().encode())
        h.update(p.read_bytes())
    tax = os.environ.get("NAVO_TAXONOMY")
    if tax and Path(tax).is_file():
        h.update(Path(tax).read_bytes())
    return h.hexdigest()[:16]


class Inputs(NamedTuple):
    """The input files of a corpus, as three lists in the order the build reads them."""

    paths: list[str]
    rels: list[str]
    stamps: list[str]  # "size:mtime_ns", plus "|size:mtime_ns" of a .meta.json sidecar

    def digest(self) -> str:
        """One hash of every (path, stamp): equal digests mean an unchanged corpus."""
        h = hashlib.sha256(str(len(self.rels)).encode())
        for part in (self.rels, self.stamps):  # NUL cannot occur in a path or a stamp
            h.update(b"\0\0")
            h.update("\0".join(part).encode("utf-8", "surrogatepass"))
        return h.hexdigest()


def _scan(corpus: Path) -> Inputs:
    """Input files under the corpus in a stable order; hidden files and sidecars are not inputs.

    Files of a folder by name, then its subfolders. os.scandir, plain strings and parallel lists:
    at 50,000 files a stat of every file and sidecar is most of a no-op run.
    """
    paths: list[str] = []
    rels: list[str] = []
    stamps: list[str] = []
    stat = os.stat
    skip = (*SIDECAR_SUFFIXES, ".tmp")

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as it:
            entries = {e.name: e for e in it}
        subdirs = []
        for name in sorted(entries):  # names sort faster than entries by a key
            if name.startswith("."):
                continue
            e = entries[name]
            if e.is_dir():  # a link to a folder is neither walked nor an input
                if not e.is_symlink():
                    subdirs.append(e)
                continue
            if name.endswith(skip):
                continue
            path = e.path
            # Not only regular files: a pipe or a dangling link becomes a reject, not a gap
            try:
                st = stat(path)
            except OSError:
                st = e.stat(follow_symlinks=False)
            if name + ".meta.json" in entries:
                ss = stat(path + ".meta.json")
                stamps.append(f"{st.st_size}:{st.st_mtime_ns}|{ss.st_size}:{ss.st_mtime_ns}")
            else:
                stamps.append(f"{st.st_size}:{st.st_mtime_ns}")
            paths.append(path)
            rels.append(prefix + name)
        for d in subdirs:
            walk(d.path, f"{prefix}{d.name}/")

    walk(str(corpus), "")
    return Inputs(paths, rels, stamps)


def scan_corpus(corpus: Path) -> list[Path]:
    """Input files under the corpus, in the order the build reads them."""
    return [Path(p) for p in _scan(corpus).paths]


def process_file(
    path: Path, rel: str, data: bytes, sha256: str, meta: dict | None = None
) -> dict[str, list[dict]]:
    """Parse and extract one file (with its sidecar `meta`, else read here); a rejected file
    becomes one rejects row."""
    from etl.extract import extract_all
    from etl.parse import parse_file
    from etl.sources.sidecar import apply_sidecar, read_sidecar

    try:
        if len(data) > MAX_FILE_BYTES:
            raise Rejected(_too_large(len(data)))
        with limits.time_limit(MAX_FILE_SECONDS):  # SIGALRM: this runs in a main thread
            doc = parse_file(path, data, sha256, source_path=rel)
            apply_sidecar(doc, read_sidecar(path) if meta is None else meta)
            doc.is_synthetic = doc.is_synthetic or SYNTHETIC_MARK in doc.text[:2000]
            return extract_all(doc)
    except Rejected as e:
        return _reject(rel, str(e), sha256)
    except RecursionError:
        return _reject(rel, "too deeply nested to parse", sha256)
    except Exception as e:  # noqa: BLE001 - one strange file must not stop the build
        reason = f"parser error ({type(e).__name__}: {e}); please report this file"
        return _reject(rel, reason[:500], sha256)


def _too_large(size: int) -> str:
    limit = MAX_FILE_BYTES // 1_000_000
    return f"file too large ({size // 1_000_000} MB; the limit is {limit} MB)"


def _reject(rel: str, reason: str, sha256: str | None) -> dict[str, list[dict]]:
    return {"rejects": [{"source_path": rel, "reason": reason, "sha256": sha256}]}


@dataclass(slots=True)
class FileResult:
    """What parsing one file gave: the hashes of its content and of its sidecar, and its doc_id
    and format or why it was rejected. _files.parquet keeps these, so that a later build knows
    what a file gives without parsing it again."""

    rel: str
    sha: str | None
    meta_sha: str | None = None
    doc_id: str | None = None
    source_format: str | None = None
    reject: str | None = None


def _sidecar_bytes(path: str) -> tuple[str | None, bytes | None]:
    """A file's .meta.json sidecar: its hash (what parsing reads besides the file; None when
    there is none, a marker when it cannot be read) and its bytes."""
    try:
        data = limits.read_capped(path + ".meta.json", MAX_FILE_BYTES)
    except FileNotFoundError:
        return None, None
    except (OSError, Rejected) as e:
        return f"unreadable: {type(e).__name__}", None
    return hashlib.sha256(data).hexdigest(), data


def _sidecar_sha(path: str) -> str | None:
    return _sidecar_bytes(path)[0]


@dataclass(slots=True)
class ChunkResult:
    """A batch of parsed files: one result per file, and the new rows of every table.

    The frames carry a `_src` column (the file's relative path) so that the build can keep or
    drop a file's rows after deciding between duplicates. Frames, not row dicts, cross the
    process boundary: Arrow buffers pickle far faster than millions of small dicts.
    """

    files: list[FileResult]
    frames: dict[str, pl.DataFrame]


def _work_chunk(items: list[tuple[str, str]]) -> ChunkResult:
    """Read, hash, parse and extract a batch of files (in a pool worker, or in the build itself)."""
    import polars as pl

    from etl.sources.sidecar import parse_sidecar
    from etl.tables import TABLES, frame

    files: list[FileResult] = []
    rows: dict[str, list[dict]] = {t: [] for t in TABLES if t != "rejects"}
    srcs: dict[str, list[str]] = {t: [] for t in rows}
    for path_s, rel in items:
        try:
            # a huge file is refused before it is read; a pipe or device is not opened to read
            data = limits.read_capped(path_s, MAX_FILE_BYTES)
        except Rejected as e:
            files.append(FileResult(rel, None, reject=str(e)))
            continue
        except OSError as e:
            files.append(FileResult(rel, None, reject=f"unreadable: {e.strerror or e}"))
            continue
        sha = hashlib.sha256(data).hexdigest()
        meta_sha, meta_bytes = _sidecar_bytes(path_s)  # read once: hashed and applied
        meta = parse_sidecar(meta_bytes) if meta_bytes is not None else {}
        out = process_file(Path(path_s), rel, data, sha, meta)
        if out.get("rejects"):
            files.append(FileResult(rel, sha, meta_sha, reject=out["rejects"][0]["reason"]))
            continue
        doc = out["documents"][0]
        files.append(FileResult(rel, sha, meta_sha, doc["doc_id"], doc["source_format"]))
        for table, table_rows in out.items():
            rows[table].extend(table_rows)
            srcs[table].extend([rel] * len(table_rows))
    frames = {
        t: frame(t, r).with_columns(pl.Series("_src", srcs[t], dtype=pl.String))
        for t, r in rows.items()
    }
    return ChunkResult(files, frames)


def _watch_parent(build_pid: int) -> None:
    """In a worker: exit when the build that started the pool is gone (it was killed).

    A forkserver worker's parent is the forkserver, not the build, and the forkserver lives as
    long as any worker does; so watch the build itself. A pidfd (Linux) turns readable when it
    exits (even before it is reaped); elsewhere, poll every half second.
    """

    def watch() -> None:
        try:
            fd = os.pidfd_open(build_pid)
        except (AttributeError, OSError):  # not Linux, or the build is gone already
            fd = None
        if fd is not None:
            select.select([fd], [], [])
            os._exit(1)
        while True:
            try:
                os.kill(build_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:
                pass
            time.sleep(0.5)

    threading.Thread(target=watch, daemon=True).start()


def _progress(total: int, enabled: bool):
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover
        return None
    return tqdm(total=total, unit="file", desc="parsing", file=sys.stderr, leave=False)


# _files.parquet: every input of a build, what its stat was and what parsing it gave
FILE_COLUMNS = ("path", "stat", "sha256", "meta_sha256", "doc_id", "source_format", "reason")


def _suffix(col: str = "path") -> pl.Expr:
    """A path's suffix, lower case ("" if none): the parser a file gets depends on it."""
    import polars as pl

    suffix = pl.col(col).str.extract(r"(\.[^./]*)$", 1).str.to_lowercase().fill_null("")
    return suffix.alias("suffix")


@dataclass
class Previous:
    """What an incremental build takes from the published build (read by column)."""

    dir: Path
    info: dict
    files: pl.DataFrame  # its _files.parquet (FILE_COLUMNS)
    docs: pl.DataFrame  # its documents: doc_id, source_path, sha256, and of that file:
    # meta_sha256 and suffix (the rows of a document are reused for a file of the same three)


def _previous(out: Path, cur: Path | None, info: dict, fingerprint: str) -> Previous | None:
    """The published build, if its rows can be reused (same extractor code); else None.

    A build by older code kept less in _files.parquet (no sidecar hash, no doc_id per file):
    it is not reused, every file is parsed once more.
    """
    import polars as pl

    if cur is None or info.get("fingerprint") != fingerprint:
        return None
    try:
        files = pl.read_parquet(cur / FILES, columns=list(FILE_COLUMNS))
        docs = pl.read_parquet(
            cur / "documents.parquet", columns=["doc_id", "source_path", "sha256"]
        )
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return None
    files = files.cast(dict.fromkeys(FILE_COLUMNS, pl.String))
    of_file = files.select(pl.col("path").alias("source_path"), "meta_sha256", _suffix())
    docs = docs.join(of_file, on="source_path", how="left", maintain_order="left")
    return Previous(cur, info, files, docs)


def build(
    corpus: Path, out: Path, *, full: bool = False, jobs: int = 1, progress: bool = False
) -> BuildSummary:
    """Build the fact tables of every file under `corpus` into `out` (see module docstring)."""
    t0 = time.perf_counter()
    corpus, out = Path(corpus), Path(out)
    if not corpus.is_dir():
        raise FileNotFoundError(f"corpus folder {corpus} does not exist")
    out.mkdir(parents=True, exist_ok=True)
    with _lock(out):
        return _build_locked(corpus, out, full, jobs, progress, t0)


class _lock:
    """An exclusive lock on the output folder; the kernel drops it when the holder dies."""

    def __init__(self, out: Path) -> None:
        self.path = out / ".build.lock"

    def __enter__(self) -> _lock:
        self.fh = open(self.path, "a+")  # noqa: SIM115 - held for the whole build
        try:
            fcntl.flock(self.fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(
                f"etl build: another build is writing {self.path.parent}; waiting for it…",
                file=sys.stderr,
            )
            fcntl.flock(self.fh, fcntl.LOCK_EX)
        self.fh.seek(0)
        self.fh.truncate()
        self.fh.write(str(os.getpid()))
        self.fh.flush()
        return self

    def __exit__(self, *exc: object) -> None:
        fcntl.flock(self.fh, fcntl.LOCK_UN)
        self.fh.close()


def _unchanged(summary: BuildSummary, cur: Path, info: dict, t0: float) -> BuildSummary:
    summary.unchanged = True
    summary.rows = info.get("rows", {})
    summary.build_dir = str(cur)
    summary.seconds = time.perf_counter() - t0
    return summary


def _build_locked(
    corpus: Path, out: Path, full: bool, jobs: int, progress: bool, t0: float
) -> BuildSummary:
    fingerprint = code_fingerprint()
    inputs = _scan(corpus)
    rels = inputs.rels
    digest = inputs.digest()
    summary = BuildSummary(files=len(rels))
    cur = current_build(out)
    info = build_info(cur)
    same_code = info.get("fingerprint") == fingerprint
    if (
        not full
        and cur is not None
        and same_code
        and info.get("inputs") == digest
        and (cur / FILES).is_file()
    ):
        return _unchanged(summary, cur, info, t0)

    from etl.tables import TABLES

    prev = None if full else _previous(out, cur, info, fingerprint)
    files = _known_files(inputs, prev)

    results: dict[str, FileResult] = {}
    new_frames: dict[str, list[pl.DataFrame]] = {t: [] for t in TABLES if t != "rejects"}
    to_parse = [(inputs.paths[i], rels[i]) for i in (~files["known"]).arg_true().to_list()]
    _parse(
        to_parse,
        jobs,
        _progress(len(to_parse), progress and len(to_parse) > 20),
        results,
        new_frames,
    )
    # A document whose rows the previous tables do not hold (a file that was a duplicate or
    # "another version" of a paper before, and is the one used now) is parsed now
    choice = _choose(files, results, prev)
    while choice.missing:
        again = [(inputs.paths[i], rels[i]) for i in choice.missing]
        _parse(again, jobs, None, results, new_frames)
        choice = _choose(files, results, prev)
    summary.parsed = len(results)
    summary.reused = len(rels) - len(results)
    plan = _assemble(choice, results, new_frames, prev)

    build_dir = new_build_dir(out)
    summary.rows = _write_tables(plan, build_dir, choice.files, summary)
    summary.rejected = summary.rows["rejects"]
    summary.seconds = time.perf_counter() - t0
    publish(
        out,
        build_dir,
        {
            "fingerprint": fingerprint,
            "inputs": digest,
            "corpus": str(corpus),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "rows": summary.rows,
            "files": summary.files,
        },
    )
    summary.build_dir = str(build_dir)
    return summary


def _parse(
    items: list[tuple[str, str]],
    jobs: int,
    bar: Any,
    results: dict[str, FileResult],
    new_frames: dict[str, list[pl.DataFrame]],
) -> None:
    """Parse (path, rel) files in chunks, in a pool of worker processes when there are many;
    their results and rows are added to `results` and `new_frames`."""
    chunks = [items[i : i + CHUNK_FILES] for i in range(0, len(items), CHUNK_FILES)]
    n_jobs = jobs if jobs > 0 else (os.cpu_count() or 1)

    def collect(res: ChunkResult) -> None:
        for f in res.files:
            results[f.rel] = f
        for t, df in res.frames.items():
            if df.height:
                new_frames[t].append(df)
        if bar:
            bar.update(len(res.files))

    if n_jobs > 1 and len(items) >= PARALLEL_MIN_FILES:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # forkserver: workers do not inherit the build lock, so a killed build frees it at once
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(WORKER_PRELOAD)
        with ProcessPoolExecutor(
            max_workers=n_jobs,
            mp_context=ctx,
            initializer=_watch_parent,
            initargs=(os.getpid(),),
        ) as pool:
            for res in pool.map(_work_chunk, chunks):
                collect(res)
    else:
        for chunk in chunks:
            collect(_work_chunk(chunk))
    if bar:
        bar.close()


def _known_files(inputs: Inputs, prev: Previous | None) -> pl.DataFrame:
    """Every input in scan order (FILE_COLUMNS), with what parsing it gives where the previous
    build knows that already, and `known`: whether it does.

    Known: a file with the same path and stat stamp (its sidecar's included), or one whose
    content, sidecar content and suffix equal those of a file the previous build parsed (the
    files not known by their stamp are hashed here: new, touched, renamed).
    """
    import polars as pl

    S = pl.String
    files = pl.DataFrame(
        {"path": inputs.rels, "stat": inputs.stamps}, schema={"path": S, "stat": S}
    )
    if prev is None:
        nulls = [pl.lit(None, dtype=S).alias(c) for c in FILE_COLUMNS[2:]]
        return files.with_columns(*nulls, pl.lit(False).alias("known"))
    cached = pl.col("sha256").is_not_null() & (
        pl.col("doc_id").is_not_null() | pl.col("reason").is_not_null()
    )
    files = files.join(prev.files, on=["path", "stat"], how="left", maintain_order="left")
    files = files.with_columns(cached.alias("known"))
    unknown = (~files["known"]).arg_true().to_list()
    if not unknown:
        return files
    shas: list[str | None] = []
    metas: list[str | None] = []
    for i in unknown:
        path = inputs.paths[i]
        try:  # in chunks; a file over the limit is not read (it is refused when parsed)
            shas.append(limits.sha256_file(path, MAX_FILE_BYTES))
        except (OSError, Rejected):
            shas.append(None)
        metas.append(_sidecar_sha(path) if "|" in inputs.stamps[i] else None)
    keys = ["sha256", "meta", "suffix"]
    fresh = pl.DataFrame(
        {"row": unknown, "path": [inputs.rels[i] for i in unknown], "sha256": shas, "meta": metas},
        schema={"row": pl.Int64, "path": S, "sha256": S, "meta": S},
    ).with_columns(pl.col("meta").fill_null(""), _suffix())
    same = (
        prev.files.filter(cached)
        .with_columns(pl.col("meta_sha256").fill_null("").alias("meta"), _suffix())
        .unique(keys, keep="first", maintain_order=True)
        .select(*keys, "doc_id", "source_format", "reason")
    )
    hit = fresh.join(same, on=keys, how="left", maintain_order="left")
    idx = hit["row"]
    known = hit["sha256"].is_not_null() & (
        hit["doc_id"].is_not_null() | hit["reason"].is_not_null()
    )
    update = {
        "sha256": hit["sha256"],
        "meta_sha256": pl.Series(metas, dtype=S),
        "doc_id": hit["doc_id"],
        "source_format": hit["source_format"],
        "reason": hit["reason"],
        "known": known,
    }
    return files.with_columns(files[c].scatter(idx, v) for c, v in update.items())


@dataclass
class Choice:
    """Which file gives each document, and why the others are rejected."""

    files: pl.DataFrame  # what _files.parquet keeps (FILE_COLUMNS)
    rejects: pl.DataFrame  # the rejects table
    keep_new: list[str]  # parsed files whose rows are used
    keep_prev: dict[str, str]  # doc_id → path, for documents whose rows are reused
    drop: list[str]  # doc_ids of the previous build whose rows go
    moved: dict[str, str]  # doc_id → its new source_path, of reused documents
    missing: list[int]  # rows of files used whose rows no table holds: to parse


def _choose(files: pl.DataFrame, results: dict[str, FileResult], prev: Previous | None) -> Choice:
    """One document per content and per doc_id; every other input becomes a rejects row.

    In scan order: every file gives a doc_id and format, or a reject reason (parsed now, or
    known from the previous build); of files with identical content the first is used
    ("duplicate of"); of files of the same paper (doc_id) the official XML over HTML over
    Markdown over plain text, the first of equal rank ("another version of"). A file used that
    was not parsed now has its rows in the previous tables if that build used a file of the
    same content, sidecar and suffix for the paper; else it is `missing` (to parse).
    Vectorised (Polars): at 50,000 files a loop over them in Python was a third of what adding
    one report cost.
    """
    import polars as pl

    from etl.tables import SCHEMAS

    S = pl.String
    res = list(results.values())
    parsed = pl.DataFrame(
        {
            "path": [f.rel for f in res],
            "p_sha": [f.sha for f in res],
            "p_meta": [f.meta_sha for f in res],
            "p_doc": [f.doc_id for f in res],
            "p_fmt": [f.source_format for f in res],
            "p_reason": [f.reject for f in res],
            "parsed": [True] * len(res),
        },
        schema={"path": S, "p_sha": S, "p_meta": S, "p_doc": S, "p_fmt": S, "p_reason": S}
        | {"parsed": pl.Boolean},
    )
    g = files.with_row_index("i").join(parsed, on="path", how="left", maintain_order="left")
    now = pl.col("parsed").fill_null(False)
    g = g.with_columns(
        *(
            pl.when(now).then(pl.col(p)).otherwise(pl.col(c)).alias(c)
            for p, c in (
                ("p_sha", "sha256"),
                ("p_meta", "meta_sha256"),
                ("p_doc", "doc_id"),
                ("p_fmt", "source_format"),
                ("p_reason", "reason"),
            )
        ),
        now.alias("parsed"),
    ).select("i", *FILE_COLUMNS, "parsed")
    lost = g.filter(pl.col("reason").is_null() & pl.col("doc_id").is_null())
    if lost.height:  # pragma: no cover - every file is parsed or known
        raise AssertionError(f"neither parsed nor known: {lost['path'].to_list()[:5]}")
    rejected = g.filter(pl.col("reason").is_not_null())
    # window functions only where they decide something (at 50,000 files: few or none)
    cand = g.filter(pl.col("reason").is_null()).with_columns(
        pl.when(pl.col("sha256").is_duplicated())
        .then(pl.col("path").first().over("sha256"))
        .otherwise(pl.col("path"))
        .alias("first")
    )
    dups = cand.filter(pl.col("path") != pl.col("first")).with_columns(
        pl.concat_str(pl.lit("duplicate of "), "first", pl.lit(" (identical content)")).alias(
            "reason"
        )
    )
    rank = pl.col("source_format").replace_strict(
        FORMAT_PREFERENCE, default=9, return_dtype=pl.Int64
    )
    win = cand.filter(pl.col("path") == pl.col("first")).with_columns(
        pl.when(pl.col("doc_id").is_duplicated())
        .then(pl.col("path").sort_by(rank.fill_null(9), "i").first().over("doc_id"))
        .otherwise(pl.col("path"))
        .alias("best")
    )
    other = win.filter(pl.col("path") != pl.col("best")).with_columns(
        pl.concat_str(pl.lit("another version of "), "doc_id", pl.lit(" is used: "), "best").alias(
            "reason"
        )
    )
    keep = win.filter(pl.col("path") == pl.col("best"))
    rejects = (
        pl.concat(
            [
                x.select(pl.col("path").alias("source_path"), "reason", "sha256")
                for x in (rejected, dups, other)
            ]
        )
        .cast(SCHEMAS["rejects"])
        .sort("source_path", maintain_order=True)
    )
    old = keep.filter(~pl.col("parsed"))
    drop: list[str] = []
    moved: dict[str, str] = {}
    missing: list[int] = []
    if prev is not None:
        # the previous rows of a paper serve if they came from the same content and sidecar
        # (and suffix: the parser depends on it) as the file now used for it
        prev_docs = prev.docs.rename(
            {"source_path": "p_path", "sha256": "p_sha", "meta_sha256": "p_meta", "suffix": "p_suf"}
        )
        old = old.with_columns(_suffix()).join(prev_docs, on="doc_id", how="left")
        same = (
            (pl.col("sha256") == pl.col("p_sha"))
            & pl.col("meta_sha256").eq_missing(pl.col("p_meta"))
            & (pl.col("suffix") == pl.col("p_suf"))
        ).fill_null(False)
        missing = old.filter(~same)["i"].to_list()
        old = old.filter(same)
        uses = prev.docs.select("doc_id", "source_path").join(
            old.select("doc_id", pl.col("path").alias("now")), on="doc_id", how="left"
        )
        drop = uses.filter(pl.col("now").is_null())["doc_id"].to_list()
        mv = uses.filter(pl.col("now") != pl.col("source_path"))
        moved = dict(zip(mv["doc_id"].to_list(), mv["now"].to_list(), strict=True))
    else:
        missing = old["i"].to_list()  # pragma: no cover - without a previous build all are parsed
    return Choice(
        files=g.select(*FILE_COLUMNS),
        rejects=rejects,
        keep_new=keep.filter(pl.col("parsed"))["path"].to_list(),
        keep_prev=dict(zip(old["doc_id"].to_list(), old["path"].to_list(), strict=True)),
        drop=drop,
        moved=moved,
        missing=missing,
    )


@dataclass
class TablePlan:
    """How to make one table of the new build from new rows and the previous build's file."""

    table: str
    new: pl.DataFrame  # the new rows, sorted as the table is
    prev_file: Path | None = None  # None: no previous build (or a full build)
    drop: list[str] = field(default_factory=list)  # doc_ids whose previous rows go
    moved: dict[str, str] = field(default_factory=dict)  # doc_id → new source_path (documents)
    prev_rows: int | None = None  # rows of the previous table, as its _build.json says

    def unchanged(self) -> bool:
        """The previous file is this table exactly: link it instead of writing it."""
        return (
            self.prev_file is not None and self.new.height == 0 and not self.drop and not self.moved
        )


def _assemble(
    choice: Choice,
    results: dict[str, FileResult],
    new_frames: dict[str, list[pl.DataFrame]],
    prev: Previous | None,
) -> dict[str, TablePlan]:
    """How to make each table: the new rows of the chosen parsed files, and what changes in the
    previous build's table (read and written only later, by _write_tables)."""
    import polars as pl

    from etl.tables import SCHEMAS, TABLES, empty

    plans: dict[str, TablePlan] = {}
    for t in TABLES:
        if t == "rejects":
            plan = TablePlan(t, choice.rejects)
            if prev is not None:
                plan.prev_file = prev.dir / f"{t}.parquet"
                plan.prev_rows = prev.info.get("rows", {}).get(t)
            plans[t] = plan
            continue
        new = (
            pl.concat(new_frames[t])
            if new_frames[t]
            else empty(t).with_columns(pl.lit(None, dtype=pl.String).alias("_src"))
        )
        # one filter over all chunks (per chunk it cost O(chunks x files): 45 s at 50,000)
        if len(choice.keep_new) != len(results):
            keep = pl.Series(choice.keep_new, dtype=pl.String).implode()
            new = new.filter(pl.col("_src").is_in(keep))
        new = new.drop("_src").select(list(SCHEMAS[t])).sort("doc_id", maintain_order=True)
        plan = TablePlan(t, new)
        if prev is not None and (choice.keep_prev or choice.drop):
            plan.prev_file = prev.dir / f"{t}.parquet"
            plan.drop = choice.drop
            plan.moved = choice.moved if t == "documents" else {}
            plan.prev_rows = prev.info.get("rows", {}).get(t)
        plans[t] = plan
    return plans


def _merge_sorted(old: pl.DataFrame, new: pl.DataFrame, key: str) -> pl.DataFrame:
    """old and new (each sorted by key, no key in both) as one frame sorted by key.

    Equal to concat + a stable sort, without sorting: the new rows go in as slices at their
    places (search_sorted), the old rows are not copied.
    """
    import polars as pl

    if new.height == 0:
        return old
    if old.height == 0:
        return new
    if new[key].n_unique() > MERGE_MAX_DOCS or not old[key].is_sorted():
        return pl.concat([old, new], how="vertical").sort(key, maintain_order=True)
    runs = new.with_row_index("_i").group_by(key, maintain_order=True).agg(pl.col("_i").min())
    at = old[key].search_sorted(runs[key], side="left").to_list()
    starts = runs["_i"].to_list()
    ends = [*starts[1:], new.height]
    parts, pos = [], 0
    for p, s, e in zip(at, starts, ends, strict=True):
        parts += [old.slice(pos, p - pos), new.slice(s, e - s)]
        pos = p
    parts.append(old.slice(pos))
    return pl.concat([p for p in parts if p.height], how="vertical")


def _make_table(plan: TablePlan) -> pl.DataFrame:
    """The new build's frame of one table: the previous file's rows filtered, merged with the
    new rows (for a table written whole)."""
    import polars as pl

    from etl.tables import SCHEMAS

    t, schema = plan.table, SCHEMAS[plan.table]
    if plan.prev_file is None or t == "rejects":
        return plan.new
    old = pl.read_parquet(plan.prev_file)
    if plan.drop:
        old = old.filter(~pl.col("doc_id").is_in(pl.Series(plan.drop, dtype=pl.String).implode()))
    if plan.moved:
        moved = pl.col("doc_id").replace_strict(plan.moved, default=pl.col("source_path"))
        old = old.with_columns(moved.alias("source_path"))
    if list(old.schema.items()) != list(schema.items()):  # a build by older code
        old = old.select(list(schema)).cast(schema)
    return _merge_sorted(old, plan.new, "doc_id")


def _write_tables(
    plans: dict[str, TablePlan], build_dir: Path, files_df: pl.DataFrame, summary: BuildSummary
) -> dict[str, int]:
    """Every table into build_dir (and _files.parquet): unchanged ones linked, the others
    made and written in threads, biggest first. Returns the rows of every table."""
    from concurrent.futures import ThreadPoolExecutor

    import polars as pl

    from etl.pqsplice import SpliceError
    from etl.tables import TABLES

    def rejects_unchanged(plan: TablePlan) -> bool:
        if plan.prev_file is None or plan.new.height != plan.prev_rows:
            return False
        try:
            return pl.read_parquet(plan.prev_file).equals(plan.new)
        except (OSError, pl.exceptions.PolarsError):
            return False

    def one(plan: TablePlan) -> int:
        t = plan.table
        if t == "rejects":
            if rejects_unchanged(plan) and link_table(plan.prev_file.parent, build_dir, t):
                summary.tables_linked.append(t)
                return plan.new.height
        elif (
            plan.unchanged()
            and plan.prev_rows is not None
            and link_table(plan.prev_file.parent, build_dir, t)
        ):
            summary.tables_linked.append(t)
            return plan.prev_rows
        elif plan.prev_file is not None and _spliceable(plan.prev_file):
            try:
                rows = splice_table(
                    plan.prev_file.parent, build_dir, t, plan.new, plan.drop, plan.moved
                )
            except SpliceError as e:
                summary.notes.append(f"{t}: written whole ({e})")
            else:
                summary.tables_spliced.append(t)
                return rows
        df = _make_table(plan)
        write_table(build_dir, t, df)
        summary.tables_written.append(t)
        return df.height

    order = sorted(plans.values(), key=_cost, reverse=True)
    with ThreadPoolExecutor(WRITE_THREADS, thread_name_prefix="write") as pool:
        futures = {p.table: pool.submit(one, p) for p in order}
        files = pool.submit(write_parquet, files_df, build_dir / FILES)
        rows = {t: futures[t].result() for t in plans}  # the first error is raised here
        files.result()
    return {t: rows[t] for t in TABLES}


def _spliceable(path: Path) -> bool:
    """Whether splicing a table is likely cheaper than writing it whole: a small file is one
    row group (that the change falls into), read and written whole about as fast."""
    try:
        return path.stat().st_size >= SPLICE_MIN_BYTES
    except OSError:
        return False


def _cost(plan: TablePlan) -> int:
    """A guess at how long a table takes (to start the slow ones first): bytes on disk."""
    try:
        size = plan.prev_file.stat().st_size if plan.prev_file else 0
    except OSError:
        size = 0
    return size + int(plan.new.estimated_size())


def run_build(args: argparse.Namespace) -> int:
    """CLI entry: build, print the summary; exit 0 even when some inputs were rejected."""
    try:
        summary = build(
            args.corpus,
            args.out,
            full=args.full,
            jobs=args.jobs,
            progress=not args.quiet and sys.stderr.isatty(),
        )
    except FileNotFoundError as e:
        print(f"etl build: {e}", file=sys.stderr)
        return 2
    print(f"etl build: {summary.line()}")
    if summary.rejected and not summary.unchanged:
        print(f"etl build: {summary.rejected} file(s) rejected; see {args.out}/rejects.parquet")
    return 0
