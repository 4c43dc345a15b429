"""Crash safety and concurrency of `etl build`: kill -9 at random moments, two builds at once,
and readers during a series of builds.

After every kill the published tables must be exactly the previous build or the new one (each
table's rows match the `_build.json` of the CURRENT build, never a mix), the lock must be free, no
worker may outlive the build, and the next build must complete. Kills land in every phase: some
runs are the plain CLI killed after a random delay, others an instrumented CLI that marks its
phases in a file (parse, write, publish, swapped) and pauses a little at each write and each step
of publishing, so the test can aim a kill into a phase. Processes of one run are found by a token
in their environment (forkserver workers are not children of the build), via /proc.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from etl import build as build_mod
from etl.build import build
from etl.store import BUILDS, CURRENT, KEEP_BUILDS, build_id, current_build, read_tables
from etl.tables import TABLES

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = (ROOT / "tests" / "fixtures" / "reports" / "05_fmm_antalya_2015.txt").read_text(
    encoding="utf-8"
)
WAITING = "another build is writing"
# The issue 6 hook in etl/build.py (etl/limits.py, and workers that watch the build itself)
HOOKED = hasattr(build_mod, "MAX_FILE_SECONDS")


class StrayProcesses(AssertionError):
    """Processes of a killed build were still running seconds later."""


# Until the hook is in, forkserver workers outlive a build killed while they start or work: the
# forkserver stays up while any worker holds its "alive" pipe, and a worker watched its parent
# (the forkserver) instead of the build. Only that failure is expected; any other one counts.
strays_until_hooked = pytest.mark.xfail(
    not HOOKED, raises=StrayProcesses, reason="issue 6 hook not applied to etl/build.py"
)

pytestmark = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")

# An instrumented `python -m etl`: marks phases (name and monotonic time, one per line) in
# $NAVO_TEST_MARKS, sleeps $NAVO_TEST_HOLD seconds when parsing starts, and pauses briefly at
# every table written and every fsync/symlink/rename of publishing, widening those windows.
RUNNER = r"""
import os, sys, time
import etl.build as b
import etl.store as s

marks = open(os.environ["NAVO_TEST_MARKS"], "a", buffering=1)
hold = float(os.environ.get("NAVO_TEST_HOLD", "0"))


def mark(name):
    marks.write(f"{name} {time.monotonic()}\n")
    marks.flush()


def wrap(mod, name, before=None, after=None):
    real = getattr(mod, name)

    def wrapper(*args, **kwargs):
        if before:
            before()
        result = real(*args, **kwargs)
        if after:
            after()
        return result

    setattr(mod, name, wrapper)


wrap(b, "_progress", before=lambda: (mark("parse"), time.sleep(hold)))
wrap(b, "new_build_dir", before=lambda: mark("write"))
wrap(b, "write_table", after=lambda: time.sleep(0.03))
if hasattr(b, "splice_table"):  # an incremental build splices its changed tables
    wrap(b, "splice_table", after=lambda: time.sleep(0.03))
wrap(b, "publish", before=lambda: mark("publish"), after=lambda: mark("published"))


class SlowOs:
    def __getattr__(self, name):
        return getattr(os, name)

    def fsync(self, fd):
        time.sleep(0.005)
        os.fsync(fd)

    def symlink(self, src, dst):
        time.sleep(0.01)
        os.symlink(src, dst)

    def replace(self, src, dst):
        time.sleep(0.02)
        os.replace(src, dst)
        if str(dst).endswith("CURRENT"):
            mark("swapped")
        time.sleep(0.02)


s.os = SlowOs()
mark("start")
from etl.cli import main

code = main(sys.argv[1:])
mark("exit")
sys.exit(code)
"""


def write_letters(corpus: Path, numbers: range) -> None:
    """Real-shaped letters (the Antalya report), one paper number each."""
    corpus.mkdir(parents=True, exist_ok=True)
    for n in numbers:
        text = TEMPLATE.replace("Nr. 231", f"Nr. {n}").replace(
            "2 miljoen euro", f"{n} miljoen euro"
        )
        (corpus / f"letter-{n:04d}.txt").write_text(text, encoding="utf-8")


def etl_cmd(corpus: Path, out: Path, *extra: str, instrumented: bool = False) -> list[str]:
    """`python -m etl build …`, or the instrumented runner with the same arguments."""
    head = [sys.executable, "-c", RUNNER] if instrumented else [sys.executable, "-m", "etl"]
    return [*head, "build", "--corpus", str(corpus), "--out", str(out), "--quiet", *extra]


def run_env(token: str, marks: Path, hold: float = 0.0) -> dict[str, str]:
    """The environment of a build under test: a token to find its processes, where to mark."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NAVO_TEST_")}
    env.update(NAVO_TEST_TOKEN=token, NAVO_TEST_MARKS=str(marks), NAVO_TEST_HOLD=str(hold))
    return env


def tagged_processes(token: str) -> list[int]:
    """Live (non-zombie) processes whose environment carries NAVO_TEST_TOKEN=token."""
    needle = f"NAVO_TEST_TOKEN={token}".encode()
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/environ", "rb") as fh:
                if needle not in fh.read().split(b"\0"):
                    continue
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                state = fh.read().rsplit(b")", 1)[1].split()[0]
        except OSError:
            continue
        if state not in (b"Z", b"X"):
            found.append(int(entry.name))
    return found


def wait_for_no_strays(token: str, seconds: float = 5.0) -> list[int]:
    """Wait until no process of the run is left; those still there after `seconds` are
    killed (they are this test's own, found by its token) and returned."""
    deadline = time.monotonic() + seconds
    while (left := tagged_processes(token)) and time.monotonic() < deadline:
        time.sleep(0.1)
    for pid in left:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return left


def lock_is_free(out: Path) -> bool:
    """Whether OUT/.build.lock can be taken at once (then released)."""
    with open(out / ".build.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(fh, fcntl.LOCK_UN)
        return True


def read_marks(path: Path) -> list[tuple[str, float]]:
    """The phase marks written so far."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(name, float(t)) for name, t in (line.split() for line in lines if " " in line)]


def wait_for_mark(path: Path, name: str, proc: subprocess.Popen, seconds: float = 30.0) -> bool:
    """Wait until `name` is marked; False if the process ended (or time ran out) first."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(n == name for n, _ in read_marks(path)):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    return False


def assert_whole(out: Path, old_id: str | None, old_docs: int, new_docs: int, files: int) -> str:
    """The published tables are one whole build, the old or the new one: "old" or "new"."""
    cur = current_build(out)
    assert cur is not None
    info = json.loads((cur / "_build.json").read_text(encoding="utf-8"))
    tables = read_tables(out)
    for t in TABLES:
        assert tables[t].height == info["rows"][t], t
        # Readers of the stable links (OUT/<table>.parquet) see that same build too
        assert pl.read_parquet(out / f"{t}.parquet").height == info["rows"][t], t
    assert set(tables["positions"]["doc_id"]) <= set(tables["documents"]["doc_id"])
    assert set(tables["topics"]["doc_id"]) <= set(tables["documents"]["doc_id"])
    docs = tables["documents"].height
    if cur.name == old_id:
        assert docs == old_docs
        return "old"
    assert docs == new_docs and info["files"] == files
    return "new"


def fs_phase(out: Path, old_id: str | None, before: set[str]) -> str:
    """For an uninstrumented run: how far it got, judged from the output folder."""
    cur = current_build(out)
    if cur is not None and cur.name != old_id:
        return "swapped"
    new = {p.name for p in (out / BUILDS).iterdir()} - before if (out / BUILDS).exists() else set()
    if not new:
        return "parse"
    return "publish" if any((out / BUILDS / n / "_build.json").exists() for n in new) else "write"


# (instrumented, jobs, phase to aim at; None: a random delay)
PLAN: list[tuple[bool, int, str | None]] = (
    [(False, 1, None)] * 6
    + [(False, 2, None)] * 5
    + [(True, 1, p) for p in ("parse", "write", "publish", "swapped") * 2]
    + [
        (True, 2, p)
        for p in ("parse", "write", "publish", "swapped", "parse", "publish", "swapped")
    ]
)


@pytest.mark.slow
@strays_until_hooked
def test_sigkill_at_random_moments_leaves_the_old_or_the_new_build(tmp_path: Path) -> None:
    rng = random.Random(20261127)
    corpus, out = tmp_path / "c", tmp_path / "o"
    write_letters(corpus, range(1, 201))
    build(corpus, out)
    nxt = 201

    # Calibrate: one whole instrumented run per --jobs, to know how long each phase lasts.
    spans: dict[int, dict[str, float]] = {}
    for jobs in (1, 2):
        marks = tmp_path / f"calibrate-{jobs}.marks"
        write_letters(corpus, range(nxt, nxt + 1))
        nxt += 1
        cmd = etl_cmd(corpus, out, "--full", "--jobs", str(jobs), instrumented=True)
        env = run_env("calibrate", marks)
        subprocess.run(cmd, cwd=ROOT, env=env, check=True, timeout=60, stdout=subprocess.DEVNULL)
        at = dict(read_marks(marks))
        order = ["start", "parse", "write", "publish", "swapped", "published", "exit"]
        spans[jobs] = {a: at[b] - at[a] for a, b in zip(order, order[1:], strict=False)}
        spans[jobs]["total"] = at["exit"] - at["start"] + 0.8  # plus interpreter start-up

    outcomes: Counter[str] = Counter()
    phases: Counter[str] = Counter()
    kills = 0
    strays: dict[int, list[int]] = {}
    for i, (instrumented, jobs, aim) in enumerate(PLAN):
        cur = current_build(out)
        old_id = cur.name if cur else None
        old_docs = read_tables(out)["documents"].height
        write_letters(corpus, range(nxt, nxt + 3))
        nxt += 3
        new_docs, files = old_docs + 3, len(list(corpus.iterdir()))
        before = {p.name for p in (out / BUILDS).iterdir()}
        token, marks = uuid.uuid4().hex, tmp_path / f"run-{i}.marks"
        cmd = etl_cmd(corpus, out, "--full", "--jobs", str(jobs), instrumented=instrumented)
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=run_env(token, marks),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if aim is None:
            time.sleep(rng.uniform(0.3, 0.9 * spans[jobs]["total"]))
        elif wait_for_mark(marks, aim, proc):
            time.sleep(rng.uniform(0, 0.9 * spans[jobs][aim]))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        killed = proc.returncode == -signal.SIGKILL
        kills += killed

        state = assert_whole(out, old_id, old_docs, new_docs, files)
        outcomes[state] += 1
        if killed:
            marked = read_marks(marks)
            landed = marked[-1][0] if marked else fs_phase(out, old_id, before)
            phases[landed] += 1
        assert lock_is_free(out), "the lock outlived the killed build"
        if left := wait_for_no_strays(token):
            strays[i] = left
        # The next build completes (and reuses what it can)
        assert build(corpus, out).rows["documents"] == new_docs

    temp_links = len(list(out.glob(f".{CURRENT}.*")))  # killed between symlink and rename
    print(f"\nkills {kills}, outcomes {dict(outcomes)}, phases {dict(phases)}, {temp_links=}")
    assert kills >= 20
    assert outcomes["old"] and outcomes["new"]
    for phase in ("parse", "write", "publish", "swapped"):
        assert phases[phase], f"no kill landed in {phase}: {dict(phases)}"
    # Killed builds leave folders behind; the next publish tidies them away.
    build(corpus, out, full=True)
    assert len(list((out / BUILDS).iterdir())) <= KEEP_BUILDS
    if strays:
        raise StrayProcesses(f"processes outlived killed builds (run: pids): {strays}")


@strays_until_hooked
def test_killed_parallel_build_leaves_no_workers(tmp_path: Path) -> None:
    corpus, out = tmp_path / "c", tmp_path / "o"
    write_letters(corpus, range(1, 151))
    token, marks = uuid.uuid4().hex, tmp_path / "run.marks"
    proc = subprocess.Popen(
        etl_cmd(corpus, out, "--jobs", "2", instrumented=True),
        cwd=ROOT,
        env=run_env(token, marks),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert wait_for_mark(marks, "parse", proc)
    time.sleep(0.3)  # the pool is starting its workers, or they are at work
    assert len(tagged_processes(token)) > 1  # the build and its helpers
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert current_build(out) is None and lock_is_free(out)
    if left := wait_for_no_strays(token, seconds=5):
        raise StrayProcesses(f"{len(left)} processes outlived the killed build: {left}")


def test_sigkill_during_incremental_builds_leaves_the_old_or_the_new_build(
    tmp_path: Path,
) -> None:
    """Incremental builds (tables spliced from the previous build's files, or linked to them)
    killed while they write or publish: one whole build is published, the next build completes
    and its tables equal a full build's."""
    rng = random.Random(20261128)
    corpus, out = tmp_path / "c", tmp_path / "o"
    write_letters(corpus, range(1, 121))
    build(corpus, out)
    nxt = 121
    outcomes: Counter[str] = Counter()
    phases: Counter[str] = Counter()
    for i in range(8):
        cur = current_build(out)
        old_id, old_docs = cur.name, read_tables(out)["documents"].height
        write_letters(corpus, range(nxt, nxt + 2))
        nxt += 2
        rng.choice(sorted(corpus.iterdir())).unlink()
        new_docs, files = old_docs + 1, len(list(corpus.iterdir()))
        token, marks = uuid.uuid4().hex, tmp_path / f"inc-{i}.marks"
        proc = subprocess.Popen(
            etl_cmd(corpus, out, "--jobs", "1", instrumented=True),
            cwd=ROOT,
            env=run_env(token, marks),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        aim = ("write", "publish")[i % 2]
        if wait_for_mark(marks, aim, proc):
            time.sleep(rng.uniform(0, 0.12 if aim == "write" else 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        marked = read_marks(marks)
        phases[marked[-1][0] if marked else "start"] += 1
        outcomes[assert_whole(out, old_id, old_docs, new_docs, files)] += 1
        assert lock_is_free(out)
        assert not wait_for_no_strays(token)
        summary = build(corpus, out)
        assert summary.rows["documents"] == new_docs
        full = build(corpus, tmp_path / f"full-{i}", full=True)
        want, got = read_tables(Path(full.build_dir).parent.parent), read_tables(out)
        for t in TABLES:
            assert got[t].equals(want[t]), (i, t)
    print(f"\noutcomes {dict(outcomes)}, phases {dict(phases)}")
    assert outcomes["old"] >= 2  # kills before the swap (and some after it, often)


# --- two builds at once ------------------------------------------------------------------------


def _wait_for_text(path: Path, text: str, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and text in path.read_text(encoding="utf-8", errors="replace"):
            return True
        time.sleep(0.02)
    return False


def test_second_build_waits_and_takes_over_when_the_first_is_killed(tmp_path: Path) -> None:
    corpus, out = tmp_path / "c", tmp_path / "o"
    write_letters(corpus, range(1, 81))
    out.mkdir()
    token = uuid.uuid4().hex
    marks, err = tmp_path / "a.marks", tmp_path / "b.err"
    # A: a build stuck while parsing (it holds the lock)
    first = subprocess.Popen(
        etl_cmd(corpus, out, "--jobs", "2", instrumented=True),
        cwd=ROOT,
        env=run_env(token, marks, hold=60),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    second = None
    try:
        assert wait_for_mark(marks, "parse", first)
        assert (out / ".build.lock").read_text() == str(first.pid)
        assert not lock_is_free(out)
        # B: a second build on the same --out says it waits, and waits
        with open(err, "w") as fh:
            second = subprocess.Popen(
                etl_cmd(corpus, out, "--jobs", "1"), cwd=ROOT, stdout=subprocess.PIPE, stderr=fh
            )
        assert _wait_for_text(err, WAITING)
        message = err.read_text(encoding="utf-8").strip()
        assert message == f"etl build: {WAITING} {out}; waiting for it…"
        time.sleep(0.5)
        assert second.poll() is None and first.poll() is None
        assert current_build(out) is None  # neither has published anything

        first.send_signal(signal.SIGKILL)  # the kernel drops A's lock: B goes on
        first.wait(timeout=10)
        stdout, _ = second.communicate(timeout=60)
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    assert second.returncode == 0
    assert "80 files: 80 parsed" in stdout.decode()
    assert assert_whole(out, None, 0, 80, 80) == "new"
    assert (out / ".build.lock").read_text() == str(second.pid)
    assert lock_is_free(out)
    assert not wait_for_no_strays(token)


def test_two_builds_at_once_run_one_after_the_other(tmp_path: Path) -> None:
    corpus, out = tmp_path / "c", tmp_path / "o"
    write_letters(corpus, range(1, 41))
    out.mkdir()
    marks, err = tmp_path / "a.marks", tmp_path / "b.err"
    first = subprocess.Popen(
        etl_cmd(corpus, out, "--jobs", "1", instrumented=True),
        cwd=ROOT,
        env=run_env(uuid.uuid4().hex, marks, hold=1.5),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert wait_for_mark(marks, "parse", first)
    with open(err, "w") as fh:
        second = subprocess.run(
            etl_cmd(corpus, out, "--jobs", "1"),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=fh,
            text=True,
            timeout=60,
            check=False,
        )
    first_out, _ = first.communicate(timeout=60)
    assert first.returncode == 0 and second.returncode == 0
    assert WAITING in err.read_text(encoding="utf-8")
    assert "40 files: 40 parsed" in first_out.decode()
    # The second found the first one's tables current: no second parse, nothing rewritten
    assert second.stdout.startswith("etl build: nothing changed in 40 files")
    assert assert_whole(out, None, 0, 40, 40) == "new"
    assert len(list((out / BUILDS).iterdir())) == 1


# --- readers during builds ---------------------------------------------------------------------


def test_readers_see_one_whole_build_during_a_series_of_builds(tmp_path: Path) -> None:
    corpus, out = tmp_path / "c", tmp_path / "o"
    write_letters(corpus, range(1, 101))
    build(corpus, out)
    stop = threading.Event()
    errors: list[str] = []
    seen: Counter[str] = Counter()
    moved = 0

    def reader() -> None:
        nonlocal moved
        while not stop.is_set():
            try:
                cur = current_build(out)
                assert cur is not None
                info = json.loads((cur / "_build.json").read_text(encoding="utf-8"))
                tables = read_tables(out)
                if build_id(out) != cur.name:
                    moved += 1  # published meanwhile: this read may span two builds; skip it
                    continue
                for t in TABLES:
                    assert tables[t].height == info["rows"][t], (cur.name, t)
                docs = set(tables["documents"]["doc_id"])
                assert set(tables["positions"]["doc_id"]) <= docs
                assert tables["documents"]["sha256"].n_unique() == tables["documents"].height
                seen[cur.name] += 1
            except Exception as e:  # noqa: BLE001 - every failure is collected and reported
                errors.append(f"{type(e).__name__}: {e}")

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    published = {current_build(out).name}
    try:
        steps = [
            lambda: write_letters(corpus, range(101, 121)),
            lambda: [p.unlink() for p in sorted(corpus.iterdir())[:10]],
            lambda: write_letters(corpus, range(121, 122)),
            lambda: (corpus / "letter-0050.txt").write_text(TEMPLATE, encoding="utf-8"),
            lambda: write_letters(corpus, range(122, 190)),
            lambda: [p.unlink() for p in sorted(corpus.iterdir())[-5:]],
            lambda: write_letters(corpus, range(200, 203)),
        ]
        for i, step in enumerate(steps):
            step()
            summary = build(corpus, out, full=i == 4, jobs=2 if i == 4 else 1)
            published.add(current_build(out).name)
            assert summary.rows["documents"] == read_tables(out)["documents"].height
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(10)
    assert not errors, errors[:5]
    assert len(published) == 8
    assert len(set(seen)) >= 5, (seen, moved)  # the reader was reading all along
    assert set(seen) <= published
