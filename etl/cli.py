"""Thin command line over the etl library: build, fetch, demo, score."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m etl", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    b = sub.add_parser("build", help="parse a corpus folder into Parquet fact tables")
    b.add_argument(
        "--corpus", type=Path, required=True, help="folder of reports (searched recursively)"
    )
    b.add_argument("--out", type=Path, required=True, help="folder for the Parquet tables")
    b.add_argument("--full", action="store_true", help="re-parse every file, ignoring the cache")
    b.add_argument(
        "--jobs", type=int, default=0, help="parallel parser processes (0: one per core)"
    )
    b.add_argument("--quiet", action="store_true", help="no progress bar")

    f = sub.add_parser("fetch", help="sync a dossier from the official KOOP SRU service")
    f.add_argument("--dossier", default="28676")
    f.add_argument("--corpus", type=Path, required=True)
    f.add_argument("--sru-url", default="https://repository.overheid.nl/sru")
    f.add_argument("--since", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    f.add_argument("--delay", type=float, default=0.5, help="seconds between requests")
    f.add_argument("--quiet", action="store_true")

    d = sub.add_parser("demo", help="write a SYNTHETIC demo corpus with ground truth")
    d.add_argument("--docs", type=int, default=0, help="number of reports (0: the calendar once)")
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--seed", type=int, default=1)

    s = sub.add_parser("score", help="score extracted tables against demo ground truth")
    s.add_argument("--truth", type=Path, required=True, help="demo corpus folder with *.truth.json")
    s.add_argument("--out", type=Path, required=True, help="folder of the extracted Parquet tables")
    s.add_argument("--csv", type=Path, default=None, help="also write the scores as CSV")
    return p


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the process exit code."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "build":
            from etl.build import run_build

            return run_build(args)
        if args.command == "fetch":
            from etl.sources.koop import run_fetch

            return run_fetch(args)
        if args.command == "demo":
            from etl.demo import run_demo

            return run_demo(args)
        if args.command == "score":
            from etl.score import run_score

            return run_score(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 2
