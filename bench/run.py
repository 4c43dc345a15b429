"""Benchmarks of the ETL build and the dashboard on synthetic demo corpora; writes BENCHMARKS.md.

    python bench/run.py [--sizes 500,5000,50000] [--quick] [--jobs-at 5000] [--no-dashboard]
    python bench/run.py --only dashboard     # the dashboard sections again, on the last build

For each size: a demo corpus (cached in bench/out/, regenerated when its size, seed or the
generator's code changed), a full build as a subprocess (wall time with start-up, peak memory of
the process tree), the floor (read every file and run one regex, warm cache), a no-op re-run,
a re-run with one added report, and what the table files alone cost (one document more, as a
re-run writes them and with every table rewritten whole). Then --jobs 1 against --jobs 2, where the time goes
(phase timers and a per-file profile, see bench/profile_build.py) and the dashboard's callbacks,
first render and the server's peak memory under gunicorn.
This is a measurement, not a test: it never fails on a missed target, it reports it.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from report import render_markdown, sizes_of, targets

from etl.build import SIDECAR_SUFFIXES, scan_corpus

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = BENCH / "out"
CODE = OUT / "code"  # a copy of etl/ taken at the start: the tree is edited while we measure
SEED = 1
FIRST_NUMBER = 9001  # etl.demo.FIRST_NUMBER: demo report n is number FIRST_NUMBER + n
DEFAULT_SIZES = (500, 5000, 50000)
QUICK_SIZES = (500, 2000)
JOBS_AT = 5000
POLL_S = 0.05
QUIET_PCT = 30.0  # wait before a measurement until other processes use less than this share
QUIET_WAIT_S = 60.0  # … but at most this long per measurement
CHILDREN_EVERY = 4  # polls between re-listing the process tree (listing costs ~3 ms)
FLOOR_RE = re.compile(r"\b(?:navo|nato)\b", re.IGNORECASE)  # one pattern, as a topic has
DASH_CALLS = 50
DASH_MAX_S = 45.0  # per callback: stop early once this much time is spent
VIEW_PATHS = ("/", "/topics", "/positions", "/bilaterals", "/budget", "/meetings", "/documents")
START = time.perf_counter()
NOTES: dict[str, str] = {}  # section → why it was not measured
QUIET_BUDGET = {"seconds": 300.0, "waited": 0.0, "gave_up": 0}  # waiting in all, at most


def log(msg: str) -> None:
    """One progress line, with the minutes and seconds since the start."""
    el = time.perf_counter() - START
    print(f"[{int(el // 60):02d}:{el % 60:04.1f}] {msg}", flush=True)


# ---- machine -------------------------------------------------------------------------------


def _cpuinfo_model() -> str:
    """CPU model name from /proc/cpuinfo."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _mem_total_gib() -> float:
    """Total RAM in GiB from /proc/meminfo."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _git(*args: str) -> str:
    """A read-only git query in the project (empty string if git is not there)."""
    try:
        r = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return r.stdout.strip()


def snapshot_code() -> None:
    """Copy etl/ to bench/out/code/: every build of this run uses that copy, not the live tree."""
    shutil.rmtree(CODE, ignore_errors=True)
    CODE.mkdir(parents=True)
    shutil.copytree(ROOT / "etl", CODE / "etl", ignore=shutil.ignore_patterns("__pycache__"))


def _fingerprint(tree: Path) -> str:
    """etl.build.code_fingerprint() of the etl/ under `tree` (in a subprocess: its own import)."""
    r = subprocess.run(
        [sys.executable, "-c", "from etl.build import code_fingerprint; print(code_fingerprint())"],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    return r.stdout.strip() or "?"


def snapshot_fingerprint() -> str:
    """etl.build.code_fingerprint() of the copy the builds run."""
    return _fingerprint(CODE)


def live_fingerprint() -> str:
    """etl.build.code_fingerprint() of the working tree now."""
    return _fingerprint(ROOT)


def wait_quiet(what: str) -> float:
    """Wait (within a budget) until other processes use < QUIET_PCT % of the CPUs; their share."""
    try:
        import psutil
    except ImportError:
        return float("nan")
    t0 = time.perf_counter()
    busy = psutil.cpu_percent(interval=0.5)
    while busy > QUIET_PCT:
        waited = time.perf_counter() - t0
        if waited > QUIET_WAIT_S or QUIET_BUDGET["waited"] + waited > QUIET_BUDGET["seconds"]:
            QUIET_BUDGET["gave_up"] += 1
            log(f"  (machine still busy, {busy:.0f} % CPU used by others; measuring {what} anyway)")
            break
        if waited == 0 or int(waited) % 15 == 0:
            log(f"  (waiting for a quieter machine: {busy:.0f} % CPU used by others)")
        busy = psutil.cpu_percent(interval=1.0)
    QUIET_BUDGET["waited"] += time.perf_counter() - t0
    return busy


def machine() -> dict[str, Any]:
    """CPU, cores, RAM, versions, date, commit and extractor fingerprint of this run."""
    import polars as pl

    try:
        import pyarrow

        pa_version = pyarrow.__version__
    except ImportError:
        pa_version = "-"
    dirty = _git("status", "--porcelain", "--", "etl")
    return {
        "cpu": _cpuinfo_model(),
        "cores": os.cpu_count() or 1,
        "ram_gib": round(_mem_total_gib(), 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "polars": pl.__version__,
        "pyarrow": pa_version,
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": _git("rev-parse", "--short", "HEAD") or "-",
        "etl_dirty": bool(dirty),
        "etl_fingerprint": snapshot_fingerprint(),
        "load_start": [round(x, 2) for x in os.getloadavg()],
    }


# ---- measured subprocesses -----------------------------------------------------------------


@dataclass
class Run:
    """One measured subprocess: wall time, exit code, output, peak memory of its tree."""

    cmd: list[str]
    wall: float
    rc: int
    stdout: str
    stderr: str
    peak_rss: int | None = None  # bytes, sum over the tree at the worst poll
    peak_pss: int | None = None  # bytes, proportional set size summed over the tree
    tree_cpu: float | None = None  # CPU seconds of the tree (last poll of each process)
    others_cpu: float | None = None  # share of the machine's CPU used by other processes
    memory_method: str = ""

    @property
    def internal(self) -> float | None:
        """Seconds the build reported itself (its last number, "… | 3.25 s" or "(0.02 s)")."""
        m = re.search(
            r"([\d.]+) s\)?\s*$", self.stdout.strip().splitlines()[0] if self.stdout else ""
        )
        return float(m[1]) if m else None

    @property
    def parsed(self) -> int | None:
        """Files the build parsed, from its summary line (0 when nothing changed)."""
        if "nothing changed" in self.stdout:
            return 0
        m = re.search(r"(\d+) parsed", self.stdout)
        return int(m[1]) if m else None


def _busy_cpu() -> float | None:
    """Busy CPU seconds of the whole machine so far (None without psutil)."""
    try:
        import psutil
    except ImportError:
        return None
    t = psutil.cpu_times()
    return (
        t.user
        + t.system
        + getattr(t, "nice", 0.0)
        + getattr(t, "irq", 0.0)
        + getattr(t, "softirq", 0.0)
    )


def run_measured(cmd: list[str], env: dict[str, str] | None = None) -> Run:
    """Run cmd in the code snapshot; wall time until it exits, peak memory of its whole tree."""
    try:
        import psutil
    except ImportError:
        psutil = None  # type: ignore[assignment]
    if psutil is None and Path("/usr/bin/time").exists():
        return _run_with_time_v(cmd, env)
    busy0 = _busy_cpu()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=CODE, stdout=out, stderr=err, env=env)
        ended: list[float] = []

        def waiter() -> None:
            """Note the moment the process exits."""
            proc.wait()
            ended.append(time.perf_counter())

        th = threading.Thread(target=waiter, daemon=True)
        th.start()
        peak_rss = peak_pss = 0
        cpu_seen: dict[int, float] = {}
        if psutil is not None:
            try:
                root = psutil.Process(proc.pid)
            except psutil.Error:
                root = None
            tree = [root] if root else []
            polls = 0
            while th.is_alive() and root is not None:
                if polls % CHILDREN_EVERY == 0:
                    with contextlib.suppress(psutil.Error):
                        tree = [root, *root.children(recursive=True)]
                rss = pss = 0
                for p in tree:
                    try:
                        rss += p.memory_info().rss
                        pss += p.memory_full_info().pss
                        c = p.cpu_times()
                        cpu_seen[p.pid] = c.user + c.system
                    except psutil.Error:
                        continue
                peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
                polls += 1
                th.join(POLL_S)
        th.join()
        wall = ended[0] - t0
        out.seek(0)
        err.seek(0)
        run = Run(cmd, wall, proc.returncode, out.read(), err.read())
    if psutil is not None:
        run.peak_rss, run.peak_pss = peak_rss or None, peak_pss or None
        run.tree_cpu = sum(cpu_seen.values())
        run.memory_method = "psutil"
        busy1 = _busy_cpu()
        if busy0 is not None and busy1 is not None and wall > 0.2:
            others = (busy1 - busy0 - run.tree_cpu) / (wall * (os.cpu_count() or 1))
            run.others_cpu = min(max(others, 0.0), 1.0)
    if run.rc != 0:
        log(f"  ! exit code {run.rc}: {run.stderr.strip()[-500:]}")
    return run


def _run_with_time_v(cmd: list[str], env: dict[str, str] | None) -> Run:
    """Fallback without psutil: GNU time's maximum RSS (the largest single process, not a sum)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        t0 = time.perf_counter()
        r = subprocess.run(
            ["/usr/bin/time", "-v", "-o", tf.name, *cmd],
            cwd=CODE,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        wall = time.perf_counter() - t0
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", Path(tf.name).read_text())
    run = Run(cmd, wall, r.returncode, r.stdout, r.stderr, memory_method="/usr/bin/time -v")
    run.peak_rss = int(m[1]) * 1024 if m else None
    return run


def etl_build(corpus: Path, out: Path, *, full: bool = False, jobs: int | None = None) -> Run:
    """`python -m etl build … --quiet` as a measured subprocess."""
    cmd = [sys.executable, "-m", "etl", "build", "--corpus", str(corpus), "--out", str(out)]
    cmd += (
        ["--quiet"] + (["--full"] if full else []) + ([] if jobs is None else ["--jobs", str(jobs)])
    )
    return run_measured(cmd)


# ---- corpora -------------------------------------------------------------------------------


@dataclass
class Corpus:
    """A cached demo corpus and what is in it."""

    n: int
    path: Path
    files: int = 0
    input_bytes: int = 0
    sidecar_bytes: int = 0
    generated_s: float | None = None  # None: taken from the cache


def input_files(corpus: Path) -> list[Path]:
    """Input files under corpus, exactly as the build lists them."""
    return scan_corpus(corpus)


def generator_hash() -> str:
    """Hash of the demo generator's code: a change means the cached corpora are stale."""
    h = hashlib.sha256()
    for p in sorted((CODE / "etl" / "demo").rglob("*.py")):
        h.update(p.relative_to(CODE).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


def _remove_added(corpus: Corpus) -> int:
    """Remove reports this script added (numbers past the demo's) left by an interrupted run."""
    removed = 0
    for p in corpus.path.glob("*/kst-28676-*"):
        m = re.match(r"kst-28676-(\d+)\.", p.name)
        if m and int(m[1]) >= FIRST_NUMBER + corpus.n:
            p.unlink()
            removed += 1
    return removed


def ensure_corpus(n: int, seed: int) -> Corpus:
    """The demo corpus of n reports under bench/out/, generated only when missing or stale."""
    path = OUT / f"corpus-{n}"
    key_file = OUT / f"corpus-{n}.key.json"
    key = {"n_docs": n, "seed": seed, "generator": generator_hash()}
    corpus = Corpus(n, path)
    cached = key_file.is_file() and (path / ".demo.json").is_file()
    if cached:
        try:
            cached = json.loads(key_file.read_text()) == key
        except ValueError:
            cached = False
    if cached:
        if removed := _remove_added(corpus):
            log(f"  removed {removed} report file(s) left by an interrupted run")
        files = input_files(path)
        cached = len(files) == n
    if not cached:
        log(f"generating the demo corpus of {n:,} reports (seed {seed}) in {path}")
        shutil.rmtree(path, ignore_errors=True)
        key_file.unlink(missing_ok=True)
        run = run_measured(
            [sys.executable, "-m", "etl", "demo", "--docs", str(n), "--out", str(path)]
            + ["--seed", str(seed)]
        )
        if run.rc != 0:
            raise SystemExit(f"bench: etl demo failed: {run.stderr.strip()[-500:]}")
        corpus.generated_s = run.wall
        key_file.write_text(json.dumps(key) + "\n")
        files = input_files(path)
    else:
        log(f"demo corpus of {n:,} reports: cached in {path}")
    corpus.files = len(files)
    corpus.input_bytes = sum(p.stat().st_size for p in files)
    corpus.sidecar_bytes = sum(
        p.stat().st_size for p in path.rglob("*") if p.name.endswith(SIDECAR_SUFFIXES)
    )
    return corpus


@contextlib.contextmanager
def added_reports(corpus: Corpus) -> Iterator[Any]:
    """Yields add(k): copy one report as a new paper (new number, so new content and hash)."""
    files = input_files(corpus.path)
    src = files[len(files) // 2]
    m = re.match(r"kst-28676-(\d+)(\..+)$", src.name)
    if not m:
        raise SystemExit(f"bench: unexpected demo file name {src.name}")
    old, suffix = m[1], m[2]
    written: list[Path] = []

    def add(k: int) -> Path:
        """Write report k (next free number + k) with its sidecar; return its path."""
        new = str(FIRST_NUMBER + corpus.n + k)
        text = re.sub(rf"(?<!\d){old}(?!\d)", new, src.read_text(encoding="utf-8"))
        dst = src.with_name(f"kst-28676-{new}{suffix}")
        data = text.encode("utf-8")
        dst.write_bytes(data)
        written.append(dst)
        meta_src = Path(f"{src}.meta.json")
        if meta_src.is_file():
            meta = json.loads(meta_src.read_text(encoding="utf-8"))
            meta["identifier"] = f"kst-28676-{new}"
            meta["sha256"] = hashlib.sha256(data).hexdigest()
            meta_dst = Path(f"{dst}.meta.json")
            meta_dst.write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
            written.append(meta_dst)
        return dst

    try:
        yield add
    finally:
        for p in written:
            p.unlink(missing_ok=True)


# ---- the floor -----------------------------------------------------------------------------


def floor_once(corpus: Path) -> tuple[int, int]:
    """List, read, decode every input file and run one compiled regex over it: (bytes, hits)."""
    n_bytes = hits = 0
    for dirpath, dirnames, filenames in os.walk(corpus):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            if name.startswith(".") or name.endswith(SIDECAR_SUFFIXES):
                continue
            with open(os.path.join(dirpath, name), "rb") as fh:
                data = fh.read()
            n_bytes += len(data)
            hits += len(FLOOR_RE.findall(data.decode("utf-8", "replace")))
    return n_bytes, hits


def measure_floor(corpus: Path, repeats: int) -> float:
    """The floor in seconds: best of `repeats` warm-cache passes (one unmeasured pass first)."""
    floor_once(corpus)
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        floor_once(corpus)
        times.append(time.perf_counter() - t0)
    return min(times)


# ---- one size ------------------------------------------------------------------------------


@dataclass
class SizeResult:
    """Everything measured on one corpus size."""

    n: int
    files: int
    input_mb: float
    sidecar_mb: float
    generated_s: float | None
    full: list[dict[str, Any]] = field(default_factory=list)
    floor_s: float = 0.0
    noop: list[float] = field(default_factory=list)
    add_one: list[dict[str, Any]] = field(default_factory=list)
    remove_added: dict[str, Any] | None = None
    load: list[float] = field(default_factory=list)
    tables: dict[str, Any] | None = None  # profile_build.py tables: as a re-run, and all whole


def _run_dict(run: Run) -> dict[str, Any]:
    """A measured build as a JSON-able row."""
    return {
        "wall": round(run.wall, 3),
        "internal": run.internal,
        "parsed": run.parsed,
        "peak_rss_mb": round(run.peak_rss / 1e6, 1) if run.peak_rss else None,
        "peak_pss_mb": round(run.peak_pss / 1e6, 1) if run.peak_pss else None,
        "tree_cpu": round(run.tree_cpu, 2) if run.tree_cpu is not None else None,
        "others_cpu": round(run.others_cpu, 3) if run.others_cpu is not None else None,
        "memory_method": run.memory_method,
        "rc": run.rc,
        "summary": run.stdout.strip().splitlines()[0] if run.stdout.strip() else "",
    }


def bench_size(corpus: Corpus) -> SizeResult:
    """Full build(s), floor, no-op re-runs and one-added-report re-runs on one corpus."""
    n = corpus.n
    res = SizeResult(
        n,
        corpus.files,
        round(corpus.input_bytes / 1e6, 2),
        round(corpus.sidecar_bytes / 1e6, 2),
        corpus.generated_s,
        load=[round(x, 2) for x in os.getloadavg()],
    )
    out = OUT / f"build-{n}"
    repeats = 3  # wall times on a shared 2-core machine vary by ~10 %: the median of three
    for i in range(repeats):
        shutil.rmtree(out, ignore_errors=True)
        log(f"{n:,}: full build {i + 1}/{repeats} (--full, one worker per core)")
        wait_quiet("the full build")
        run = etl_build(corpus.path, out, full=True)
        res.full.append(_run_dict(run))
        log(f"  {run.wall:.2f} s wall; {run.stdout.strip()}")
    log(f"{n:,}: floor (read + one regex, warm cache)")
    wait_quiet("the floor")
    res.floor_s = measure_floor(corpus.path, 3 if n <= 10_000 else 2)
    log(f"  {res.floor_s:.3f} s")
    log(f"{n:,}: no-op re-runs")
    wait_quiet("the no-op re-runs")
    for _ in range(5):
        res.noop.append(round(etl_build(corpus.path, out).wall, 3))
    log(f"  {', '.join(f'{t:.2f}' for t in res.noop)} s")
    with added_reports(corpus) as add:
        for k in range(3):
            add(k)
            wait_quiet("the re-run")
            run = etl_build(corpus.path, out)
            res.add_one.append(_run_dict(run))
            log(f"{n:,}: one report added ({k + 1}/3): {run.wall:.2f} s; {run.stdout.strip()}")
    run = etl_build(corpus.path, out)  # the added reports are gone again: back to the corpus
    res.remove_added = _run_dict(run)
    log(f"{n:,}: the 3 added reports removed again: {run.wall:.2f} s")
    log(f"{n:,}: the table files alone: one more document spliced in, or every table rewritten")
    wait_quiet("the table files")
    res.tables = profile_tables(out)
    if res.tables:
        tot = res.tables["total"]
        log(f"  as a re-run makes them {tot['rerun_s']:.2f} s, all whole {tot['whole_s']:.2f} s")
    return res


def profile_tables(out: Path) -> dict[str, Any] | None:
    """What one document more costs the table files of a build (bench/profile_build.py tables):
    made as a re-run makes them (spliced in; a small table written whole), and every table read
    and written whole (what one file per table costs without splicing). In a scratch folder;
    nothing is published."""
    with tempfile.TemporaryDirectory() as tmp:
        js = Path(tmp) / "tables.json"
        script = str(BENCH / "profile_build.py")
        run = run_measured([sys.executable, script, "tables", "--out", str(out), "--json", str(js)])
        return json.loads(js.read_text()) if run.rc == 0 and js.is_file() else None


def bench_jobs(corpus: Corpus) -> dict[str, Any]:
    """Full builds with --jobs 1 and --jobs 2 into fresh folders."""
    result: dict[str, Any] = {"n": corpus.n}
    for jobs in (1, 2):
        out = OUT / f"build-{corpus.n}-jobs{jobs}"
        shutil.rmtree(out, ignore_errors=True)
        log(f"{corpus.n:,}: full build with --jobs {jobs}")
        wait_quiet(f"--jobs {jobs}")
        run = etl_build(corpus.path, out, full=True, jobs=jobs)
        result[f"jobs{jobs}"] = _run_dict(run)
        log(f"  {run.wall:.2f} s")
        shutil.rmtree(out, ignore_errors=True)
    return result


# ---- where the time goes -------------------------------------------------------------------


def bench_profile(corpus: Corpus) -> dict[str, Any]:
    """Phase timers of a full and a one-added build, the pool's start-up, a per-file profile."""
    script = str(BENCH / "profile_build.py")
    out = OUT / f"profile-{corpus.n}"
    result: dict[str, Any] = {"n": corpus.n}
    with tempfile.TemporaryDirectory() as tmp:

        def prof(name: str, *args: str) -> dict[str, Any] | None:
            """Run one profile_build.py mode; its JSON result (None if it failed)."""
            js = Path(tmp) / f"{name}.json"
            run = run_measured([sys.executable, script, *args, "--json", str(js)])
            return json.loads(js.read_text()) if run.rc == 0 and js.is_file() else None

        shutil.rmtree(out, ignore_errors=True)
        log(f"{corpus.n:,}: phase timers, full build in one process + worker pool")
        wait_quiet("the phase timers")
        result["full"] = prof(
            "full", "phases", "--corpus", str(corpus.path), "--out", str(out), "--full"
        )
        with added_reports(corpus) as add:
            add(0)
            log(f"{corpus.n:,}: phase timers, one report added")
            result["add_one"] = prof(
                "add", "phases", "--corpus", str(corpus.path), "--out", str(out)
            )
        shutil.rmtree(out, ignore_errors=True)
        log("worker pool start-up (forkserver, same preload as etl.build)")
        result["pool"] = prof("pool", "poolstart", "--jobs", str(os.cpu_count() or 1))
        log(f"{corpus.n:,}: per-file stage timers and cProfile on a sample of 2,000 files")
        wait_quiet("the per-file profile")
        result["sample"] = prof("sample", "sample", "--corpus", str(corpus.path), "--files", "2000")
    return result


# ---- dashboard -----------------------------------------------------------------------------


def _pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of values, by linear interpolation."""
    s = sorted(values)
    if len(s) == 1:
        return s[0]
    pos = q * (len(s) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def _queries(data_dir: Path, n: int) -> list[str]:
    """n varied query strings (period, types, topics, language, view parameters) for the data."""
    import polars as pl

    rng = random.Random(7)
    docs = pl.read_parquet(data_dir / "documents.parquet", columns=["doc_id", "letter_date"])
    years = [d.year for d in docs["letter_date"].drop_nulls().to_list()] or [2003, 2024]
    lo, hi = min(years), max(years)
    topics = pl.read_parquet(data_dir / "topics.parquet", columns=["topic_id"])["topic_id"]
    topic_ids = sorted(set(topics.drop_nulls().to_list())) or ["ukraine"]
    bil = pl.read_parquet(data_dir / "bilaterals.parquet", columns=["country_iso2"])
    countries = sorted(set(bil["country_iso2"].drop_nulls().to_list())) or ["DE"]
    meetings = pl.read_parquet(data_dir / "meetings.parquet", columns=["meeting_id"])
    meeting_ids = sorted(set(meetings["meeting_id"].drop_nulls().to_list())) or ["x"]
    doc_ids = docs["doc_id"].drop_nulls().to_list() or ["x"]
    types = ["FMM", "DMM", "SUMMIT", "INFORMAL_FMM", "INFORMAL_DMM", "OTHER"]
    words = ["Oekraïne", "defensie-uitgaven", "Rusland", "2 procent", "cyber", "Afghanistan"]
    out = [""]  # the default view: everything, usually the heaviest
    while len(out) < n:
        p: dict[str, str] = {}
        if rng.random() < 0.75:
            a = rng.randint(lo, hi)
            p["from"], p["to"] = str(a), str(rng.randint(a, hi))
        if rng.random() < 0.3:
            p["type"] = ",".join(rng.sample(types, rng.randint(1, 3)))
        if rng.random() < 0.4:
            p["topics"] = ",".join(rng.sample(topic_ids, min(len(topic_ids), rng.randint(1, 3))))
        if rng.random() < 0.3:
            p["lang"] = "en"
        if rng.random() < 0.3:
            p["grain"] = "quarter"
        if rng.random() < 0.3:
            p["measure"] = "share"
        if rng.random() < 0.5:
            p["topic"] = rng.choice(topic_ids)
        if rng.random() < 0.4:
            p["country"] = rng.choice(countries)
        if rng.random() < 0.2:
            p["log"] = "1"
        if rng.random() < 0.3:
            p["q"] = rng.choice(words)
        if rng.random() < 0.2:
            p["planned"] = rng.choice(["reported", "planned"])
        if rng.random() < 0.2:
            p["meeting"] = rng.choice(meeting_ids)
        if rng.random() < 0.15:
            p["doc"] = rng.choice(doc_ids)
        if rng.random() < 0.2:
            p["cell"] = f"{rng.choice(topic_ids)}:{rng.randint(lo, hi)}"
        out.append("?" + urlencode(p, safe=",:") if p else "")
    return out


def _outputs(output: str) -> list[dict[str, Any]]:
    """Dash's "output" string ("id.prop" or "..a.p...b.q..") as a list of {id, property}."""
    parts = output[2:-2].split("...") if output.startswith("..") else [output]
    result = []
    for o in parts:
        ident, prop = o.rsplit(".", 1)
        result.append(
            {"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop}
        )
    return result


def _id_key(ident: Any) -> str:
    """A component id as one string (pattern-matching ids are dicts)."""
    return ident if isinstance(ident, str) else json.dumps(ident, sort_keys=True)


def _component_ids(node: Any) -> set[str]:
    """Every component id in a serialised Dash layout, as _id_key strings."""
    found: set[str] = set()
    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, dict):
            ident = x.get("props", {}).get("id") if isinstance(x.get("props"), dict) else None
            if ident is not None:
                found.add(_id_key(ident))
            stack.extend(x.values())
        elif isinstance(x, list):
            stack.extend(x)
    return found


def _figure_bytes(body: Any) -> int:
    """Bytes of the largest "figure" property in a callback response (0 if none)."""
    best = 0
    for props in (body or {}).get("response", {}).values():
        if isinstance(props, dict) and isinstance(props.get("figure"), dict):
            best = max(best, len(json.dumps(props["figure"], separators=(",", ":"))))
    return best


def _callback_body(dep: dict, path: str, search: str, changed: str) -> dict[str, Any]:
    """The JSON a browser POSTs for a callback whose inputs are the URL (and "rendered")."""
    values = {"url.pathname": path, "url.search": search, "rendered.data": None}

    def spec(items: list[dict]) -> list[dict]:
        """Inputs or states with the values of this call."""
        return [
            {**i, "value": values.get(f"{i['id']}.{i['property']}")}
            for i in items
            if isinstance(i.get("id"), str)
        ]

    outs = _outputs(dep["output"])
    return {
        "output": dep["output"],
        "outputs": outs if dep["output"].startswith("..") else outs[0],
        "inputs": spec(dep["inputs"]),
        "state": spec(dep.get("state", [])),
        "changedPropIds": [changed],
    }


def _url_callbacks(
    deps: list[dict], router: dict, ids_by_view: dict[str, set[str]]
) -> list[tuple[str, dict, str]]:
    """(name, dependency, view path) of the router per view and of every callback driven by the
    URL alone (inputs url.search / url.pathname / rendered.data), each with the view it is on."""
    url_only = {"url.search", "url.pathname", "rendered.data"}
    found: list[tuple[str, dict, str]] = [(f"page {p}", router, p) for p in VIEW_PATHS]
    for dep in deps:
        if dep is router or dep.get("clientside_function") or "ALL" in dep["output"]:
            continue
        ins = {f"{i['id']}.{i['property']}" for i in dep["inputs"] if isinstance(i["id"], str)}
        sts = {f"{i['id']}.{i['property']}" for i in dep.get("state", [])}
        if len(ins) != len(dep["inputs"]) or not ins <= url_only or not sts <= url_only:
            continue
        if "url.search" not in ins:
            continue
        first = _id_key(_outputs(dep["output"])[0]["id"])
        path = next((p for p in VIEW_PATHS if first in ids_by_view.get(p, set())), "/")
        found.append((dep["output"], dep, path))
    return found


# bench_dashboard: the DASHBOARD MEASUREMENT (issue 7): every callback whose inputs are only the
# URL (and the "rendered" store) is POSTed to Dash's /_dash-update-component through Flask's test
# client, as the browser does, with DASH_CALLS varied query strings: median and p95 latency (Dash
# dispatch and JSON encoding included), response and figure size. When
# dashboard.app.create_app cannot be imported or the app has no router callback, it returns []
# and BENCHMARKS.md says "not measured yet".
def bench_dashboard(data_dir: Path) -> list[dict]:
    """Latency and JSON size of each dashboard callback, in-process on the tables in data_dir."""
    try:
        from dashboard.app import create_app
    except Exception as e:  # noqa: BLE001 - any import failure means: not measurable yet
        NOTES["dashboard"] = (
            f"`dashboard.app.create_app` cannot be imported ({type(e).__name__}: {e})"
        )
        return []
    rows: list[dict] = []
    t0 = time.perf_counter()
    app = create_app(data_dir)
    client = app.server.test_client()
    rows.append({"kind": "setup", "what": "create_app", "ms": (time.perf_counter() - t0) * 1000})
    deps = client.get("/_dash-dependencies").get_json() or []
    router = next((d for d in deps if ".page.children" in d.get("output", "")), None)
    if router is None:
        NOTES["dashboard"] = "the app has no router callback (page.children) to drive"
        return []

    def post(dep: dict, path: str, search: str, changed: str) -> tuple[float, int, Any]:
        """POST one callback like the browser: (milliseconds, response bytes, JSON or None)."""
        body = _callback_body(dep, path, search, changed)
        t = time.perf_counter()
        r = client.post("/_dash-update-component", json=body)
        ms = (time.perf_counter() - t) * 1000
        return ms, len(r.data), (r.get_json(silent=True) if r.status_code == 200 else None)

    # first request: the DataStore reads and joins the tables lazily
    ms, size, body = post(router, "/", "", "url.pathname")
    rows.append({"kind": "setup", "what": "first request (loads the tables)", "ms": ms})
    ids_by_view: dict[str, set[str]] = {}
    for path in VIEW_PATHS:
        _, _, body = post(router, path, "", "url.pathname")
        ids_by_view[path] = _component_ids(body)

    queries = _queries(data_dir, DASH_CALLS)
    for name, dep, path in _url_callbacks(deps, router, ids_by_view):
        changed = "url.pathname" if dep is router else "url.search"
        post(dep, path, "", changed)  # warm-up
        times, sizes, figs, errors = [], [], [], 0
        spent = time.perf_counter()
        for q in queries:
            ms, size, body = post(dep, path, q, changed)
            times.append(ms)
            sizes.append(size)
            figs.append(_figure_bytes(body))
            errors += body is None and size > 0
            if time.perf_counter() - spent > DASH_MAX_S:
                break
        short = name if name.startswith("page ") else _short_output(dep["output"])
        rows.append(
            {
                "kind": "callback",
                "what": short,
                "view": path,
                "calls": len(times),
                "median_ms": statistics.median(times),
                "p95_ms": _pct(times, 0.95),
                "max_ms": max(times),
                "response_kb_median": statistics.median(sizes) / 1024,
                "response_kb_max": max(sizes) / 1024,
                "figure_kb_median": statistics.median(figs) / 1024 if any(figs) else None,
                "figure_kb_max": max(figs) / 1024 if any(figs) else None,
                "errors": errors,
            }
        )
        log(
            f"  {short:<28} {path:<12} median {rows[-1]['median_ms']:7.1f} ms, "
            f"p95 {rows[-1]['p95_ms']:7.1f} ms, {rows[-1]['response_kb_max']:8.1f} KB max"
        )
    return rows


def _short_output(output: str) -> str:
    """A callback's name for the table: its first plain output id (a chart's id, no suffix)."""
    ids = [o["id"] for o in _outputs(output)]
    ident = next((i for i in ids if isinstance(i, str)), _id_key(ids[0]))
    return re.sub(r"-(grid|graph|sources|title|note)$", "", ident)


def _free_port() -> int:
    """A free TCP port on localhost."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


READY_JS = """
const done = arguments[arguments.length - 1];
const limit = arguments[0];
function visible(e) { return e && e.offsetParent !== null; }
function ready() {
  if (!document.querySelector('#main')) return false;
  if (document.querySelector('[data-dash-is-loading="true"]')) return false;
  for (const card of document.querySelectorAll('#main .card')) {
    const g = card.querySelector('.graph-wrap');
    if (visible(g)) {
      const plot = g.querySelector('.js-plotly-plot');
      if (!plot || !plot.data || plot.data.length === 0) return false;
      continue;
    }
    const grid = card.querySelector('[id$="-grid-wrap"]');
    if (visible(grid) && !grid.querySelector('.ag-row, .ag-overlay-no-rows-center')) return false;
  }
  return true;
}
(function poll() {
  if (ready()) { done(performance.now()); return; }
  if (performance.now() > limit) { done(-1); return; }
  setTimeout(poll, 10);
})();
"""


def bench_browser(data_dir: Path) -> list[dict]:
    """Time to first render of each view in headless Chromium (selenium), served by gunicorn."""
    chromium = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )
    if not chromium:
        NOTES["browser"] = "no Chromium (/usr/bin/chromium) on this machine"
        return []
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
    except ImportError as e:
        NOTES["browser"] = f"selenium cannot be imported ({e})"
        return []
    port = _free_port()
    env = {**os.environ, "NAVO_DATA": str(data_dir)}
    server_cmd = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    server_cmd += ["dashboard.wsgi:server"]
    rows: list[dict] = []
    t0 = time.perf_counter()
    server = subprocess.Popen(
        server_cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    driver = None
    try:
        base = f"http://127.0.0.1:{port}"
        while True:
            try:
                with urllib.request.urlopen(base + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except (urllib.error.URLError, OSError):
                pass
            if server.poll() is not None or time.perf_counter() - t0 > 60:
                NOTES["browser"] = "the dashboard server did not start: " + (
                    server.stderr.read().decode(errors="replace")[-300:] if server.stderr else ""
                )
                return []
            time.sleep(0.05)
        rows.append(
            {
                "kind": "browser",
                "what": "server up (GET / answers)",
                "view": "",
                "ms": (time.perf_counter() - t0) * 1000,
            }
        )
        opts = Options()
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
            opts.add_argument(arg)
        opts.add_argument("--window-size=1280,1000")
        opts.binary_location = chromium
        driver = webdriver.Chrome(options=opts)
        driver.set_script_timeout(120)

        def render(path: str) -> float:
            """Open a view; milliseconds from navigation start until it is drawn."""
            driver.get(base + path)
            return float(driver.execute_async_script(READY_JS, 90_000))

        ms = render("/")
        rows.append(
            {
                "kind": "browser",
                "what": "first visit after start (tables load)",
                "view": "/",
                "ms": ms,
            }
        )
        for _ in range(3):  # gunicorn has 2 workers: let both load the tables
            render("/")
        for path in VIEW_PATHS:
            times = [render(path) for _ in range(3 if path == "/" else 2)]
            rows.append(
                {
                    "kind": "browser",
                    "what": "warm visit",
                    "view": path,
                    "ms": statistics.median(times),
                    "runs": len(times),
                }
            )
            log(f"  browser {path:<12} {rows[-1]['ms']:8.0f} ms to drawn")
    except Exception as e:  # noqa: BLE001 - a browser problem must not lose the other results
        NOTES["browser"] = f"browser run failed: {type(e).__name__}: {str(e)[:300]}"
    finally:
        if driver is not None:
            with contextlib.suppress(Exception):
                driver.quit()
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    return rows


# bench_memory: peak memory of the dashboard SERVER (issue 7) as `make serve` runs it (gunicorn,
# MEM_WORKERS workers × MEM_THREADS threads), on the biggest build, while MEM_CLIENTS concurrent
# clients open every view and POST every URL-driven callback with MEM_QUERIES varied URLs, then
# download every chart's CSV. The whole process tree (master and workers) is polled with psutil:
# RSS summed, PSS summed (shared pages counted once), and the largest single process.
MEM_WORKERS, MEM_THREADS, MEM_CLIENTS, MEM_QUERIES = 2, 4, 4, 20
LOAD_TEST = "\n## Load test"  # the section bench/load.py appends to BENCHMARKS.md
MEM_POLL_S = 0.1


def bench_memory(data_dir: Path) -> dict[str, Any] | None:
    """Peak RSS / PSS of the gunicorn process tree while every view's callbacks are driven."""
    try:
        import httpx
        import psutil
    except ImportError as e:
        NOTES["memory"] = f"needs psutil and httpx ({e})"
        return None
    port = _free_port()
    env = {**os.environ, "NAVO_DATA": str(data_dir)}
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(MEM_WORKERS)]
    cmd += ["--threads", str(MEM_THREADS), "--bind", f"127.0.0.1:{port}", "dashboard.wsgi:server"]
    t0 = time.perf_counter()
    server = subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = {"rss": 0, "pss": 0, "proc_rss": 0, "n": 0}
    samples: list[tuple[float, int]] = []
    stop = threading.Event()

    def poll() -> None:
        """Sum RSS and PSS over the server's process tree every MEM_POLL_S seconds."""
        root = psutil.Process(server.pid)
        while not stop.is_set():
            try:
                tree = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            rss = pss = big = 0
            for proc in tree:
                try:
                    mem = proc.memory_full_info()
                except psutil.Error:
                    continue
                rss, pss, big = rss + mem.rss, pss + mem.pss, max(big, mem.rss)
            peak["rss"], peak["pss"] = max(peak["rss"], rss), max(peak["pss"], pss)
            peak["proc_rss"], peak["n"] = max(peak["proc_rss"], big), max(peak["n"], len(tree))
            samples.append((time.perf_counter() - t0, rss))
            stop.wait(MEM_POLL_S)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    base = f"http://127.0.0.1:{port}"
    requests = errors = 0
    lock = threading.Lock()
    try:
        with httpx.Client(base_url=base, timeout=120) as http:
            while True:
                try:
                    if http.get("/").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.perf_counter() - t0 > 60:
                    err = (
                        server.stderr.read().decode(errors="replace")[-300:]
                        if server.stderr
                        else ""
                    )
                    NOTES["memory"] = "the dashboard server did not start: " + err
                    return None
                time.sleep(0.05)
            idle = peak["rss"]
            deps = http.get("/_dash-dependencies").json()
            router = next(d for d in deps if ".page.children" in d.get("output", ""))
            ids_by_view = {
                p: _component_ids(
                    http.post(
                        "/_dash-update-component",
                        json=_callback_body(router, p, "", "url.pathname"),
                    ).json()
                )
                for p in VIEW_PATHS
            }
            jobs: list[dict] = []
            for q in _queries(data_dir, MEM_QUERIES):
                for _, dep, path in _url_callbacks(deps, router, ids_by_view):
                    changed = "url.pathname" if dep is router else "url.search"
                    jobs.append(_callback_body(dep, path, q, changed))
            for dep in deps:  # every chart's CSV download, of everything (the default URL)
                ins = dep["inputs"]
                if dep["output"].endswith("-download.data") and ins[0]["property"] == "n_clicks":
                    values = {"url.search": "", "url.pathname": VIEW_PATHS[0]}
                    jobs.append(
                        {
                            "output": dep["output"],
                            "outputs": _outputs(dep["output"])[0],
                            "inputs": [{**ins[0], "value": 1}],
                            "state": [
                                {**s, "value": values.get(f"{s['id']}.{s['property']}")}
                                for s in dep["state"]
                            ],
                            "changedPropIds": [f"{ins[0]['id']}.n_clicks"],
                        }
                    )
            queue = list(reversed(jobs))

            def client() -> None:
                """POST jobs until none are left."""
                nonlocal requests, errors
                with httpx.Client(base_url=base, timeout=120) as c:
                    while True:
                        with lock:
                            if not queue:
                                return
                            body = queue.pop()
                        try:
                            ok = c.post("/_dash-update-component", json=body).status_code
                        except httpx.HTTPError:
                            ok = 0
                        with lock:
                            requests += 1
                            errors += ok not in (200, 204)

            clients = [threading.Thread(target=client) for _ in range(MEM_CLIENTS)]
            for th in clients:
                th.start()
            for th in clients:
                th.join()
            stop.wait(3 * MEM_POLL_S)
    finally:
        stop.set()
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        poller.join(5)
    mib = 1024 * 1024
    result = {
        "command": " ".join(["gunicorn", *cmd[3:]]).replace(f":{port}", ":PORT"),
        "workers": MEM_WORKERS,
        "threads": MEM_THREADS,
        "clients": MEM_CLIENTS,
        "queries": MEM_QUERIES,
        "requests": requests,
        "errors": errors,
        "seconds": time.perf_counter() - t0,
        "idle_rss_mib": idle / mib,
        "peak_rss_mib": peak["rss"] / mib,
        "peak_pss_mib": peak["pss"] / mib,
        "peak_process_rss_mib": peak["proc_rss"] / mib,
        "processes": peak["n"],
    }
    log(
        f"  server tree peak RSS {result['peak_rss_mib']:,.0f} MiB, PSS "
        f"{result['peak_pss_mib']:,.0f} MiB, largest process {result['peak_process_rss_mib']:,.0f}"
        f" MiB; {requests:,} requests, {errors} errors"
    )
    return result


# ---- main ----------------------------------------------------------------------------------


def settings() -> dict[str, Any]:
    """The constants of this script that the report quotes."""
    return {
        "seed": SEED,
        "floor_re": FLOOR_RE.pattern,
        "quiet_pct": QUIET_PCT,
        "quiet_wait_s": QUIET_WAIT_S,
        "dash_calls": DASH_CALLS,
    }


def load_results(path: Path) -> dict[str, Any]:
    """A run's results as saved in results.json, ready for report.render_markdown."""
    res = json.loads(path.read_text())
    res.setdefault("settings", settings())
    return res


def run_dashboard(
    args: argparse.Namespace, data_dir: Path, n: int
) -> tuple[list[dict], dict[str, Any] | None]:
    """The dashboard sections: callbacks, first render in Chromium, the server's peak memory."""
    dash_rows: list[dict] = []
    memory = None
    if args.no_dashboard:
        NOTES["dashboard"] = "skipped (--no-dashboard)"
        NOTES["memory"] = "skipped (--no-dashboard)"
        return dash_rows, memory
    log(f"dashboard: callbacks on the {n:,}-report tables")
    dash_rows = bench_dashboard(data_dir)
    if dash_rows and not args.no_browser:
        log("dashboard: first render in headless Chromium")
        dash_rows += bench_browser(data_dir)
    elif args.no_browser:
        NOTES["browser"] = "skipped (--no-browser)"
    if args.no_memory:
        NOTES["memory"] = "skipped (--no-memory)"
    elif dash_rows:
        log(f"dashboard: server peak memory on the {n:,}-report tables")
        wait_quiet("the server's memory")
        memory = bench_memory(data_dir)
    return dash_rows, memory


def write_markdown(md: Path, text: str) -> None:
    """Rewrite md with text, keeping the load test section `make bench` appended after it
    (bench/load.py --append): for --render and --only, which do not run the load test."""
    old = md.read_text(encoding="utf-8") if md.is_file() else ""
    md.write_text(text + (old[old.index(LOAD_TEST) :] if LOAD_TEST in old else ""), "utf-8")


DASHBOARD_SECTION = "\n## Dashboard\n"


def _section(text: str, start: int) -> int:
    """Where the level-2 section that starts at `start` ends (the next "## " heading, or the end)."""
    end = text.find("\n## ", start + 1)
    return len(text) if end < 0 else end


def write_dashboard_section(md: Path, text: str) -> None:
    """Replace the dashboard section of md by the one of `text` (a whole rendered BENCHMARKS.md),
    leaving every other section as it is; the whole of `text` if md has no dashboard section."""
    old = md.read_text(encoding="utf-8") if md.is_file() else ""
    if DASHBOARD_SECTION not in old or DASHBOARD_SECTION not in text:
        write_markdown(md, text)
        return
    a, b = old.index(DASHBOARD_SECTION), text.index(DASHBOARD_SECTION)
    new = text[b : _section(text, b)]
    md.write_text(old[:a] + new + old[_section(old, a) :], encoding="utf-8")


def only_dashboard(args: argparse.Namespace, n: int) -> int:
    """--only dashboard: measure the dashboard on bench/out/build-N, keep the rest of the last run."""
    data_dir = OUT / f"build-{n}"
    if not (data_dir / "documents.parquet").exists():
        log(f"no build at {data_dir}: run the full benchmark (make bench) first")
        return 2
    path = OUT / "results.json"
    res = load_results(path) if path.is_file() else None
    if res is None:
        log(f"no {path} from an earlier run: the Markdown will only hold the dashboard")
    command = "python bench/run.py " + " ".join(sys.argv[1:] or ["--only", "dashboard"])
    info = {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": _git("rev-parse", "--short", "HEAD") or "-",
        "dashboard_dirty": bool(_git("status", "--porcelain", "--", "dashboard")),
        "load_start": [round(x, 2) for x in os.getloadavg()],
        "command": command,
    }
    dash_rows, memory = run_dashboard(args, data_dir, n)
    info["load_end"] = [round(x, 2) for x in os.getloadavg()]
    res = res or {
        "command": command,
        "quick": False,
        "machine": machine(),
        "settings": settings(),
        "sizes": {},
        "jobs": {},
        "profile": None,
        "notes": {},
    }
    kept = ("dashboard", "browser", "memory")
    notes = {k: v for k, v in (res.get("notes") or {}).items() if k not in kept}
    res.update(
        dashboard=dash_rows,
        dashboard_n=n,
        memory=memory,
        dashboard_run=info,
        notes={**notes, **NOTES},
    )
    res["settings"]["dash_calls"] = DASH_CALLS
    path.write_text(json.dumps(res, indent=1, default=str) + "\n")
    write_dashboard_section(args.md, render_markdown(res))
    log(f"wrote the dashboard section of {args.md}, and {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Measure, then write BENCHMARKS.md (and bench/out/results.json)."""
    p = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.split("\n")[0])
    p.add_argument("--sizes", help="comma-separated report counts (default 500,5000,50000)")
    p.add_argument("--quick", action="store_true", help="sizes 500 and 2,000 only")
    p.add_argument("--jobs-at", type=int, default=None, help="size for --jobs 1 vs 2 (5,000)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--no-profile", action="store_true", help="skip 'where the time goes'")
    p.add_argument("--no-dashboard", action="store_true", help="skip the dashboard section")
    p.add_argument("--no-browser", action="store_true", help="skip headless Chromium")
    p.add_argument("--no-memory", action="store_true", help="skip the server's peak memory")
    p.add_argument(
        "--only",
        choices=["dashboard"],
        help="measure only this section, on the existing build of the biggest size (no corpus, "
        "no build), and rewrite only its section of --md",
    )
    p.add_argument("--md", type=Path, default=ROOT / "BENCHMARKS.md", help="where to write")
    p.add_argument(
        "--render", type=Path, metavar="JSON", help="only rewrite --md from a results.json"
    )
    args = p.parse_args(argv)
    if args.render:
        write_markdown(args.md, render_markdown(load_results(args.render)))
        log(f"wrote {args.md} from {args.render}")
        return 0
    if args.sizes:
        sizes = tuple(sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s}))
    else:
        sizes = QUICK_SIZES if args.quick else DEFAULT_SIZES
    jobs_at = args.jobs_at or max((s for s in sizes if s <= JOBS_AT), default=min(sizes))
    if jobs_at not in sizes:
        sizes = tuple(sorted({*sizes, jobs_at}))
    sys.path.insert(0, str(ROOT))
    OUT.mkdir(parents=True, exist_ok=True)
    if args.only == "dashboard":
        return only_dashboard(args, max(sizes))
    command = "make bench   # = .venv/bin/python bench/run.py"
    if argv is None and sys.argv[1:]:
        command = "python bench/run.py " + " ".join(sys.argv[1:])
    log(f"bench: sizes {', '.join(f'{s:,}' for s in sizes)}; --jobs 1 vs 2 at {jobs_at:,}")
    if args.quick:
        QUIET_BUDGET["seconds"] = 120.0
    snapshot_code()
    info = machine()
    log(
        f"machine: {info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB; load {info['load_start']}"
    )

    corpora = {n: ensure_corpus(n, args.seed) for n in sizes}
    results: dict[int, SizeResult] = {}
    for n in sizes:
        results[n] = bench_size(corpora[n])
    jobs = bench_jobs(corpora[jobs_at])
    biggest = corpora[max(sizes)]
    profile = None if args.no_profile else bench_profile(biggest)
    data_dir = OUT / f"build-{biggest.n}"
    dash_rows, memory = run_dashboard(args, data_dir, biggest.n)
    info["load_end"] = [round(x, 2) for x in os.getloadavg()]
    info["etl_changed"] = live_fingerprint() != info["etl_fingerprint"]
    info["quiet_waited_s"] = round(QUIET_BUDGET["waited"])
    info["quiet_gave_up"] = QUIET_BUDGET["gave_up"]
    res = {
        "command": command,
        "quick": args.quick,
        "machine": info,
        "settings": settings(),
        "sizes": {str(n): asdict(r) for n, r in results.items()},
        "jobs": jobs,
        "profile": profile,
        "dashboard": dash_rows,
        "dashboard_n": biggest.n,
        "memory": memory,
        "notes": NOTES,
        "seconds": time.perf_counter() - START,
    }
    (OUT / "results.json").write_text(json.dumps(res, indent=1, default=str) + "\n")
    args.md.write_text(render_markdown(res), encoding="utf-8")
    log(f"wrote {args.md} and {OUT / 'results.json'}")
    for t in targets(sizes_of(res)):
        log(f"  {t['target']}: {t['measured']} → {t['result'].replace('**', '')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
