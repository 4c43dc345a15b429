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
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from etl.errors import Rejected
from etl.sources.sidecar import apply_sidecar, read_sidecar
from etl.store import current_build, new_build_dir, publish, read_tables, write_table
from etl.tables import SCHEMAS, TABLES, frame

SIDECAR_SUFFIXES = (".meta.json", ".truth.json")
MAX_FILE_BYTES = 64 * 1024 * 1024
FORMAT_PREFERENCE = {"op_xml": 0, "html": 1, "markdown": 2, "text": 3}
SYNTHETIC_MARK = "SYNTHETISCH DEMODOCUMENT"
PARALLEL_MIN_FILES = 64


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


def scan_corpus(corpus: Path) -> Iterator[Path]:
    """Input files under the corpus, sorted; hidden files and sidecars are not inputs."""
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIXES) or name.endswith(".tmp"):
                continue
            yield Path(dirpath) / name


def _stat_key(path: Path) -> str:
    st = path.stat()
    side = Path(f"{path}.meta.json")
    extra = ""
    if side.exists():
        ss = side.stat()
        extra = f"|{ss.st_size}:{ss.st_mtime_ns}"
    return f"{st.st_size}:{st.st_mtime_ns}{extra}"


def process_file(path: Path, rel: str, data: bytes, sha256: str) -> dict[str, list[dict]]:
    """Parse and extract one file; a rejected file becomes one rejects row."""
    from etl.extract import extract_all
    from etl.parse import parse_file

    try:
        if len(data) > MAX_FILE_BYTES:
            raise Rejected(
                f"file too large ({len(data) // 1_000_000} MB; the limit is {MAX_FILE_BYTES // 1_000_000} MB)"
            )
        doc = parse_file(path, data, sha256, source_path=rel)
        apply_sidecar(doc, read_sidecar(path))
        doc.is_synthetic = doc.is_synthetic or SYNTHETIC_MARK in doc.text[:2000]
        return extract_all(doc)
    except Rejected as e:
        return {"rejects": [{"source_path": rel, "reason": str(e), "sha256": sha256}]}
    except RecursionError:
        return {
            "rejects": [
                {"source_path": rel, "reason": "too deeply nested to parse", "sha256": sha256}
            ]
        }
    except Exception as e:  # noqa: BLE001 - one strange file must not stop the build
        reason = f"parser error ({type(e).__name__}: {e}); please report this file"
        return {"rejects": [{"source_path": rel, "reason": reason[:500], "sha256": sha256}]}


def _work(item: tuple[str, str, str | None]) -> tuple[str, str, dict[str, list[dict]]]:
    """Worker: read, hash and process one file (runs in a pool process)."""
    path_s, rel, _ = item
    path = Path(path_s)
    try:
        data = path.read_bytes()
    except OSError as e:
        return (
            rel,
            "",
            {
                "rejects": [
                    {"source_path": rel, "reason": f"unreadable: {e.strerror}", "sha256": None}
                ]
            },
        )
    sha = hashlib.sha256(data).hexdigest()
    return rel, sha, process_file(path, rel, data, sha)


def _watch_parent() -> None:
    """In a worker: exit when the process that started us is gone (the build was killed)."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

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
    paths = list(scan_corpus(corpus))
    rels = [p.relative_to(corpus).as_posix() for p in paths]
    keys = [_stat_key(p) for p in paths]
    summary = BuildSummary(files=len(paths))

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
    to_parse: list[tuple[str, str, str | None]] = []
    file_sha: dict[str, str] = {}
    for p, rel, key in zip(paths, rels, keys, strict=True):
        sha = known_sha.get((rel, key))
        if sha is None and prev_tables is not None:
            try:
                sha = hashlib.sha256(p.read_bytes()).hexdigest()
            except OSError:
                sha = None
        if sha is not None and sha in reusable:
            file_sha[rel] = sha
        else:
            to_parse.append((str(p), rel, None))

    results: dict[str, tuple[str, dict[str, list[dict]]]] = {}
    bar = _progress(len(to_parse), progress and len(to_parse) > 20)
    n_jobs = jobs if jobs > 0 else (os.cpu_count() or 1)
    if n_jobs > 1 and len(to_parse) >= PARALLEL_MIN_FILES:
        # forkserver: workers do not inherit the build lock, so a killed build frees it at once
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["etl.build", "etl.extract", "etl.parse"])
        with ProcessPoolExecutor(
            max_workers=n_jobs, mp_context=ctx, initializer=_watch_parent
        ) as pool:
            for rel, sha, rows in pool.map(_work, to_parse, chunksize=32):
                results[rel] = (sha, rows)
                if bar:
                    bar.update()
    else:
        for item in to_parse:
            rel, sha, rows = _work(item)
            results[rel] = (sha, rows)
            if bar:
                bar.update()
    if bar:
        bar.close()
    summary.parsed = len(results)
    for rel, (sha, _) in results.items():
        if sha:
            file_sha[rel] = sha

    tables = _assemble(rels, file_sha, results, prev_tables)
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
    results: dict[str, tuple[str, dict[str, list[dict]]]],
    prev: dict[str, pl.DataFrame] | None,
) -> dict[str, pl.DataFrame]:
    """One frame per table: new rows plus reused ones, one document per content and per doc_id."""
    new_rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    # Candidates per file: (rel, sha, doc_id or None, format)
    chosen_sha: dict[str, str] = {}  # sha → first path with it
    rejects: list[dict] = []
    candidates: list[tuple[str, str, str, str]] = []
    prev_docs: dict[str, dict] = {}
    if prev is not None:
        for row in (
            prev["documents"].select("sha256", "doc_id", "source_format").iter_rows(named=True)
        ):
            prev_docs[row["sha256"]] = row
    prev_rejects: dict[str, str] = {}
    if prev is not None:
        for r in prev["rejects"].iter_rows(named=True):
            if r["sha256"] and not r["reason"].startswith(("duplicate of", "another version")):
                prev_rejects[r["sha256"]] = r["reason"]

    for rel in rels:
        sha = file_sha.get(rel)
        if rel in results:
            _, rows = results[rel]
            if rows.get("rejects"):
                rejects.extend(rows["rejects"])
                continue
            doc = rows["documents"][0]
            key = (doc["doc_id"], doc["source_format"])
        elif sha in prev_docs:
            key = (prev_docs[sha]["doc_id"], prev_docs[sha]["source_format"])
        elif sha in prev_rejects:
            rejects.append({"source_path": rel, "reason": prev_rejects[sha], "sha256": sha})
            continue
        else:  # pragma: no cover - every file is parsed or reused
            continue
        if sha in chosen_sha:
            rejects.append(
                {
                    "source_path": rel,
                    "reason": f"duplicate of {chosen_sha[sha]} (identical content)",
                    "sha256": sha,
                }
            )
            continue
        chosen_sha[sha] = rel
        candidates.append((rel, sha, key[0], key[1]))

    # One document per doc_id: the official XML over HTML over Markdown over plain text
    best: dict[str, tuple[str, str, str, str]] = {}
    for c in candidates:
        cur = best.get(c[2])
        if cur is None or FORMAT_PREFERENCE.get(c[3], 9) < FORMAT_PREFERENCE.get(cur[3], 9):
            best[c[2]] = c
    keep_new: set[str] = set()
    keep_prev: dict[str, str] = {}  # doc_id → rel (source_path to set)
    for c in candidates:
        rel, sha, doc_id, _ = c
        winner = best[doc_id]
        if winner is not c:
            rejects.append(
                {
                    "source_path": rel,
                    "reason": f"another version of {doc_id} is used: {winner[0]}",
                    "sha256": sha,
                }
            )
            continue
        if rel in results:
            keep_new.add(rel)
        else:
            keep_prev[doc_id] = rel

    for rel in keep_new:
        for t, rows in results[rel][1].items():
            new_rows[t].extend(rows)
    new_rows["rejects"] = rejects

    frames: dict[str, pl.DataFrame] = {}
    for t in TABLES:
        parts = [frame(t, new_rows[t])]
        if prev is not None and t != "rejects" and keep_prev:
            old = prev[t].filter(pl.col("doc_id").is_in(list(keep_prev)))
            if t == "documents":
                old = old.with_columns(
                    pl.col("doc_id").replace_strict(keep_prev, default=None).alias("source_path")
                )
            parts.append(old.select(list(SCHEMAS[t])).cast(SCHEMAS[t]))
        df = pl.concat(parts, how="vertical")
        sort_cols = ["source_path"] if t == "rejects" else ["doc_id"]
        frames[t] = df.sort(sort_cols, maintain_order=True)
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
