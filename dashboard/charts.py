"""Every chart as one pure function of (data, state): its figure, the rows behind it, its sources."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

import plotly.graph_objects as go
import polars as pl

from dashboard import figures as F
from dashboard import queries as Q
from dashboard.data import (
    Data,
    documents_rows,
    fact_rows,
    meetings_rows,
    take,
    text_filter,
    topic_doc_rows,
)
from dashboard.i18n import FIGURE_KINDS, MEETING_TYPES, STANCES, fmt_number, pair, t
from dashboard.state import State

Column = tuple[str, str, str]  # (field, i18n header key, kind: text/long/date/int/num/doc/docs)


@dataclass
class ChartResult:
    """A chart's figure (None for a table-only panel), its data as a table, and its sources.

    The table may be given as a function: it is then made when first asked for (a chart shown
    as a chart sends no rows, so its callback never builds the table; the CSV download does).
    """

    figure: go.Figure | None
    rows: pl.DataFrame | Callable[[], pl.DataFrame]
    columns: list[Column]
    doc_ids: list[str]
    title: str | None = None  # set when the title depends on the state
    note: str | None = None

    @property
    def table(self) -> pl.DataFrame:
        """The rows behind the chart, as the table view and the CSV show them."""
        if callable(self.rows):
            self.rows = self.rows()
        return self.rows


def _docs(rows: pl.DataFrame, col: str = "doc_id") -> list[str]:
    """Distinct document ids of the rows, newest first."""
    if rows.is_empty() or col not in rows.columns:
        return []
    if rows.schema[col] == pl.List(pl.String):
        rows = rows.explode(col)
    order = "_date" if "_date" in rows.columns else col
    return (
        rows.filter(pl.col(col).is_not_null())
        .group_by(col)
        .agg(pl.col(order).max().alias("_o"))
        .sort(["_o", col], descending=True, nulls_last=True)[col]
        .to_list()
    )


def _labels(data: Data, ids: list[str], lang: str) -> dict[str, str]:
    return {i: data.label(i, lang) for i in ids}


def _topic_label_col(data: Data, lang: str, col: str = "topic_id") -> pl.Expr:
    mapping = _labels(data, data.topic_ids, lang)
    return pl.col(col).replace_strict(mapping, default=pl.col(col), return_dtype=pl.String)


def _topic_list_col(data: Data, lang: str, col: str) -> pl.Expr:
    mapping = _labels(data, data.topic_ids, lang)
    return pl.col(col).list.eval(
        pl.element().replace_strict(mapping, default=pl.element(), return_dtype=pl.String)
    )


def timeline(data: Data, st: State) -> ChartResult:
    """All meetings in the selection, coloured by type."""
    rows = Q.timeline(data, st)
    table, cols = _meeting_table(rows, "meeting_type")
    return ChartResult(F.timeline_figure(rows, st.lang), table, cols, _docs(rows, "doc_ids"))


def _meeting_table(rows: pl.DataFrame, type_col: str) -> tuple[pl.DataFrame, list[Column]]:
    """The table and grid columns of a list of meetings (the type shown from `type_col`)."""
    extra = [] if type_col == "meeting_type" else [type_col]
    table = rows.select(
        "meeting_id",
        pl.col("start_date").alias("date"),
        "end_date",
        "meeting_type",
        *extra,
        "city",
        "country_iso2",
        "n_sessions",
        "is_planned",
        "doc_ids",
    )
    cols = [
        ("date", "col_date", "date"),
        (type_col, "col_type", "text"),
        ("city", "col_city", "text"),
        ("country_iso2", "col_country", "text"),
        ("n_sessions", "col_sessions", "int"),
        ("doc_ids", "col_docs", "docs"),
    ]
    return table, cols


def movers(data: Data, st: State) -> ChartResult:
    """Topics that rose and fell most between the two halves of the period."""
    frame, _ = Q.movers(data, st)
    rng = Q.date_range(data, st)
    note = None
    if rng:
        lo, hi = rng
        mid = lo + (hi - lo) / 2
        note = t(
            "movers_note",
            st.lang,
            F.date_span_label(mid + timedelta(days=1), hi, st.lang),
            F.date_span_label(lo, mid, st.lang),
        )
    table = frame.with_columns(_topic_label_col(data, st.lang).alias("topic")).select(
        "topic_id", "topic", "first", "second", "change"
    )
    cols = [
        ("topic", "col_topic", "text"),
        ("first", "col_first", "num"),
        ("second", "col_second", "num"),
        ("change", "col_change", "num"),
    ]
    ids = frame["topic_id"].to_list()
    src = topic_doc_rows(data, st, ids) if ids else data.topic_docs.clear()
    fig = F.movers_figure(frame, _labels(data, ids, st.lang), st.lang)
    return ChartResult(fig, table, cols, _docs(src), note=note)


def _topic_table(data: Data, st: State, frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(_topic_label_col(data, st.lang).alias("topic")).select(
        "topic_id", "topic", "period", "passages", "total", "share"
    )


TOPIC_COLS: list[Column] = [
    ("topic", "col_topic", "text"),
    ("period", "col_period", "text"),
    ("passages", "col_passages", "int"),
    ("share", "col_share", "num"),
]


def heatmap(data: Data, st: State) -> ChartResult:
    """Topic × period counts (or shares) of passages."""
    frame = Q.topic_period(data, st)
    topics = list(dict.fromkeys(frame["topic_id"].to_list()))
    labels = _labels(data, topics, st.lang)
    fig = F.heatmap_figure(frame, topics, labels, st.measure, st.lang, st.cell)
    return ChartResult(
        fig, _topic_table(data, st, frame), TOPIC_COLS, _docs(topic_doc_rows(data, st))
    )


def lines(data: Data, st: State) -> ChartResult:
    """Lines for the chosen topics (or the five most discussed)."""
    topics = Q.chosen_topics(data, st, top=5)
    frame = Q.topic_period(data, st, topics)
    fig = F.lines_figure(frame, topics, _labels(data, topics, st.lang), st.measure, st.lang)
    src = topic_doc_rows(data, st, topics)
    return ChartResult(fig, _topic_table(data, st, frame), TOPIC_COLS, _docs(src))


POSITION_COLS: list[Column] = [
    ("date", "col_date", "date"),
    ("stance_label", "stance", "text"),
    ("text", "col_text", "long"),
    ("is_planned", "col_planned", "text"),
    ("doc_id", "col_doc", "doc"),
]


def positions_table(data: Data, st: State, rows: pl.DataFrame) -> pl.DataFrame:
    """Statements as a table (date, stance, sentence, topics, document)."""
    return rows.select(
        pl.col("_date").alias("date"),
        "stance",
        pl.col("stance")
        .replace_strict({k: pair(STANCES, k, st.lang) for k in STANCES}, default=pl.col("stance"))
        .alias("stance_label"),
        "text",
        pl.col("is_planned").fill_null(False),
        _topic_list_col(data, st.lang, "topic_ids").alias("topics"),
        "actor",
        "co_actors",
        "doc_id",
        "meeting_id",
    )


# A dot per statement: beyond this many the figure's JSON grows past a megabyte and the page
# slows down, while no reader can tell the dots apart any more
MAX_POINTS = 1500


def _positions_table(data: Data, st: State) -> pl.DataFrame:
    return positions_table(data, st, Q.positions_for(data, st))


def stance_timeline(data: Data, st: State) -> ChartResult:
    """Dutch statements on the focus topic over time, coloured by stance."""
    rows = Q.positions_for(data, st, ["_row", "_date", "doc_id"])
    shown, note = _latest(rows, st)
    cols = ["_date", "stance", "is_planned", "doc_id", "text"]
    fig = F.stance_timeline_figure(take(data, "positions", shown["_row"], cols), st.lang)
    title = t("stance_timeline", st.lang, data.label(Q.focus_topic(data, st), st.lang) or "—")
    table = partial(_positions_table, data, st)
    return ChartResult(fig, table, POSITION_COLS, _docs(rows), title, note)


def stance_mix(data: Data, st: State) -> ChartResult:
    """Statements per year and stance on the focus topic."""
    rows = Q.positions_for(data, st, ["_date", "stance", "doc_id"])
    mix = Q.stance_mix(rows)
    table = mix.with_columns(
        pl.col("stance")
        .replace_strict({k: pair(STANCES, k, st.lang) for k in STANCES}, default=pl.col("stance"))
        .alias("stance_label")
    )
    cols = [
        ("year", "col_year", "text"),
        ("stance_label", "stance", "text"),
        ("count", "col_count", "int"),
    ]
    return ChartResult(F.stance_mix_figure(mix, st.lang), table, cols, _docs(rows))


def bilateral_rows(data: Data, st: State, country: bool = True) -> pl.DataFrame:
    """Bilateral talks in the selection (and with the chosen country, if any)."""
    rows = fact_rows(data, "bilaterals", st)
    if country and st.country:
        rows = rows.filter(pl.col("country_iso2") == st.country)
    return rows.sort("_date", descending=True, nulls_last=True)


def _names(rows: pl.DataFrame, lang: str) -> dict[str, str]:
    counts = Q.bilateral_counts(rows)
    return {
        iso: F.country_name(iso, name, lang)
        for iso, name in counts.select("country_iso2", "country_name").iter_rows()
    }


def world_map(data: Data, st: State) -> ChartResult:
    """How often the minister met each country."""
    rows = bilateral_rows(data, st, country=False)
    counts = Q.bilateral_counts(rows)
    names = _names(rows, st.lang)
    table = counts.select(
        "country_iso2",
        pl.col("country_iso2").replace_strict(names, default=None).alias("country"),
        "count",
    )
    cols = [("country", "col_country", "text"), ("count", "col_count", "int")]
    return ChartResult(F.map_figure(counts, st.lang, st.country), table, cols, _docs(rows))


def partners(data: Data, st: State) -> ChartResult:
    """Talks per year with the top partners."""
    rows = bilateral_rows(data, st, country=False)
    per_year = Q.partners_per_year(rows)
    names = _names(rows, st.lang)
    table = per_year.with_columns(
        pl.col("country_iso2").replace_strict(names, default=None).alias("country")
    ).select("year", "country_iso2", "country", "count")
    cols = [
        ("year", "col_year", "text"),
        ("country", "col_country", "text"),
        ("count", "col_count", "int"),
    ]
    src = rows.filter(pl.col("country_iso2").is_in(per_year["country_iso2"].unique().implode()))
    return ChartResult(F.partners_figure(per_year, names, st.lang), table, cols, _docs(src))


def bilateral_table(data: Data, st: State) -> ChartResult:
    """Every bilateral talk in the selection, with subjects and its sentence."""
    rows = bilateral_rows(data, st)
    names = _names(rows, st.lang)
    table = rows.select(
        pl.col("_date").alias("date"),
        pl.col("_type").alias("meeting_type"),
        "country_iso2",
        pl.col("country_iso2").replace_strict(names, default=None).alias("country"),
        "counterpart",
        _topic_list_col(data, st.lang, "subjects").alias("subjects"),
        "evidence",
        "doc_id",
        "meeting_id",
    )
    cols = [
        ("date", "col_date", "date"),
        ("country", "col_country", "text"),
        ("counterpart", "col_counterpart", "mid"),
        ("subjects", "col_subjects", "mid"),
        ("evidence", "col_evidence", "long"),
        ("doc_id", "col_doc", "doc"),
    ]
    title = t("bilateral_table", st.lang)
    if st.country:
        name = F.country_name(st.country, names.get(st.country), st.lang)
        title = t("talks_with", st.lang, name, rows.height)
    return ChartResult(None, table, cols, _docs(rows), title)


FIGURE_COLS: list[Column] = [
    ("date", "col_date", "date"),
    ("raw", "col_raw", "mid"),
    ("value", "col_value", "num"),
    ("currency", "col_currency", "text"),
    ("year", "col_year", "text"),
    ("evidence", "col_evidence", "long"),
    ("doc_id", "col_doc", "doc"),
]


def figure_rows(data: Data, st: State, kind: str | None = None) -> pl.DataFrame:
    """Amounts and/or percentages in the selection, oldest first."""
    rows = fact_rows(data, "figures", st)
    if kind:
        rows = rows.filter(pl.col("kind") == kind)
    return rows.sort("_date", nulls_last=True)


def _figure_table(data: Data, st: State, rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(
        pl.col("_date").alias("date"),
        "kind",
        pl.col("kind")
        .replace_strict({k: pair(FIGURE_KINDS, k, st.lang) for k in FIGURE_KINDS}, default=None)
        .alias("kind_label"),
        "value",
        "currency",
        "year",
        "raw",
        "topic_id",
        _topic_label_col(data, st.lang).alias("topic"),
        "evidence",
        "doc_id",
        "meeting_id",
    )


def _latest(
    rows: pl.DataFrame, st: State, key: str = "latest_points"
) -> tuple[pl.DataFrame, str | None]:
    """At most MAX_POINTS of the newest rows for a dot chart, and the note that says so."""
    if rows.height <= MAX_POINTS:
        return rows, None
    shown = rows.sort("_date", descending=True, nulls_last=True).head(MAX_POINTS)
    return shown, t(key, st.lang, fmt_number(MAX_POINTS, st.lang), fmt_number(rows.height, st.lang))


def amounts(data: Data, st: State) -> ChartResult:
    """Amounts named, by currency."""
    rows = figure_rows(data, st, "amount")
    shown, note = _latest(rows, st, "latest_figures")
    fig = F.amounts_figure(shown.sort("_date", nulls_last=True), st.log, st.lang)
    table = partial(_figure_table, data, st, rows)
    return ChartResult(fig, table, FIGURE_COLS, _docs(rows), note=note)


def percentages(data: Data, st: State) -> ChartResult:
    """Percentages named, with the norms."""
    rows = figure_rows(data, st, "percentage")
    shown, note = _latest(rows, st, "latest_figures")
    fig = F.percentages_figure(shown.sort("_date", nulls_last=True), st.lang)
    table = partial(_figure_table, data, st, rows)
    return ChartResult(fig, table, FIGURE_COLS, _docs(rows), note=note)


def figure_table(data: Data, st: State) -> ChartResult:
    """Every amount and percentage with its raw text and sentence."""
    rows = figure_rows(data, st)
    cols = FIGURE_COLS[:1] + [("kind_label", "col_type", "text")] + FIGURE_COLS[1:]
    return ChartResult(None, _figure_table(data, st, rows), cols, _docs(rows))


MEETING_SEARCH = ["meeting_id", "meeting_type", "city", "country_iso2", "evidence", "_docs"]


def meeting_list(data: Data, st: State) -> pl.DataFrame:
    """Meetings in the selection matching the search text, newest first."""
    rows = meetings_rows(data, st).with_columns(
        pl.col("doc_ids").list.join(" ").alias("_docs"),
        pl.col("meeting_type")
        .replace_strict({k: pair(MEETING_TYPES, k, st.lang) for k in MEETING_TYPES}, default=None)
        .alias("type_label"),
    )
    if st.q:
        rows = rows.filter(text_filter(MEETING_SEARCH + ["type_label"], st.q))
    return rows.sort("start_date", descending=True, nulls_last=True)


def meetings_table(data: Data, st: State) -> ChartResult:
    """Meetings with dates, place, sessions and source documents."""
    rows = meeting_list(data, st)
    table, cols = _meeting_table(rows, "type_label")
    return ChartResult(None, table, cols, _docs(rows, "doc_ids"))


def document_list(data: Data, st: State) -> pl.DataFrame:
    """Documents in the selection whose text contains the search words (literal), newest first."""
    docs = documents_rows(data, st)
    if st.q:
        docs = docs.filter(text_filter(["text", "title", "doc_id"], st.q))
    return docs.sort("_date", descending=True, nulls_last=True)


def documents_table(data: Data, st: State) -> ChartResult:
    """Documents found (or all in the selection)."""
    rows = document_list(data, st)
    table = rows.select(
        "doc_id",
        pl.col("letter_date").alias("date"),
        "doc_kind",
        "title",
        "signatory",
        "is_synthetic",
    )
    cols = [
        ("date", "col_date", "date"),
        ("doc_id", "col_doc", "doc"),
        ("title", "col_title", "long"),
        ("doc_kind", "col_kind", "text"),
    ]
    n = rows.height
    title = t("results", st.lang, n, st.q) if st.q else t("all_documents", st.lang, n)
    return ChartResult(None, table, cols, _docs(rows), title)


BUILDERS: dict[str, Callable[[Data, State], ChartResult]] = {
    "timeline": timeline,
    "movers": movers,
    "heatmap": heatmap,
    "lines": lines,
    "stance_timeline": stance_timeline,
    "stance_mix": stance_mix,
    "map": world_map,
    "partners": partners,
    "amounts": amounts,
    "percentages": percentages,
    "bilateral_table": bilateral_table,
    "figure_table": figure_table,
    "meetings_table": meetings_table,
    "documents_table": documents_table,
}


def csv_text(table: pl.DataFrame) -> str:
    """The table as CSV: ISO dates, lists joined by "; "."""
    lists = [c for c, dt in table.schema.items() if isinstance(dt, pl.List)]
    return table.with_columns(pl.col(c).list.join("; ") for c in lists).write_csv()


def grid_rows(table: pl.DataFrame) -> list[dict]:
    """The table as ag-grid rowData: ISO dates, lists joined by ", "."""
    lists = [c for c, dt in table.schema.items() if isinstance(dt, pl.List)]
    dates = [c for c, dt in table.schema.items() if dt == pl.Date]
    return table.with_columns(
        [pl.col(c).list.join(", ") for c in lists]
        + [pl.col(c).dt.to_string("%Y-%m-%d") for c in dates]
    ).to_dicts()
