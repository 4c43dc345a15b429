"""Extractors on small letters written here, in the many shapes twenty years of reports take."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.errors import Rejected
from etl.extract import extract_all
from etl.parse import parse_file


def letter(
    body: str,
    *,
    letter_date: str = "20 maart 2011",
    title: str = "BRIEF VAN DE MINISTER VAN DEFENSIE",
    cover: str | None = None,
) -> dict[str, list[dict]]:
    """All rows extracted from a letter with the usual head, a covering sentence and `body`."""
    cover = cover or "Hierbij bied ik u het verslag aan van de bijeenkomst."
    text = (
        f"28 676\n\nNAVO\n\nNr. 999\n\n{title}\n\nAan de Voorzitter van de Tweede Kamer der Staten-Generaal\n\n"
        f"Den Haag, {letter_date}\n\n{cover}\n\nDe Minister van Defensie,\n\nA.B. Voorbeeld\n\n{body}\n"
    )
    return extract_all(parse_file(Path("letter.txt"), text.encode(), "c" * 64))


def one_meeting(rows: dict[str, list[dict]]) -> dict:
    assert len(rows["meetings"]) == 1, rows["meetings"]
    return rows["meetings"][0]


# -- meetings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cover", "letter_date", "expected"),
    [
        (
            "Hierbij bied ik u het verslag aan van de bijeenkomst van de NAVO-ministers van Defensie die op 9 en 10 maart jl. in Brussel plaatsvond.",
            "20 maart 2011",
            ("DMM", date(2011, 3, 9), date(2011, 3, 10), "Brussel", "BE"),
        ),
        (
            "Hierbij zend ik u het verslag van de informele bijeenkomst van NAVO-ministers van Defensie op 9 en 10 oktober jl. in Boedapest, Hongarije.",
            "20 oktober 2008",
            ("INFORMAL_DMM", date(2008, 10, 9), date(2008, 10, 10), "Boedapest", "HU"),
        ),
        (
            "Hierbij ontvangt u het verslag van de NAVO-ministers van Buitenlandse Zaken van 5 en 6 december jl. in Brussel.",
            "8 januari 2015",
            ("FMM", date(2014, 12, 5), date(2014, 12, 6), "Brussel", "BE"),
        ),
        (
            "Hierbij bied ik u het verslag aan van de NAVO-top die op 30 november en 1 december 2010 in Lissabon plaatsvond.",
            "10 december 2010",
            ("SUMMIT", date(2010, 11, 30), date(2010, 12, 1), "Lissabon", "PT"),
        ),
        (
            "Hierbij bied ik u het verslag aan van de videoconferentie van NAVO-ministers van Buitenlandse Zaken van 2 april jl.",
            "10 april 2020",
            ("FMM", date(2020, 4, 2), date(2020, 4, 2), None, None),
        ),
        (
            "Hierbij het verslag van de bijeenkomst van NAVO-defensieministers op 14 juni en de volgende dag in Brussel.",
            "1 juli 2016",
            ("DMM", date(2016, 6, 14), date(2016, 6, 15), "Brussel", "BE"),
        ),
        (
            "In aanloop naar de NAVO-top in Vilnius van 11 en 12 juli 2023 kwamen de ministers van Defensie op 15 en 16 juni jl. bijeen in Brussel; hierbij het verslag.",
            "26 juni 2023",
            ("DMM", date(2023, 6, 15), date(2023, 6, 16), "Brussel", "BE"),
        ),
    ],
)
def test_meeting_from_covering_sentence(cover: str, letter_date: str, expected: tuple) -> None:
    m = one_meeting(
        letter("De ministers spraken over de NAVO.", letter_date=letter_date, cover=cover)
    )
    assert (
        m["meeting_type"],
        m["start_date"],
        m["end_date"],
        m["city"],
        m["country_iso2"],
    ) == expected


def test_agenda_is_planned_and_future() -> None:
    rows = letter(
        "Nederland zal pleiten voor meer steun aan Oekraïne.",
        letter_date="20 april 2002",
        title="BRIEF VAN DE MINISTER VAN BUITENLANDSE ZAKEN",
        cover="Hierbij zend ik u de geannoteerde agenda voor de NAVO-top die van 3 tot en met 5 mei a.s. in Praag wordt gehouden.",
    )
    assert rows["documents"][0]["doc_kind"] == "geannoteerde_agenda"
    m = one_meeting(rows)
    assert (m["meeting_type"], m["start_date"], m["end_date"], m["city"], m["is_planned"]) == (
        "SUMMIT",
        date(2002, 5, 3),
        date(2002, 5, 5),
        "Praag",
        True,
    )
    assert [p["is_planned"] for p in rows["positions"]] == [True]
    assert rows["positions"][0]["stance"] == "calls_for"


def test_venue_from_report_when_cover_has_none() -> None:
    rows = letter(
        "Op 13 en 14 februari kwamen de NAVO-ministers van Defensie bijeen in Brussel.\n\n"
        "De volgende NAVO-top vindt plaats op 9 juli in Washington.",
        letter_date="20 februari 2024",
        cover="Hierbij bied ik u het verslag aan van de DMM van 13 en 14 februari jl.",
    )
    m = one_meeting(rows)
    assert (m["meeting_type"], m["start_date"], m["city"]) == ("DMM", date(2024, 2, 13), "Brussel")


def test_sessions_counted_from_text_or_headings() -> None:
    cover = (
        "Hierbij het verslag van de NAVO-ministers van Defensie van 9 en 10 maart jl. in Brussel."
    )
    m = one_meeting(letter("De bijeenkomst bestond uit vier werksessies.", cover=cover))
    assert m["n_sessions"] == 4
    m = one_meeting(
        letter("Sessie 1: Oekraïne\n\nTekst een.\n\nSessie 2: Rusland\n\nTekst twee.", cover=cover)
    )
    assert m["n_sessions"] == 2
    m = one_meeting(letter("De ministers spraken over Rusland.", cover=cover))
    assert m["n_sessions"] is None


def test_other_letter_has_no_meeting() -> None:
    rows = letter(
        "Het lid Jansen vroeg naar de bijdrage van Nederland aan de NAVO-norm van 2 procent.",
        cover="Hierbij beantwoord ik de vragen van het lid Jansen over de NAVO.",
    )
    assert rows["documents"][0]["doc_kind"] == "other"
    assert rows["meetings"] == []
    assert all(r["meeting_id"] is None for r in rows["figures"])


def test_unrelated_text_is_rejected() -> None:
    with pytest.raises(Rejected, match="not a NATO letter"):
        extract_all(
            parse_file(
                Path("recept.txt"), b"Appeltaart\n\nNeem 200 gram bloem en 3 appels.\n", "d" * 64
            )
        )


# -- bilaterals ----------------------------------------------------------------------------

MEETING = "Hierbij het verslag van de NAVO-top van 11 en 12 juli jl. in Vilnius."


@pytest.mark.parametrize(
    ("sentence", "countries"),
    [
        (
            "En marge van de top sprak de minister-president met de Britse premier en de Duitse bondskanselier over Oekraïne.",
            ["DE", "GB"],
        ),
        (
            "In de marge van de bijeenkomst sprak ik met mijn Duitse ambtgenoot over de oorlog in Oekraïne.",
            ["DE"],
        ),
        (
            "De minister had bilateraal overleg met zijn collega's uit Spanje, Noorwegen en Japan.",
            ["ES", "JP", "NO"],
        ),
        ("Voorafgaand aan de vergadering ontmoette de minister zijn Griekse ambtgenoot.", ["GR"]),
        (
            "En marge had de minister gesprekken met de ministers van Canada, Frankrijk, de VS en Zweden.",
            ["CA", "FR", "SE", "US"],
        ),
        (
            "En marge sprak de minister met Kosovo en het VK over de veiligheid in de regio.",
            ["GB", "XK"],
        ),
        ("In de marge vond een bijeenkomst van de NAVO-Rusland Raad plaats.", []),
        ("Bondgenoten spraken over de situatie in Oekraïne en Rusland.", []),
        ("Samen met Denemarken en Duitsland diende Nederland een non-paper in.", []),
        ("Ook pleitte Nederland voor bilaterale veiligheidsarrangementen met Oekraïne.", []),
    ],
)
def test_bilaterals(sentence: str, countries: list[str]) -> None:
    rows = letter(sentence, cover=MEETING)
    assert sorted(r["country_iso2"] for r in rows["bilaterals"]) == countries


def test_bilateral_subjects_from_next_sentence() -> None:
    rows = letter(
        "En marge sprak de minister met zijn Poolse ambtgenoot. Daarbij kwamen de oostflank en Rusland aan bod.",
        cover=MEETING,
    )
    (row,) = rows["bilaterals"]
    assert row["country_iso2"] == "PL"
    assert "russia" in row["subjects"]


# -- figures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Nederland draagt € 100 miljoen bij aan het fonds.", [("amount", 1e8, "EUR", None)]),
        ("Nederland draagt 100 miljoen euro bij in 2025.", [("amount", 1e8, "EUR", 2025)]),
        ("De VS stellen $ 1,5 miljard beschikbaar.", [("amount", 1.5e9, "USD", None)]),
        ("Het pakket bedraagt USD 40 billion.", [("amount", 4e10, "USD", None)]),
        ("Er is EUR 300 mln. voor 2024 gereserveerd.", [("amount", 3e8, "EUR", 2024)]),
        (
            "In 2024 draagt Nederland 2,5 miljard euro bij aan Oekraïne.",
            [("amount", 2.5e9, "EUR", 2024)],
        ),
        (
            "Bondgenoten besteden 2 procent van het bbp aan defensie.",
            [("percentage", 2.0, None, None)],
        ),
        ("Nederland besteedt twee procent aan defensie.", [("percentage", 2.0, None, None)]),
        ("De bijdrage stijgt naar 0,2 procent van het bbp.", [("percentage", 0.2, None, None)]),
        (
            "Het ging om 1.000 militairen van 32 bondgenoten op 9 juli 2024 in het kader van NATO 2030.",
            [],
        ),
        ("De Asia-Pacific 4-landen waren aanwezig in werksessie 3.", []),
        ("Nederland levert 3 F-16's en 1.200 granaten.", []),
    ],
)
def test_figures(sentence: str, expected: list[tuple]) -> None:
    rows = letter(sentence, cover=MEETING)
    got = [(r["kind"], r["value"], r["currency"], r["year"]) for r in rows["figures"]]
    assert got == expected


# -- positions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "stance", "actor"),
    [
        ("Ik heb gepleit voor meer steun aan Oekraïne.", "calls_for", "de minister"),
        ("Het kabinet steunt de toetreding van Finland en Zweden.", "supports", "het kabinet"),
        (
            "De minister-president benadrukte het belang van eenheid.",
            "emphasises",
            "de minister-president",
        ),
        ("Nederland maakte bezwaar tegen de formulering over kernwapens.", "objects", "Nederland"),
        (
            "Nederland uitte zorgen over de situatie in de Westelijke Balkan.",
            "concern",
            "Nederland",
        ),
        (
            "Nederland is voorstander van meer gemeenschappelijke financiering.",
            "supports",
            "Nederland",
        ),
        ("Nederland stelde voor om een gezamenlijke oefening te houden.", "proposes", "Nederland"),
        (
            "Wel heb ik benadrukt dat de 2%-norm voor Nederland een opgave is.",
            "emphasises",
            "de minister",
        ),
        (
            "De minister van Defensie riep bondgenoten op om munitie te leveren.",
            "calls_for",
            "de minister",
        ),
    ],
)
def test_positions(sentence: str, stance: str, actor: str) -> None:
    (row,) = letter(sentence, cover=MEETING)["positions"]
    assert (row["stance"], row["actor"], row["text"]) == (stance, actor, sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "De Britse premier benadrukte het belang van eenheid.",
        "Stoltenberg benadrukte dat Nederland een belangrijke bijdrage levert.",
        "De steun van Nederland werd door bondgenoten gewaardeerd.",
        "Bondgenoten verwelkomden de Nederlandse bijdrage.",
        "Zoals ik u eerder meldde, heeft de NAVO een nieuw concept.",
        "De bijeenkomst vond plaats in Nederland.",
        "De Oekraïense minister riep op tot meer luchtverdediging.",
    ],
)
def test_not_positions(sentence: str) -> None:
    assert letter(sentence, cover=MEETING)["positions"] == []


def test_co_actors() -> None:
    (row,) = letter("Nederland en Duitsland pleitten voor een sterkere oostflank.", cover=MEETING)[
        "positions"
    ]
    assert row["co_actors"] == ["Duitsland"]
    (row,) = letter(
        "Verschillende bondgenoten, waaronder Nederland, riepen op tot terughoudendheid.",
        cover=MEETING,
    )["positions"]
    assert row["co_actors"] == ["bondgenoten"]


def test_position_topics_fall_back_to_section() -> None:
    rows = letter("Afghanistan\n\nNederland benadrukte het belang van de missie.", cover=MEETING)
    (row,) = rows["positions"]
    assert row["topic_ids"] == ["afghanistan"]
    assert row["section"] == "Afghanistan"


# -- topics --------------------------------------------------------------------------------


def test_topics_survive_spelling() -> None:
    rows = letter(
        "De steun aan Oekraine bleef centraal. In Afganistan werd ISAF afgebouwd. "
        "Kernwapens en de INF-verdrag kwamen aan bod, net als cyberdreigingen.",
        cover=MEETING,
    )
    topics = {r["topic_id"] for r in rows["topics"]}
    assert {"ukraine", "afghanistan", "nuclear_deterrence", "arms_control", "cyber"} <= topics
    assert "climate_security" not in topics


@pytest.mark.parametrize("kind", ["SUMMIT", "DMM", "FMM"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_meeting_cue_quick_test_never_hides_a_match(kind: str, data: st.DataObject) -> None:
    """Every text a meeting-type cue matches contains one of the words tested before it."""
    from etl.extract.meetings import _CUES

    _, words, rx = next(c for c in _CUES if c[0] == kind)
    text = data.draw(st.from_regex(rx, fullmatch=True))
    assert any(w in text for w in words), text


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_talk_quick_test_never_hides_a_match(data: st.DataObject) -> None:
    """Every text the "a talk, not a stance" pattern matches contains one of its quick-test words."""
    from etl.extract.positions import _TALK, _TALK_WORDS

    text = data.draw(st.from_regex(_TALK, fullmatch=True))
    assert any(w in text for w in _TALK_WORDS), text
