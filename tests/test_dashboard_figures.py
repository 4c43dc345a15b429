"""Figure builders and queries of the dashboard, checked against counts computed independently."""

from __future__ import annotations

import difflib
import json
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
import pytest
from dash import html
from dashboard_data import XSS_LINE, write_sample_tables
from plotly.utils import PlotlyJSONEncoder

from dashboard import charts, queries
from dashboard.data import (
    COLUMNS,
    BoundedCache,
    DataStore,
    fact_rows,
    position_rows,
    prepare,
    take,
    topic_counts,
    topic_doc_rows,
    topics_rows,
)
from dashboard.diff import render_diff, word_diff
from dashboard.figures import amount_ticks, esc, esc_expr, iso3
from dashboard.i18n import fmt_amount, fmt_date, fmt_number, fmt_percent
from dashboard.state import State, parse_state
from dashboard.views import topics
from etl.store import read_tables
from etl.taxonomy import load_taxonomy


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


# ---- pre-aggregated tables, narrow reads and the per-build cache (issue 7) ----------------

QUERIES = ["", "?from=2010&to=2020", "?type=FMM,DMM&topics=russia,ukraine", "?from=2019-06-15"]


@pytest.mark.parametrize("query", QUERIES)
def test_preaggregated_topic_counts_equal_counts_of_the_passages(data, raw, query: str) -> None:
    st = parse_state("/topics", query, data.topic_ids)
    agg = topic_counts(data, st)
    direct = topics_rows(data, st).group_by("topic_id", "_date", "_type").len()
    assert sorted(agg.iter_rows()) == sorted(direct.iter_rows())
    # and per (topic, year), against plain Python over the published rows
    per_year = Counter()
    for tp, d, _, n in agg.iter_rows():
        per_year[(tp, str(d.year))] += n
    assert per_year == expected_topic_counts(raw, st)


@pytest.mark.parametrize("query", QUERIES)
def test_preaggregated_passage_totals_equal_paragraphs_of_the_documents(
    data, raw, query: str
) -> None:
    st = parse_state("/topics", query, data.topic_ids)
    totals = dict(queries.passage_totals(data, st, pl.col("_date").dt.year()).iter_rows())
    md = meeting_dates(raw)
    doc_meeting = {m["doc_id"]: md[m["meeting_id"]] for m in raw["meetings"]}
    expected: Counter = Counter()
    for d in raw["documents"]:
        day, mtype = doc_meeting[d["doc_id"]]
        if st.start and day < st.start or st.end and day > st.end:
            continue
        if st.types and mtype not in st.types:
            continue
        expected[day.year] += d["n_paragraphs"]  # topics play no part in the totals
    assert totals == dict(expected)


@pytest.mark.parametrize("query", QUERIES)
def test_topic_documents_are_the_documents_of_the_passages(data, query: str) -> None:
    st = parse_state("/topics", query, data.topic_ids)
    rows = topics_rows(data, st)
    docs = topic_doc_rows(data, st)
    assert set(docs["doc_id"]) == set(rows["doc_id"])
    assert set(docs["meeting_id"].drop_nulls()) == set(rows["meeting_id"].drop_nulls())
    assert (
        docs.height == rows.select("topic_id", "doc_id", "meeting_id", "_date", "_type").n_unique()
    )
    # the sources note of the heatmap names these documents, newest first
    assert charts.heatmap(data, st).doc_ids == charts._docs(rows)


def test_positions_per_topic_index_and_default_focus(data, raw) -> None:
    # each topic's statements by date, document and paragraph (ties in table order)
    order = ["_date", "doc_id", "paragraph_index", "_row"]
    for topic in data.topic_ids:
        expected = data.positions.filter(pl.col("topic_ids").list.contains(topic))
        expected = expected.sort(order, nulls_last=True)
        assert position_rows(data, (topic,))["_row"].to_list() == expected["_row"].to_list()
    both = position_rows(data, ("russia", "ukraine"))
    assert both.select(order).rows() == sorted(both.select(order).rows())
    assert both.height == both["_row"].n_unique()
    assert both.height == sum(
        bool({"russia", "ukraine"} & set(p["topic_ids"])) for p in raw["positions"]
    )
    counts = Counter(t for p in raw["positions"] for t in p["topic_ids"])
    assert data.default_focus == min(counts, key=lambda t: (-counts[t], t))
    assert queries.focus_topic(data, State(path="/positions")) == data.default_focus


@pytest.mark.parametrize("query", ["?topic=ukraine", "?topic=russia&planned=planned&from=2015"])
def test_positions_for_equals_a_filter_of_every_statement(data, raw, query: str) -> None:
    st = parse_state("/positions", query, data.topic_ids)
    got = queries.positions_for(data, st)
    md = meeting_dates(raw)
    expected = [
        p
        for p in raw["positions"]
        if st.topic in p["topic_ids"]
        and (st.planned == "all" or p["is_planned"] == (st.planned == "planned"))
        and not (st.start and (p["date"] or md[p["meeting_id"]][0]) < st.start)
    ]
    assert expected
    assert sorted(got["text"]) == sorted(p["text"] for p in expected)
    keys = got.select("_date", "doc_id", "paragraph_index").rows()
    assert keys == sorted(keys)
    assert queries.positions_for(data, st).equals(got)  # the second time from the cache


@pytest.mark.parametrize("table", ["positions", "bilaterals", "figures", "topics"])
def test_narrow_fact_rows_equal_the_full_rows(data, table: str) -> None:
    topics = "defence_spending" if table == "figures" else "russia,cyber,ukraine"
    st = parse_state("/", f"?from=2012&to=2021&type=FMM,SUMMIT,DMM&topics={topics}", data.topic_ids)
    full = fact_rows(data, table, st)
    assert full.height > 0
    assert fact_rows(data, table, st, ["doc_id", "_row"]).equals(full.select("doc_id", "_row"))


def _changes_of_every_paper(rows: pl.DataFrame, limit: int) -> list:
    """changes() as it was: every paper read, then the newest `limit` pairs."""
    papers = [g.to_dicts() for _, g in rows.group_by("doc_id", maintain_order=True)]
    pairs = []
    for i in range(len(papers) - 1, 0, -1):
        for later in papers[i]:
            best = max(
                papers[i - 1],
                key=lambda e, later=later: difflib.SequenceMatcher(
                    None, e["text"] or "", later["text"] or ""
                ).ratio(),
            )
            pairs.append((best["text"], later["text"]))
            if len(pairs) >= limit:
                return pairs
    return pairs


@pytest.mark.parametrize("limit", [1, 3, 8, 1000])
def test_changes_read_only_the_newest_papers_with_the_same_pairs(data, limit: int) -> None:
    rows = queries.positions_for(data, parse_state("/positions", "?topic=russia", data.topic_ids))
    got = [(a["text"], b["text"]) for a, b in queries.changes(rows, limit)]
    assert got == _changes_of_every_paper(rows, limit)
    if limit == 1000:
        assert len(got) == queries.n_changes(rows)


def test_cell_passages_are_those_of_the_cell_period(data) -> None:
    for cell in ("russia:2016", "ukraine:2023-Q1", "afghanistan:2008-Q4"):
        st = parse_state("/topics", f"?cell={cell}&type=FMM,DMM,SUMMIT", data.topic_ids)
        topic, period = st.cell
        grain = "quarter" if "-Q" in period else "year"
        expected = topics_rows(data, st, use_topics=False).filter(
            (pl.col("topic_id") == topic) & (queries.period_expr(grain) == period)
        )
        got = topics.cell_passages(data, st)
        assert sorted(got["_row"]) == sorted(expected["_row"])
    assert queries.period_dates("2024-Q1") == (date(2024, 1, 1), date(2024, 3, 31))
    assert queries.period_dates("2023") == (date(2023, 1, 1), date(2023, 12, 31))


def test_unused_columns_stay_on_disk(data) -> None:
    assert "sha256" not in data.documents.columns and "matched" not in data.topics.columns
    for name in ("documents", "topics", "bilaterals", "figures", "positions"):
        assert set(COLUMNS[name]) <= set(take(data, name).columns), name


@pytest.mark.parametrize(("table", "col"), [("topics", "evidence"), ("positions", "text")])
def test_located_text_is_given_back_exactly(data, raw, table: str, col: str) -> None:
    """Evidence and sentences are held as their place in the document's text; every value
    comes back as the ETL wrote it, in take(), in the row functions and in the charts."""
    assert data.located[table] == col and col not in getattr(data, table).columns
    full = take(data, table)
    assert full[col].to_list() == [r[col] for r in raw[table]]
    some = pl.Series([5, 0, 17, 5], dtype=pl.UInt32)
    assert take(data, table, some, [col, "doc_id"]).rows() == [
        (raw[table][i][col], raw[table][i]["doc_id"]) for i in some
    ]
    st = parse_state("/", "?from=2016&topics=russia", data.topic_ids)
    rows = fact_rows(data, table, st)
    assert rows[col].to_list() == [raw[table][i][col] for i in rows["_row"]]


def test_text_not_found_in_its_document_is_kept_as_it_is(sample_dir: Path) -> None:
    tables = read_tables(sample_dir)
    tables["positions"] = tables["positions"].with_columns(
        pl.when(pl.int_range(pl.len()) == 3)
        .then(pl.lit("Een zin die in geen document staat."))
        .otherwise(pl.col("text"))
        .alias("text")
    )
    data = prepare(tables, "b1", load_taxonomy(), sample_dir)
    assert "positions" not in data.located and "topics" in data.located
    assert data.positions["text"][3] == "Een zin die in geen document staat."
    assert take(data, "positions")["text"].equals(tables["positions"]["text"])


def test_cache_computes_once_per_key_and_is_bounded() -> None:
    cache = BoundedCache(size=2)
    calls: list[str] = []

    def make(x: str):
        return lambda: calls.append(x) or [x]

    first = cache.get("a", make("a"))
    assert cache.get("a", make("a")) is first and calls == ["a"]
    cache.get("b", make("b"))
    cache.get("c", make("c"))  # evicts "a", the least recently used
    assert len(cache) == 2
    assert cache.get("a", make("a")) is not first and calls == ["a", "b", "c", "a"]


def test_topic_period_is_cached_per_state_and_build(tmp_path: Path) -> None:
    write_sample_tables(tmp_path, n_docs=10, seed=1)
    store = DataStore(tmp_path, check_every=0)
    first = store.get()
    st = parse_state("/topics", "?from=2010", first.topic_ids)
    frame = queries.topic_period(first, st)
    assert queries.topic_period(first, st) is frame  # from the cache
    assert queries.topic_period(first, replace(st, grain="quarter")) is not frame
    assert queries.topic_period(first, replace(st, lang="en")) is frame  # same numbers
    write_sample_tables(tmp_path, n_docs=12, seed=2)
    second = store.get()
    assert second.build != first.build and len(second.cache) == 0
    again = queries.topic_period(second, st)
    assert again is not frame
    assert again["passages"].sum() == topics_rows(second, st).height


def test_hover_texts_escape_cut_and_wrap_like_esc() -> None:
    texts = [
        "Nederland riep op tot meer steun aan Oekraïne, en benadrukte het belang van de "
        "NAVO-norm van 2% voor alle bondgenoten die nog niet aan de norm voldoen.",
        XSS_LINE,
        "a & b < c > d",
        "x" * 500,
        "",
        None,
    ]
    frame = pl.DataFrame({"t": texts}, schema={"t": pl.String})
    for width in (0, 70):
        got = frame.select(esc_expr(pl.col("t"), width))["t"].to_list()
        assert got == [esc(x, width) for x in texts]
    # a word longer than a line is cut into lines (where textwrap fills up the line before)
    long = pl.DataFrame({"t": ["x" * 30 + " " + "y" * 200]})
    lines = long.select(esc_expr(pl.col("t"), 70))["t"][0].split("<br>")
    assert lines[0] == "x" * 30 and all(len(x) <= 70 for x in lines)
    assert "".join(lines[1:]) == "y" * 200


def test_every_figure_is_valid_plotly_with_the_house_template(data) -> None:
    st = parse_state("/", "?topic=russia&cell=russia:2016&country=DE", data.topic_ids)
    white = pio.templates["plotly_white"].to_plotly_json()
    for name, build in charts.BUILDERS.items():
        fig = build(data, st).figure
        if fig is None:
            continue
        spec = json.loads(fig.to_json())
        assert spec["layout"]["template"] == json.loads(json.dumps(white, cls=PlotlyJSONEncoder))
        assert go.Figure(spec).to_plotly_json()["data"], name  # Plotly's validation accepts it


def test_stance_timeline_open_dots_are_the_planned_statements(data) -> None:
    st = parse_state("/positions", "?topic=russia", data.topic_ids)
    res = charts.stance_timeline(data, st)
    open_dots = sum(len(tr.x) for tr in res.figure.data if tr.marker.symbol == "circle-open")
    assert open_dots == res.table["is_planned"].sum() > 0
    assert all("<script>" not in h for tr in res.figure.data for h in tr.hovertext)


def test_a_chart_builds_its_table_only_when_asked(data) -> None:
    res = charts.amounts(data, State(path="/budget"))
    assert callable(res.rows)
    assert res.table.height == res.table.height > 0 and isinstance(res.rows, pl.DataFrame)


def test_tables_hold_one_chunk_per_column(sample_dir: Path) -> None:
    """A frame whose columns are chunked differently is copied by every select and filter."""
    # as read from a Parquet file of several row groups: one chunk per row group
    chunked = {
        name: pl.concat(
            [df.head(df.height // 2), df.tail(df.height - df.height // 2)], rechunk=False
        )
        for name, df in read_tables(sample_dir).items()
    }
    assert chunked["topics"].n_chunks() == 2
    data = prepare(chunked, "b1", load_taxonomy(), sample_dir)
    for name in ("documents", "meetings", "topics", "bilaterals", "figures", "positions"):
        assert set(getattr(data, name).n_chunks("all")) == {1}, name
