"""Hand-written fixture reports, built end to end and compared with their expected facts."""

from __future__ import annotations

import math
import re
import shutil
import unicodedata
from functools import cache
from pathlib import Path

import polars as pl
import pytest
import yaml

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPORTS = FIXTURES / "reports"
BAD = FIXTURES / "bad"
SUFFIX = ".expected.yaml"
CASES = sorted(p.name.removesuffix(SUFFIX) for p in REPORTS.glob(f"*{SUFFIX}"))
MEETING_COLUMNS = ("meeting_type", "start_date", "end_date", "city", "country_iso2", "n_sessions")
FIGURE_COLUMNS = ("kind", "value", "currency", "year", "raw")


# --- helpers ---------------------------------------------------------------------------------


def _inputs(folder: Path) -> list[Path]:
    """The input files of a fixture folder (not expectations, not dotfiles)."""
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and not p.name.endswith(SUFFIX)
    )


def _source(name: str) -> Path:
    """The one fixture file that an expectation file describes."""
    found = [p for p in _inputs(REPORTS) if p.name.split(".", 1)[0] == name]
    assert len(found) == 1, f"{name}: expected one fixture file beside {name}{SUFFIX}, got {found}"
    return found[0]


@cache
def _expected(name: str) -> dict:
    """The expected facts of one fixture."""
    return yaml.safe_load((REPORTS / f"{name}{SUFFIX}").read_text(encoding="utf-8")) or {}


def _spec(name: str, key: str):
    """One key of a fixture's expectations, or skip the test when it is absent."""
    expected = _expected(name)
    if key not in expected:
        pytest.skip("not specified")
    return expected[key]


def cases_with(*keys: str) -> list[str]:
    """Fixtures whose expectations name any of `keys`; the others get no such test (no skips)."""
    return [c for c in CASES if any(k in _expected(c) for k in keys)]


def _build(files: dict[str, Path], tmp: Path) -> dict[str, pl.DataFrame]:
    """Copy files (target name -> source) into a fresh corpus, build it, read the tables."""
    from etl.build import build
    from etl.store import read_tables

    corpus, out = tmp / "corpus", tmp / "out"
    corpus.mkdir()
    for target, source in files.items():
        shutil.copyfile(source, corpus / target)
    build(corpus, out)
    return read_tables(out)


def _file_name(path: str | None) -> str:
    """The file name of a source_path, whichever separator it uses."""
    return re.split(r"[\\/]", path or "")[-1]


def _by_file(tables: dict[str, pl.DataFrame], table: str, file_name: str) -> list[dict]:
    """Rows of documents or rejects whose source_path names this file."""
    return [r for r in tables[table].to_dicts() if _file_name(r["source_path"]) == file_name]


def _doc(tables: dict[str, pl.DataFrame], name: str) -> dict:
    """The documents row of a fixture (there must be exactly one)."""
    file_name = _source(name).name
    rows = _by_file(tables, "documents", file_name)
    assert len(rows) == 1, f"{file_name}: expected one documents row, found {len(rows)}"
    return rows[0]


def _rows(tables: dict[str, pl.DataFrame], table: str, doc_id: str) -> list[dict]:
    """Rows of a fact table that belong to one document."""
    return tables[table].filter(pl.col("doc_id") == doc_id).to_dicts()


def _squash(text: str | None) -> str:
    """Text with runs of whitespace as one space (wrapped lines compare as one line)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def _show(rows: list[dict], columns: tuple[str, ...]) -> list[dict]:
    """Rows cut to some columns, for readable assertion messages."""
    return [{c: r.get(c) for c in columns} for r in rows]


def _match(want: list[dict], have: list[dict], same) -> tuple[list[dict], list[dict]]:
    """Pair expected with actual rows as multisets: (expected not found, actual not expected)."""
    left = list(have)
    missing = []
    for w in want:
        hit = next((h for h in left if same(w, h)), None)
        if hit is None:
            missing.append(w)
        else:
            left.remove(hit)
    return missing, left


def _same_figure(want: dict, have: dict) -> bool:
    """An actual figure row equals an expected one (value to a relative 1e-9)."""
    for key, value in want.items():
        got = have.get(key)
        if key == "value":
            # float(): YAML 1.1 (PyYAML) reads "2.5e9" without a sign as a string
            if got is None or not math.isclose(got, float(value), rel_tol=1e-9):
                return False
        elif got != value:
            return False
    return True


# --- the fixture reports ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> dict[str, pl.DataFrame]:
    """All fixture reports, built once into a temporary output folder."""
    files = {p.name: p for p in _inputs(REPORTS)}
    return _build(files, tmp_path_factory.mktemp("fixture_reports"))


@pytest.mark.parametrize("name", cases_with("document"))
def test_document(reports, name):
    """The documents row: dossier, number, letter date, kind, signatory and ministry."""
    want = _spec(name, "document")
    doc = _doc(reports, name)
    problems = []
    for key, value in want.items():
        if key.endswith("_contains"):
            column = key.removesuffix("_contains")
            have = doc.get(column) or ""
            for part in [value] if isinstance(value, str) else value:
                if part.casefold() not in have.casefold():
                    problems.append(f"{column} = {have!r} does not contain {part!r}")
        elif doc.get(key) != value:
            problems.append(f"{key}: expected {value!r}, got {doc.get(key)!r}")
    assert not problems, f"{name}:\n" + "\n".join(problems)


@pytest.mark.parametrize("name", cases_with("meetings"))
def test_meetings(reports, name):
    """Exactly the expected meetings: type, dates, place and number of sessions."""
    want = _spec(name, "meetings") or []
    have = _rows(reports, "meetings", _doc(reports, name)["doc_id"])
    missing, extra = _match(want, have, lambda w, h: all(h.get(k) == v for k, v in w.items()))
    assert not missing and not extra, (
        f"{name}: missing {missing}\nunexpected {_show(extra, MEETING_COLUMNS)}"
    )


@pytest.mark.parametrize("name", cases_with("bilaterals"))
def test_bilaterals(reports, name):
    """Exactly the expected set of bilateral partner countries."""
    want = set(_spec(name, "bilaterals") or [])
    have = _rows(reports, "bilaterals", _doc(reports, name)["doc_id"])
    got = {r["country_iso2"] for r in have}
    extra = [(r["country_iso2"], r.get("evidence")) for r in have if r["country_iso2"] not in want]
    assert got == want, f"{name}: missing {sorted(want - got)}\nunexpected {extra}"


@pytest.mark.parametrize("name", cases_with("figures"))
def test_figures(reports, name):
    """Exactly the expected money amounts and percentages (as a multiset)."""
    want = _spec(name, "figures") or []
    have = _rows(reports, "figures", _doc(reports, name)["doc_id"])
    missing, extra = _match(want, have, _same_figure)
    assert not missing and not extra, (
        f"{name}: missing {missing}\nunexpected {_show(extra, FIGURE_COLUMNS)}"
    )


@pytest.mark.parametrize(
    "name", cases_with("positions_contain", "positions_count", "not_positions", "positions_planned")
)
def test_positions(reports, name):
    """The Dutch position sentences: which ones, how many, and which are not positions."""
    expected = _expected(name)
    keys = ("positions_contain", "positions_count", "not_positions", "positions_planned")
    if not any(k in expected for k in keys):
        pytest.skip("not specified")
    have = _rows(reports, "positions", _doc(reports, name)["doc_id"])
    texts = [_squash(r["text"]) for r in have]
    problems = []
    for part in expected.get("positions_contain") or []:
        n = sum(_squash(part) in t for t in texts)
        if n != 1:
            problems.append(f"{n} positions contain {part!r} (expected exactly 1)")
    if "positions_count" in expected and len(texts) != expected["positions_count"]:
        problems.append(f"{len(texts)} positions, expected {expected['positions_count']}")
    for part in expected.get("not_positions") or []:
        problems += [f"not a position: {t!r}" for t in texts if _squash(part) in t]
    if "positions_planned" in expected:
        planned = expected["positions_planned"]
        problems += [
            f"is_planned={r.get('is_planned')!r}, expected {planned}: {r['text']!r}"
            for r in have
            if r.get("is_planned") is not planned
        ]
    assert not problems, (
        f"{name}:\n" + "\n".join(problems) + "\nall positions:\n" + "\n".join(texts)
    )


@pytest.mark.parametrize("name", cases_with("topics_include", "topics_exclude"))
def test_topics(reports, name):
    """The document's topics include and exclude the expected ones."""
    expected = _expected(name)
    if "topics_include" not in expected and "topics_exclude" not in expected:
        pytest.skip("not specified")
    have = {r["topic_id"] for r in _rows(reports, "topics", _doc(reports, name)["doc_id"])}
    missing = set(expected.get("topics_include") or []) - have
    wrong = set(expected.get("topics_exclude") or []) & have
    assert not missing and not wrong, f"{name}: missing {sorted(missing)}, wrong {sorted(wrong)}"


@pytest.mark.parametrize("name", cases_with("rejected"))
def test_rejected(reports, name):
    """A fixture lands in rejects (with a reason) or in documents, as expected."""
    want = _spec(name, "rejected")
    file_name = _source(name).name
    docs = _by_file(reports, "documents", file_name)
    rejects = _by_file(reports, "rejects", file_name)
    if want:
        assert len(rejects) == 1 and not docs, f"{name}: documents {len(docs)}, rejects {rejects}"
        assert _squash(rejects[0]["reason"]), f"{name}: a reject without a reason"
    else:
        assert len(docs) == 1 and not rejects, f"{name}: documents {len(docs)}, rejects {rejects}"


def _plain(path: Path) -> str:
    """A fixture's text without markup, footnote lines and end-of-line hyphenation."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^<sup>.*$", "", text)  # footnote lines (page-bottom notes)
    text = re.sub(r"<[^>]+>|\*", "", text)  # XML tags, <sup>, Markdown emphasis
    text = re.sub(r"(\w)-\s*\n\s*([a-z])", r"\1\2", text)  # "capaci-" / "teitsdoelen"
    return _squash(text)


@pytest.mark.parametrize("name", CASES)
def test_fixture_is_consistent(name):
    """Each expectation file has one fixture file, and its sentences occur in that text."""
    source = _source(name)
    expected = _expected(name)
    unknown = set(expected) - {
        "document",
        "meetings",
        "bilaterals",
        "figures",
        "positions_contain",
        "positions_count",
        "not_positions",
        "positions_planned",
        "topics_include",
        "topics_exclude",
        "rejected",
    }
    assert not unknown, f"{name}: unknown keys {unknown}"
    text = _plain(source)
    parts = (expected.get("positions_contain") or []) + (expected.get("not_positions") or [])
    absent = [p for p in parts if text.count(_squash(p)) != 1]
    assert not absent, f"{name}: not found exactly once in {source.name}: {absent}"
    if "positions_count" in expected and "positions_contain" in expected:
        assert len(expected["positions_contain"]) <= expected["positions_count"]
    # YAML 1.1 traps: NO (Norway) reads as false, 2.5e9 (no sign) as a string
    codes = list(expected.get("bilaterals") or [])
    codes += [m.get("country_iso2") for m in expected.get("meetings") or []]
    assert all(c is None or (isinstance(c, str) and len(c) == 2) for c in codes), codes
    values = [f.get("value") for f in expected.get("figures") or []]
    assert all(isinstance(v, int | float) for v in values), values


def test_every_fixture_has_expectations():
    """Every fixture report has an expectation file beside it."""
    orphans = [p.name for p in _inputs(REPORTS) if p.name.split(".", 1)[0] not in CASES]
    assert not orphans, f"fixtures without {SUFFIX}: {orphans}"


# --- bad inputs ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad(tmp_path_factory) -> dict[str, pl.DataFrame]:
    """The bad inputs, built once (the build itself must not raise)."""
    files = {p.name: p for p in _inputs(BAD)}
    return _build(files, tmp_path_factory.mktemp("bad_inputs"))


def test_bad_fixture_bytes():
    """The committed bad inputs are still as bad as intended (no editor has 'fixed' them)."""
    assert (BAD / "empty.txt").read_bytes() == b""
    noise = (BAD / "binary_noise.txt").read_bytes()
    assert len(noise) == 512 and b"\x00" in noise
    cp1252 = (BAD / "cp1252_brief.txt").read_bytes()
    assert b"Oekra\xefne" in cp1252 and b"\x80" in cp1252
    with pytest.raises(UnicodeDecodeError):
        cp1252.decode("utf-8")
    assert b"\x00" in (BAD / "nul_bytes.txt").read_bytes()
    assert not (BAD / "truncated.xml").read_text(encoding="utf-8").rstrip().endswith(">")


def test_bad_inputs_all_accounted_for(bad):
    """Every bad input is in documents or in rejects, exactly once."""
    problems = []
    for path in _inputs(BAD):
        docs = _by_file(bad, "documents", path.name)
        rejects = _by_file(bad, "rejects", path.name)
        if len(docs) + len(rejects) != 1:
            problems.append(f"{path.name}: {len(docs)} documents rows, {len(rejects)} rejects")
    assert not problems, "\n".join(problems)


def test_bad_rejects_have_readable_reasons(bad):
    """Every reject says why in words (not an empty string or a bare exception name)."""
    rows = bad["rejects"].to_dicts()
    assert rows, "no rejects at all from the bad inputs"
    unreadable = [
        r for r in rows if not re.search(r"[^\W\d_]{2,}\W+[^\W\d_]{2,}", r.get("reason") or "")
    ]
    assert not unreadable, f"rejects without a readable reason: {unreadable}"


def test_bad_empty_and_binary_are_rejected(bad):
    """An empty file and binary noise cannot be papers: both are rejects."""
    for file_name in ("empty.txt", "binary_noise.txt"):
        assert _by_file(bad, "rejects", file_name), f"{file_name} is not in rejects"
        assert not _by_file(bad, "documents", file_name), f"{file_name} is in documents"


def test_bad_cp1252_letter_is_decoded(bad):
    """A letter saved in cp1252 is read with its diacritics and euro sign intact."""
    rows = _by_file(bad, "documents", "cp1252_brief.txt")
    assert len(rows) == 1, "the cp1252 letter is not in documents"
    text = unicodedata.normalize("NFC", rows[0]["text"] or "")
    for word in ("Oekraïne", "België", "€ 150 miljoen"):
        assert word in text, f"{word!r} not in the decoded text"


def test_duplicate_file_is_one_document(tmp_path):
    """The same file under two names gives one documents row and one duplicate reject."""
    source = _source(CASES[0])
    names = {f"copy_a{source.suffix}", f"copy_b{source.suffix}"}
    tables = _build(dict.fromkeys(names, source), tmp_path)
    docs = [r for r in tables["documents"].to_dicts() if _file_name(r["source_path"]) in names]
    rejects = [r for r in tables["rejects"].to_dicts() if _file_name(r["source_path"]) in names]
    assert len(docs) == 1, f"{len(docs)} documents rows for two copies of one file"
    assert len(rejects) == 1, f"{len(rejects)} rejects for two copies of one file"
    assert re.search(r"duplica|dubbel", rejects[0]["reason"] or "", re.IGNORECASE), rejects[0]
