"""Parsers: decoding, Markdown and plain-text structure, page-break repair, letter head."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.errors import Rejected
from etl.parse import parse_file, sniff_format
from etl.parse.decode import decode_text
from etl.parse.letter import RawBlock, join_hyphenated, ministry_from_title, repair_page_breaks
from etl.parse.markdown import clean_inline, markdown_blocks
from etl.parse.text import text_blocks
from etl.textutil import dutch_number, fold, sentences


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("hervor-", "mingen", "hervormingen"),
        ("bondge-", "noten", "bondgenoten"),
        ("NAVO-", "lidstaten", "NAVO-lidstaten"),
        ("defensie-", "uitgaven", "defensie-uitgaven"),
        ("zee-", "egel", "zee-egel"),
        ("2%-", "norm", "2%-norm"),
    ],
)
def test_join_hyphenated(left: str, right: str, joined: str) -> None:
    assert join_hyphenated(left, right) == joined


def test_page_break_with_footnote_between() -> None:
    blocks = [
        RawBlock("paragraph", "Nederland uitte waardering voor de hervor-", ["…"]),
        RawBlock("footnote", "Ter inzage gelegd.", ["…"], marker="1"),
        RawBlock("paragraph", "3", ["3"]),  # a page number left by the conversion
        RawBlock("paragraph", "mingen en gaf aan uit te kijken naar meer.", ["…"]),
        RawBlock("paragraph", "Een nieuwe alinea.", ["…"]),
    ]
    out = repair_page_breaks(blocks)
    kinds = [b.kind for b in out]
    assert kinds == ["paragraph", "footnote", "paragraph"]
    assert (
        out[0].text
        == "Nederland uitte waardering voor de hervormingen en gaf aan uit te kijken naar meer."
    )


def test_page_break_without_hyphen_joins_with_space() -> None:
    out = repair_page_breaks(
        [
            RawBlock("paragraph", "De ministers spraken over de", []),
            RawBlock("paragraph", "situatie in Oekraïne.", []),
        ]
    )
    assert [b.text for b in out] == ["De ministers spraken over de situatie in Oekraïne."]


def test_new_sentence_after_page_break_is_not_joined() -> None:
    out = repair_page_breaks(
        [
            RawBlock("paragraph", "Dat was het.", []),
            RawBlock("paragraph", "daarna volgde meer.", []),
        ]
    )
    assert len(out) == 2


def test_clean_inline_markdown() -> None:
    assert (
        clean_inline("de **Force of the Future**<sup>2</sup> en *invitee*")
        == "de Force of the Future en invitee"
    )
    assert clean_inline("zie [de brief](https://x.nl) \\*niet\\*") == "zie de brief *niet*"
    # unknown tags are text, kept as the author wrote them (the dashboard shows them as text)
    assert clean_inline("tekst <script>alert(1)</script>") == "tekst <script>alert(1)</script>"


def test_markdown_headings_and_footnotes() -> None:
    md = "## **Verslag**\n\nTekst hier.\n\n#### *Oekraïne*\n\nMeer tekst.\n\n<sup>1</sup> Kamerstuk 28 676, nr. 440.\n\n**Werksessie 2**\n\nSlot."
    blocks = markdown_blocks(md)
    assert [(b.kind, b.text) for b in blocks] == [
        ("heading", "Verslag"),
        ("paragraph", "Tekst hier."),
        ("heading", "Oekraïne"),
        ("paragraph", "Meer tekst."),
        ("footnote", "Kamerstuk 28 676, nr. 440."),
        ("heading", "Werksessie 2"),
        ("paragraph", "Slot."),
    ]
    assert blocks[4].marker == "1"


def test_inconsistent_heading_levels_are_repaired() -> None:
    md = (
        "Den Haag, 1 maart 2024\n\nHierbij het verslag van de NAVO-bijeenkomst.\n\n"
        "### **Werksessie 1: Oekraïne**\n\n#### *Steun*\n\nTekst een.\n\n"
        "#### **Werksessie 2: China**\n\nTekst twee.\n"
    )
    doc = parse_file(Path("x.md"), md.encode(), "0" * 64)
    last = [b for b in doc.blocks if b.text == "Tekst twee."][0]
    assert last.heading_path == ("Werksessie 2: China",)
    first = [b for b in doc.blocks if b.text == "Tekst een."][0]
    assert first.heading_path == ("Werksessie 1: Oekraïne", "Steun")


def test_plain_text_wrapped_lines_and_numbered_headings() -> None:
    txt = (
        "1. Inleiding\n\nDe ministers van Defensie kwamen bijeen in Brussel. Er werd gesproken\n"
        "over de hervor-\nming van de NAVO.\n\n2. Afghanistan\nDe ISAF-missie stond centraal.\n\n"
        "2.1 Uruzgan\n\nNederland benadrukte het belang.\n"
    )
    blocks = text_blocks(txt)
    assert [(b.kind, b.level) for b in blocks if b.kind == "heading"] == [
        ("heading", 1),
        ("heading", 1),
        ("heading", 2),
    ]
    para = [b for b in blocks if b.kind == "paragraph"][0]
    assert (
        para.text
        == "De ministers van Defensie kwamen bijeen in Brussel. Er werd gesproken over de hervorming van de NAVO."
    )


def test_old_style_letter_head() -> None:
    txt = (
        "Kamerbrief inzake verslag NAVO ministeriële bijeenkomst Defensie\n\nDatum 22-11-2006\n\n"
        "Hierbij zend ik u het verslag van de informele bijeenkomst van NAVO-ministers van Defensie.\n\n"
        "De Minister van Defensie,\n\nmr. drs. A.B. van der Voort\n"
    )
    doc = parse_file(Path("old.txt"), txt.encode(), "a" * 64)
    assert doc.title.startswith("Kamerbrief inzake verslag")
    assert doc.letter_date == date(2006, 11, 22)
    assert doc.vergaderjaar == "2006-2007"
    assert [(s.role, s.name) for s in doc.signatories] == [
        ("De Minister van Defensie", "mr. drs. A.B. van der Voort")
    ]
    assert doc.ministry == "Defensie"
    assert doc.doc_id == "doc-" + "a" * 12
    assert not any("van der Voort" in b.text for b in doc.blocks)


def test_two_signatures() -> None:
    txt = (
        "28 676\n\nNAVO\n\nNr. 500\n\nBRIEF VAN DE MINISTERS VAN BUITENLANDSE ZAKEN EN VAN DEFENSIE\n\n"
        "Den Haag, 3 maart 2025\n\nHierbij bieden wij u het verslag aan van de NAVO-bijeenkomst.\n\n"
        "De Minister van Buitenlandse Zaken,\nP.Q. Jansen\n\nDe Minister van Defensie,\nR.S. de Vries\n"
    )
    doc = parse_file(Path("two.txt"), txt.encode(), "b" * 64)
    assert [s.name for s in doc.signatories] == ["P.Q. Jansen", "R.S. de Vries"]
    assert doc.ministry == "Buitenlandse Zaken; Defensie"
    assert doc.doc_id == "kst-28676-500"


def test_ministry_from_title() -> None:
    assert (
        ministry_from_title("BRIEF VAN DE MINISTER VAN BUITENLANDSE ZAKEN") == "Buitenlandse Zaken"
    )
    assert ministry_from_title(
        "BRIEF VAN DE MINISTER VOOR BUITENLANDSE HANDEL EN ONTWIKKELINGSSAMENWERKING"
    ) == ("Buitenlandse Handel en Ontwikkelingssamenwerking")
    assert ministry_from_title("Kamerbrief inzake NAVO") is None


def test_decode_cp1252_and_bom() -> None:
    assert decode_text("Oekraïne".encode("cp1252")) == "Oekraïne"
    assert decode_text(b"\xef\xbb\xbfOekra\xc3\xafne") == "Oekraïne"
    assert decode_text("Oekraïne".encode("utf-16")) == "Oekraïne"
    assert decode_text(b"NAVO\x00 tekst") == "NAVO tekst"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"  \n\t", "empty"),
        (bytes(range(256)) * 4, "binary"),
        (b"\x81\x8d\x8f\x90" * 3, "undecodable"),
    ],
)
def test_decode_rejects(data: bytes, reason: str) -> None:
    with pytest.raises(Rejected, match=reason):
        decode_text(data)


def test_sniff_format() -> None:
    assert sniff_format(Path("a.xml"), b"<?xml version='1.0'?><x/>") == "op_xml"
    assert sniff_format(Path("a.txt"), b"<!DOCTYPE html><html>") == "html"
    assert sniff_format(Path("a.md"), b"# Kop") == "text_or_markdown"
    with pytest.raises(Rejected, match="PDF"):
        sniff_format(Path("a.bin"), b"%PDF-1.7 ...")


def test_sentences_keep_abbreviations() -> None:
    text = "De top in Washington D.C., gepland op 9 juli. Minister H.G.J. Bruins Slot sprak o.a. met Canada. Nr. 448 volgt."
    assert sentences(text) == [
        "De top in Washington D.C., gepland op 9 juli.",
        "Minister H.G.J. Bruins Slot sprak o.a. met Canada.",
        "Nr. 448 volgt.",
    ]


@pytest.mark.parametrize(
    ("token", "value"),
    [
        ("2,5", 2.5),
        ("1.000", 1000.0),
        ("12.500.000", 12500000.0),
        ("1.250,75", 1250.75),
        ("2.5", 2.5),
        ("twee", 2.0),
        ("x", None),
    ],
)
def test_dutch_number(token: str, value: float | None) -> None:
    assert dutch_number(token) == value


def test_fold_keeps_length() -> None:
    s = "Oekraïne – Israël ‘x’"
    assert fold(s) == "oekraine - israel 'x'"
    assert len(fold(s)) == len(s)


def test_taxonomy_validation() -> None:
    from etl.taxonomy import parse_taxonomy

    ok = parse_taxonomy("topics:\n  - {id: ukraine, patterns: ['oekrai\\w*', '\\bkyiv\\b']}\n")
    assert ok.find("De Oekraïense steun en Kyiv") == {"ukraine": ["oekraiense", "kyiv"]}
    for bad, message in [
        ("topics:\n  - {id: Ukraine, patterns: [x]}\n", "snake_case"),
        ("topics:\n  - {id: a, patterns: ['(']}\n", "bad pattern"),
        ("topics:\n  - {id: a, patterns: ['Oekraine']}\n", "lowercase"),
        ("topics:\n  - {id: a, patterns: []}\n", "no patterns"),
        ("topics:\n  - {id: a, patterns: [x]}\n  - {id: a, patterns: [y]}\n", "twice"),
    ]:
        with pytest.raises(ValueError, match=message):
            parse_taxonomy(bad)


def test_taxonomy_has_every_required_topic() -> None:
    from etl.tables import CORE_TOPIC_IDS
    from etl.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    assert set(CORE_TOPIC_IDS) <= set(taxonomy.ids())
    assert all(taxonomy.label(t, "nl") and taxonomy.label(t, "en") for t in taxonomy.ids())


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aZé²Ⅻ1_ -\n.") + [chr(0x0301)]), max_size=8))
def test_ends_hyphenated_is_the_regex_it_replaces(text: str) -> None:
    import re

    from etl.parse.letter import _ends_hyphenated

    assert _ends_hyphenated(text) == bool(re.search(r"[^\W\d_]-$", text))


def _sentence_spans_reference(text: str) -> list[tuple[int, int]]:
    """sentence_spans as first written (a regex for the word before each full stop)."""
    import re

    from etl.textutil import _ABBREV, _INITIAL, _SENT_END

    last_word = re.compile(r"(\S+)\.$")
    spans, start = [], 0
    for m in _SENT_END.finditer(text):
        if text[m.start()] == ".":
            word = last_word.search(text, max(start, m.start() - 40), m.start() + 1)
            if word:
                token = word.group(1).lower().lstrip("(\"'“‘")
                if token in _ABBREV or _INITIAL.fullmatch(token):
                    continue
        end = m.end()
        while end > start and text[end - 1].isspace():
            end -= 1
        spans.append((start, end))
        start = m.end()
    end = len(text.rstrip())
    if end > start:
        spans.append((start, end))
    return spans


_SENTENCE_PIECES = [
    "De",
    " minister",
    " o.a.",
    " nr.",
    " 448",
    ". ",
    ".  ",
    "\n",
    " H.G.J.",
    " Slot",
]
_SENTENCE_PIECES += [" (zie", " bijv.", "! ", "? ", ' "Ja."', " Duitsland", "\u00a0", "x" * 45, "."]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_SENTENCE_PIECES), max_size=16).map("".join))
def test_sentence_spans_is_the_reference(text: str) -> None:
    from etl.textutil import sentence_spans

    assert list(sentence_spans(text)) == _sentence_spans_reference(text)
