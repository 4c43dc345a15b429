"""Where an ETL build spends its time: phase timers around etl.build, per-stage timers per file.

    python bench/profile_build.py phases --corpus DIR --out DIR [--full] [--jobs N] --json FILE
    python bench/profile_build.py sample --corpus DIR [--files 2000] [--top 20] --json FILE
    python bench/profile_build.py poolstart [--jobs 2] --json FILE
    python bench/profile_build.py tables --out DIR --json FILE

`phases` runs one build in this process with timers wrapped around the functions etl.build calls
(nothing in etl/ is edited; a function that no longer exists is simply not timed). `sample` runs
process_file on every k-th input file in one process: once with timers around each parse and
extract step (no profiler overhead), once under cProfile for the functions inside them.
`tables` takes the published build in DIR and times, table by table, what one more document
costs its file: as a re-run makes it (etl.store.splice_table, or a small table written whole),
and the table read and written whole (what one file per table costs without splicing); into
a scratch folder, nothing is published.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import hashlib
import importlib
import json
import os
import pstats
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PARSERS = (
    ("etl.parse.op_xml", "parse"),
    ("etl.parse.markdown", "parse_text"),
    ("etl.parse.text", "parse_text"),
    ("etl.parse.html", "parse"),
)


class Timers:
    """Seconds and calls per label; nested timers each count their own full time.

    Timers may run in several threads at once (the build writes its tables in threads); then
    each counts its own wall time, and their sum can exceed the phase that holds them.
    """

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self.clock = clock
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.lock = threading.Lock()

    def wrap(self, label: str | Callable[..., str], fn: Callable[..., Any]) -> Callable[..., Any]:
        """fn with its time added to `label` (or to label(*args), a label made per call)."""

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            t0 = self.clock()
            try:
                return fn(*args, **kwargs)
            finally:
                name = label(*args) if callable(label) else label
                with self.lock:
                    self.seconds[name] += self.clock() - t0
                    self.calls[name] += 1

        return timed

    def patch(self, module: Any, name: str, label: str | None = None) -> bool:
        """Replace module.name by a timed version; False if there is no such function."""
        fn = getattr(module, name, None)
        if not callable(fn) or isinstance(fn, type):
            return False
        setattr(module, name, self.wrap(label or name, fn))
        return True

    def rows(self) -> list[dict[str, Any]]:
        """Labels with seconds and calls, slowest first."""
        return [
            {"label": k, "seconds": round(v, 4), "calls": self.calls[k]}
            for k, v in sorted(self.seconds.items(), key=lambda kv: -kv[1])
        ]


def input_files(corpus: Path) -> list[Path]:
    """Input files under corpus, exactly as the build lists them."""
    from etl.build import scan_corpus  # imported late: main() chooses which etl/ (see there)

    return scan_corpus(corpus)


def _tree_cpu_seconds() -> float:
    """CPU seconds (user + system) of every live descendant of this process (0 without psutil)."""
    try:
        import psutil
    except ImportError:
        return 0.0
    total = 0.0
    for child in psutil.Process().children(recursive=True):
        try:
            t = child.cpu_times()
        except psutil.Error:
            continue
        total += t.user + t.system
    return total


def _noop(x: int) -> int:
    return x


def run_pool_start(jobs: int) -> dict[str, Any]:
    """Seconds to start a forkserver pool like etl.build's (same preload) and get one result."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.perf_counter()
    ctx = multiprocessing.get_context("forkserver")
    import etl.build as B

    ctx.set_forkserver_preload(
        getattr(B, "WORKER_PRELOAD", ["etl.build", "etl.extract", "etl.parse"])
    )
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx) as pool:
        list(pool.map(_noop, range(jobs * 2)))
        ready = time.perf_counter() - t0
    return {
        "jobs": jobs,
        "start_seconds": round(ready, 3),
        "with_shutdown_seconds": round(time.perf_counter() - t0, 3),
    }


def run_phases(corpus: Path, out: Path, full: bool, jobs: int) -> dict[str, Any]:
    """One build in this process with a timer around every phase of etl.build."""
    t_import = time.perf_counter()
    import etl.build as B

    import_s = time.perf_counter() - t_import
    timers = Timers()
    timers.patch(B, "code_fingerprint", "code fingerprint")
    timers.patch(B, "_scan", "scan corpus + stat every file (+ sidecar)")
    timers.patch(B, "_stat_key", "stat every file (+ sidecar)")
    # before etl.build read only columns of the previous build, _previous read _files.parquet
    timers.patch(B, "_previous", "read previous _files.parquet (+ documents' keys)")
    timers.patch(B, "read_tables", "read previous tables")
    timers.patch(B, "_known_files", "hashes known from the previous build (join)")
    timers.patch(B, "_to_parse", "hash new or touched files, decide what to parse")
    timers.patch(B, "_choose", "choose documents, duplicates, versions")
    timers.patch(B, "_assemble", "assemble tables (total)")
    if not timers.patch(B, "frame", "  rows → DataFrame (etl.tables.frame)"):
        import etl.tables  # etl.build imports it where it makes frames

        timers.patch(etl.tables, "frame", "  rows → DataFrame (etl.tables.frame)")
    timers.patch(B, "_work", "parse + extract, in this process")
    timers.patch(B, "_work_chunk", "parse + extract, in this process")
    timers.patch(B, "new_build_dir", "new build dir")
    timers.patch(B, "_write_tables", "table files, in threads (wall)")
    timers.patch(B, "publish", "publish (fsync every file, swap links, prune)")
    # each table (in the writer threads): written whole, spliced, or linked unchanged
    sub = "  " if hasattr(B, "_write_tables") else ""
    if hasattr(B, "write_table"):
        B.write_table = timers.wrap(
            lambda d, t, df: f"{sub}write {t}.parquet ({df.height:,} rows)", B.write_table
        )
    if hasattr(B, "splice_table"):
        B.splice_table = timers.wrap(
            lambda p, d, t, *a: f"{sub}splice {t}.parquet (changed row groups only)",
            B.splice_table,
        )
    if hasattr(B, "link_table"):
        B.link_table = timers.wrap(
            lambda p, d, t: f"{sub}link {t}.parquet (unchanged)", B.link_table
        )
    if hasattr(B, "write_parquet"):
        B.write_parquet = timers.wrap(f"{sub}write _files.parquet", B.write_parquet)
    if hasattr(B, "scan_corpus"):
        scan = B.scan_corpus
        B.scan_corpus = timers.wrap("scan corpus folder", lambda corpus: list(scan(corpus)))
    pool_info: dict[str, float] = {}
    # etl.build imports the pool class where it starts a pool (or, before, at its top)
    import concurrent.futures as futures

    owner = B if hasattr(B, "ProcessPoolExecutor") else futures

    class TimedPool(owner.ProcessPoolExecutor):  # type: ignore[misc, name-defined]
        """The build's worker pool, timed from start to shut-down."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self._t0 = time.perf_counter()
            self._cpu0 = time.process_time()
            super().__init__(*args, **kwargs)

        def map(self, *args: Any, **kwargs: Any) -> Any:
            """The results, noting when the first one arrives."""
            for i, item in enumerate(super().map(*args, **kwargs)):
                if i == 0:
                    pool_info["first_result_s"] = time.perf_counter() - self._t0
                yield item

        def __exit__(self, *exc: Any) -> Any:
            pool_info["workers_cpu_s"] = _tree_cpu_seconds()
            result = super().__exit__(*exc)
            timers.seconds["parse + extract, worker pool (wall)"] += time.perf_counter() - self._t0
            timers.calls["parse + extract, worker pool (wall)"] += 1
            pool_info["main_cpu_s"] = time.process_time() - self._cpu0
            return result

    owner.ProcessPoolExecutor = TimedPool
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    summary = B.build(corpus, out, full=full, jobs=jobs)
    total = time.perf_counter() - t0
    main_cpu = time.process_time() - cpu0
    accounted = sum(r["seconds"] for r in timers.rows() if not r["label"].startswith("  "))
    return {
        "corpus": str(corpus),
        "full": full,
        "jobs": jobs,
        "files": summary.files,
        "parsed": summary.parsed,
        "reused": summary.reused,
        "unchanged": summary.unchanged,
        "build_seconds": round(total, 3),
        "import_seconds": round(import_s, 3),
        "phases": timers.rows(),
        "other_seconds": round(total - accounted, 3),
        "main_cpu_seconds": round(main_cpu, 2),
        "pool_main_cpu_seconds": round(pool_info.get("main_cpu_s", 0.0), 2),
        "pool_first_result_seconds": round(pool_info.get("first_result_s", 0.0), 3),
        "workers_cpu_seconds": round(pool_info.get("workers_cpu_s", 0.0), 2),
    }


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """fn(): its result, wall seconds, CPU seconds of this process (all its threads)."""
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return result, time.perf_counter() - t0, time.process_time() - c0


def run_tables(out: Path) -> dict[str, Any]:
    """Per table of the published build, one document more: made as a re-run makes it (spliced
    in, or a small table written whole), against the table read and written whole."""
    import polars as pl

    import etl.build as B
    from etl import store
    from etl.tables import TABLES

    cur = store.current_build(out)
    if cur is None:
        raise SystemExit(f"no build in {out}")
    spliceable = getattr(B, "_spliceable", lambda path: True)
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix=".tables-", dir=out) as tmp:
        whole_dir, splice_dir = Path(tmp, "whole"), Path(tmp, "splice")
        whole_dir.mkdir()
        splice_dir.mkdir()
        for t in TABLES:
            if t == "rejects":
                continue
            path = cur / f"{t}.parquet"
            df, read_s, read_cpu = _timed(lambda p=path: pl.read_parquet(p))
            _, write_s, write_cpu = _timed(lambda df=df, t=t: store.write_table(whole_dir, t, df))
            # one more document: the rows of the middle document under a new doc_id
            ids = df["doc_id"].unique(maintain_order=True)
            doc = ids[len(ids) // 2] if len(ids) else None
            new = df.filter(pl.col("doc_id") == doc).with_columns(
                pl.lit(f"{doc}-bench", dtype=pl.String).alias("doc_id")
            )
            how, rerun_s, rerun_cpu = "whole", read_s + write_s, read_cpu + write_cpu
            if spliceable(path):
                try:
                    _, rerun_s, rerun_cpu = _timed(
                        lambda t=t, new=new: store.splice_table(cur, splice_dir, t, new, [], {})
                    )
                    how = "spliced"
                except Exception as e:  # noqa: BLE001 - the build writes it whole then
                    print(f"{t}: not spliced ({e}); a re-run writes it whole", file=sys.stderr)
            rows.append(
                {
                    "table": t,
                    "rows": df.height,
                    "mb": round(path.stat().st_size / 1e6, 2),
                    "read_s": round(read_s, 4),
                    "write_s": round(write_s, 4),
                    "whole_s": round(read_s + write_s, 4),
                    "whole_cpu_s": round(read_cpu + write_cpu, 4),
                    "rerun": how,
                    "rerun_s": round(rerun_s, 4),
                    "rerun_cpu_s": round(rerun_cpu, 4),
                }
            )
    total = {
        k: round(sum(r[k] for r in rows), 3)
        for k in ("mb", "whole_s", "whole_cpu_s", "rerun_s", "rerun_cpu_s")
    }
    return {"out": str(out), "build": cur.name, "tables": rows, "total": total}


def _area(filename: str, func: str) -> str:
    """A coarse owner of a profiled function: an etl module, the regex engine, lxml, …"""
    path = filename.replace("\\", "/")
    if "/etl/" in path:
        return "etl." + path.rsplit("/etl/", 1)[1].removesuffix(".py").replace("/", ".")
    if filename == "~":
        if "re.Pattern" in func or "_sre" in func:
            return "regex engine (re.Pattern methods)"
        if "lxml" in func or "etree" in func:
            return "lxml"
        return "built-ins"
    if "/re/" in path or path.endswith(("/re.py", "/sre_compile.py", "/sre_parse.py")):
        return "re (Python side)"
    if "lxml" in path:
        return "lxml"
    if "unicodedata" in path:
        return "unicodedata"
    return "python stdlib / other"


def run_sample(corpus: Path, n_files: int, top: int) -> dict[str, Any]:
    """Stage timers (CPU time) and a cProfile of process_file over every k-th input file."""
    import etl.build as B
    import etl.extract as X
    import etl.parse as P

    files = input_files(corpus)
    step = max(1, len(files) // n_files)
    sample = files[::step][:n_files]
    blobs = []
    for p in sample:
        data = p.read_bytes()
        blobs.append((p, p.relative_to(corpus).as_posix(), data, hashlib.sha256(data).hexdigest()))
    for p, rel, data, sha in blobs[:5]:  # imports, taxonomy, compiled patterns
        B.process_file(p, rel, data, sha)

    t0 = time.process_time()
    for p, rel, data, sha in blobs:
        B.process_file(p, rel, data, sha)
    plain_total = time.process_time() - t0
    chunk_total = None
    if callable(
        getattr(B, "_work_chunk", None)
    ):  # a worker's whole task: read, hash, rows → frames
        size = getattr(B, "CHUNK_FILES", 64)
        items = [(str(p), rel) for p, rel, _, _ in blobs]
        t0 = time.process_time()
        for i in range(0, len(items), size):
            B._work_chunk(items[i : i + size])
        chunk_total = time.process_time() - t0

    prof = cProfile.Profile()
    prof.enable()
    for p, rel, data, sha in blobs:
        B.process_file(p, rel, data, sha)
    prof.disable()

    timers = Timers(time.process_time)
    timers.patch(P, "parse_file", "parse (total)")
    timers.patch(P, "decode_text", "  parse: decode bytes")
    timers.patch(P, "sniff_format", "  parse: sniff format")
    for mod_name, fn_name in PARSERS:
        try:
            mod = importlib.import_module(mod_name)
        except ImportError:
            continue
        else:
            timers.patch(mod, fn_name, f"  parse: {mod_name.rsplit('.', 1)[1]}.{fn_name}")
    timers.patch(B, "read_sidecar", "read .meta.json sidecar")
    timers.patch(B, "apply_sidecar", "apply sidecar")
    timers.patch(X, "extract_all", "extract (total)")
    for name, value in list(vars(X).items()):
        if (
            callable(value)
            and not isinstance(value, type)
            and getattr(value, "__module__", "").startswith("etl.")
            and name not in ("extract_all", "load_taxonomy")
        ):
            timers.patch(X, name, f"  extract: {name}")
    t0 = time.process_time()
    for p, rel, data, sha in blobs:
        B.process_file(p, rel, data, sha)
    timed_total = time.process_time() - t0

    stats = pstats.Stats(prof)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    profiled_total = sum(tt for (_, _, tt, _, _) in raw.values())
    areas: dict[str, float] = defaultdict(float)
    funcs = []
    for (filename, line, func), (_cc, nc, tt, ct, _callers) in raw.items():
        areas[_area(filename, func)] += tt
        short = filename.replace("\\", "/")
        if "/etl/" in short:
            short = "etl/" + short.rsplit("/etl/", 1)[1]
        elif "site-packages/" in short:
            short = short.rsplit("site-packages/", 1)[1]
        elif "/lib/python" in short:
            short = short.rsplit("/lib/", 1)[1]
        where = f"{short}:{line}" if filename != "~" else ""
        funcs.append({"function": func, "where": where, "calls": nc, "tottime": tt, "cumtime": ct})
    by_tot = sorted(funcs, key=lambda f: -f["tottime"])[:top]
    by_cum = sorted(
        (f for f in funcs if f["where"].startswith("etl/")), key=lambda f: -f["cumtime"]
    )[:top]
    n = len(blobs)
    return {
        "corpus": str(corpus),
        "files": n,
        "of_files": len(files),
        "input_bytes": sum(len(b[2]) for b in blobs),
        "ms_per_file": round(plain_total / n * 1000, 3),
        "ms_per_file_chunk": round(chunk_total / n * 1000, 3) if chunk_total else None,
        "ms_per_file_timed": round(timed_total / n * 1000, 3),
        "stages": [{**r, "ms_per_file": round(r["seconds"] / n * 1000, 3)} for r in timers.rows()],
        "profile_total_seconds": round(profiled_total, 3),
        "areas": [
            {"area": a, "seconds": round(s, 3), "share": round(s / profiled_total, 4)}
            for a, s in sorted(areas.items(), key=lambda kv: -kv[1])
        ],
        "top_tottime": [_rounded(f) for f in by_tot],
        "top_cumtime_etl": [_rounded(f) for f in by_cum],
    }


def _rounded(f: dict[str, Any]) -> dict[str, Any]:
    return {**f, "tottime": round(f["tottime"], 4), "cumtime": round(f["cumtime"], 4)}


def main(argv: list[str] | None = None) -> int:
    """Run one profiling mode and write its result as JSON."""
    p = argparse.ArgumentParser(prog="python bench/profile_build.py", description=__doc__)
    sub = p.add_subparsers(dest="mode", required=True)
    ph = sub.add_parser("phases", help="one build, timed phase by phase")
    ph.add_argument("--corpus", type=Path, required=True)
    ph.add_argument("--out", type=Path, required=True)
    ph.add_argument("--full", action="store_true")
    ph.add_argument("--jobs", type=int, default=0)
    ph.add_argument("--json", type=Path, required=True)
    tb = sub.add_parser("tables", help="one more document per table: spliced vs written whole")
    tb.add_argument("--out", type=Path, required=True)
    tb.add_argument("--json", type=Path, required=True)
    ps = sub.add_parser("poolstart", help="start a worker pool like etl.build's, time it")
    ps.add_argument("--jobs", type=int, default=2)
    ps.add_argument("--json", type=Path, required=True)
    sa = sub.add_parser("sample", help="parse and extract a sample of files in one process")
    sa.add_argument("--corpus", type=Path, required=True)
    sa.add_argument("--files", type=int, default=2000)
    sa.add_argument("--top", type=int, default=20)
    sa.add_argument("--json", type=Path, required=True)
    args = p.parse_args(argv)
    # bench/run.py runs this in its copy of etl/ (the working directory); else the live tree
    sys.path.insert(0, os.getcwd() if Path("etl", "build.py").is_file() else str(ROOT))
    if args.mode == "phases":
        result = run_phases(args.corpus, args.out, args.full, args.jobs)
    elif args.mode == "poolstart":
        result = run_pool_start(args.jobs)
    elif args.mode == "tables":
        result = run_tables(args.out)
    else:
        result = run_sample(args.corpus, args.files, args.top)
    args.json.write_text(json.dumps(result, indent=1, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
