"""The build: every input accounted for, incremental by content hash, atomic publishing."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from etl import build as build_mod
from etl import store
from etl.build import BuildSummary, build, scan_corpus
from etl.store import current_build, read_tables
from etl.tables import TABLES

ROOT = Path(__file__).resolve().parents[1]

LETTER = """28 676

NAVO

Nr. {nr}

BRIEF VAN DE MINISTER VAN DEFENSIE

Den Haag, 20 maart 2011

Hierbij bied ik u het verslag aan van de bijeenkomst van de NAVO-ministers van Defensie die op 9 en 10 maart jl. in Brussel plaatsvond.

De Minister van Defensie,

A.B. Voorbeeld

Nederland pleitte voor meer steun aan Oekraïne ({nr}). De bijdrage bedroeg {nr} miljoen euro.
"""


def write_letters(folder: Path, numbers: range) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for nr in numbers:
        (folder / f"letter-{nr}.txt").write_text(LETTER.format(nr=nr), encoding="utf-8")


def test_every_input_is_accounted_for(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_letters(corpus, range(1, 4))
    (corpus / "sub").mkdir()
    (corpus / "sub" / "empty.md").write_bytes(b"")
    (corpus / "sub" / "noise.bin").write_bytes(bytes(range(256)) * 8)
    (corpus / "sub" / "scan.pdf").write_bytes(b"%PDF-1.4 binary")
    (corpus / "copy.txt").write_bytes((corpus / "letter-1.txt").read_bytes())
    (corpus / "cp1252.txt").write_bytes(LETTER.format(nr=7).encode("cp1252"))
    (corpus / ".hidden.txt").write_text("not an input")
    (corpus / "letter-2.txt.meta.json").write_text(
        json.dumps({"source_url": "https://example.org/2", "is_synthetic": True})
    )
    out = tmp_path / "out"
    summary = build(corpus, out)
    t = read_tables(out)
    inputs = {p.relative_to(corpus).as_posix() for p in scan_corpus(corpus)}
    assert ".hidden.txt" not in inputs and "letter-2.txt.meta.json" not in inputs
    seen = set(t["documents"]["source_path"]) | set(t["rejects"]["source_path"])
    assert seen == inputs
    assert summary.files == len(inputs) == 8
    reasons = dict(zip(t["rejects"]["source_path"], t["rejects"]["reason"], strict=True))
    assert reasons["sub/empty.md"] == "empty file"
    assert reasons["sub/noise.bin"].startswith("binary file")
    assert "PDF" in reasons["sub/scan.pdf"]
    # of two identical files the first in path order is used, the other is a duplicate
    assert reasons["letter-1.txt"] == "duplicate of copy.txt (identical content)"
    assert "copy.txt" in set(t["documents"]["source_path"])
    docs = t["documents"]
    assert "Oekraïne (7)" in docs.filter(pl.col("source_path") == "cp1252.txt")["text"][0]
    two = docs.filter(pl.col("source_path") == "letter-2.txt").row(0, named=True)
    assert two["is_synthetic"] is True and two["source_url"] == "https://example.org/2"


def test_same_paper_twice_is_one_document(tmp_path: Path) -> None:
    corpus = tmp_path / "c"
    write_letters(corpus, range(5, 6))
    # the same paper (kst-28676-5) as Markdown under another name, with different content
    (corpus / "again.md").write_text("**" + LETTER.format(nr=5) + "**\n", encoding="utf-8")
    build(corpus, tmp_path / "o")
    t = read_tables(tmp_path / "o")
    assert t["documents"]["doc_id"].to_list() == ["kst-28676-5"]
    # Markdown ranks above plain text as a manifestation of the same paper
    assert t["documents"]["source_path"].to_list() == ["again.md"]
    assert t["rejects"]["source_path"].to_list() == ["letter-5.txt"]
    assert t["rejects"]["reason"][0] == "another version of kst-28676-5 is used: again.md"


def test_incremental_reuses_unchanged_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, out = tmp_path / "c", tmp_path / "o"
    write_letters(corpus, range(1, 6))
    first = build(corpus, out)
    assert (first.parsed, first.reused) == (5, 0)
    before = read_tables(out)

    again = build(corpus, out)
    assert again.unchanged and again.parsed == 0
    assert current_build(out) == Path(first.build_dir).resolve()

    calls: list[str] = []
    real = build_mod.process_file
    monkeypatch.setattr(
        build_mod,
        "process_file",
        lambda p, rel, d, s, *meta: calls.append(rel) or real(p, rel, d, s, *meta),
    )
    write_letters(corpus, range(6, 7))
    os.utime(corpus / "letter-1.txt")  # touched, content unchanged: hashed, not parsed
    added = build(corpus, out)
    assert calls == ["letter-6.txt"]
    assert (added.parsed, added.reused) == (1, 5)
    after = read_tables(out)
    for table in ("documents", "meetings", "positions", "figures"):
        old = before[table].sort("doc_id")
        new = after[table].filter(pl.col("doc_id") != "kst-28676-6").sort("doc_id")
        assert old.equals(new), table
    assert after["documents"].height == 6

    (corpus / "letter-3.txt").unlink()
    removed = build(corpus, out)
    assert "kst-28676-3" not in read_tables(out)["documents"]["doc_id"].to_list()
    assert removed.rows["documents"] == 5


def test_code_change_forces_full_rebuild(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, out = tmp_path / "c", tmp_path / "o"
    write_letters(corpus, range(1, 3))
    build(corpus, out)
    monkeypatch.setattr(build_mod, "code_fingerprint", lambda: "different")
    again = build(corpus, out)
    assert again.parsed == 2 and not again.unchanged


def test_failed_write_leaves_previous_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus, out = tmp_path / "c", tmp_path / "o"
    write_letters(corpus, range(1, 3))
    build(corpus, out)
    before = read_tables(out)
    write_letters(corpus, range(3, 4))
    real_write, real_splice = build_mod.write_table, build_mod.splice_table

    def flaky_write(build_dir: Path, table: str, df: pl.DataFrame) -> None:
        if table == "figures":
            raise OSError("disk full")
        real_write(build_dir, table, df)

    def flaky_splice(prev: Path, build_dir: Path, table: str, *args: object) -> int:
        if table == "figures":
            raise OSError("disk full")
        return real_splice(prev, build_dir, table, *args)

    # a table is written whole, or spliced from the previous build's file: both can fail
    monkeypatch.setattr(build_mod, "write_table", flaky_write)
    monkeypatch.setattr(build_mod, "splice_table", flaky_splice)
    with pytest.raises(OSError):
        build(corpus, out)
    after = read_tables(out)
    for table, df in before.items():
        assert after[table].equals(df), table
    monkeypatch.setattr(build_mod, "write_table", real_write)
    monkeypatch.setattr(build_mod, "splice_table", real_splice)
    assert build(corpus, out).rows["documents"] == 3


def test_parallel_build_equals_serial(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = tmp_path / "c"
    write_letters(corpus, range(1, 80))
    build(corpus, tmp_path / "serial", jobs=1)
    build(corpus, tmp_path / "parallel", jobs=2)
    a, b = read_tables(tmp_path / "serial"), read_tables(tmp_path / "parallel")
    for table in a:
        assert a[table].equals(b[table]), table


@pytest.mark.parametrize("run", range(6))
def test_sigkill_leaves_a_whole_build(tmp_path_factory: pytest.TempPathFactory, run: int) -> None:
    """Kill `etl build` at a random moment: the tables are the old build or the new one, never a mix."""
    base = tmp_path_factory.mktemp(f"kill{run}")
    corpus, out = base / "c", base / "o"
    write_letters(corpus, range(1, 40))
    build(corpus, out)
    old_id = current_build(out).name
    old_docs = read_tables(out)["documents"].height
    write_letters(corpus, range(40, 200))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "etl",
            "build",
            "--corpus",
            str(corpus),
            "--out",
            str(out),
            "--quiet",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(random.Random(run).uniform(0.2, 2.0))
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    cur = current_build(out)
    tables = read_tables(out)
    info = json.loads((cur / "_build.json").read_text())
    assert tables["documents"].height == info["rows"]["documents"]
    assert tables["documents"].height in (old_docs, 199)
    assert (cur.name == old_id) == (tables["documents"].height == old_docs)
    assert set(tables["positions"]["doc_id"]) <= set(tables["documents"]["doc_id"])
    assert build(corpus, out).rows["documents"] == 199


def test_cli_build_and_missing_corpus(tmp_path: Path) -> None:
    write_letters(tmp_path / "c", range(1, 2))
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "build",
            "--corpus",
            str(tmp_path / "c"),
            "--out",
            str(tmp_path / "o"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    assert "documents 1" in ok.stdout
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "etl",
            "build",
            "--corpus",
            str(tmp_path / "nope"),
            "--out",
            str(tmp_path / "o"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2 and "does not exist" in bad.stderr
    shutil.rmtree(tmp_path / "o")


# --- incremental builds equal full builds ------------------------------------------------------


def _reports() -> list[tuple[str, str, str]]:
    """The fixture reports with a paper number: (text, suffix, number)."""
    found = []
    for p in sorted((ROOT / "tests" / "fixtures" / "reports").glob("0*")):
        text = p.read_text(encoding="utf-8")
        if p.suffix in (".md", ".txt", ".xml") and (m := re.search(r"Nr\. (\d+)", text)):
            found.append((text, p.suffix, m[1]))
    return found


REPORTS = _reports()


def write_report(corpus: Path, nr: int, name: str | None = None) -> Path:
    """A real-shaped report (one of the fixtures, by nr) as paper number nr."""
    text, suffix, old = REPORTS[nr % len(REPORTS)]
    path = corpus / (name or f"r{nr:04d}{suffix}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(re.sub(rf"Nr\. {old}\b", f"Nr. {nr}", text), encoding="utf-8")
    return path


@pytest.fixture
def small_row_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tables in row groups of a few rows, spliced however small, so that a splice copies some
    row groups and encodes others anew (at 50,000 reports they are megabytes)."""
    monkeypatch.setattr(store, "MIN_GROUP_ROWS", 8)
    monkeypatch.setattr(store, "ROW_GROUP_BYTES", 1)
    monkeypatch.setattr(build_mod, "SPLICE_MIN_BYTES", 0)


def assert_equals_full_build(corpus: Path, out: Path, scratch: Path) -> dict[str, pl.DataFrame]:
    """The published tables of `out` equal those of a full build of `corpus` (order included)."""
    shutil.rmtree(scratch, ignore_errors=True)
    build(corpus, scratch, full=True)
    want, got = read_tables(scratch), read_tables(out)
    for t in TABLES:
        assert got[t].equals(want[t]), t
        assert pl.from_arrow(pq.read_table(out / f"{t}.parquet")).equals(want[t]), t
    inputs = {p.relative_to(corpus).as_posix() for p in scan_corpus(corpus)}
    seen = set(got["documents"]["source_path"]) | set(got["rejects"]["source_path"])
    assert seen == inputs  # every input accounted for
    return got


def test_incremental_builds_equal_full_builds(tmp_path: Path, small_row_groups: None) -> None:
    corpus, out, scratch = tmp_path / "c", tmp_path / "o", tmp_path / "full"
    for nr in range(1, 31):
        write_report(corpus, nr)
    write_letters(corpus / "letters", range(100, 104))
    # another version of paper 105 (Markdown over plain text), a copy of paper 7, an empty file
    (corpus / "letters" / "again-105.md").write_text("**" + LETTER.format(nr=105) + "**\n")
    write_letters(corpus / "letters", range(105, 106))
    shutil.copy(next(corpus.glob("r0007.*")), corpus / "copy-7")
    (corpus / "empty.txt").write_text("")
    first = build(corpus, out)
    assert set(first.tables_written) == set(TABLES)
    assert_equals_full_build(corpus, out, scratch)
    ext = {nr: next(corpus.glob(f"r{nr:04d}.*")) for nr in range(1, 31)}

    def step(change, parsed: int | None = None) -> BuildSummary:
        change()
        summary = build(corpus, out)
        if parsed is not None:
            assert summary.parsed == parsed, summary.line()
        assert_equals_full_build(corpus, out, scratch)
        return summary

    added = step(lambda: (write_report(corpus, 31), write_report(corpus, 32)), parsed=2)
    assert "documents" in added.tables_spliced and "topics" in added.tables_spliced
    assert "rejects" in added.tables_linked
    step(lambda: ext[3].unlink(), parsed=0)
    step(lambda: write_report(corpus, 40, name=ext[10].name), parsed=1)  # new content, same name
    (corpus / "zz").mkdir()
    step(lambda: ext[11].rename(corpus / "zz" / ext[11].name), parsed=0)  # moved: hashed only
    # the Markdown version goes: the plain-text letter is the document again (it was a reject)
    step(lambda: (corpus / "letters" / "again-105.md").unlink(), parsed=1)
    # the original of a copy goes: the copy is the document, under its own path
    step(lambda: ext[7].unlink(), parsed=0)
    # a reject turns into a document, a document into a reject
    step(lambda: (write_report(corpus, 50, name="empty.txt"), ext[12].write_text("")), parsed=2)
    # touched, not changed: nothing parsed, every table the previous build's file
    touched = step(lambda: os.utime(ext[13]), parsed=0)
    assert set(touched.tables_linked) == set(TABLES)
    # a sidecar changes what its document says
    side = Path(f"{ext[14]}.meta.json")
    step(lambda: side.write_text(json.dumps({"is_synthetic": True})), parsed=1)
    assert build(corpus, out).unchanged


@pytest.mark.parametrize("seed", range(2))
def test_random_changes_build_like_full_builds(
    tmp_path: Path, small_row_groups: None, seed: int
) -> None:
    rng = random.Random(seed)
    corpus, out, scratch = tmp_path / "c", tmp_path / "o", tmp_path / "full"
    for nr in range(1, 25):
        write_report(
            corpus, nr, name=f"{rng.choice('abc')}/{nr:03d}{REPORTS[nr % len(REPORTS)][1]}"
        )
    build(corpus, out)
    nxt = 100
    for _ in range(5):
        for _ in range(rng.randint(1, 4)):
            op = rng.choice(["add", "remove", "change", "copy", "move"])
            files = scan_corpus(corpus)
            victim = rng.choice(files) if files else None
            if op == "add" or victim is None:
                write_report(corpus, nxt, name=f"{rng.choice('abcd')}/{nxt:03d}.txt")
                nxt += 1
            elif op == "remove":
                victim.unlink()
            elif op == "change":
                write_report(corpus, nxt, name=str(victim.relative_to(corpus)))
                nxt += 1
            elif op == "copy":
                shutil.copy(victim, victim.with_name("copy-" + victim.name))
            else:
                victim.rename(victim.with_name("moved-" + victim.name))
        build(corpus, out)
        assert_equals_full_build(corpus, out, scratch)


def test_nothing_changed_reads_no_table_and_imports_no_polars(tmp_path: Path) -> None:
    corpus, out = tmp_path / "c", tmp_path / "o"
    write_letters(corpus, range(1, 4))
    build(corpus, out)
    probe = (
        "import sys; from etl.cli import main; "
        f"rc = main(['build', '--corpus', {str(corpus)!r}, '--out', {str(out)!r}, '--quiet']); "
        "heavy = ('polars', 'pyarrow', 'etl.extract', 'etl.parse', 'yaml', 'multiprocessing'); "
        "print(rc, sorted(m for m in heavy if m in sys.modules))"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert "nothing changed in 3 files" in run.stdout
    assert run.stdout.strip().endswith("0 []"), run.stdout


def test_unchanged_tables_are_the_previous_files(tmp_path: Path, small_row_groups: None) -> None:
    corpus, out = tmp_path / "c", tmp_path / "o"
    write_report(corpus, 1)
    first = build(corpus, out)
    # a letter without bilaterals: that table does not change, nor rejects
    write_letters(corpus, range(2, 3))
    second = build(corpus, out)
    assert {"bilaterals", "rejects"} <= set(second.tables_linked)
    assert "documents" in second.tables_written + second.tables_spliced
    old, new = Path(first.build_dir), Path(second.build_dir)
    for t in ("bilaterals", "rejects"):
        assert os.stat(old / f"{t}.parquet").st_ino == os.stat(new / f"{t}.parquet").st_ino
    # the previous build may go (KEEP_BUILDS): the linked file stays with the new one
    for i in range(3, 3 + store.KEEP_BUILDS + 1):
        write_letters(corpus, range(i, i + 1))
        build(corpus, out)
    assert not old.exists()
    assert read_tables(out)["bilaterals"].height == read_tables(out)["bilaterals"].height
    assert_equals_full_build(corpus, out, tmp_path / "full")


def test_the_writer_threads_write_every_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = tmp_path / "c"
    for nr in range(1, 12):
        write_report(corpus, nr)
    (corpus / "empty.md").write_text("")
    seen: list[tuple[str, str]] = []
    real = build_mod.write_table

    def recording(build_dir: Path, table: str, df: pl.DataFrame) -> None:
        seen.append((table, threading.current_thread().name))
        real(build_dir, table, df)

    monkeypatch.setattr(build_mod, "write_table", recording)
    summary = build(corpus, tmp_path / "threads")
    assert sorted(t for t, _ in seen) == sorted(TABLES) == sorted(summary.tables_written)
    assert all(name.startswith("write") for _, name in seen)  # in the writer threads
    cur = Path(summary.build_dir)
    for t in TABLES:
        assert pl.read_parquet(cur / f"{t}.parquet").height == summary.rows[t], t
    assert pl.read_parquet(cur / "_files.parquet").height == 12
    monkeypatch.setattr(build_mod, "WRITE_THREADS", 1)
    build(corpus, tmp_path / "one", full=True)
    a, b = read_tables(tmp_path / "threads"), read_tables(tmp_path / "one")
    for t in TABLES:
        assert a[t].equals(b[t]), t


def test_a_build_with_one_row_group_per_table_is_reused(
    tmp_path: Path, small_row_groups: None
) -> None:
    """Tables in one row group each and no input digest (as before splicing): still reused."""
    corpus, out = tmp_path / "c", tmp_path / "o"
    for nr in range(1, 9):
        write_report(corpus, nr)
    build(corpus, out)
    cur = current_build(out)
    info = json.loads((cur / "_build.json").read_text())
    del info["inputs"]
    (cur / "_build.json").write_text(json.dumps(info))
    for t in TABLES:
        df = pl.read_parquet(cur / f"{t}.parquet")
        df.write_parquet(cur / f"{t}.parquet", compression="zstd")
    again = build(corpus, out)  # no digest to compare: the file list is, nothing parsed
    assert again.parsed == 0
    write_report(corpus, 9)
    added = build(corpus, out)  # the one row group changes: written whole, in small groups
    assert added.parsed == 1 and "topics" in added.tables_written
    assert_equals_full_build(corpus, out, tmp_path / "full")
    write_report(corpus, 10)
    again = build(corpus, out)
    assert again.parsed == 1 and "topics" in again.tables_spliced
    assert_equals_full_build(corpus, out, tmp_path / "full")
