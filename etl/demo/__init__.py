"""`etl demo`: a SYNTHETIC corpus of twenty years of NATO reports, with known truth per file.

Each report is written as Markdown (PDF-converted look), plain text or official XML, next to
`<file>.truth.json` (what an ideal extractor finds: see etl.demo.truth) and `<file>.meta.json`
(identifier, sha256, is_synthetic). Same seed, same bytes. The generator shares no code or word
lists with the extractor (etl.parse, etl.extract, …), so scores against it mean something.

Layout: OUT/<year>/kst-28676-<nr>.<md|txt|xml> (+ sidecars), OUT/.demo.json (summary).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from etl.demo.calendar import Plan, plans
from etl.demo.letter import compose_letter
from etl.demo.render import EXTENSIONS, RENDERERS
from etl.demo.truth import truth_of

FIRST_NUMBER = 9001  # far above the real dossier's ~500 papers
MARKER = ".demo.json"  # hidden: corpus walkers skip dot files
PARALLEL_FROM = 3000  # below this, one process is quicker than starting workers
CHUNK = 500


@dataclass(slots=True)
class DemoSummary:
    """What `generate` wrote."""

    n_docs: int
    n_files: int
    out: str
    seed: int
    calendar_size: int
    repeats: int
    seconds: float
    by_format: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)


@lru_cache(maxsize=1)
def calendar_plans() -> tuple[Plan, ...]:
    """The letters of the calendar once, in date order."""
    return tuple(plans())


def _slot(j: int, n_docs: int) -> tuple[int, int]:
    """Document j → (repeat, calendar index); fewer docs than the calendar are spread evenly."""
    size = len(calendar_plans())
    if n_docs < size:
        return 0, (j * size) // n_docs
    return divmod(j, size)


def _format(plan: Plan, seed: int, repeat: int, number: int) -> str:
    """Older letters come more often as plain text, newer ones as official XML."""
    rng = random.Random(f"navo-demo-format/{seed}/{repeat}/{number}")
    if plan.letter_date.year < 2010:
        weights = (("text", 0.5), ("markdown", 0.25), ("op_xml", 0.25))
    else:
        weights = (("op_xml", 0.45), ("markdown", 0.35), ("text", 0.2))
    r = rng.random()
    for fmt, w in weights:
        r -= w
        if r < 0:
            return fmt
    return weights[-1][0]


def _relpath(plan: Plan, number: int, fmt: str) -> str:
    return f"{plan.letter_date.year}/kst-28676-{number}{EXTENSIONS[fmt]}"


def write_one(out: Path, j: int, n_docs: int, seed: int) -> tuple[str, str]:
    """Compose, render and write document j with its two sidecars; returns (format, kind)."""
    repeat, idx = _slot(j, n_docs)
    plan = calendar_plans()[idx]
    number = FIRST_NUMBER + j
    fmt = _format(plan, seed, repeat, number)
    letter = compose_letter(plan, number, seed, repeat, fmt)
    rng = random.Random(f"navo-demo-layout/{seed}/{repeat}/{number}")
    data = RENDERERS[fmt](letter, rng).encode("utf-8")
    rel = _relpath(plan, number, fmt)
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    sha = hashlib.sha256(data).hexdigest()
    truth = truth_of(letter, fmt, repeat, rel)
    Path(f"{path}.truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    meta = {
        "identifier": letter.doc_id,
        "source_url": None,
        "retrieved_at": None,
        "sha256": sha,
        "is_synthetic": True,
        "generator": "etl demo",
        "seed": seed,
    }
    Path(f"{path}.meta.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return fmt, plan.kind


def _write_range(args: tuple[str, int, int, int, int]) -> tuple[Counter, Counter]:
    out, start, stop, n_docs, seed = args
    formats: Counter = Counter()
    kinds: Counter = Counter()
    for j in range(start, stop):
        fmt, kind = write_one(Path(out), j, n_docs, seed)
        formats[fmt] += 1
        kinds[kind] += 1
    return formats, kinds


def _expected_files(n_docs: int, seed: int) -> set[str]:
    names = set()
    for j in range(n_docs):
        repeat, idx = _slot(j, n_docs)
        plan = calendar_plans()[idx]
        rel = _relpath(plan, FIRST_NUMBER + j, _format(plan, seed, repeat, FIRST_NUMBER + j))
        names.update((rel, f"{rel}.truth.json", f"{rel}.meta.json"))
    return names


def _remove_stale(out: Path, keep: set[str]) -> int:
    """Remove files of an earlier demo run in this folder that this run does not rewrite."""
    if not (out / MARKER).is_file():
        return 0  # not a folder we wrote: touch nothing
    removed = 0
    for year_dir in out.iterdir():
        if not (year_dir.is_dir() and year_dir.name.isdigit()):
            continue
        for f in year_dir.iterdir():
            rel = f"{year_dir.name}/{f.name}"
            if f.name.startswith("kst-28676-") and rel not in keep:
                f.unlink()
                removed += 1
    return removed


def generate(n_docs: int, out: Path, seed: int) -> DemoSummary:
    """Write n_docs synthetic reports (0: the calendar once) with truth and meta sidecars."""
    t0 = time.perf_counter()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    size = len(calendar_plans())
    n = n_docs if n_docs > 0 else size
    _remove_stale(out, _expected_files(n, seed))
    formats: Counter = Counter()
    kinds: Counter = Counter()
    jobs = max(1, min(os.cpu_count() or 1, 8))
    if n < PARALLEL_FROM or jobs == 1:
        formats, kinds = _write_range((str(out), 0, n, n, seed))
    else:
        import multiprocessing as mp

        chunks = [(str(out), a, min(a + CHUNK, n), n, seed) for a in range(0, n, CHUNK)]
        with mp.get_context("fork").Pool(jobs) as pool:
            for f, k in pool.imap_unordered(_write_range, chunks):
                formats.update(f)
                kinds.update(k)
    summary = DemoSummary(
        n_docs=n,
        n_files=3 * n,
        out=str(out),
        seed=seed,
        calendar_size=size,
        repeats=(n - 1) // size + 1,
        seconds=round(time.perf_counter() - t0, 2),
        by_format=dict(sorted(formats.items())),
        by_kind=dict(sorted(kinds.items())),
    )
    # no time or path in the marker, so that the same seed gives the same bytes anywhere
    marker = {k: v for k, v in asdict(summary).items() if k not in ("seconds", "out")}
    marker["note"] = "SYNTHETIC demo corpus written by `python -m etl demo`; invented text."
    (out / MARKER).write_text(json.dumps(marker, indent=1) + "\n", encoding="utf-8")
    return summary


def run_demo(args: argparse.Namespace) -> int:
    """CLI entry: `python -m etl demo --docs N --out DIR [--seed S]`."""
    if args.docs < 0:
        print("etl demo: --docs must be 0 (the calendar once) or more", file=sys.stderr)
        return 2
    s = generate(args.docs, args.out, args.seed)
    print(
        f"etl demo: wrote {s.n_docs} SYNTHETIC reports ({s.n_files} files, "
        f"{s.repeats} pass(es) over a calendar of {s.calendar_size}) to {s.out} "
        f"in {s.seconds:.1f} s; formats {s.by_format}; kinds {s.by_kind}"
    )
    return 0
