"""Figure builders and queries of the dashboard, checked against counts computed independently."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from dash import html
from dashboard_data import XSS_LINE, write_sample_tables

from dashboard import charts, queries
from dashboard.data import DataStore, prepare
from dashboard.diff import render_diff, word_diff
from dashboard.figures import amount_ticks, iso3
from dashboard.i18n import fmt_amount, fmt_date, fmt_number, fmt_percent
from dashboard.state import State, parse_state
from etl.store import read_tables
from etl.taxonomy import load_taxonomy


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("parquet")
    write_sample_tables(out, n_docs=40, seed=0)
    return out


@pytest.fixture(scope="module")
def data(sample_dir: Path):
    return DataStore(sample_dir, check_every=0).get()


@pytest.fixture(scope="module")
def raw(sample_dir: Path) -> dict[str, list[dict]]:
    """The published tables as plain Python rows, for independent counting."""
    return {name: df.to_dicts() for name, df in read_tables(sample_dir).items()}


@pytest.fixture(scope="module")
def empty_data(tmp_path_factory: pytest.TempPathFactory):
    return DataStore(tmp_path_factory.mktemp("nothing"), check_every=0).get()


def meeting_dates(raw: dict) -> dict[str, tuple[date, str]]:
    return {m["meeting_id"]: (m["start_date"], m["meeting_type"]) for m in raw["meetings"]}


def expected_topic_counts(raw: dict, st: State) -> Counter:
    """(topic, year) → passages, by plain Python over the raw rows."""
    md = meeting_dates(raw)
    counts: Counter = Counter()
    for r in raw["topics"]:
        d, mtype = md[r["meeting_id"]]
        if st.start and d < st.start or st.end and d > st.end:
            continue
        if st.types and mtype not in st.types:
            continue
        if st.topics and r["topic_id"] not in st.topics:
            continue
        counts[(r["topic_id"], str(d.year))] += 1
    return counts


def heatmap_cells(fig, data) -> dict[tuple[str, str], float]:
    trace = fig.data[0]
    cells = {}
    for i, row in enumerate(trace.z):
        for j, z in enumerate(row):
            topic, period = trace.customdata[i][j]
            assert topic == trace.y[i]
            assert fig.layout.yaxis.ticktext[i] == data.label(topic, "nl")
            assert period == trace.x[j]
            cells[(topic, period)] = z
    return cells


@pytest.mark.parametrize(
    "query",
    ["", "?from=2010&to=2020", "?type=FMM,DMM&topics=russia,ukraine,afghanistan", "?from=2019"],
)
def test_heatmap_counts_match_independent_count(data, raw, query: str) -> None:
    st = parse_state("/topics", query, data.topic_ids)
    fig = charts.heatmap(data, st).figure
    cells = heatmap_cells(fig, data)
    expected = expected_topic_counts(raw, st)
    assert sum(expected.values()) > 0
    assert {k: v for k, v in cells.items() if v} == dict(expected)
    # every year in range is a column, also those without passages
    years = [int(p) for p in fig.data[0].x]
    assert years == list(range(years[0], years[-1] + 1))


def test_heatmap_share_is_passages_over_all_paragraphs(data, raw) -> None:
    st = parse_state("/topics", "?measure=share&from=2014&to=2018", data.topic_ids)
    cells = heatmap_cells(charts.heatmap(data, st).figure, data)
    md = meeting_dates(raw)
    doc_year = {m["doc_id"]: m["start_date"].year for m in raw["meetings"]}
    totals = Counter()
    for d in raw["documents"]:
        if 2014 <= doc_year[d["doc_id"]] <= 2018:
            totals[str(doc_year[d["doc_id"]])] += d["n_paragraphs"]
    counts = expected_topic_counts(raw, st)
    assert counts
    for (topic, year), n in counts.items():
        assert cells[(topic, year)] == pytest.approx(100 * n / totals[year], abs=0.01)
    assert md  # meetings are there to date every passage


def test_selected_cell_and_country_are_outlined(data) -> None:
    st = parse_state("/topics", "?cell=russia:2016&from=2014&to=2018", data.topic_ids)
    fig = charts.heatmap(data, st).figure
    (rect,) = fig.layout.shapes
    col = list(fig.data[0].x).index("2016")
    row = list(fig.data[0].y).index("russia")
    assert (rect.x0, rect.x1, rect.y0, rect.y1) == (col - 0.5, col + 0.5, row - 0.5, row + 0.5)
    world = charts.world_map(data, parse_state("/bilaterals", "?country=DE", data.topic_ids))
    assert list(world.figure.data[1].locations) == ["DEU"]


def test_quarter_grain_and_table(data, raw) -> None:
    st = parse_state("/topics", "?grain=quarter&from=2022&to=2023", data.topic_ids)
    res = charts.heatmap(data, st)
    assert res.figure.data[0].x[0] == "2022-Q1" and res.figure.data[0].x[-1] == "2023-Q4"
    table_total = res.table["passages"].sum()
    assert table_total == sum(expected_topic_counts(raw, st).values())


def test_lines_default_to_top_five(data, raw) -> None:
    st = State(path="/topics")
    fig = charts.lines(data, st).figure
    totals = Counter(r["topic_id"] for r in raw["topics"])
    top = sorted(totals, key=lambda t: (-totals[t], t))[:5]
    assert [tr.name for tr in fig.data] == [data.label(t, "nl") for t in top]
    chosen = parse_state("/topics", "?topics=cyber,china", data.topic_ids)
    assert [tr.name for tr in charts.lines(data, chosen).figure.data] == ["Cyber", "China"]


def test_movers_rise_and_fall(data) -> None:
    res = charts.movers(data, State())
    table = res.table
    assert table.height > 0
    assert (table["change"] - (table["second"] - table["first"])).abs().max() < 0.011
    ups = table.filter(pl.col("change") > 0)["topic_id"].to_list()
    downs = table.filter(pl.col("change") < 0)["topic_id"].to_list()
    # the sample data drifts from Afghanistan/terrorism to Ukraine/China
    assert "afghanistan" in downs and ("china" in ups or "ukraine" in ups)
    assert "procentpunten" in res.note


def test_timeline_has_every_meeting_once(data, raw) -> None:
    st = parse_state("/", "?type=SUMMIT,DMM", data.topic_ids)
    fig = charts.timeline(data, st).figure
    n_points = sum(len(tr.x) for tr in fig.data)
    expected = {m["meeting_id"] for m in raw["meetings"] if m["meeting_type"] in ("SUMMIT", "DMM")}
    assert n_points == len(expected)
    assert {tr.name for tr in fig.data} == {"NAVO-top", "Defensie"}
    colours = {tr.marker.color for tr in fig.data}
    assert colours <= {"#000000", "#D55E00"}


def test_stance_timeline_counts_positions_on_topic(data, raw) -> None:
    st = parse_state("/positions", "?topic=russia&planned=reported", data.topic_ids)
    res = charts.stance_timeline(data, st)
    expected = [p for p in raw["positions"] if "russia" in p["topic_ids"] and not p["is_planned"]]
    assert sum(len(tr.x) for tr in res.figure.data) == len(expected) == res.table.height
    assert res.title == "Nederlandse uitspraken over Rusland"
    mix = charts.stance_mix(data, st).table
    assert mix["count"].sum() == len(expected)


def test_map_counts_per_country(data, raw) -> None:
    res = charts.world_map(data, State())
    trace = res.figure.data[0]
    counts = Counter(b["country_iso2"] for b in raw["bilaterals"])
    got = dict(zip(trace.locations, trace.z, strict=True))
    assert got["DEU"] == counts["DE"]
    assert got["XKX"] == counts["XK"]  # Kosovo keeps its code (not drawn by the map's shapes)
    assert [c[0] for c in trace.customdata] == [
        b for b in res.table["country_iso2"].to_list() if iso3(b)
    ]
    assert res.table["count"].sum() == len(raw["bilaterals"])


def test_country_filter_lists_its_talks(data, raw) -> None:
    st = parse_state("/bilaterals", "?country=FR", data.topic_ids)
    res = charts.bilateral_table(data, st)
    expected = [b for b in raw["bilaterals"] if b["country_iso2"] == "FR"]
    assert res.table.height == len(expected)
    assert res.title == f"Gesprekken met Frankrijk: {len(expected)}"


def test_amounts_log_axis_with_dutch_ticks(data) -> None:
    fig = charts.amounts(data, parse_state("/budget", "?log=1", data.topic_ids)).figure
    assert fig.layout.yaxis.type == "log"
    assert "1 mld." in fig.layout.yaxis.ticktext and "1 mln." in fig.layout.yaxis.ticktext
    assert {tr.name for tr in fig.data} == {"EUR", "USD"}
    lin = charts.amounts(data, State(path="/budget")).figure
    assert lin.layout.yaxis.type == "linear"


def test_percentages_show_norms(data, raw) -> None:
    fig = charts.percentages(data, State(path="/budget")).figure
    lines = sorted(s.y0 for s in fig.layout.shapes)
    assert lines == [2.0, 3.5, 5.0]
    assert len(fig.data[0].y) == sum(f["kind"] == "percentage" for f in raw["figures"])


def test_every_builder_handles_empty_tables(empty_data) -> None:
    assert empty_data.empty
    for name, build in charts.BUILDERS.items():
        res = build(empty_data, parse_state("/", "?topics=ukraine&from=2020", ["ukraine"]))
        assert res.table.height == 0, name
        assert res.doc_ids == [], name
        if res.figure is not None:
            assert res.figure.layout.annotations[0].text == "Geen gegevens voor deze selectie"


def test_builders_handle_filters_that_match_nothing(data) -> None:
    st = parse_state("/", "?from=2004-02-01&to=2004-02-02&type=OTHER", data.topic_ids)
    for name, build in charts.BUILDERS.items():
        res = build(data, st)
        assert res.table.height == 0, name


def test_schema_drift_is_tolerated() -> None:
    """A build missing optional columns (older ETL) still loads."""
    docs = pl.DataFrame({"doc_id": ["kst-1"], "letter_date": [date(2020, 1, 1)]})
    data = prepare({"documents": docs}, "b1", load_taxonomy(), Path("x"))
    assert data.documents["is_synthetic"].to_list() == [False]
    assert charts.documents_table(data, State()).table.height == 1


def test_new_build_is_picked_up(tmp_path: Path) -> None:
    write_sample_tables(tmp_path, n_docs=10, seed=1)
    store = DataStore(tmp_path, check_every=0)
    first = store.get()
    assert first.documents.height == 10
    assert store.get() is first  # unchanged build: no reload
    write_sample_tables(tmp_path, n_docs=12, seed=2)
    second = store.get()
    assert second.build != first.build and second.documents.height == 12


def test_dutch_formats() -> None:
    assert fmt_amount(2.5e9, "EUR", "nl") == "€ 2,5 mld."
    assert fmt_amount(2.5e9, "EUR", "en") == "€2.5 bn"
    assert fmt_amount(350e6, "USD", "nl") == "$ 350 mln."
    assert fmt_amount(12500, None, "nl") == "12.500"
    assert fmt_date(date(2023, 12, 18), "nl") == "18 december 2023"
    assert fmt_date(date(2023, 12, 18), "en") == "18 December 2023"
    assert fmt_number(1234567.5, "nl", 1) == "1.234.567,5"
    assert fmt_percent(3.5, "nl") == "3,5%" and fmt_percent(2.0, "nl") == "2%"
    assert amount_ticks(1e6, 2e9, True) == [1e6, 1e7, 1e8, 1e9, 1e10]


def test_word_diff_marks_inserted_and_deleted_words() -> None:
    a = "Nederland pleitte voor meer steun aan Oekraïne."
    b = "Nederland riep op tot blijvende steun aan Oekraïne en Moldavië."
    ops = word_diff(a, b)
    assert ("delete", "pleitte voor meer") in ops
    assert ("insert", "riep op tot blijvende") in ops
    assert ("delete", "Oekraïne.") in ops and ("insert", "Oekraïne en Moldavië.") in ops
    pieces = render_diff(a, b)
    dels = [p.children for p in pieces if isinstance(p, html.Del)]
    ins = [p.children for p in pieces if isinstance(p, html.Ins)]
    assert dels == ["pleitte voor meer", "Oekraïne."]
    assert ins == ["riep op tot blijvende", "Oekraïne en Moldavië."]
    assert word_diff("", "nieuw") == [("insert", "nieuw")]


def test_changes_pair_statements_of_consecutive_papers(data) -> None:
    rows = queries.positions_for(data, parse_state("/positions", "?topic=ukraine", data.topic_ids))
    pairs = queries.changes(rows)
    assert pairs
    for earlier, later in pairs:
        assert earlier["_date"] <= later["_date"] and earlier["doc_id"] != later["doc_id"]


def test_document_search_is_literal_and_case_insensitive(data, raw) -> None:
    def found(q: str) -> set[str]:
        return set(charts.document_list(data, State(q=q))["doc_id"])

    expected = {d["doc_id"] for d in raw["documents"] if "oekraïne" in d["text"].lower()}
    assert expected and found("OEKRAÏNE") == expected
    assert found("<script>alert(1)</script>") == {
        d["doc_id"] for d in raw["documents"] if XSS_LINE in d["text"]
    }
    assert found("(.*") == set()  # a regex would match everything


def test_csv_of_figures_equals_filtered_rows(data, raw) -> None:
    st = parse_state("/budget", "?from=2010&to=2019-06&type=FMM", data.topic_ids)
    res = charts.figure_table(data, st)
    csv = pl.read_csv(charts.csv_text(res.table).encode())
    md = meeting_dates(raw)
    expected = sorted(
        (f["doc_id"], f["raw"])
        for f in raw["figures"]
        if date(2010, 1, 1) <= md[f["meeting_id"]][0] <= date(2019, 6, 30)
        and md[f["meeting_id"]][1] == "FMM"
    )
    assert expected
    assert sorted(zip(csv["doc_id"], csv["raw"], strict=True)) == expected


def test_stance_timeline_caps_its_dots_but_not_its_table(data, monkeypatch) -> None:
    """Past MAX_POINTS the chart shows the latest statements and says so; the table keeps all."""
    st = State(path="/positions")
    full = charts.stance_timeline(data, st)
    n = full.table.height
    assert n > 4 and full.note is None
    monkeypatch.setattr(charts, "MAX_POINTS", 4)
    capped = charts.stance_timeline(data, st)
    dots = sum(len(trace.x) for trace in capped.figure.data)
    assert dots == 4
    assert capped.table.height == n
    assert capped.note and fmt_number(n) in capped.note
    newest = max(d for trace in full.figure.data for d in trace.x)
    assert newest in [d for trace in capped.figure.data for d in trace.x]


def test_budget_charts_cap_their_dots_but_not_their_tables(data, monkeypatch) -> None:
    st = State(path="/budget")
    for build in (charts.amounts, charts.percentages):
        full = build(data, st)
        n = full.table.height
        assert n > 2
        monkeypatch.setattr(charts, "MAX_POINTS", 2)
        capped = build(data, st)
        monkeypatch.undo()
        assert sum(len(trace.x) for trace in capped.figure.data if trace.x is not None) <= 2
        assert capped.table.height == n and fmt_number(n) in capped.note
