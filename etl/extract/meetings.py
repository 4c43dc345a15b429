"""meetings table: which NATO meeting a letter reports on (or prepares), when, where, how long."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from etl.dates import CROSS_MONTH, DAY_MONTH, DAY_RANGE, month_number, resolve_year
from etl.extract.common import MeetingRef
from etl.geo import gazetteer
from etl.model import Document
from etl.textutil import NUMBER_WORDS, fold, sentences

# Meeting-type cues, on folded text. Order matters only for equal positions.
_INFORMAL = re.compile(r"\binformele?\b|\binformal\b|\bgymnich\b")
_JOINT = re.compile(
    r"ministers? van (?:buitenlandse zaken en (?:van )?defensie|defensie en (?:van )?buitenlandse zaken)"
    r"|\bjumbo\b|foreign and defen[cs]e ministers"
)
# (type, words one of which every match contains — a quick test before the pattern, pattern)
_CUES: list[tuple[str, tuple[str, ...], re.Pattern[str]]] = [
    (
        "SUMMIT",
        ("top", "summit", "regeringsleiders", "staatshoofden"),
        re.compile(
            r"\b(?:navo|nato)[- ]?top\w*|\btop(?:ontmoeting)? van\b|\bsummit\b|"
            r"\bregeringsleiders\b|staatshoofden|\bde top\b|\btop in\b|\btop te\b"
        ),
    ),
    (
        "DMM",
        ("defensie", "defence", "defense", "dmm"),
        re.compile(
            r"ministers? van defensie|defensieministers?|defen[cs]e ministers?|"
            r"\bdmm\b|defensieministeriele|ministeriele (?:bijeenkomst|vergadering) (?:van|voor) defensie|"
            r"navo-defensieminister"
        ),
    ),
    (
        "FMM",
        ("buitenland", "foreign", "fmm"),
        re.compile(
            r"ministers? van buitenlandse zaken|buitenlandministers?|foreign ministers?|"
            r"\bfmm\b|ministers of foreign affairs|navo-ministers van buitenlandse"
        ),
    ),
]
_GENERIC = re.compile(
    r"bijeenkomst|vergadering|\btop\b|meeting|ministeriele|\boverleg\b|conferentie|\braad\b|"
    r"videoconferentie|sessie"
)
_VIDEO = re.compile(
    r"video[- ]?(?:conferentie|verbinding|call)|virtuele?\b|\bper video\b|digitale bijeenkomst|\bonline\b"
)
_HQ = re.compile(r"(?:navo|nato)-?hoofdkwartier|hoofdkwartier van de (?:navo|nato)")
_VENUE_VERB = re.compile(r"bijeen|plaats|gehouden|\bvond\b|kwamen|\bte\b|\bin\b")
_NEXT_DAY = re.compile(
    r"^\s*(?:jl\.|a\.s\.)?[\s,]*(?:en|tot en met)?\s*(?:de|op de)\s+(?:volgende dag|dag daarna|dag erna)"
)
_SESSIONS = re.compile(
    r"\b(\d{1,2}|" + "|".join(NUMBER_WORDS) + r")\s+(?:\w+\s+)?(?:werk)?sessies\b"
)
# "één sessie" (the accent makes it a count), "bestond uit een sessie"
_ONE_SESSION = re.compile(
    r"\b(?:één|1)\s+(?:\w+\s+)?(?:werk)?sessie\b|"
    r"\b(?:bestond|bestaat|omvatte)\s+uit\s+een\s+(?:\w+\s+)?(?:werk)?sessie\b"
)
_SESSION_HEADING = re.compile(
    r"^(?:werk)?sessie\s*(\d{1,2})\b|^(eerste|tweede|derde|vierde|vijfde|zesde) (?:werk)?sessie"
)
_ORDINALS = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5, "zesde": 6}


@dataclass(frozen=True, slots=True)
class DateSpan:
    start: date
    end: date
    pos: int


def _year(y: str | None, month: int, day: int, ref: date | None, direction: str) -> date | None:
    if y:
        try:
            return date(int(y), month, day)
        except ValueError:
            return None
    return resolve_year(month, day, ref, direction)


def find_dates(text: str, ref: date | None, direction: str) -> list[DateSpan]:
    """Dates and date ranges in a sentence, years resolved against the letter date."""
    spans: list[DateSpan] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= x or a >= y for x, y in taken)

    for m in CROSS_MONTH.finditer(text):
        m1, m2 = month_number(m.group(2)), month_number(m.group(5))
        if not (m1 and m2):
            continue
        year2 = m.group(6) or m.group(3)
        end = _year(year2, m2, int(m.group(4)), ref, direction)
        start = _year(
            m.group(3) or (str(end.year - (1 if m1 > m2 else 0)) if end else None),
            m1,
            int(m.group(1)),
            ref,
            direction,
        )
        if start and end and start <= end:
            spans.append(DateSpan(start, end, m.start()))
            taken.append(m.span())
    for m in DAY_RANGE.finditer(text):
        if not free(*m.span()):
            continue
        month = month_number(m.group(3))
        if not month:
            continue
        end = _year(m.group(4), month, int(m.group(2)), ref, direction)
        start = _year(str(end.year) if end else None, month, int(m.group(1)), ref, direction)
        if start and end and start <= end and (end - start).days <= 7:
            spans.append(DateSpan(start, end, m.start()))
            taken.append(m.span())
    for m in DAY_MONTH.finditer(text):
        if not free(*m.span()):
            continue
        month = month_number(m.group(2))
        d = _year(m.group(3), month, int(m.group(1)), ref, direction) if month else None
        if d:
            end = d + timedelta(days=1) if _NEXT_DAY.match(text[m.end() :]) else d
            spans.append(DateSpan(d, end, m.start()))
            taken.append(m.span())
    return sorted(spans, key=lambda s: s.pos)


def meeting_type(folded: str) -> str | None:
    """FMM/DMM/SUMMIT/INFORMAL_*/OTHER from the last type cue in a folded text."""
    if _JOINT.search(folded):
        return "OTHER"
    found = [
        (m.start(), kind)
        for kind, words, rx in _CUES
        if any(w in folded for w in words)
        for m in rx.finditer(folded)
    ]
    if not found:
        return None
    pos, kind = max(found)
    # "informele bijeenkomst van NAVO-ministers van Defensie": the adjective comes first
    if kind in ("FMM", "DMM") and _INFORMAL.search(folded[max(0, pos - 80) : pos + 60]):
        return f"INFORMAL_{kind}"
    return kind


def _plausible(span: DateSpan, letter_date: date | None, doc_kind: str) -> bool:
    """A report is about a meeting before its letter; an agenda about one after (a week's slack)."""
    if letter_date is None:
        return True
    if doc_kind == "verslag":
        return span.start <= letter_date + timedelta(days=1)
    if doc_kind == "geannoteerde_agenda":
        return span.end >= letter_date - timedelta(days=7)
    return True


def _anchor_sentences(doc: Document) -> list[str]:
    """Sentences that may name the meeting, most telling first: title, covering letter, report start."""
    out: list[str] = []
    if doc.title:
        out.append(doc.title)
    cover = [b for b in doc.blocks if b.part == "cover" and b.kind != "heading"]
    for b in cover[:4]:
        out.extend(sentences(b.text))
    body = [b for b in doc.blocks if b.part == "body"]
    out.extend(b.text for b in body[:6] if b.kind == "heading")
    for b in [b for b in body if b.kind != "heading"][:3]:
        out.extend(sentences(b.text)[:3])
    return out


def _place(sentence: str, near: int = 0) -> tuple[str | None, str | None]:
    """(city, ISO-2) named as the venue in a sentence: the first after `near`, else the last before."""
    gaz = gazetteer()
    cities = gaz.cities(sentence)
    if cities:
        after = [c for c in cities if c[0] >= near]
        _, city, iso2 = after[0] if after else cities[-1]
        return city, iso2
    # "in Boedapest, Hongarije": an unlisted city followed by its country
    m = re.search(r"\bin ([A-Z][\w'-]+(?: [A-Z][\w'-]+)?),? ((?:de |het )?[A-Z][\w-]+)", sentence)
    if m:
        countries = gaz.countries(m.group(2))
        if countries:
            return m.group(1), countries[0].iso2
    if _HQ.search(fold(sentence)):
        return "Brussel", "BE"
    return None, None


def _sessions(doc: Document) -> int | None:
    """How many working sessions the text says there were (else the numbered session headings)."""
    for b in doc.blocks:
        if b.part == "header" or b.kind == "heading" or "sessie" not in (low := b.text.lower()):
            continue
        if m := _SESSIONS.search(fold(b.text)):
            word = m.group(1)
            return int(word) if word.isdigit() else NUMBER_WORDS.get(word)
        if _ONE_SESSION.search(low):
            return 1
    numbers: set[int] = set()
    for b in doc.blocks:
        if b.kind != "heading" or "sessie" not in b.text.lower():
            continue
        if m := _SESSION_HEADING.match(fold(b.text)):
            numbers.add(int(m.group(1)) if m.group(1) else _ORDINALS[m.group(2)])
    return max(numbers) if numbers else None


def meeting_id(meeting_type_: str, start: date | None, doc_id: str) -> str:
    """Shared id of a meeting: the agenda and the report of one meeting get the same one."""
    if start is None:
        return f"{doc_id}-meeting"
    return f"{start.isoformat()}-{meeting_type_.lower().replace('_', '-')}"


def extract_meetings(doc: Document, doc_kind: str) -> list[dict]:
    """The meeting a report or agenda is about (none for other letters)."""
    if doc_kind == "other":
        return []
    direction = "future" if doc_kind == "geannoteerde_agenda" else "past"
    anchors = _anchor_sentences(doc)
    chosen: tuple[str, DateSpan] | None = None
    kind: str | None = None
    for s in anchors:
        f = fold(s)
        here = "past" if "jl." in f else "future" if "a.s." in f else direction
        if not (meeting_type(f) or _GENERIC.search(f)):
            continue
        dates = [
            d
            for d in find_dates(s, doc.letter_date, here)
            if _plausible(d, doc.letter_date, doc_kind)
        ]
        if dates:
            chosen = (s, dates[0])
            # the type cue that stands closest before the date names this meeting
            kind = meeting_type(f[: dates[0].pos + 1]) or meeting_type(f)
            break
    if chosen is None:
        return []
    sentence, span = chosen
    if kind is None:
        # the title names the ministry, not the meeting: it comes last, via doc.ministry
        kind = next(
            (t for s in anchors[1 if doc.title else 0 :] if (t := meeting_type(fold(s)))), None
        )
    if kind is None:
        ministry = fold(doc.ministry or "")
        if "defensie" in ministry and "buitenlandse" not in ministry:
            kind = "DMM"
        else:
            kind = "FMM" if "buitenlandse" in ministry else "OTHER"
    # The venue: in the anchor sentence, else in the first sentences about the meeting
    city, iso2 = (None, None)
    video = bool(_VIDEO.search(fold(sentence)))
    if not video:
        city, iso2 = _place(sentence, near=span.pos)
        if city is None:
            for s in anchors[anchors.index(sentence) + 1 :]:
                f = fold(s)
                if _VIDEO.search(f) and (meeting_type(f) or _GENERIC.search(f)):
                    video = True
                    break
                if _VENUE_VERB.search(f) and (
                    meeting_type(f) == kind or _GENERIC.search(f) or "bijeen" in f
                ):
                    other_dates = find_dates(s, doc.letter_date, direction)
                    if other_dates and other_dates[0].start != span.start:
                        continue  # a different meeting
                    city, iso2 = _place(s)
                    if city:
                        break
    return [
        {
            "meeting_id": meeting_id(kind, span.start, doc.doc_id),
            "doc_id": doc.doc_id,
            "meeting_type": kind,
            "start_date": span.start,
            "end_date": span.end,
            "city": city,
            "country_iso2": iso2,
            "n_sessions": _sessions(doc),
            "is_planned": doc_kind == "geannoteerde_agenda",
            "evidence": sentence,
        }
    ]


def meeting_ref(meetings: list[dict]) -> MeetingRef:
    """The first meeting's id and date, for the rows of the other tables."""
    if not meetings:
        return MeetingRef(None, None)
    return MeetingRef(meetings[0]["meeting_id"], meetings[0]["start_date"])
