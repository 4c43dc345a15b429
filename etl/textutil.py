"""Small text helpers shared by the parsers and extractors: folding, sentences, numbers."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch)[0]
        if base != ch and len(base) == 1:
            table[cp] = base
    table.update({ord("ß"): "s", ord("Æ"): "A", ord("æ"): "a", ord("Ø"): "O", ord("ø"): "o"})
    table.update({0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2014: "-"})
    table.update({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"', 0xA0: " ", 0x202F: " "})
    return table


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _fold_char(m: re.Match[str]) -> str:
    c = m.group()
    return _fold_table().get(ord(c), c)


def squash_spaces(text: str) -> str:
    """Every run of whitespace as one space, none at the ends (like re.sub(r"\\s+", " ", …))."""
    return " ".join(text.split())


def strip_accents(text: str) -> str:
    """Remove diacritics but keep case (same length)."""
    # str.translate looks up every character; texts are mostly ASCII, so replace only the rest
    return text if text.isascii() else _NON_ASCII.sub(_fold_char, text)


def fold(text: str) -> str:
    """Lowercase without diacritics, same length as the input ("Oekraïne" → "oekraine")."""
    return strip_accents(text).lower()


# Abbreviations after which a full stop does not end a sentence.
_ABBREV = {
    "jl",
    "a.s",
    "o.a",
    "bijv",
    "bv",
    "d.w.z",
    "m.b.t",
    "i.v.m",
    "t.a.v",
    "nr",
    "nrs",
    "blz",
    "mr",
    "dhr",
    "mevr",
    "drs",
    "dr",
    "ir",
    "prof",
    "ca",
    "resp",
    "incl",
    "excl",
    "e.d",
    "etc",
    "vgl",
    "zgn",
    "z.g.a",
    "mln",
    "mld",
    "mrd",
    "art",
    "jo",
    "d.c",
    "o.m",
    "e.a",
    "t.b.v",
    "m.n",
    "i.c.m",
    "i.h.k.v",
    "n.a.v",
    "t.o.v",
    "v.s",
    "st",
    "gen",
    "kol",
    "lt",
    "min",
}
_SENT_END = re.compile(r"[.!?](?:[\"'”’)\]]*)\s+(?=[\"'“‘(\[]?[A-ZÀ-Ý0-9])")
_INITIAL = re.compile(r"(?:[a-z]\.){0,5}[a-z]")


# cached: the document-type, meeting and sentence steps each split the same opening paragraphs
@lru_cache(maxsize=1024)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of each sentence of a paragraph; Dutch abbreviations and initials kept whole."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENT_END.finditer(text):
        dot = m.start()
        if text[dot] == ".":
            # the word before the full stop, within 40 characters (like re.search(r"(\S+)\.$"))
            before = text[max(start, dot - 40) : dot]
            if before and not before[-1].isspace():
                parts = before.rsplit(None, 1)
                token = parts[-1].lower().lstrip("(\"'“‘")
                # "o.a. Duitsland", "H.G.J. Bruins Slot", "nr. 448"
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
    return tuple(spans)


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping Dutch abbreviations and initials intact."""
    return [text[a:b] for a, b in sentence_spans(text)]


NUMBER_WORDS = {
    "een": 1,
    "één": 1,
    "eén": 1,
    "twee": 2,
    "drie": 3,
    "vier": 4,
    "vijf": 5,
    "zes": 6,
    "zeven": 7,
    "acht": 8,
    "negen": 9,
    "tien": 10,
    "elf": 11,
    "twaalf": 12,
    "dertien": 13,
    "veertien": 14,
    "vijftien": 15,
    "twintig": 20,
    "dertig": 30,
    "veertig": 40,
    "vijftig": 50,
    "honderd": 100,
}


def dutch_number(token: str) -> float | None:
    """Parse "2,5", "1.000", "1.250,75", "2.5" (English) or a Dutch number word."""
    t = token.strip().lower()
    if t in NUMBER_WORDS:
        return float(NUMBER_WORDS[t])
    t = t.replace(" ", "").replace("\u00a0", "")
    if not t or not re.fullmatch(r"[\d.,]+", t):
        return None
    if "," in t and "." in t:
        # whichever comes last is the decimal separator
        if t.rfind(",") > t.rfind("."):
            t = t.replace(".", "").replace(",", ".")
        else:
            t = t.replace(",", "")
    elif "," in t:
        t = t.replace(",", ".")  # Dutch decimal comma
    elif "." in t:
        parts = t.split(".")
        # "1.000" / "12.500.000" are thousands; "2.5" is an English decimal
        if all(len(p) == 3 for p in parts[1:]) and len(parts[0]) <= 3:
            t = t.replace(".", "")
    try:
        return float(t)
    except ValueError:
        return None
