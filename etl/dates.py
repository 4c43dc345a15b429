"""Dutch dates: "18 december 2023", "28–29 november 2023", "9 en 10 maart jl.", "22-11-2006"."""

from __future__ import annotations

import re
from datetime import date, timedelta

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "febr": 2,
    "maart": 3,
    "mrt": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augustus": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}
_MONTH_RE = r"(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|december|jan|febr?|mrt|apr|jun|jul|aug|sept?|okt|nov|dec)\.?"
_DASH = r"\s*(?:-|–|—|‑|tot\s+en\s+met|t/m|tot|en|&)\s*"

# "28 november 2023", "28 nov. 2023", "1 december" (year optional)
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_RE})(?:\s+(\d{{4}}))?", re.IGNORECASE)
# "28–29 november 2023", "9 en 10 maart", "3 tot en met 5 mei 2002"
DAY_RANGE = re.compile(
    rf"\b(\d{{1,2}}){_DASH}(\d{{1,2}})\s+({_MONTH_RE})(?:\s+(\d{{4}}))?", re.IGNORECASE
)
# "30 november en 1 december 2010", "30 november – 1 december"
CROSS_MONTH = re.compile(
    rf"\b(\d{{1,2}})\s+({_MONTH_RE})(?:\s+(\d{{4}}))?{_DASH}(\d{{1,2}})\s+({_MONTH_RE})(?:\s+(\d{{4}}))?",
    re.IGNORECASE,
)
NUMERIC = re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b")
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def month_number(token: str) -> int | None:
    """Month number of a Dutch month name or abbreviation."""
    return MONTHS.get(token.lower().rstrip("."))


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """The first complete date in `text` (with a year), Dutch written, numeric or ISO."""
    best: tuple[int, date] | None = None
    for m in DAY_MONTH.finditer(text):
        if m.group(3):
            d = _safe(int(m.group(3)), month_number(m.group(2)) or 0, int(m.group(1)))
            if d:
                best = (m.start(), d)
                break
    for rx, order in ((NUMERIC, "dmy"), (ISO, "ymd")):
        m = rx.search(text)
        if m and (best is None or m.start() < best[0]):
            a, b, c = (int(g) for g in m.groups())
            d = _safe(c, b, a) if order == "dmy" else _safe(a, b, c)
            if d:
                best = (m.start(), d)
    return best[1] if best else None


def resolve_year(month: int, day: int, ref: date | None, direction: str) -> date | None:
    """Year for a day and month written without one, relative to a reference date.

    direction "past" (jl., a report): the latest such date on or before ref + a week;
    "future" (a.s., an agenda): the earliest on or after ref - a week; "near": the closest.
    """
    if ref is None:
        return None
    candidates = [_safe(ref.year + k, month, day) for k in (-1, 0, 1)]
    candidates = [c for c in candidates if c]
    if not candidates:
        return None
    slack = timedelta(days=7)
    if direction == "past":
        ok = [c for c in candidates if c <= ref + slack]
        return max(ok) if ok else min(candidates)
    if direction == "future":
        ok = [c for c in candidates if c >= ref - slack]
        return min(ok) if ok else max(candidates)
    return min(candidates, key=lambda c: abs((c - ref).days))
