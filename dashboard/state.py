"""The whole view state, read from and written to the URL (path + query string), validated."""

from __future__ import annotations

import calendar
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, quote

import pycountry

from dashboard.i18n import LANGS

# path → view name. The documents view also shows one document (?doc=…).
VIEWS: dict[str, str] = {
    "/": "overview",
    "/topics": "topics",
    "/positions": "positions",
    "/bilaterals": "bilaterals",
    "/budget": "budget",
    "/meetings": "meetings",
    "/documents": "documents",
}
MEETING_TYPES = ("FMM", "DMM", "SUMMIT", "INFORMAL_FMM", "INFORMAL_DMM", "OTHER")
CHARTS = (
    "timeline",
    "movers",
    "heatmap",
    "lines",
    "stance_timeline",
    "stance_mix",
    "map",
    "partners",
    "amounts",
    "percentages",
)
GLOBAL_PARAMS = ("from", "to", "type", "topics", "lang")
PARAMS = GLOBAL_PARAMS + (
    "grain",
    "measure",
    "topic",
    "planned",
    "country",
    "log",
    "q",
    "doc",
    "cell",
    "meeting",
    "table",
)
MAX_QUERY = 4096  # longer query strings are not links anyone meant to share
MAX_Q = 200
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}")
TOPIC_RE = re.compile(r"[a-z][a-z0-9_]{0,59}")
PERIOD_RE = re.compile(r"(\d{4})(?:-Q([1-4]))?")
Notice = tuple[str, ...]  # (i18n key, args…)


@dataclass(frozen=True)
class State:
    """Everything a link reproduces; defaults are left out of the URL."""

    path: str = "/"
    start: date | None = None
    end: date | None = None
    types: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    lang: str = "nl"
    grain: str = "year"
    measure: str = "count"
    topic: str | None = None
    planned: str = "all"  # all / reported / planned
    country: str | None = None
    log: bool = False
    q: str = ""
    doc: str | None = None
    cell: tuple[str, str] | None = None  # (topic id, period key "2023" or "2023-Q4")
    meeting: str | None = None
    tables: tuple[str, ...] = ()  # charts shown as a table instead of a chart
    notices: tuple[Notice, ...] = field(default=(), compare=False)

    @property
    def view(self) -> str | None:
        """The view name for the path, None for an unknown path."""
        return VIEWS.get(self.path)


def _parse_date(text: str, end: bool) -> date | None:
    """YYYY, YYYY-MM or YYYY-MM-DD; a partial date is the first (or last) day it covers."""
    m = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", text.strip())
    if not m:
        return None
    year, month, day = int(m[1]), m[2], m[3]
    if not 1900 <= year <= 2100:
        return None
    try:
        if month is None:
            return date(year, 12, 31) if end else date(year, 1, 1)
        mo = int(month)
        if day is None:
            return date(year, mo, calendar.monthrange(year, mo)[1] if end else 1)
        return date(year, mo, int(day))
    except ValueError:
        return None


def _fmt_date(d: date, end: bool) -> str:
    if (d.month, d.day) == ((12, 31) if end else (1, 1)):
        return str(d.year)
    return d.isoformat()


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:40] + "…"


def normalise_path(pathname: str | None) -> str:
    """ "/topics/" → "/topics"; None → "/"."""
    p = (pathname or "/").split("?")[0]
    p = "/" + p.strip("/")
    return p


def parse_state(
    pathname: str | None, search: str | None, known_topics: Collection[str] = ()
) -> State:
    """Validate every parameter; whatever is wrong becomes a notice, never an exception."""
    path = normalise_path(pathname)
    search = search or ""
    if not isinstance(search, str):
        return State(path=path, notices=(("n_garbage",),))
    if len(search) > MAX_QUERY:
        return State(path=path, notices=(("n_too_long", f"{len(search):,}".replace(",", ".")),))
    try:
        pairs = parse_qsl(search.lstrip("?"), keep_blank_values=False, max_num_fields=64)
    except ValueError:
        return State(path=path, notices=(("n_garbage",),))
    raw: dict[str, str] = {}
    notices: list[Notice] = []
    for key, value in pairs:
        if key not in PARAMS:
            notices.append(("n_unknown_param", _short(key)))
        else:
            raw.setdefault(key, value)
    kw: dict[str, Any] = {}

    def bad(key: str) -> None:
        notices.append(("n_bad_value", key, _short(raw[key])))

    for key, is_end in (("from", False), ("to", True)):
        if key in raw:
            d = _parse_date(raw[key], is_end)
            if d is None:
                bad(key)
            else:
                kw["start" if key == "from" else "end"] = d
    if kw.get("start") and kw.get("end") and kw["start"] > kw["end"]:
        # a reversed range is most likely a slip: swap (widening partial dates to whole periods)
        s, e = raw["to"], raw["from"]
        kw["start"], kw["end"] = _parse_date(s, False), _parse_date(e, True)
        notices.append(("n_swapped",))
    if "type" in raw:
        types = []
        for part in raw["type"].split(","):
            up = part.strip().upper()
            if up in MEETING_TYPES:
                if up not in types:
                    types.append(up)
            elif up:
                notices.append(("n_bad_value", "type", _short(part)))
        kw["types"] = tuple(types)
    if "topics" in raw:
        topics = []
        for part in raw["topics"].split(","):
            tid = part.strip().lower()
            if tid in known_topics:
                if tid not in topics:
                    topics.append(tid)
            elif tid:
                notices.append(("n_unknown_topic", _short(part)))
        kw["topics"] = tuple(topics)
    choices = {
        "lang": LANGS,
        "grain": ("year", "quarter"),
        "measure": ("count", "share"),
        "planned": ("all", "reported", "planned"),
    }
    for key, allowed in choices.items():
        if key in raw:
            if raw[key].strip().lower() in allowed:
                kw[key] = raw[key].strip().lower()
            else:
                bad(key)
    if "topic" in raw:
        tid = raw["topic"].strip().lower()
        if tid in known_topics:
            kw["topic"] = tid
        else:
            notices.append(("n_unknown_topic", _short(raw["topic"])))
    if "country" in raw:
        iso = raw["country"].strip().upper()
        if re.fullmatch(r"[A-Z]{2}", iso):
            kw["country"] = iso
        else:
            bad("country")
    if "log" in raw:
        if raw["log"] in ("0", "1"):
            kw["log"] = raw["log"] == "1"
        else:
            bad("log")
    if "q" in raw:
        kw["q"] = raw["q"].strip()[:MAX_Q]
    for key in ("doc", "meeting"):
        if key in raw:
            if ID_RE.fullmatch(raw[key]):
                kw[key] = raw[key]
            else:
                bad(key)
    if "cell" in raw:
        tid, _, period = raw["cell"].partition(":")
        if tid in known_topics and PERIOD_RE.fullmatch(period):
            kw["cell"] = (tid, period)
        else:
            bad("cell")
    if "table" in raw:
        tables = tuple(dict.fromkeys(c for c in raw["table"].split(",") if c in CHARTS))
        if len(tables) != len([c for c in raw["table"].split(",") if c]):
            bad("table")
        kw["tables"] = tables
    return State(path=path, notices=tuple(notices), **kw)


def to_query(st: State, only_global: bool = False, **override: Any) -> str:
    """The query string ("?a=b&…" or "") for a state; defaults are left out."""
    st = replace(st, **override) if override else st
    items: list[tuple[str, str]] = []
    if st.start:
        items.append(("from", _fmt_date(st.start, False)))
    if st.end:
        items.append(("to", _fmt_date(st.end, True)))
    if st.types:
        items.append(("type", ",".join(st.types)))
    if st.topics:
        items.append(("topics", ",".join(st.topics)))
    if st.lang != "nl":
        items.append(("lang", st.lang))
    if not only_global:
        view_items = [
            ("grain", st.grain if st.grain != "year" else None),
            ("measure", st.measure if st.measure != "count" else None),
            ("topic", st.topic),
            ("planned", st.planned if st.planned != "all" else None),
            ("country", st.country),
            ("log", "1" if st.log else None),
            ("q", st.q or None),
            ("doc", st.doc),
            ("cell", ":".join(st.cell) if st.cell else None),
            ("meeting", st.meeting),
            ("table", ",".join(st.tables) if st.tables else None),
        ]
        items += [(k, v) for k, v in view_items if v]
    if not items:
        return ""
    return "?" + "&".join(f"{k}={quote(v, safe=',:-_.')}" for k, v in items)


def href(path: str, st: State, **params: Any) -> str:
    """A link to `path` keeping the global filters of `st`, plus the view parameters given."""
    base = State(start=st.start, end=st.end, types=st.types, topics=st.topics, lang=st.lang)
    return path + to_query(replace(base, **params))


# ---- controls ↔ state -------------------------------------------------------------------


def control_value(st: State, key: str, bounds: tuple[int, int]) -> Any:
    """What the control with this key shows for a state."""
    lo, hi = bounds
    if key == "period":
        y0 = min(max(st.start.year, lo), hi) if st.start else lo
        y1 = max(min(st.end.year, hi), lo) if st.end else hi
        return [y0, y1]
    if key == "type":
        return list(st.types)
    if key == "topics":
        return list(st.topics)
    if key == "log":
        return ["1"] if st.log else []
    if key.startswith("table:"):
        return "table" if key[6:] in st.tables else "chart"
    if key == "cell":
        return ":".join(st.cell) if st.cell else None
    return getattr(st, key)


INVALID = object()  # a client value no control could show (None is valid: a cleared dropdown)


def _norm(key: str, value: Any) -> Any:
    """Client values as the control would show them (None vs [] etc.)."""
    if key in ("type", "topics", "log"):
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    if key == "period":
        try:
            return [int(value[0]), int(value[1])]
        except (TypeError, ValueError, IndexError):
            return INVALID
    if key == "q":
        return value.strip()[:MAX_Q] if isinstance(value, str) else ""
    return value


def apply_control(
    st: State, key: str, value: Any, bounds: tuple[int, int], known_topics: Collection[str]
) -> State:
    """The state with one control's value applied; unchanged when the control shows the state."""
    value = _norm(key, value)
    if value is INVALID or value == _norm(key, control_value(st, key, bounds)):
        return st
    lo, hi = bounds
    if key == "period":
        y0, y1 = sorted(value)
        start = None if y0 <= lo else date(y0, 1, 1)
        end = None if y1 >= hi else date(y1, 12, 31)
        return replace(st, start=start, end=end)
    if key == "type":
        return replace(st, types=tuple(v for v in MEETING_TYPES if v in value))
    if key == "topics":
        return replace(st, topics=tuple(dict.fromkeys(v for v in value if v in known_topics)))
    if key == "lang":
        return replace(st, lang=value) if value in LANGS else st
    if key in ("grain", "measure", "planned"):
        allowed = {
            "grain": ("year", "quarter"),
            "measure": ("count", "share"),
            "planned": ("all", "reported", "planned"),
        }
        return replace(st, **{key: value}) if value in allowed[key] else st
    if key == "topic":
        return replace(st, topic=value if value in known_topics else None)
    if key == "country":
        ok = isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value)
        return replace(st, country=value if ok else None)
    if key == "log":
        return replace(st, log=bool(value))
    if key == "q":
        return replace(st, q=value)
    if key == "cell":
        tid, _, period = value.partition(":") if isinstance(value, str) else ("", "", "")
        ok = tid in known_topics and PERIOD_RE.fullmatch(period)
        return replace(st, cell=(tid, period) if ok else None)
    if key.startswith("table:") and key[6:] in CHARTS:
        chart = key[6:]
        rest = tuple(c for c in st.tables if c != chart)
        return replace(st, tables=rest + ((chart,) if value == "table" else ()))
    return st


def apply_click(st: State, key: str, data: Any, known_topics: Collection[str]) -> State:
    """The state after a click on a chart point (heatmap cell, map country) or a grid row."""
    try:
        if key == "meeting":
            # a click on a document link in the row navigates instead
            if not isinstance(data, dict) or data.get("colId") == "doc_ids":
                return st
            rid = data.get("rowId")
            return replace(st, meeting=rid) if isinstance(rid, str) and ID_RE.fullmatch(rid) else st
        point = data["points"][0]
        if key == "cell":  # heatmap: y is the topic id, x the period
            tid, period = point["y"], str(point["x"])
            if tid in known_topics and PERIOD_RE.fullmatch(period):
                return replace(st, cell=(tid, period))
        if key == "country":  # map: location is ISO-3
            iso = _iso2(point.get("location"))
            if iso:
                return replace(st, country=iso)
    except (KeyError, IndexError, TypeError, AttributeError):
        pass
    return st


def _iso2(iso3: Any) -> str | None:
    if not isinstance(iso3, str) or not re.fullmatch(r"[A-Z]{3}", iso3):
        return None
    if iso3 == "XKX":
        return "XK"
    country = pycountry.countries.get(alpha_3=iso3)
    return country.alpha_2 if country else None


def sync(
    pathname: str | None,
    search: str | None,
    controls: Sequence[tuple[str, Any]],
    clicks: Sequence[tuple[str, Any]],
    url_triggered: bool,
    bounds: tuple[int, int],
    known_topics: Collection[str],
) -> tuple[str | None, list[Any]]:
    """One step of URL ↔ controls: (new query string or None, value per control or NO)."""
    st = parse_state(pathname, search, known_topics)
    if not url_triggered:
        new = st
        for key, value in controls:
            new = apply_control(new, key, value, bounds, known_topics)
        for key, data in clicks:
            new = apply_click(new, key, data, known_topics)
        query = to_query(new)
        if query != to_query(st):
            return query, [_want(new, key, value, bounds) for key, value in controls]
    return None, [_want(st, key, value, bounds) for key, value in controls]


NO = object()  # "leave this control alone"


def _want(st: State, key: str, current: Any, bounds: tuple[int, int]) -> Any:
    want = control_value(st, key, bounds)
    return NO if _norm(key, current) == _norm(key, want) else want
