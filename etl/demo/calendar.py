"""The demo calendar 2003–2026: NATO meetings and the letters written about them.

Summits are the real ones (years, cities, dates); ministerials follow the usual rhythm (foreign
ministers in spring and early December, defence ministers in February, June and October), with
informal meetings in allies' cities and video conferences in 2020–2021. The calendar is fixed:
the seed only changes the wording of the letters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from etl.demo.vocab import City, city

FIRST_YEAR = 2003
LAST_YEAR = 2026
CUTOFF = date(2026, 11, 20)  # no letters dated after this (fixed, so output does not age)


@dataclass(frozen=True, slots=True)
class Meeting:
    """One NATO meeting: type, dates, place (None for a video conference)."""

    mtype: str  # FMM / DMM / SUMMIT / INFORMAL_FMM / INFORMAL_DMM / OTHER
    start: date
    end: date
    place: City | None
    video: bool = False
    extraordinary: bool = False
    jumbo: bool = False  # joint meeting of foreign and defence ministers
    alt_city: str = ""  # second city of a twin summit ("Kehl")

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def ministry(self) -> str:
        """Which ministry reports on it: BZ, DEF or BOTH."""
        if self.mtype in ("FMM", "INFORMAL_FMM"):
            return "BZ"
        if self.mtype in ("DMM", "INFORMAL_DMM"):
            return "DEF"
        return "BOTH"


@dataclass(frozen=True, slots=True)
class Plan:
    """One letter to write: its kind, date and meeting (None for an 'other' letter)."""

    kind: str  # verslag / geannoteerde_agenda / other
    letter_date: date
    meeting: Meeting | None
    ministry: str  # BZ / DEF / BOTH


def _d(y: int, m: int, d: int) -> date:
    return date(y, m, d)


# (start, end, city, country) of the real summits; None city: video.
SUMMITS: tuple[tuple[date, date, str, str, bool], ...] = (
    (_d(2004, 6, 28), _d(2004, 6, 29), "Istanbul", "TR", False),
    (_d(2005, 2, 22), _d(2005, 2, 22), "Brussel", "BE", False),
    (_d(2006, 11, 28), _d(2006, 11, 29), "Riga", "LV", False),
    (_d(2008, 4, 2), _d(2008, 4, 4), "Boekarest", "RO", False),
    (_d(2009, 4, 3), _d(2009, 4, 4), "Straatsburg", "FR", False),
    (_d(2010, 11, 19), _d(2010, 11, 20), "Lissabon", "PT", False),
    (_d(2012, 5, 20), _d(2012, 5, 21), "Chicago", "US", False),
    (_d(2014, 9, 4), _d(2014, 9, 5), "Newport", "GB", False),
    (_d(2016, 7, 8), _d(2016, 7, 9), "Warschau", "PL", False),
    (_d(2017, 5, 25), _d(2017, 5, 25), "Brussel", "BE", False),
    (_d(2018, 7, 11), _d(2018, 7, 12), "Brussel", "BE", False),
    (_d(2019, 12, 3), _d(2019, 12, 4), "Londen", "GB", False),
    (_d(2021, 6, 14), _d(2021, 6, 14), "Brussel", "BE", False),
    (_d(2022, 3, 24), _d(2022, 3, 24), "Brussel", "BE", True),
    (_d(2022, 6, 28), _d(2022, 6, 30), "Madrid", "ES", False),
    (_d(2023, 7, 11), _d(2023, 7, 12), "Vilnius", "LT", False),
    (_d(2024, 7, 9), _d(2024, 7, 11), "Washington", "US", False),
    (_d(2025, 6, 24), _d(2025, 6, 25), "Den Haag", "NL", False),
    (_d(2026, 7, 7), _d(2026, 7, 8), "Ankara", "TR", False),
)

# Spring meetings of foreign ministers: (start, end, city, country, informal); city "" = video.
SPRING_FMM: tuple[tuple[date, date, str, str, bool], ...] = (
    (_d(2003, 6, 3), _d(2003, 6, 4), "Madrid", "ES", False),
    (_d(2004, 4, 2), _d(2004, 4, 2), "Brussel", "BE", False),
    (_d(2005, 4, 20), _d(2005, 4, 21), "Vilnius", "LT", True),
    (_d(2006, 4, 27), _d(2006, 4, 28), "Sofia", "BG", True),
    (_d(2007, 4, 26), _d(2007, 4, 27), "Oslo", "NO", True),
    (_d(2008, 3, 6), _d(2008, 3, 6), "Brussel", "BE", False),
    (_d(2009, 3, 5), _d(2009, 3, 5), "Brussel", "BE", False),
    (_d(2010, 4, 22), _d(2010, 4, 23), "Tallinn", "EE", True),
    (_d(2011, 4, 14), _d(2011, 4, 15), "Berlijn", "DE", False),
    (_d(2012, 4, 18), _d(2012, 4, 19), "Brussel", "BE", False),
    (_d(2013, 4, 23), _d(2013, 4, 23), "Brussel", "BE", False),
    (_d(2014, 4, 1), _d(2014, 4, 2), "Brussel", "BE", False),
    (_d(2015, 5, 13), _d(2015, 5, 14), "Antalya", "TR", False),
    (_d(2016, 5, 19), _d(2016, 5, 20), "Brussel", "BE", False),
    (_d(2017, 3, 31), _d(2017, 3, 31), "Brussel", "BE", False),
    (_d(2018, 4, 27), _d(2018, 4, 27), "Brussel", "BE", False),
    (_d(2019, 4, 3), _d(2019, 4, 4), "Washington", "US", False),
    (_d(2020, 4, 2), _d(2020, 4, 2), "", "", False),
    (_d(2021, 3, 23), _d(2021, 3, 24), "Brussel", "BE", False),
    (_d(2022, 4, 6), _d(2022, 4, 7), "Brussel", "BE", False),
    (_d(2022, 5, 14), _d(2022, 5, 15), "Berlijn", "DE", True),
    (_d(2023, 4, 4), _d(2023, 4, 5), "Brussel", "BE", False),
    (_d(2023, 6, 1), _d(2023, 6, 2), "Oslo", "NO", True),
    (_d(2024, 4, 3), _d(2024, 4, 4), "Brussel", "BE", False),
    (_d(2024, 5, 30), _d(2024, 5, 31), "Praag", "CZ", True),
    (_d(2025, 4, 3), _d(2025, 4, 4), "Brussel", "BE", False),
    (_d(2025, 5, 14), _d(2025, 5, 15), "Antalya", "TR", True),
    (_d(2026, 4, 2), _d(2026, 4, 3), "Brussel", "BE", False),
    (_d(2026, 5, 21), _d(2026, 5, 22), "Helsingborg", "SE", True),
)

# Informal meetings of defence ministers in allies' cities: (year, month, city, country).
INFORMAL_DMM: tuple[tuple[int, int, str, str], ...] = (
    (2004, 10, "Poiana Brasov", "RO"),
    (2005, 2, "Nice", "FR"),
    (2006, 2, "Taormina", "IT"),
    (2007, 2, "Sevilla", "ES"),
    (2007, 10, "Noordwijk", "NL"),
    (2008, 2, "Vilnius", "LT"),
    (2008, 10, "Boedapest", "HU"),
    (2009, 2, "Krakau", "PL"),
    (2009, 10, "Bratislava", "SK"),
    (2010, 2, "Istanbul", "TR"),
    (2013, 10, "Brussel", "BE"),
    (2016, 2, "Brussel", "BE"),
)

VIDEO_DMM = (
    (_d(2020, 4, 15), _d(2020, 4, 15)),
    (_d(2020, 6, 17), _d(2020, 6, 18)),
    (_d(2020, 10, 22), _d(2020, 10, 23)),
    (_d(2021, 2, 17), _d(2021, 2, 18)),
)
VIDEO_FMM_DEC = (_d(2020, 12, 1), _d(2020, 12, 2))
VIDEO_SUMMIT = (_d(2022, 2, 25), _d(2022, 2, 25))
JUMBO = (_d(2010, 10, 14), _d(2010, 10, 14))


def _weekday_on_or_after(d: date, weekday: int) -> date:
    return d + timedelta(days=(weekday - d.weekday()) % 7)


def _working_day(d: date) -> date:
    """Letters are dated on working days."""
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def meetings() -> list[Meeting]:
    """Every meeting of the demo calendar, in date order."""
    rng = random.Random("navo-demo-calendar")  # fixed: the calendar does not vary by seed
    out: list[Meeting] = []
    for start, end, name, iso, extra in SUMMITS:
        alt = "Kehl" if name == "Straatsburg" else ""
        out.append(
            Meeting("SUMMIT", start, end, city(name, iso), extraordinary=extra, alt_city=alt)
        )
    out.append(Meeting("SUMMIT", *VIDEO_SUMMIT, None, video=True, extraordinary=True))
    for start, end, name, iso, informal in SPRING_FMM:
        if not name:
            out.append(Meeting("FMM", start, end, None, video=True))
        else:
            out.append(Meeting("INFORMAL_FMM" if informal else "FMM", start, end, city(name, iso)))
    informal_dmm = {(y, m): (n, i) for y, m, n, i in INFORMAL_DMM}
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        # December FMM in Brussels (2019: the London summit instead; 2022: Bucharest, November).
        if year == 2020:
            out.append(Meeting("FMM", *VIDEO_FMM_DEC, None, video=True))
        elif year == 2022:
            out.append(Meeting("FMM", _d(2022, 11, 29), _d(2022, 11, 30), city("Boekarest", "RO")))
        elif year == 2019:
            out.append(Meeting("FMM", _d(2019, 11, 20), _d(2019, 11, 20), city("Brussel", "BE")))
        elif year < LAST_YEAR:
            start = _weekday_on_or_after(_d(year, 12, rng.randint(1, 5)), rng.choice((1, 2, 3)))
            days = rng.choice((0, 1, 1))
            out.append(Meeting("FMM", start, start + timedelta(days=days), city("Brussel", "BE")))
        # Defence ministers: February, June, October.
        for month in (2, 6, 10):
            if year == 2020 or (year == 2021 and month == 2):
                continue  # video conferences, below
            if (year, month) in informal_dmm:
                name, iso = informal_dmm[(year, month)]
                start = _weekday_on_or_after(_d(year, month, rng.randint(5, 20)), 3)
                out.append(
                    Meeting("INFORMAL_DMM", start, start + timedelta(days=1), city(name, iso))
                )
                continue
            start = _weekday_on_or_after(_d(year, month, rng.randint(8, 20)), rng.choice((2, 3)))
            days = rng.choice((0, 1, 1, 1))
            out.append(Meeting("DMM", start, start + timedelta(days=days), city("Brussel", "BE")))
    for start, end in VIDEO_DMM:
        out.append(Meeting("DMM", start, end, None, video=True))
    out.append(Meeting("OTHER", *JUMBO, city("Brussel", "BE"), jumbo=True))
    out.sort(key=lambda m: (m.start, m.mtype))
    return out


def plans() -> list[Plan]:
    """Every letter of the calendar once, in order of letter date."""
    rng = random.Random("navo-demo-letters")
    out: list[Plan] = []
    for m in meetings():
        # Annotated agendas became the rule after about 2010.
        p_agenda = 0.25 if m.year < 2010 else 0.7
        if m.mtype == "SUMMIT" and m.year >= 2010:
            p_agenda = 0.95
        if m.video or m.extraordinary:
            p_agenda = 0.1
        if rng.random() < p_agenda:
            before = _working_day(m.start - timedelta(days=rng.randint(6, 16)))
            if before.weekday() >= 5 or before >= m.start:
                before = m.start - timedelta(days=7)
            out.append(Plan("geannoteerde_agenda", before, m, m.ministry))
        after = _working_day(m.end + timedelta(days=rng.randint(6, 34)))
        out.append(Plan("verslag", after, m, m.ministry))
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for _ in range(rng.choice((1, 1, 2))):
            d = _working_day(_d(year, rng.randint(1, 11), rng.randint(1, 28)))
            out.append(Plan("other", d, None, rng.choice(("BZ", "DEF", "BOTH", "BZ"))))
    out = [p for p in out if p.letter_date <= CUTOFF]
    out.sort(key=lambda p: (p.letter_date, p.kind, p.meeting.start if p.meeting else p.letter_date))
    return out
