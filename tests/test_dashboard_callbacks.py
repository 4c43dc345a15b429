"""URL state, callbacks and panels of the dashboard, called as functions and over Dash's HTTP API."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from dash import dcc, html
from dash.development.base_component import Component
from dashboard_data import XSS_LINE, write_sample_tables
from hypothesis import given, settings
from hypothesis import strategies as s
from plotly.utils import PlotlyJSONEncoder

from dashboard import charts, queries
from dashboard.app import chart_outputs, create_app, csv_download, shell
from dashboard.components import official_url
from dashboard.data import DataStore
from dashboard.state import (
    CHARTS,
    MEETING_TYPES,
    NO,
    State,
    apply_click,
    parse_state,
    sync,
    to_query,
)
from dashboard.views import documents, meetings, positions, topics

TOPICS = ["ukraine", "russia", "china", "cyber", "defence_spending"]
HOSTILE = [
    "?from=garbage&to=",
    "?from=2020&to=2010",
    "?from=2020-13-45&to=9999",
    "?topics=%3Cscript%3Ealert(1)%3C/script%3E,ukraine",
    "?type=FMM,,xxx,fmm&lang=de&grain=decade&measure=%00",
    "?" + "a=1&" * 2600,  # ~10 kB
    "?q=" + "x" * 5000,
    "?%zz%=%&&==&from",
    "?cell=ukraine:20x&cell=../../etc&doc=../../etc/passwd&meeting=%0A",
    "?table=heatmap,bogus,map&log=yes&country=Germany&planned=maybe",
    "?doc=kst-does-not-exist&topic=nope",
    "?from=%F0%9F%92%A3&to=%ED%A0%80",
    "?" + "&".join(f"k{i}=v" for i in range(200)),
]


@pytest.fixture(scope="module")
def client(sample_dir: Path):
    app = create_app(sample_dir)
    c = app.server.test_client()
    deps = c.get("/_dash-dependencies").get_json()
    return c, deps


def _walk(node: Any):
    """Every component and string in a Dash layout tree."""
    if isinstance(node, list | tuple):
        for n in node:
            yield from _walk(n)
    elif isinstance(node, Component):
        yield node
        yield from _walk(getattr(node, "children", None))
    elif isinstance(node, str):
        yield node


def call(client, output: str, values: dict[str, Any], changed: str) -> tuple[int, Any]:
    """POST one callback like the browser does; values keyed "id.prop"."""
    c, deps = client
    dep = next(d for d in deps if d["output"] == output)

    def spec(items: list[dict]) -> list[dict]:
        return [
            {
                "id": i["id"],
                "property": i["property"],
                "value": values.get(f"{i['id']}.{i['property']}"),
            }
            for i in items
        ]

    outputs = []
    for o in output.strip(".").split("..."):
        ident, prop = o.rsplit(".", 1)
        outputs.append(
            {"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop}
        )
    body = {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": spec(dep["inputs"]),
        "state": spec(dep["state"]),
        "changedPropIds": [changed],
    }
    r = c.post("/_dash-update-component", json=body)
    return r.status_code, (r.get_json() if r.status_code == 200 else None)


# ---- URL state -----------------------------------------------------------------------------

dates = s.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))


@s.composite
def states(draw: s.DrawFn) -> State:
    start, end = sorted([draw(dates), draw(dates)])
    return State(
        path=draw(s.sampled_from(["/", "/topics", "/positions", "/documents"])),
        start=draw(s.none() | s.just(start)),
        end=draw(s.none() | s.just(end)),
        types=tuple(draw(s.lists(s.sampled_from(MEETING_TYPES), unique=True))),
        topics=tuple(draw(s.lists(s.sampled_from(TOPICS), unique=True))),
        lang=draw(s.sampled_from(["nl", "en"])),
        grain=draw(s.sampled_from(["year", "quarter"])),
        measure=draw(s.sampled_from(["count", "share"])),
        topic=draw(s.none() | s.sampled_from(TOPICS)),
        planned=draw(s.sampled_from(["all", "reported", "planned"])),
        country=draw(s.none() | s.sampled_from(["DE", "XK", "US"])),
        log=draw(s.booleans()),
        q=draw(s.text(max_size=40).map(str.strip)),
        doc=draw(s.none() | s.from_regex(r"\Akst-[0-9]{5}-[0-9]{1,4}\Z")),
        cell=draw(s.none() | s.tuples(s.sampled_from(TOPICS), s.sampled_from(["2023", "2024-Q1"]))),
        meeting=draw(s.none() | s.just("2023-11-28-fmm")),
        tables=tuple(draw(s.lists(s.sampled_from(CHARTS), unique=True))),
    )


@settings(max_examples=300, deadline=None)
@given(states())
def test_url_round_trip(st: State) -> None:
    back = parse_state(st.path, to_query(st), TOPICS)
    assert back == st
    assert back.notices == ()


def test_defaults_leave_the_url_empty() -> None:
    assert to_query(State()) == ""
    assert (
        to_query(State(topics=("ukraine", "russia"), lang="en")) == "?topics=ukraine,russia&lang=en"
    )


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_query_strings_parse_to_valid_states(query: str) -> None:
    st = parse_state("/topics", query, TOPICS)
    assert st.view == "topics"
    assert st.start is None or st.end is None or st.start <= st.end
    assert set(st.topics) <= set(TOPICS) and set(st.types) <= set(MEETING_TYPES)
    assert len(st.q) <= 200
    assert st.notices, "something was wrong and the reader should be told"
    parse_state("/topics", to_query(st), TOPICS)  # and it serialises to a clean link


def test_reversed_dates_are_swapped_with_a_notice() -> None:
    st = parse_state("/", "?from=2020&to=2010-06", TOPICS)
    assert (st.start, st.end) == (date(2010, 6, 1), date(2020, 12, 31))
    assert ("n_swapped",) in st.notices


def test_long_query_is_ignored_with_a_notice() -> None:
    st = parse_state("/", "?topics=ukraine&" + "a=1&" * 2600, TOPICS)
    assert st.topics == () and st.notices[0][0] == "n_too_long"


# ---- URL ↔ controls ------------------------------------------------------------------------

BOUNDS = (2004, 2025)


def test_control_change_writes_the_url() -> None:
    controls = [("period", [2010, 2025]), ("grain", "quarter"), ("topics", ["china"])]
    new, wants = sync("/topics", "", controls, [], False, BOUNDS, TOPICS)
    assert new == "?from=2010&topics=china&grain=quarter"
    assert wants == [NO, NO, NO]


def test_url_change_sets_the_controls() -> None:
    controls = [("period", [2004, 2025]), ("grain", "year"), ("lang", "nl")]
    new, wants = sync(
        "/topics", "?from=2012&to=2014&grain=quarter", controls, [], True, BOUNDS, TOPICS
    )
    assert new is None
    assert wants == [[2012, 2014], "quarter", NO]


def test_controls_showing_the_url_change_nothing() -> None:
    """A precise date the year slider cannot show stays in the link when the page mounts."""
    controls = [("period", [2014, 2025]), ("type", []), ("topics", None), ("log", [])]
    assert sync("/", "?from=2014-03-05", controls, [], False, BOUNDS, TOPICS) == (None, [NO] * 4)


def test_cell_dropdown_is_the_keyboard_way_to_a_cell() -> None:
    new, _ = sync("/topics", "", [("cell", "ukraine:2023-Q2")], [], False, BOUNDS, TOPICS)
    assert new == "?cell=ukraine:2023-Q2"
    assert (
        sync("/topics", "?cell=ukraine:2023", [("cell", None)], [], False, BOUNDS, TOPICS)[0] == ""
    )
    _, wants = sync("/topics", "?cell=china:2020", [("cell", None)], [], True, BOUNDS, TOPICS)
    assert wants == ["china:2020"]
    # clearing a dropdown clears its parameter; a value no control could show changes nothing
    assert (
        sync("/bilaterals", "?country=DE", [("country", None)], [], False, BOUNDS, TOPICS)[0] == ""
    )
    assert sync("/", "?from=2010", [("period", "x")], [], False, BOUNDS, TOPICS)[0] is None


def test_clicks_set_cell_country_and_meeting() -> None:
    heat = {"points": [{"x": "2022", "y": "ukraine", "z": 3}]}
    new, _ = sync("/topics", "?grain=year", [], [("cell", heat)], False, BOUNDS, TOPICS)
    assert new == "?cell=ukraine:2022"
    world = {"points": [{"location": "DEU", "z": 4}]}
    assert (
        sync("/bilaterals", "", [], [("country", world)], False, BOUNDS, TOPICS)[0] == "?country=DE"
    )
    row = {"rowId": "2023-11-28-fmm", "colId": "date", "value": "x"}
    st = apply_click(State(), "meeting", row, TOPICS)
    assert st.meeting == "2023-11-28-fmm"
    assert apply_click(State(), "meeting", {**row, "colId": "doc_ids"}, TOPICS).meeting is None
    assert (
        apply_click(State(), "country", {"points": [{"location": "XKX"}]}, TOPICS).country == "XK"
    )
    for junk in (
        None,
        {},
        {"points": []},
        {"points": [{"y": "<b>", "x": "2022"}]},
        "x",
        {"points": [{"location": 5}]},
    ):
        assert apply_click(State(), "cell", junk, TOPICS) == State()
        assert apply_click(State(), "country", junk, TOPICS) == State()


# ---- callbacks over HTTP -------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/topics", "/positions", "/bilaterals", "/budget", "/meetings", "/documents", "/nope"],
)
def test_router_renders_every_view(client, path: str) -> None:
    status, body = call(
        client,
        "..page.children...rendered.data..",
        {"url.pathname": path, "url.search": ""},
        "url.pathname",
    )
    assert status == 200
    assert body["response"]["rendered"]["data"][0] == path


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_links_never_fail_a_callback(client, query: str) -> None:
    status, body = call(
        client,
        "..page.children...rendered.data..",
        {"url.pathname": "/topics", "url.search": query},
        "url.search",
    )
    assert status == 200
    assert '"notices"' in json.dumps(body)
    _, deps = client
    for dep in deps:
        ins = [f"{i['id']}.{i['property']}" for i in dep["inputs"]]
        if ins == ["url.search", "rendered.data"] and "ALL" not in dep["output"]:
            status, _ = call(
                client,
                dep["output"],
                {"url.search": query, "url.pathname": "/topics"},
                "url.search",
            )
            assert status in (200, 204), dep["output"]


def test_csv_download_callback_returns_the_filtered_rows(client, data) -> None:
    query = "?from=2014&to=2020&topics=russia,ukraine"
    status, body = call(
        client,
        "heatmap-download.data",
        {"heatmap-csv.n_clicks": 1, "url.search": query, "url.pathname": "/topics"},
        "heatmap-csv.n_clicks",
    )
    assert status == 200
    payload = body["response"]["heatmap-download"]["data"]
    assert payload["filename"] == "navo-heatmap.csv"
    csv = pl.read_csv(payload["content"].encode(), schema_overrides={"period": pl.String})
    # the rows the table view shows (grids send rows only when they are visible)
    hidden = chart_outputs(data, "heatmap", parse_state("/topics", query, data.topic_ids))
    assert hidden["rows"] == []
    shown = chart_outputs(
        data, "heatmap", parse_state("/topics", query + "&table=heatmap", data.topic_ids)
    )
    assert csv.to_dicts() == pl.DataFrame(shown["rows"]).to_dicts()
    assert set(csv["topic_id"]) == {"russia", "ukraine"}
    assert csv["period"].min() == "2014" and csv["period"].max() == "2020"
    assert (
        csv["passages"].sum()
        == charts.heatmap(data, parse_state("/topics", query, data.topic_ids))
        .table["passages"]
        .sum()
    )


def test_csv_download_function_matches_grid(data) -> None:
    st = parse_state("/bilaterals", "?country=DE&from=2010", data.topic_ids)
    payload = csv_download(data, "bilateral_table", st)
    csv = pl.read_csv(payload["content"].encode())
    grid = chart_outputs(data, "bilateral_table", st)["rows"]
    assert csv.height == len(grid) > 0
    assert list(csv["doc_id"]) == [r["doc_id"] for r in grid]
    assert set(csv["country_iso2"]) == {"DE"}


# ---- panels and pages ----------------------------------------------------------------------


def test_heatmap_cell_lists_its_passages(data) -> None:
    rows = data.topics.with_columns(pl.col("_date").dt.year().cast(pl.String).alias("y"))
    top = rows.group_by("topic_id", "y").len().sort("len", descending=True).row(0, named=True)
    st = parse_state("/topics", f"?cell={top['topic_id']}:{top['y']}", data.topic_ids)
    panel = topics.passages_panel(data, st)
    cards = [c for c in _walk(panel) if isinstance(c, html.Article)]
    assert len(cards) == top["len"]
    links = [c.href for c in _walk(panel) if isinstance(c, dcc.Link)]
    assert all(h.startswith("/documents?") and "doc=kst-" in h for h in links)
    # a quarter cell, whatever the grain shown
    q = parse_state("/topics", f"?cell={top['topic_id']}:{top['y']}-Q9", data.topic_ids)
    assert q.cell is None


def test_cell_options_list_non_empty_cells(data) -> None:
    st = parse_state("/topics", "?from=2014&to=2014", data.topic_ids)
    options = topics.cell_options(data, st)
    expected = charts.heatmap(data, st).table.filter(pl.col("passages") > 0)
    assert len(options) == expected.height > 0
    assert all(o["value"].endswith(":2014") for o in options)


def test_what_changed_panel_has_insertions_and_deletions(data) -> None:
    panel = positions.changes_panel(
        data, parse_state("/positions", "?topic=russia", data.topic_ids)
    )
    kinds = {type(c) for c in _walk(panel)}
    assert html.Ins in kinds and html.Del in kinds


def test_document_view_shows_script_as_text(data) -> None:
    doc = next(d for d, t in data.documents.select("doc_id", "text").iter_rows() if XSS_LINE in t)
    view = documents.doc_view(data, parse_state("/documents", f"?doc={doc}", data.topic_ids))
    strings = [x for x in _walk(view) if isinstance(x, str)]
    assert any("<script>alert(1)</script>" in x for x in strings)
    for comp in _walk(view):
        if isinstance(comp, Component):
            assert not isinstance(comp, dcc.Markdown)
            assert not getattr(comp, "dangerously_allow_html", False)
    marks = [c for c in _walk(view) if isinstance(c, html.Mark)]
    kinds = {m.className.split()[-1] for m in marks}
    assert {"hl-meeting", "hl-position", "hl-bilateral", "hl-figure"} <= kinds
    # the official link exists only for real papers: a synthetic one was never published
    synthetic = data.documents.filter(pl.col("doc_id") == doc)["is_synthetic"][0]
    hrefs = [c.href for c in _walk(view) if isinstance(c, html.A)]
    assert (f"https://zoek.officielebekendmakingen.nl/{doc}.html" in hrefs) is (not synthetic)


def test_missing_document_gives_a_message(data) -> None:
    view = documents.doc_view(data, parse_state("/documents", "?doc=kst-0-0", data.topic_ids))
    assert any("Document niet gevonden" in x for x in _walk(view) if isinstance(x, str))


def test_meeting_detail(data) -> None:
    mid = data.meetings["meeting_id"][5]
    panel = meetings.meeting_detail(data, State(path="/meetings", meeting=mid))
    assert any(isinstance(c, dcc.Link) for c in _walk(panel))


def test_official_url() -> None:
    assert (
        official_url("kst-28676-448", None)
        == "https://zoek.officielebekendmakingen.nl/kst-28676-448.html"
    )
    assert official_url("kst-1", "https://example.org/x") == "https://example.org/x"
    assert official_url("blg-1", "javascript:alert(1)") is None
    # a synthetic demo paper has no official publication to link to
    assert official_url("kst-28676-9001", None, is_synthetic=True) is None


def test_empty_tables_give_a_clear_message(tmp_path: Path) -> None:
    empty = DataStore(tmp_path, check_every=0).get()
    page = shell(empty, parse_state("/topics", "?topics=ukraine", TOPICS), "/assets/")
    texts = " ".join(x for x in _walk(page) if isinstance(x, str))
    assert "Nog geen data" in texts and "make" in texts
    app = create_app(tmp_path)
    c = app.server.test_client()
    deps = c.get("/_dash-dependencies").get_json()
    status, _ = call(
        (c, deps), "..page.children...rendered.data..", {"url.pathname": "/"}, "url.pathname"
    )
    assert status == 200


def test_synthetic_banner_follows_the_rows_shown(tmp_path: Path, data) -> None:
    page = shell(data, State(), "/assets/")
    banner = next(c for c in _walk(page) if getattr(c, "id", None) == "banner")
    assert "Synthetische demodata" in banner.children and banner.style == {}
    write_sample_tables(tmp_path, n_docs=8, synthetic=False)
    real = DataStore(tmp_path, check_every=0).get()
    banner = next(
        c for c in _walk(shell(real, State(), "/assets/")) if getattr(c, "id", None) == "banner"
    )
    assert banner.style == {"display": "none"}


def test_cli_binds_localhost_without_debug(
    monkeypatch: pytest.MonkeyPatch, sample_dir: Path
) -> None:
    import dash

    from dashboard.__main__ import main

    seen: dict[str, Any] = {}
    monkeypatch.setattr(dash.Dash, "run", lambda self, **kw: seen.update(kw))
    assert main(["--data", str(sample_dir)]) == 0
    assert seen == {"host": "127.0.0.1", "port": 8050, "debug": False}
    main(["--data", str(sample_dir), "--debug", "--port", "9999"])
    assert seen["debug"] is True and seen["port"] == 9999


def test_wsgi_reads_navo_data(monkeypatch: pytest.MonkeyPatch, sample_dir: Path) -> None:
    import importlib
    import sys

    monkeypatch.setenv("NAVO_DATA", str(sample_dir))
    sys.modules.pop("dashboard.wsgi", None)
    wsgi = importlib.import_module("dashboard.wsgi")
    assert wsgi.server.debug is False
    assert wsgi.server.config["NAVO_STORE"].data_dir == sample_dir
    assert wsgi.server.test_client().get("/").status_code == 200


@pytest.fixture(scope="module")
def etl_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tables from the real ETL: $NAVO_DASHBOARD_DATA if set, else a small `etl demo` build."""
    import os

    if os.environ.get("NAVO_DASHBOARD_DATA"):
        return Path(os.environ["NAVO_DASHBOARD_DATA"])
    pytest.importorskip("etl.demo")
    from etl.cli import main as etl_main

    corpus, out = tmp_path_factory.mktemp("corpus"), tmp_path_factory.mktemp("etl-out")
    assert etl_main(["demo", "--docs", "40", "--out", str(corpus), "--seed", "5"]) == 0
    assert etl_main(["build", "--corpus", str(corpus), "--out", str(out), "--quiet"]) == 0
    return out


@pytest.mark.parametrize(
    "path", ["/", "/topics", "/positions", "/bilaterals", "/budget", "/meetings", "/documents"]
)
def test_every_view_works_on_etl_output(etl_dir: Path, path: str) -> None:
    """The contract between etl/ and dashboard/: every view and chart renders real ETL tables."""
    data = DataStore(etl_dir, check_every=0).get()
    assert not data.empty
    doc = data.documents["doc_id"][0]
    for query in ("", "?grain=quarter&measure=share&table=heatmap", f"?doc={doc}&country=DE&log=1"):
        st = parse_state(path, query, data.topic_ids)
        json.dumps(shell(data, st, "/assets/"), cls=PlotlyJSONEncoder)
        for cid in charts.BUILDERS:
            out = chart_outputs(data, cid, st)
            json.dumps(out["rows"], cls=PlotlyJSONEncoder)
    view = documents.doc_view(data, parse_state("/documents", f"?doc={doc}", data.topic_ids))
    assert any(isinstance(c, html.Mark) for c in _walk(view))


def test_a_huge_grid_is_capped_with_a_note(data, monkeypatch) -> None:
    import dashboard.app as app_module

    st = parse_state("/documents", "", data.topic_ids)
    full = chart_outputs(data, "documents_table", st)
    n = len(full["rows"])
    assert n > 3
    monkeypatch.setattr(app_module, "MAX_GRID_ROWS", 3)
    capped = app_module.chart_outputs(data, "documents_table", st)
    assert len(capped["rows"]) == 3 and capped["rows"] == full["rows"][:3]
    assert f"3 van {n}" in capped["note"]


# ---- bounded panels and shared results (issue 7) --------------------------------------------


def test_what_changed_says_when_it_shows_only_the_newest_pairs(data, monkeypatch) -> None:
    st = parse_state("/positions", "?topic=russia&lang=en", data.topic_ids)
    total = queries.n_changes(queries.positions_for(data, st))
    assert total > 2
    monkeypatch.setattr(positions, "MAX_PAIRS", 2)
    panel = positions.changes_panel(data, st)
    assert len([c for c in _walk(panel) if isinstance(c, html.Article)]) == 2
    (cap,) = [c for c in _walk(panel) if getattr(c, "id", None) == "changes-cap"]
    assert (
        cap.children
        == f"The 2 most recent of {total} pairs; choose an earlier period for older ones."
    )
    monkeypatch.setattr(positions, "MAX_PAIRS", total)
    panel = positions.changes_panel(data, st)
    assert not [c for c in _walk(panel) if getattr(c, "id", None) == "changes-cap"]


def test_callbacks_of_one_page_share_the_statements_of_the_topic(client) -> None:
    c, deps = client
    data = c.application.config["NAVO_STORE"].get()
    values = {"url.search": "?topic=cyber&from=2011", "url.pathname": "/positions"}
    outputs = [
        next(d["output"] for d in deps if "stance_timeline-graph.figure" in d["output"]),
        next(d["output"] for d in deps if "stance_mix-graph.figure" in d["output"]),
        "changes.children",
    ]
    hits, misses = data.cache.hits, data.cache.misses
    for output in outputs:
        status, _ = call(client, output, values, "url.search")
        assert status == 200
    assert data.cache.misses - misses == 1 and data.cache.hits - hits == 2


def test_a_chart_shown_as_chart_sends_no_rows_and_skips_its_table(data) -> None:
    out = chart_outputs(data, "stance_timeline", State(path="/positions"))
    assert out["rows"] == [] and out["figure"].data
    shown = chart_outputs(
        data, "stance_timeline", State(path="/positions", tables=("stance_timeline",))
    )
    assert len(shown["rows"]) == charts.stance_timeline(data, State(path="/positions")).table.height


def test_two_workers_never_load_the_tables_at_once(sample_dir: Path, monkeypatch) -> None:
    """Each load's memory peak must not add up with another worker's (one lock per folder)."""
    import threading
    import time as _time

    import dashboard.data as data_mod

    real_load, spans, lock = data_mod.load, [], threading.Lock()

    def slow_load(folder: Path):
        start = _time.monotonic()
        _time.sleep(0.3)
        out = real_load(folder)
        with lock:
            spans.append((start, _time.monotonic()))
        return out

    monkeypatch.setattr(data_mod, "load", slow_load)
    # two stores in two threads: each opens the lock file itself, as two processes do
    stores = [DataStore(sample_dir, check_every=0) for _ in range(2)]
    threads = [threading.Thread(target=s.get) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(spans) == 2 and all(s._data is not None and not s._data.empty for s in stores)
    (a0, a1), (b0, b1) = sorted(spans)
    assert a1 <= b0, "the second load began before the first ended"
