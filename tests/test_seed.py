"""The one real report on hand (kst-28676-448): every fact in it must come out exactly."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from etl.build import build
from etl.store import read_tables

EXPECTED_POSITIONS = [
    ("waaronder Nederland, sprak teleurstelling uit", "concern"),
    ("en ook Nederland, benadrukten het belang van snelle toetreding", "emphasises"),
    ("riep Nederland andere bondgenoten op meer bij te dragen", "calls_for"),
    ("Ook pleitte Nederland voor voortgang", "calls_for"),
    ("Veel bondgenoten, waaronder Nederland, benadrukten dat de toekomst", "emphasises"),
    ("Nederland onderschreef dat Chinese activiteiten", "supports"),
    ("Nederland zou het verwelkomen als deze landen", "supports"),
    ("Nederland benadrukte in dit kader", "emphasises"),
    (
        "Samen met Denemarken, Duitsland en Italië diende Nederland hiertoe een non-paper in",
        "proposes",
    ),
    ("Nederland benadrukte voorts", "emphasises"),
    ("Nederland riep zowel richting Servië als Kosovo op tot de-escalatie", "calls_for"),
    ("Nederland uitte waardering voor de voortgang in de hervormingen", "supports"),
    ("Tot slot bracht Nederland de bijdrage van 2,5 miljard euro", "emphasises"),
]


@pytest.fixture(scope="module")
def seed_tables(
    seed_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, pl.DataFrame]:
    corpus = tmp_path_factory.mktemp("seed_corpus")
    shutil.copy(seed_path, corpus / seed_path.name)
    out = tmp_path_factory.mktemp("seed_out")
    build(corpus, out)
    return read_tables(out)


def test_document(seed_tables: dict[str, pl.DataFrame]) -> None:
    docs = seed_tables["documents"]
    assert docs.height == 1
    d = docs.row(0, named=True)
    assert d["doc_id"] == "kst-28676-448"
    assert (d["dossier"], d["number"], d["vergaderjaar"]) == ("28676", 448, "2023-2024")
    assert d["letter_date"] == date(2023, 12, 18)
    assert d["signatory"] == "H.G.J. Bruins Slot"
    assert d["signatory_role"] == "De Minister van Buitenlandse Zaken"
    assert d["ministry"] == "Buitenlandse Zaken"
    assert d["title"] == "BRIEF VAN DE MINISTER VAN BUITENLANDSE ZAKEN"
    assert d["doc_kind"] == "verslag"
    assert d["source_format"] == "markdown"
    assert d["is_synthetic"] is False
    # conversion damage repaired: the word split by a page break and a footnote is whole again
    assert "in de hervormingen en gaf aan" in d["text"]
    assert "bondgenoten en van de alliantie" in d["text"]
    assert "<sup>" not in d["text"] and "**" not in d["text"]
    assert "Ter vertrouwelijke inzage" not in d["text"]  # the footnote is not running text


def test_meeting(seed_tables: dict[str, pl.DataFrame]) -> None:
    meetings = seed_tables["meetings"]
    assert meetings.height == 1
    m = meetings.row(0, named=True)
    assert m["meeting_type"] == "FMM"
    assert (m["start_date"], m["end_date"]) == (date(2023, 11, 28), date(2023, 11, 29))
    assert (m["city"], m["country_iso2"], m["n_sessions"]) == ("Brussel", "BE", 3)
    assert m["meeting_id"] == "2023-11-28-fmm"
    assert m["is_planned"] is False


def test_bilaterals(seed_tables: dict[str, pl.DataFrame]) -> None:
    bil = seed_tables["bilaterals"]
    assert sorted(bil["country_iso2"].to_list()) == ["CA", "FR", "SE", "US"]
    for subjects in bil["subjects"].to_list():
        assert set(subjects) == {"middle_east", "ukraine"}
    assert bil["meeting_id"].unique().to_list() == ["2023-11-28-fmm"]


def test_figures(seed_tables: dict[str, pl.DataFrame]) -> None:
    figs = seed_tables["figures"].sort("kind", "value")
    got = [
        (r["kind"], r["value"], r["currency"], r["year"], r["topic_id"])
        for r in figs.iter_rows(named=True)
    ]
    assert got == [
        ("amount", 2.5e9, "EUR", 2024, "ukraine"),
        ("percentage", 2.0, None, None, "defence_spending"),
    ]


def test_positions(seed_tables: dict[str, pl.DataFrame]) -> None:
    pos = seed_tables["positions"]
    texts = pos["text"].to_list()
    assert len(texts) == len(EXPECTED_POSITIONS)
    for fragment, stance in EXPECTED_POSITIONS:
        matching = pos.filter(pl.col("text").str.contains(fragment, literal=True))
        assert matching.height == 1, fragment
        assert matching["stance"][0] == stance, fragment
    non_paper = pos.filter(pl.col("text").str.contains("non-paper", literal=True)).row(
        0, named=True
    )
    assert non_paper["co_actors"] == ["Denemarken", "Duitsland", "Italië"]
    group = pos.filter(pl.col("text").str.starts_with("Veel bondgenoten")).row(0, named=True)
    assert group["co_actors"] == ["bondgenoten"]
    assert set(pos["date"].to_list()) == {date(2023, 11, 28)}
    # what allies did without the Netherlands is not a Dutch position
    for sentence in (
        "Nagenoeg alle bondgenoten onderstreepten",
        "Bondgenoten waren het eens",
        "Ook wordt gepleit",
    ):
        assert not any(sentence in t for t in texts)


def test_topics(seed_tables: dict[str, pl.DataFrame]) -> None:
    topics = set(seed_tables["topics"]["topic_id"].to_list())
    expected = {
        "ukraine",
        "russia",
        "china",
        "indo_pacific",
        "defence_spending",
        "defence_industry",
        "western_balkans",
        "enlargement",
        "eu_nato",
        "middle_east",
        "hybrid_threats",
        "common_funding",
    }
    assert expected <= topics
    assert not topics & {
        "afghanistan",
        "terrorism",
        "nuclear_deterrence",
        "arms_control",
        "climate_security",
    }


def test_no_rejects(seed_tables: dict[str, pl.DataFrame]) -> None:
    assert seed_tables["rejects"].height == 0


def test_official_xml_of_the_seed_yields_the_same_facts(
    seed_tables: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    """The seed written by hand as KOOP's official XML gives the same rows as the Markdown seed."""
    corpus = tmp_path / "xml"
    corpus.mkdir()
    shutil.copy(Path(__file__).parent / "fixtures" / "koop" / "kst-28676-448.xml", corpus)
    build(corpus, tmp_path / "out")
    xml = read_tables(tmp_path / "out")
    assert xml["documents"]["source_format"].to_list() == ["op_xml"]
    same = {
        "documents": [
            "doc_id",
            "dossier",
            "number",
            "vergaderjaar",
            "letter_date",
            "signatory",
            "ministry",
            "doc_kind",
        ],
        "meetings": [
            "meeting_id",
            "meeting_type",
            "start_date",
            "end_date",
            "city",
            "country_iso2",
            "n_sessions",
        ],
        "bilaterals": ["country_iso2", "subjects"],
        "figures": ["kind", "value", "currency", "year", "raw", "topic_id"],
        "positions": ["text", "stance", "actor", "co_actors", "topic_ids"],
        "topics": ["topic_id"],
    }
    for table, columns in same.items():
        md_rows = seed_tables[table].select(columns).unique().sort(columns[0])
        xml_rows = xml[table].select(columns).unique().sort(columns[0])
        assert md_rows.sort(columns).equals(xml_rows.sort(columns)), table
