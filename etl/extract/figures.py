"""figures table: money amounts and percentages, normalised to value, currency and year."""

from __future__ import annotations

import re

from etl.extract.common import Analysis, MeetingRef
from etl.textutil import NUMBER_WORDS, dutch_number

_WORDS = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_NUM = rf"(?:\d{{1,3}}(?:[.\u00a0 ]\d{{3}})+(?:,\d+)?|\d+(?:[.,]\d+)?|{_WORDS})"
_SCALE = r"(?:miljoen|miljard|biljoen|mln\.?|mld\.?|mrd\.?|million|billion|bn\b|duizend|k\b)"
_CUR_PRE = r"(?:€|eur\b|euro\b|us\$|\$|usd\b|us-dollar\b|dollar\b)"
_CUR_POST = r"(?:euro\b|eur\b|€|dollars?\b|us-dollars?\b|amerikaanse dollars?\b|usd\b)"
SCALES = {
    "miljoen": 1e6,
    "mln": 1e6,
    "million": 1e6,
    "miljard": 1e9,
    "mld": 1e9,
    "mrd": 1e9,
    "billion": 1e9,
    "bn": 1e9,
    "biljoen": 1e12,
    "duizend": 1e3,
    "k": 1e3,
}
AMOUNT = re.compile(
    rf"(?P<pre>{_CUR_PRE})\s?(?P<n1>{_NUM})(?:\s?(?P<s1>{_SCALE}))?"
    # "2024 EUR 1,13 miljard": a currency followed by a number is that number's prefix
    rf"|(?<![\w,.])(?P<n2>{_NUM})\s?(?:(?P<s2>{_SCALE})\s?)?(?:(?:aan|in)\s)?(?P<post>{_CUR_POST})(?!\s?\d)",
)
PERCENT = re.compile(rf"(?<![\w,.])(?P<n>{_NUM})\s?(?:%|procent\b|pct\.?|percent\b)")
# "in 2024", "voor 2024", "per 2025", "tegen 2030": the year a figure is for
# ("sinds 1990" is not: it dates a comparison, not the figure)
YEAR = re.compile(
    r"\b(?:in|voor|per|tegen|vanaf|uiterlijk in|uiterlijk|over|tot|"
    r"(?:budget|begroting|begrotingsjaar|bijdrage|uitgaven)\s+(?:van|voor))\s+(?:het jaar\s+)?"
    r"((?:19|20)\d{2})\b(?![-–/]\d)",
)
_CLAUSE_END = re.compile(r"[;:]|\s[-–—]\s")
_PART_OF = re.compile(r"\b(?:waarvan|daarvan|inclusief|waaronder)\b[^,;]{0,20}$")
_DATE_BEFORE = re.compile(
    r"\b\d{1,2}\s+(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december)\s*$",
)


def _currency(token: str | None) -> str | None:
    if not token:
        return None
    t = token.lower()
    if "$" in t or "dollar" in t or "usd" in t:
        return "USD"
    return "EUR"


def _year_for(sentence: str, start: int, end: int, bounds: list[tuple[int, int]]) -> int | None:
    """The year named for a figure: the nearest "in 2024" after it, else one just before it."""
    nxt = min((s for s, _ in bounds if s > start), default=len(sentence))
    if clause := _CLAUSE_END.search(sentence, end, nxt):
        nxt = clause.start()
    prev = max((e for _, e in bounds if e <= start), default=0)
    after = [m for m in YEAR.finditer(sentence, end, nxt)]
    for m in after:
        if not _DATE_BEFORE.search(sentence[: m.start(1)]):
            return int(m.group(1))
    before = [m for m in YEAR.finditer(sentence, prev, start)]
    if before and start - before[-1].end() < 60:
        return int(before[-1].group(1))
    return None


def extract_figures(a: Analysis, meeting: MeetingRef) -> list[dict]:
    """Every amount of money and every percentage named in the text."""
    rows: list[dict] = []
    for s in a.sentences:
        # on folded text (lowercase, same length), and only where a pattern can match: an
        # amount names a currency, a percentage says it is one
        sentence, block, f = s.text, s.block, s.folded
        money = "€" in f or "$" in f or "eur" in f or "usd" in f or "dollar" in f
        percent = "%" in f or "procent" in f or "pct" in f or "percent" in f
        if not (money or percent):
            continue
        found: list[tuple[int, int, str, float, str | None, str]] = []
        for m in AMOUNT.finditer(f) if money else ():
            number = m.group("n1") or m.group("n2")
            value = dutch_number(number)
            if value is None:
                continue
            scale = (m.group("s1") or m.group("s2") or "").lower().rstrip(".")
            value *= SCALES.get(scale, 1.0)
            cur = _currency(m.group("pre") or m.group("post"))
            raw = sentence[m.start() : m.end()].strip()
            found.append((m.start(), m.end(), "amount", value, cur, raw))
        for m in PERCENT.finditer(f) if percent else ():
            value = dutch_number(m.group("n"))
            if value is not None:
                raw = sentence[m.start() : m.end()].strip()
                found.append((m.start(), m.end(), "percentage", value, None, raw))
        if not found:
            continue
        bounds = [(b, e) for b, e, *_ in found]
        fallback = a.section_topics(block)
        last_year: int | None = None
        for start, end, kind, value, cur, raw in sorted(found):
            year = _year_for(f, start, end, bounds)
            # "in 2025 3,5 miljard euro, waarvan 500 miljoen euro voor munitie": the part shares the year
            if year is None and _PART_OF.search(f[:start]):
                year = last_year
            last_year = year
            rows.append(
                {
                    "doc_id": a.doc.doc_id,
                    "meeting_id": meeting.meeting_id,
                    "kind": kind,
                    "value": value,
                    "currency": cur,
                    "year": year,
                    "raw": raw,
                    "topic_id": _nearest_topic(s.hits, start, fallback),
                    "evidence": sentence,
                    "paragraph_index": block.index,
                }
            )
    return rows


def _nearest_topic(hits: list[tuple[int, str]], pos: int, fallback: list[str]) -> str | None:
    """The topic named closest to the figure in its sentence (else the section's)."""
    if hits:
        return min(hits, key=lambda h: abs(h[0] - pos))[1]
    return fallback[0] if fallback else None
