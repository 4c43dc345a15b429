"""The build: every input accounted for, incremental by content hash, atomic publishing."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from etl import build as build_mod
from etl.build import build, scan_corpus
from etl.store import current_build, read_tables

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
        build_mod, "process_file", lambda p, rel, d, s: calls.append(rel) or real(p, rel, d, s)
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
    real = build_mod.write_table

    def flaky(build_dir: Path, table: str, df: pl.DataFrame) -> None:
        if table == "figures":
            raise OSError("disk full")
        real(build_dir, table, df)

    monkeypatch.setattr(build_mod, "write_table", flaky)
    with pytest.raises(OSError):
        build(corpus, out)
    after = read_tables(out)
    for table, df in before.items():
        assert after[table].equals(df), table
    monkeypatch.setattr(build_mod, "write_table", real)
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
