"""`etl build`: every file of a corpus folder → Document → rows → Parquet tables, incrementally.

Unchanged files (same size and mtime, or same content hash) are not parsed again: their rows are
taken from the previous build. Every table of a build is written to a fresh folder and published
with one atomic swap (etl.store), so a crash leaves the previous build whole.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import multiprocessing
import os
import select
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import polars as pl

from etl import limits
from etl.errors import Rejected
from etl.sources.sidecar import apply_sidecar, read_sidecar
from etl.store import current_build, new_build_dir, publish, read_tables, write_table
from etl.tables import SCHEMAS, TABLES, empty, frame

SIDECAR_SUFFIXES = (".meta.json", ".truth.json")
MAX_FILE_BYTES = limits.MAX_FILE_BYTES
MAX_FILE_SECONDS = limits.MAX_FILE_SECONDS
FORMAT_PREFERENCE = {"op_xml": 0, "html": 1, "markdown": 2, "text": 3}
SYNTHETIC_MARK = "SYNTHETISCH DEMODOCUMENT"
PARALLEL_MIN_FILES = 64
CHUNK_FILES = 64  # files per task sent to a worker


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


class CorpusFile(NamedTuple):
    """An input file: absolute path, path relative to the corpus, and size:mtime stamp."""

    path: str
    rel: str
    stat: str


def _scan(corpus: Path) -> list[CorpusFile]:
    """Input files under the corpus in a stable order; hidden files and sidecars are not inputs.

    os.scandir and plain strings: at 50,000 files pathlib's overhead was most of a no-op run.
    """
    out: list[CorpusFile] = []

    def walk(folder: str, prefix: str) -> None:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
        names = {e.name for e in entries}
        subdirs = []
        for e in entries:
            if e.name.startswith("."):
                continue
            if e.is_dir(follow_symlinks=False):
                subdirs.append(e)
            elif not e.is_dir() and not e.name.endswith((*SIDECAR_SUFFIXES, ".tmp")):
                # Not only regular files: a pipe or a dangling link becomes a reject, not a gap
                try:
                    st = e.stat()
                except OSError:
                    st = e.stat(follow_symlinks=False)
                stamp = f"{st.st_size}:{st.st_mtime_ns}"
                if (side := e.name + ".meta.json") in names:
                    ss = os.stat(os.path.join(folder, side))
                    stamp += f"|{ss.st_size}:{ss.st_mtime_ns}"
                out.append(CorpusFile(e.path, prefix + e.name, stamp))
        for d in subdirs:
            walk(d.path, f"{prefix}{d.name}/")

    walk(str(corpus), "")
    return out


def scan_corpus(corpus: Path) -> list[Path]:
    """Input files under the corpus, in the order the build reads them."""
    return [Path(f.path) for f in _scan(corpus)]


def process_file(path: Path, rel: str, data: bytes, sha256: str) -> dict[str, list[dict]]:
    """Parse and extract one file; a rejected file becomes one rejects row."""
    from etl.extract import extract_all
    from etl.parse import parse_file

    try:
        if len(data) > MAX_FILE_BYTES:
            raise Rejected(_too_large(len(data)))
        with limits.time_limit(MAX_FILE_SECONDS):  # SIGALRM: this runs in a main thread
            doc = parse_file(path, data, sha256, source_path=rel)
            apply_sidecar(doc, read_sidecar(path))
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
    """What parsing one file gave: its hash, and its doc_id and format or why it was rejected."""

    rel: str
    sha: str | None
    doc_id: str | None = None
    source_format: str | None = None
    reject: str | None = None


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
    files: list[FileResult] = []
    rows: dict[str, list[dict]] = {t: [] for t in TABLES if t != "rejects"}
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
        out = process_file(Path(path_s), rel, data, sha)
        if out.get("rejects"):
            files.append(FileResult(rel, sha, reject=out["rejects"][0]["reason"]))
            continue
        doc = out["documents"][0]
        files.append(FileResult(rel, sha, doc["doc_id"], doc["source_format"]))
        for table, table_rows in out.items():
            for r in table_rows:
                r["_src"] = rel
            rows[table].extend(table_rows)
    frames = {
        t: frame(t, r).with_columns(pl.Series("_src", [x["_src"] for x in r], dtype=pl.String))
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


def _previous(
    out: Path, fingerprint: str
) -> tuple[dict, dict[str, pl.DataFrame] | None, pl.DataFrame | None]:
    cur = current_build(out)
    if cur is None:
        return {}, None, None
    try:
        info = json.loads((cur / "_build.json").read_text())
        files = pl.read_parquet(cur / "_files.parquet")
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return {}, None, None
    if info.get("fingerprint") != fingerprint:
        return info, None, None
    return info, None, files


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


def _build_locked(
    corpus: Path, out: Path, full: bool, jobs: int, progress: bool, t0: float
) -> BuildSummary:
    fingerprint = code_fingerprint()
    inputs = _scan(corpus)
    rels = [f.rel for f in inputs]
    keys = [f.stat for f in inputs]
    summary = BuildSummary(files=len(inputs))

    _, _, prev_files = ({}, None, None) if full else _previous(out, fingerprint)
    known_sha: dict[tuple[str, str], str] = {}
    if prev_files is not None:
        known_sha = {
            (r, k): s for r, k, s in prev_files.select("path", "stat", "sha256").iter_rows() if s
        }
        same_list = prev_files.height == len(rels) and prev_files["path"].to_list() == rels
        if same_list and prev_files["stat"].to_list() == keys:
            summary.unchanged = True
            summary.seconds = time.perf_counter() - t0
            cur = current_build(out)
            if cur:
                info = json.loads((cur / "_build.json").read_text())
                summary.rows = info.get("rows", {})
                summary.build_dir = str(cur)
            return summary

    prev_tables = read_tables(out) if prev_files is not None else None
    reusable: set[str] = set()
    if prev_tables is not None:
        reusable = set(prev_tables["documents"]["sha256"].drop_nulls().to_list()) | set(
            prev_tables["rejects"]["sha256"].drop_nulls().to_list()
        )

    # Which files need parsing: unknown stat, or a content hash not seen before
    to_parse: list[tuple[str, str]] = []
    file_sha: dict[str, str] = {}
    for path, rel, key in inputs:
        sha = known_sha.get((rel, key))
        if sha is None and prev_tables is not None:
            try:  # in chunks; a file over the limit is not read (it is refused when parsed)
                sha = limits.sha256_file(path, MAX_FILE_BYTES)
            except (OSError, Rejected):
                sha = None
        if sha is not None and sha in reusable:
            file_sha[rel] = sha
        else:
            to_parse.append((path, rel))

    results: dict[str, FileResult] = {}
    new_frames: dict[str, list[pl.DataFrame]] = {t: [] for t in TABLES if t != "rejects"}
    bar = _progress(len(to_parse), progress and len(to_parse) > 20)
    chunks = [to_parse[i : i + CHUNK_FILES] for i in range(0, len(to_parse), CHUNK_FILES)]
    n_jobs = jobs if jobs > 0 else (os.cpu_count() or 1)

    def collect(res: ChunkResult) -> None:
        for f in res.files:
            results[f.rel] = f
        for t, df in res.frames.items():
            if df.height:
                new_frames[t].append(df)
        if bar:
            bar.update(len(res.files))

    if n_jobs > 1 and len(to_parse) >= PARALLEL_MIN_FILES:
        # forkserver: workers do not inherit the build lock, so a killed build frees it at once
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["etl.build", "etl.extract", "etl.parse"])
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
    summary.parsed = len(results)
    for rel, f in results.items():
        if f.sha:
            file_sha[rel] = f.sha

    tables = _assemble(rels, file_sha, results, new_frames, prev_tables)
    summary.reused = len(rels) - len(results)

    build_dir = new_build_dir(out)
    for t in TABLES:
        write_table(build_dir, t, tables[t])
    pl.DataFrame(
        {"path": rels, "stat": keys, "sha256": [file_sha.get(r) for r in rels]},
        schema={"path": pl.String, "stat": pl.String, "sha256": pl.String},
    ).write_parquet(build_dir / "_files.parquet")
    summary.rows = {t: tables[t].height for t in TABLES}
    summary.rejected = tables["rejects"].height
    summary.seconds = time.perf_counter() - t0
    publish(
        out,
        build_dir,
        {
            "fingerprint": fingerprint,
            "corpus": str(corpus),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "rows": summary.rows,
            "files": summary.files,
        },
    )
    summary.build_dir = str(build_dir)
    return summary


def _assemble(
    rels: list[str],
    file_sha: dict[str, str],
    results: dict[str, FileResult],
    new_frames: dict[str, list[pl.DataFrame]],
    prev: dict[str, pl.DataFrame] | None,
) -> dict[str, pl.DataFrame]:
    """One frame per table: new rows plus reused ones, one document per content and per doc_id."""
    rejects: list[dict] = []
    chosen_sha: dict[str, str] = {}  # sha → the first path with that content
    candidates: list[tuple[str, str, str, str]] = []  # (rel, sha, doc_id, format)
    prev_docs: dict[str, tuple[str, str]] = {}
    prev_rejects: dict[str, str] = {}
    if prev is not None:
        docs = prev["documents"].select("sha256", "doc_id", "source_format")
        for sha, doc_id, fmt in docs.iter_rows():
            prev_docs[sha] = (doc_id, fmt)
        for sha, reason in prev["rejects"].select("sha256", "reason").iter_rows():
            if sha and not reason.startswith(("duplicate of", "another version")):
                prev_rejects[sha] = reason

    for rel in rels:
        sha = file_sha.get(rel)
        if (f := results.get(rel)) is not None:
            if f.reject is not None:
                rejects.append({"source_path": rel, "reason": f.reject, "sha256": f.sha})
                continue
            key = (f.doc_id, f.source_format)
        elif sha in prev_docs:
            key = prev_docs[sha]
        elif sha in prev_rejects:
            rejects.append({"source_path": rel, "reason": prev_rejects[sha], "sha256": sha})
            continue
        else:  # pragma: no cover - every file is parsed or reused
            continue
        if sha in chosen_sha:
            reason = f"duplicate of {chosen_sha[sha]} (identical content)"
            rejects.append({"source_path": rel, "reason": reason, "sha256": sha})
            continue
        chosen_sha[sha] = rel
        candidates.append((rel, sha, key[0], key[1]))

    # One document per doc_id: the official XML over HTML over Markdown over plain text
    best: dict[str, tuple[str, str, str, str]] = {}
    for c in candidates:
        cur = best.get(c[2])
        if cur is None or FORMAT_PREFERENCE.get(c[3], 9) < FORMAT_PREFERENCE.get(cur[3], 9):
            best[c[2]] = c
    keep_new: list[str] = []
    keep_prev: dict[str, str] = {}  # doc_id → its (possibly moved) source_path
    for c in candidates:
        rel, sha, doc_id, _ = c
        winner = best[doc_id]
        if winner is not c:
            reason = f"another version of {doc_id} is used: {winner[0]}"
            rejects.append({"source_path": rel, "reason": reason, "sha256": sha})
        elif rel in results:
            keep_new.append(rel)
        else:
            keep_prev[doc_id] = rel

    frames: dict[str, pl.DataFrame] = {}
    for t in TABLES:
        if t == "rejects":
            parts = [frame(t, rejects)]
        else:
            new = (
                pl.concat(new_frames[t])
                if new_frames[t]
                else empty(t).with_columns(pl.lit(None, dtype=pl.String).alias("_src"))
            )
            # one filter over all chunks (per chunk it cost O(chunks x files): 45 s at 50,000)
            if len(keep_new) != len(results):
                new = new.filter(
                    pl.col("_src").is_in(pl.Series(keep_new, dtype=pl.String).implode())
                )
            parts = [new.drop("_src")]
            if prev is not None and keep_prev:
                old = prev[t].filter(pl.col("doc_id").is_in(list(keep_prev)))
                if t == "documents":
                    moved = pl.col("doc_id").replace_strict(keep_prev, default=None)
                    old = old.with_columns(moved.alias("source_path"))
                parts.append(old.select(list(SCHEMAS[t])).cast(SCHEMAS[t]))
        df = pl.concat(parts, how="vertical")
        frames[t] = df.sort("source_path" if t == "rejects" else "doc_id", maintain_order=True)
    return frames


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
