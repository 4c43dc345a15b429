"""Aggregations behind the charts: Polars in, Polars out, no per-row Python."""

from __future__ import annotations

import difflib
from dataclasses import replace
from datetime import date, timedelta

import polars as pl

from dashboard.data import (
    Data,
    fact_rows,
    meetings_rows,
    passage_totals,
    take,
    topic_counts,
)
from dashboard.state import State


def period_expr(grain: str, col: str = "_date") -> pl.Expr:
    """The period key of a date: "2023" per year, "2023-Q4" per quarter."""
    year = pl.col(col).dt.year().cast(pl.String)
    if grain == "quarter":
        return pl.concat_str([year, pl.lit("-Q"), pl.col(col).dt.quarter().cast(pl.String)])
    return year


def period_of(d: date, grain: str) -> str:
    """The period key of one date (same rule as period_expr)."""
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}" if grain == "quarter" else str(d.year)


def period_dates(period: str) -> tuple[date, date]:
    """First and last day of a period key ("2023" or "2023-Q4"; see period_expr)."""
    year, _, quarter = period.partition("-Q")
    y = int(year)
    if not quarter:
        return date(y, 1, 1), date(y, 12, 31)
    q = int(quarter)
    last = date(y, 12, 31) if q == 4 else date(y, 3 * q + 1, 1) - timedelta(days=1)
    return date(y, 3 * q - 2, 1), last


def date_range(data: Data, st: State) -> tuple[date, date] | None:
    """The period shown: the state's range clipped to the documents' dates; None if empty."""
    if data.dates is None:
        return None
    lo, hi = data.dates
    lo = max(lo, st.start) if st.start else lo  # type: ignore[type-var]
    hi = min(hi, st.end) if st.end else hi  # type: ignore[type-var]
    return (lo, hi) if lo <= hi else None  # type: ignore[operator,return-value]


def all_periods(lo: date, hi: date, grain: str) -> list[str]:
    """Every period key from lo to hi, so empty years show as empty columns."""
    keys = []
    y, q = lo.year, (lo.month - 1) // 3 + 1
    end = (hi.year, (hi.month - 1) // 3 + 1)
    while (y, q if grain == "quarter" else 0) <= (end[0], end[1] if grain == "quarter" else 0):
        keys.append(f"{y}-Q{q}" if grain == "quarter" else str(y))
        if grain == "quarter":
            y, q = (y + 1, 1) if q == 4 else (y, q + 1)
        else:
            y += 1
    return keys


def chosen_topics(
    data: Data, st: State, counts: pl.DataFrame | None = None, top: int | None = None
) -> list[str]:
    """The state's topics, else the topics present (taxonomy order), or the `top` most frequent.

    `counts` are topic_counts(data, st) (passages per topic, date and type), if already at hand.
    """
    if st.topics:
        return list(st.topics)
    counts = topic_counts(data, st) if counts is None else counts
    if top:
        per_topic = (
            counts.group_by("topic_id")
            .agg(pl.col("n").sum().alias("len"))
            .sort(["len", "topic_id"], descending=[True, False])
        )
        return per_topic["topic_id"].head(top).to_list()
    present = set(counts["topic_id"].drop_nulls().unique().to_list())
    return [t for t in data.topic_ids if t in present]


TOPIC_PERIOD_SCHEMA = {
    "topic_id": pl.String,
    "period": pl.String,
    "passages": pl.Int64,
    "total": pl.Int64,
    "share": pl.Float64,
}


def topic_period(data: Data, st: State, topics: list[str] | None = None) -> pl.DataFrame:
    """Passages per topic and period over the full grid: topic_id, period, passages, total, share.

    Shared by the heatmap, the cell picker and the lines of one page, so kept per build.
    """
    key = ("topic_period", st.start, st.end, st.types, st.topics, st.grain, tuple(topics or ()))
    if topics is not None and not topics:
        key = key[:-1] + (("<none>",),)
    return data.cached(key, lambda: _topic_period(data, st, topics))


def _topic_period(data: Data, st: State, topics: list[str] | None) -> pl.DataFrame:
    rng = date_range(data, st)
    counts = topic_counts(data, st)
    topics = topics if topics is not None else chosen_topics(data, st, counts)
    if rng is None or not topics:
        return pl.DataFrame(schema=TOPIC_PERIOD_SCHEMA)
    periods = all_periods(rng[0], rng[1], st.grain)
    per_period = (
        counts.filter(pl.col("topic_id").is_in(topics))
        .with_columns(period_expr(st.grain).alias("period"))
        .group_by("topic_id", "period")
        .agg(pl.col("n").sum().cast(pl.Int64).alias("passages"))
    )
    totals = passage_totals(data, st, period_expr(st.grain)).rename({"key": "period"})
    grid = pl.DataFrame({"topic_id": topics}).join(pl.DataFrame({"period": periods}), how="cross")
    return (
        grid.join(per_period, on=["topic_id", "period"], how="left")
        .join(totals, on="period", how="left")
        .with_columns(
            pl.col("passages").fill_null(0),
            pl.col("total").fill_null(0).cast(pl.Int64),
        )
        .with_columns(
            pl.when(pl.col("total") > 0)
            .then((100 * pl.col("passages") / pl.col("total")).round(2))
            .otherwise(0.0)
            .alias("share")
        )
        .select(list(TOPIC_PERIOD_SCHEMA))
    )


def movers(data: Data, st: State, n: int = 5) -> tuple[pl.DataFrame, tuple[date, date] | None]:
    """Topics whose share of passages rose or fell most from the first to the second half."""
    rng = date_range(data, st)
    schema = {
        "topic_id": pl.String,
        "first": pl.Float64,
        "second": pl.Float64,
        "change": pl.Float64,
    }
    if rng is None:
        return pl.DataFrame(schema=schema), None
    lo, hi = rng
    mid = lo + (hi - lo) / 2
    half = pl.when(pl.col("_date") <= mid).then(pl.lit("first")).otherwise(pl.lit("second"))
    sub = replace(st, start=lo, end=hi)
    counts = (
        topic_counts(data, sub)
        .filter(pl.col("_date").is_not_null())
        .with_columns(half.alias("half"))
        .group_by("topic_id", "half")
        .agg(pl.col("n").sum().cast(pl.UInt32))
    )
    totals = passage_totals(data, sub, half)
    t = {r["key"]: r["total"] for r in totals.iter_rows(named=True)}
    first_total, second_total = t.get("first", 0), t.get("second", 0)
    if not first_total or not second_total or counts.is_empty():
        return pl.DataFrame(schema=schema), (mid, mid)
    wide = (
        counts.pivot(on="half", index="topic_id", values="n")
        .with_columns(
            [
                pl.lit(0, dtype=pl.UInt32).alias(h)
                for h in ("first", "second")
                if h not in counts["half"]
            ]
        )
        .with_columns(
            (100 * pl.col("first").fill_null(0) / first_total).round(2).alias("first"),
            (100 * pl.col("second").fill_null(0) / second_total).round(2).alias("second"),
        )
        .with_columns((pl.col("second") - pl.col("first")).round(2).alias("change"))
        .select(list(schema))
    )
    up = wide.filter(pl.col("change") > 0).sort(["change", "topic_id"], descending=[True, False])
    down = wide.filter(pl.col("change") < 0).sort(["change", "topic_id"])
    return pl.concat([up.head(n), down.head(n)]), (mid, mid)


def timeline(data: Data, st: State) -> pl.DataFrame:
    """Meetings in the selection, oldest first."""
    return meetings_rows(data, st).filter(pl.col("start_date").is_not_null()).sort("start_date")


def focus_topic(data: Data, st: State) -> str | None:
    """The positions view's topic: the chosen one, the first filtered one, or the most frequent."""
    if st.topic:
        return st.topic
    if st.topics:
        return st.topics[0]
    return data.default_focus


def positions_for(data: Data, st: State, columns: list[str] | None = None) -> pl.DataFrame:
    """Dutch statements on the focus topic in the selection, oldest first (only `columns`, if
    given: a chart that needs the dates of 50,000 statements and the text of 1,500 asks twice).
    """
    return take(data, "positions", position_index(data, st), columns)


def position_index(data: Data, st: State) -> pl.Series:
    """The row numbers of positions_for(data, st), in its order.

    Three callbacks of the positions page ask for the same rows: their row numbers are kept per
    build (a few hundred KB at most, where the rows themselves would be megabytes).
    """
    topic = focus_topic(data, st)
    if topic is None:
        return pl.Series("_row", [], pl.UInt32)
    key = ("positions_for", st.start, st.end, st.types, topic, st.planned)
    return data.cached(key, lambda: _positions_for(data, st, topic))


def _positions_for(data: Data, st: State, topic: str) -> pl.Series:
    """The row numbers of positions_for, in its order."""
    # a topic's statements are indexed in this order already (Data.position_rows)
    rows = fact_rows(data, "positions", replace(st, topics=(topic,)), ["_row", "is_planned"])
    if st.planned != "all":
        rows = rows.filter(pl.col("is_planned").fill_null(False) == (st.planned == "planned"))
    return rows["_row"]


def stance_mix(rows: pl.DataFrame) -> pl.DataFrame:
    """Statements per year and stance."""
    return (
        rows.filter(pl.col("_date").is_not_null())
        .with_columns(pl.col("_date").dt.year().alias("year"))
        .group_by("year", "stance")
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .sort("year", "stance")
    )


def changes(rows: pl.DataFrame, limit: int = 8) -> list[tuple[dict, dict]]:
    """Pairs (earlier, later): each statement beside the most similar one of the previous paper.

    Newest first and at most `limit` pairs; as every paper gives at least one pair, only the
    last limit + 1 papers (in the order of `rows`) can take part, so only those are read.
    """
    cols = ["text", "_date", "doc_id", "stance", "is_planned"]
    recent = recent_papers(rows, limit + 1)
    papers = [g.select(cols).to_dicts() for _, g in recent.group_by("doc_id", maintain_order=True)]
    pairs: list[tuple[dict, dict]] = []
    # newest first; bounded by `limit`, so the difflib work stays small
    for i in range(len(papers) - 1, 0, -1):
        for later in papers[i]:
            best = max(
                papers[i - 1],
                key=lambda earlier, later=later: difflib.SequenceMatcher(
                    None, earlier["text"] or "", later["text"] or ""
                ).ratio(),
            )
            pairs.append((best, later))
            if len(pairs) >= limit:
                return pairs
    return pairs


def recent_papers(rows: pl.DataFrame, n: int) -> pl.DataFrame:
    """The rows of the last `n` papers (documents, in the order they first appear in `rows`)."""
    order = rows["doc_id"].unique(maintain_order=True)
    return rows.filter(pl.col("doc_id").is_in(order.tail(n).implode()))


def n_changes(rows: pl.DataFrame) -> int:
    """How many pairs changes() would give without its limit: every statement but the oldest
    paper's has one."""
    if rows.is_empty():
        return 0
    return rows.height - int((rows["doc_id"] == rows["doc_id"][0]).sum())


def bilateral_counts(rows: pl.DataFrame) -> pl.DataFrame:
    """Talks per country: country_iso2, country_name, count."""
    return (
        rows.filter(pl.col("country_iso2").is_not_null())
        .group_by("country_iso2")
        .agg(pl.col("country_name").drop_nulls().first(), pl.len().cast(pl.Int64).alias("count"))
        .sort(["count", "country_iso2"], descending=[True, False])
    )


def partners_per_year(rows: pl.DataFrame, top: int = 7) -> pl.DataFrame:
    """Talks per year for the `top` most frequent partner countries."""
    best = bilateral_counts(rows)["country_iso2"].head(top)
    return (
        rows.filter(pl.col("country_iso2").is_in(best.implode()) & pl.col("_date").is_not_null())
        .with_columns(pl.col("_date").dt.year().alias("year"))
        .group_by("year", "country_iso2")
        .agg(pl.len().cast(pl.Int64).alias("count"))
        .sort("year", "country_iso2")
    )
