"""Words the demo generator writes with: countries, cities, dates, numbers, invented ministers.

Written for the generator alone (the extractor has its own lists; sharing them would let the
extractor pass its own exam).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


@dataclass(frozen=True, slots=True)
class Country:
    """A country as the letters write it: name, short name, adjective, ISO code, NATO entry."""

    iso2: str
    name: str  # "Duitsland", "de Verenigde Staten"
    adj: str  # "Duitse"
    short: str = ""  # "de VS"
    joined: int = 0  # year of NATO membership, 0 for partners
    plural: bool = False  # "de VS pleitten"


COUNTRIES: tuple[Country, ...] = (
    Country("US", "de Verenigde Staten", "Amerikaanse", "de VS", 1949, True),
    Country("GB", "het Verenigd Koninkrijk", "Britse", "het VK", 1949),
    Country("DE", "Duitsland", "Duitse", "", 1955),
    Country("FR", "Frankrijk", "Franse", "", 1949),
    Country("IT", "Italië", "Italiaanse", "", 1949),
    Country("ES", "Spanje", "Spaanse", "", 1982),
    Country("PT", "Portugal", "Portugese", "", 1949),
    Country("BE", "België", "Belgische", "", 1949),
    Country("LU", "Luxemburg", "Luxemburgse", "", 1949),
    Country("DK", "Denemarken", "Deense", "", 1949),
    Country("NO", "Noorwegen", "Noorse", "", 1949),
    Country("IS", "IJsland", "IJslandse", "", 1949),
    Country("CA", "Canada", "Canadese", "", 1949),
    Country("TR", "Turkije", "Turkse", "", 1952),
    Country("GR", "Griekenland", "Griekse", "", 1952),
    Country("PL", "Polen", "Poolse", "", 1999),
    Country("CZ", "Tsjechië", "Tsjechische", "", 1999),
    Country("HU", "Hongarije", "Hongaarse", "", 1999),
    Country("EE", "Estland", "Estse", "", 2004),
    Country("LV", "Letland", "Letse", "", 2004),
    Country("LT", "Litouwen", "Litouwse", "", 2004),
    Country("SK", "Slowakije", "Slowaakse", "", 2004),
    Country("SI", "Slovenië", "Sloveense", "", 2004),
    Country("RO", "Roemenië", "Roemeense", "", 2004),
    Country("BG", "Bulgarije", "Bulgaarse", "", 2004),
    Country("AL", "Albanië", "Albanese", "", 2009),
    Country("HR", "Kroatië", "Kroatische", "", 2009),
    Country("ME", "Montenegro", "Montenegrijnse", "", 2017),
    Country("MK", "Noord-Macedonië", "Noord-Macedonische", "", 2020),
    Country("FI", "Finland", "Finse", "", 2023),
    Country("SE", "Zweden", "Zweedse", "", 2024),
)
PARTNERS: tuple[Country, ...] = (
    Country("UA", "Oekraïne", "Oekraïense"),
    Country("GE", "Georgië", "Georgische"),
    Country("JP", "Japan", "Japanse"),
    Country("AU", "Australië", "Australische"),
    Country("NZ", "Nieuw-Zeeland", "Nieuw-Zeelandse"),
    Country("KR", "Zuid-Korea", "Zuid-Koreaanse"),
    Country("AT", "Oostenrijk", "Oostenrijkse"),
    Country("CH", "Zwitserland", "Zwitserse"),
)
BY_ISO: dict[str, Country] = {c.iso2: c for c in COUNTRIES + PARTNERS}


def allies(year: int) -> list[Country]:
    """Allies other than the Netherlands in a year (member from their joining year on)."""
    return [c for c in COUNTRIES if c.joined and c.joined <= year]


def bilateral_partners(year: int) -> list[Country]:
    """Countries a Dutch minister could meet at a NATO meeting in a year."""
    out = allies(year)
    if year < 2023:
        out += [BY_ISO["FI"], BY_ISO["SE"]] if year >= 2014 else []
    elif year == 2023:
        out.append(BY_ISO["SE"])
    if year >= 2014:
        out.append(BY_ISO["UA"])
    if year >= 2008:
        out.append(BY_ISO["GE"])
    if year >= 2020:
        out += [BY_ISO[i] for i in ("JP", "AU", "NZ", "KR")]
    if 2010 <= year < 2020:
        out += [BY_ISO["AT"], BY_ISO["CH"]]
    return out


@dataclass(frozen=True, slots=True)
class City:
    """A meeting place: the Dutch name as written, and its country."""

    name: str
    iso2: str
    country_name: str


def city(name: str, iso2: str) -> City:
    """A City with its Dutch country name."""
    if iso2 == "NL":
        return City(name, iso2, "Nederland")
    return City(name, iso2, BY_ISO[iso2].name)


# Numbers written as words (counts of sessions, and now and then a figure).
NUM_WORDS = {
    1: "een",
    2: "twee",
    3: "drie",
    4: "vier",
    5: "vijf",
    6: "zes",
    7: "zeven",
    8: "acht",
    9: "negen",
    10: "tien",
    20: "twintig",
}
ORDINALS = {1: "eerste", 2: "tweede", 3: "derde", 4: "vierde", 5: "vijfde", 6: "zesde"}


def dutch_number(x: float, decimals: int | None = None) -> str:
    """A number in Dutch notation: "2,5", "1.200", "0,25"."""
    if decimals is None:
        decimals = 0 if float(x).is_integer() else len(f"{x:.6g}".split(".")[1])
    s = f"{x:,.{decimals}f}"
    return s.replace(",", "_").replace(".", ",").replace("_", ".")


def long_date(d: date, year: bool = True) -> str:
    """ "9 maart 2023" (or without the year)."""
    s = f"{d.day} {MONTHS[d.month - 1]}"
    return f"{s} {d.year}" if year else s


def numeric_date(d: date) -> str:
    """ "22-11-2006", as the ministry's old web pages dated letters."""
    return f"{d.day:02d}-{d.month:02d}-{d.year}"


def vergaderjaar(d: date) -> str:
    """The parliamentary year of a date: it starts on the third Tuesday of September."""
    first = date(d.year, 9, 1)
    third_tuesday = first + timedelta(days=(1 - first.weekday()) % 7 + 14)
    start = d.year if d >= third_tuesday else d.year - 1
    return f"{start}-{start + 1}"


def strip_diacritics(text: str) -> str:
    """ "Oekraïne" → "Oekraine", as some older plain-text conversions have it."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# Invented ministers per period (never real names). (first year, last year, initials name).
MINISTERS_BZ: tuple[tuple[int, int, str], ...] = (
    (2003, 2006, "J.P. van Houtem"),
    (2007, 2009, "M.A. Terbrugge"),
    (2010, 2012, "E.C. Lindeboom-Vis"),
    (2013, 2016, "R.W. Okkerse"),
    (2017, 2018, "H.J. de Wiltenburg"),
    (2019, 2021, "A.M. Scholtenhuis"),
    (2022, 2023, "F.L. van Dijkgraaf-Ramaker"),
    (2024, 2026, "C.W. Brandsema"),
)
MINISTERS_DEF: tuple[tuple[int, int, str], ...] = (
    (2003, 2006, "G.H. Poelstra"),
    (2007, 2009, "T.E. Vermeulen-Oosting"),
    (2010, 2012, "B.J. Ackerboom"),
    (2013, 2017, "S.K. Hoefnagel"),
    (2018, 2021, "W.P. Zandbergen"),
    (2022, 2023, "L.M. van Esveld"),
    (2024, 2026, "D.R. Kuipersma"),
)


def minister(table: tuple[tuple[int, int, str], ...], year: int) -> str:
    """The invented minister in office in a year."""
    for first, last, name in table:
        if first <= year <= last:
            return name
    return table[-1][2]


def surname(name: str) -> str:
    """ "J.P. van Houtem" → "Van Houtem" (as in "minister Van Houtem")."""
    rest = name.split(" ", 1)[1]
    return rest[0].upper() + rest[1:]


SYNTHETIC_LINE = "[SYNTHETISCH DEMODOCUMENT – verzonnen tekst voor de demo van het NAVO-dashboard]"
