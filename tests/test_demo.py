"""The synthetic demo corpus: deterministic, realistic calendar, honest truth, clearly synthetic."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pycountry
import pytest
from lxml import etree

from etl.demo import calendar_plans, generate
from etl.demo.bank import TOPIC_IDS
from etl.demo.calendar import meetings
from etl.demo.vocab import SYNTHETIC_LINE, vergaderjaar
from etl.tables import DOC_KINDS, MEETING_TYPES, STANCES

DEMO = Path(__file__).resolve().parents[1] / "etl" / "demo"

# Surnames of real Dutch ministers of Foreign Affairs and Defence, prime ministers and NATO
# secretaries-general since 2003: none may appear in invented text.
REAL_NAMES = (
    "Balkenende",
    "Bot",
    "Verhagen",
    "Rosenthal",
    "Timmermans",
    "Koenders",
    "Zijlstra",
    "Blok",
    "Kaag",
    "Hoekstra",
    "Bruins Slot",
    "Veldkamp",
    "Van Weel",
    "Kamp",
    "Van der Knaap",
    "Van Middelkoop",
    "Hillen",
    "Hennis",
    "Plasschaert",
    "Bijleveld",
    "Ollongren",
    "Brekelmans",
    "Rutte",
    "Schoof",
    "Scheffer",
    "Stoltenberg",
    "Rasmussen",
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The calendar once (docs=0), seed 1."""
    out = tmp_path_factory.mktemp("demo")
    generate(0, out, 1)
    return out


def _docs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("kst-28676-*") if p.suffix in (".md", ".txt", ".xml"))


def _truth(doc: Path) -> dict:
    return json.loads(Path(f"{doc}.truth.json").read_text(encoding="utf-8"))


def _plain(doc: Path) -> str:
    """The text a reader sees: markup, note markers, page breaks and hyphenation undone."""
    raw = doc.read_text(encoding="utf-8")
    if doc.suffix == ".xml":
        root = etree.fromstring(raw.encode("utf-8"))
        for noot in list(root.iter("noot")):
            noot.getparent().remove(noot) if noot.tail is None else None
        for noot in list(root.iter("noot")):
            prev, parent = noot.getprevious(), noot.getparent()
            if prev is not None:
                prev.tail = (prev.tail or "") + (noot.tail or "")
            else:
                parent.text = (parent.text or "") + (noot.tail or "")
            parent.remove(noot)
        text = " ".join(root.itertext())
    else:
        text = re.sub(r"<sup>\d+</sup>|[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\*", "", raw)
        text = re.sub(r"\n\nTweede Kamer, vergaderjaar [^\n]*\n\n", "\n", text)
        text = re.sub(r"(\w)-\n\n(?:.*\n\n)*?(?=[a-zäëïöüé])", r"\1", text)  # page break
        text = re.sub(r"(\w)-\n(?=[a-zäëïöüé])", r"\1", text)  # line end
    return re.sub(r"\s+", " ", text)


def test_same_seed_same_bytes_other_seed_differs(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(40, a, 7)
    generate(40, b, 7)
    generate(40, c, 8)
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    assert files_a == files_b and len(files_a) == 3 * 40 + 1
    assert all((a / f).read_bytes() == (b / f).read_bytes() for f in files_a)
    texts_a = {f.name: f.read_bytes() for f in _docs(a)}
    texts_c = {f.name: f.read_bytes() for f in _docs(c)}
    assert sum(texts_a.get(n) != t for n, t in texts_c.items()) > 30


def test_rerun_with_fewer_docs_removes_stale_files(tmp_path: Path) -> None:
    generate(30, tmp_path, 1)
    generate(10, tmp_path, 1)
    assert len(_docs(tmp_path)) == 10


def test_calendar_has_the_real_summits() -> None:
    summits = {
        (m.start.year, m.place.name)
        for m in meetings()
        if m.mtype == "SUMMIT" and m.place is not None
    }
    expected = {
        (2004, "Istanbul"),
        (2005, "Brussel"),
        (2006, "Riga"),
        (2008, "Boekarest"),
        (2009, "Straatsburg"),
        (2010, "Lissabon"),
        (2012, "Chicago"),
        (2014, "Newport"),
        (2016, "Warschau"),
        (2017, "Brussel"),
        (2018, "Brussel"),
        (2019, "Londen"),
        (2021, "Brussel"),
        (2022, "Madrid"),
        (2023, "Vilnius"),
        (2024, "Washington"),
        (2025, "Den Haag"),
        (2026, "Ankara"),
    }
    assert expected <= summits
    by_year = Counter(m.start.year for m in meetings() if m.mtype in ("FMM", "INFORMAL_FMM"))
    assert all(by_year[y] >= 1 for y in range(2003, 2027))
    dmm = Counter(m.start.month for m in meetings() if m.mtype == "DMM" and not m.video)
    assert {2, 6, 10} <= set(dmm)
    videos = [m for m in meetings() if m.video]
    assert videos and all(m.place is None and m.start.year in (2020, 2021, 2022) for m in videos)


def test_vergaderjaar_turns_on_third_tuesday_of_september() -> None:
    assert vergaderjaar(date(2023, 9, 18)) == "2022-2023"
    assert vergaderjaar(date(2023, 9, 19)) == "2023-2024"
    assert vergaderjaar(date(2024, 1, 10)) == "2023-2024"


def test_truth_sidecars_follow_the_schema(corpus: Path) -> None:
    docs = _docs(corpus)
    assert len(docs) == len(calendar_plans())
    for doc in docs:
        t = _truth(doc)
        assert t["doc_id"] == f"kst-28676-{t['doc']['number']}" and t["doc"]["number"] >= 9001
        assert t["format"] in ("markdown", "text", "op_xml") and t["repeat"] == 0
        d = t["doc"]
        assert d["doc_kind"] in DOC_KINDS and d["dossier"] == "28676"
        date.fromisoformat(d["letter_date"])
        assert d["signatory"] and d["ministry"]
        for m in t["meetings"]:
            assert m["meeting_type"] in MEETING_TYPES
            assert date.fromisoformat(m["start_date"]) <= date.fromisoformat(m["end_date"])
            assert m["is_planned"] == (d["doc_kind"] == "geannoteerde_agenda")
            assert m["n_sessions"] is None or isinstance(m["n_sessions"], int)
            if m["country_iso2"] is not None:
                assert pycountry.countries.get(alpha_2=m["country_iso2"])
        assert (d["doc_kind"] == "other") == (t["meetings"] == [])
        assert set(t["topics"]) <= set(TOPIC_IDS)
        for b in t["bilaterals"]:
            assert b["country_iso2"] == "XK" or pycountry.countries.get(alpha_2=b["country_iso2"])
            assert b["country_iso2"] != "NL" and set(b["subjects"]) <= set(t["topics"])
        for f in t["figures"]:
            assert f["kind"] in ("amount", "percentage") and isinstance(f["value"], float)
            assert (f["currency"] in ("EUR", "USD")) == (f["kind"] == "amount")
            assert f["year"] is None or 2003 <= f["year"] <= 2040
        for p in t["positions"]:
            assert p["stance"] in STANCES and p["text"].endswith(".")
            assert set(p["topic_ids"]) <= set(t["topics"])
            assert p["is_planned"] == (d["doc_kind"] == "geannoteerde_agenda")


def test_every_document_says_it_is_synthetic(corpus: Path) -> None:
    for doc in _docs(corpus):
        data = doc.read_bytes()
        assert SYNTHETIC_LINE in data.decode("utf-8")
        meta = json.loads(Path(f"{doc}.meta.json").read_text(encoding="utf-8"))
        assert meta["is_synthetic"] is True and meta["generator"] == "etl demo"
        assert meta["sha256"] == hashlib.sha256(data).hexdigest()
        assert meta["identifier"] == _truth(doc)["doc_id"] and meta["seed"] == 1
        if doc.suffix == ".xml":
            root = etree.fromstring(data)
            assert root.xpath("metadata/meta[@name='navo.synthetic']/@content") == ["true"]


def test_formats_and_genre_variety(corpus: Path) -> None:
    docs = _docs(corpus)
    formats = Counter(_truth(d)["format"] for d in docs)
    assert set(formats) == {"markdown", "text", "op_xml"} and min(formats.values()) > 30
    kinds = Counter(_truth(d)["doc"]["doc_kind"] for d in docs)
    assert set(kinds) == set(DOC_KINDS)
    texts = [d.read_text(encoding="utf-8") for d in docs]
    assert any(t.startswith("Kamerbrief inzake") for t in texts)
    assert any(re.search(r"^\d\d-\d\d-200\d$", t, re.M) for t in texts)
    assert any("Oekraine" in t for t in texts) and any("Oekraïne" in t for t in texts)
    assert any("Navo" in t for t in texts) and any("<sup>1</sup>" in t for t in texts)
    assert any(re.search(r"\w-\n\n<sup>1</sup>", t) for t in texts)  # hyphen split by a note
    assert any(" jl." in t for t in texts) and any(" a.s." in t for t in texts)


def test_year_rollover_case_is_present(corpus: Path) -> None:
    """A January letter on a December meeting, named without its year in the cover."""
    found = 0
    for doc in _docs(corpus):
        t = _truth(doc)
        january = t["doc"]["letter_date"][5:7] == "01"
        if (
            january
            and t["meetings"]
            and t["meetings"][0]["start_date"][:4] < t["doc"]["letter_date"][:4]
        ):
            found += 1
    assert found >= 5


def test_beyond_the_calendar_repeats_with_variation(tmp_path: Path) -> None:
    size = len(calendar_plans())
    generate(size + 3, tmp_path, 1)
    docs = _docs(tmp_path)
    assert len(docs) == size + 3
    repeats = Counter(_truth(d)["repeat"] for d in docs)
    assert repeats == {0: size, 1: 3}
    first = {_truth(d)["doc"]["letter_date"]: d for d in docs if _truth(d)["repeat"] == 0}
    for d in docs:
        t = _truth(d)
        if t["repeat"] == 1:
            twin = _truth(first[t["doc"]["letter_date"]])
            assert (
                t["meetings"] == []
                or t["meetings"][0]["start_date"] == twin["meetings"][0]["start_date"]
            )
            assert d.read_bytes() != first[t["doc"]["letter_date"]].read_bytes()


def test_positions_appear_verbatim_in_their_text(corpus: Path) -> None:
    n = 0
    for doc in _docs(corpus):
        text = _plain(doc)
        for p in _truth(doc)["positions"]:
            assert p["text"] in text, (doc.name, p["text"])
            n += 1
    assert n > 500


def test_topics_move_with_the_eras(corpus: Path) -> None:
    share: dict[str, Counter] = {"early": Counter(), "late": Counter()}
    n = Counter()
    for doc in _docs(corpus):
        t = _truth(doc)
        era = "early" if t["doc"]["letter_date"] < "2014" else "late"
        n[era] += 1
        share[era].update(t["topics"])
        if t["doc"]["letter_date"] < "2019":
            assert "china" not in t["topics"]
    assert share["early"]["afghanistan"] / n["early"] > share["late"]["afghanistan"] / n["late"]
    assert share["late"]["ukraine"] / n["late"] > share["early"]["ukraine"] / n["early"]


def test_no_real_ministers_named(corpus: Path) -> None:
    pattern = re.compile(r"\b(" + "|".join(re.escape(n) for n in REAL_NAMES) + r")\b")
    for doc in _docs(corpus):
        hit = pattern.search(doc.read_text(encoding="utf-8"))
        assert hit is None, (doc.name, hit.group(0) if hit else "")


def test_generator_shares_nothing_with_the_extractor() -> None:
    banned = re.compile(r"^\s*(from|import)\s+etl\.(parse|extract|textutil|taxonomy|dates)\b", re.M)
    for src in DEMO.glob("*.py"):
        assert not banned.search(src.read_text(encoding="utf-8")), src.name
