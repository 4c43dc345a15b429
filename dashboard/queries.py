"""Aggregations behind the charts: Polars in, Polars out, no per-row Python."""

from __future__ import annotations

import difflib
from dataclasses import replace
from datetime import date

import polars as pl

from dashboard.data import Data, documents_rows, fact_rows, meetings_rows, topics_rows
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


def date_range(data: Data, st: State) -> tuple[date, date] | None:
    """The period shown: the state's range clipped to the documents' dates; None if empty."""
    dates = data.documents["_date"].drop_nulls()
    if dates.is_empty():
        return None
    lo, hi = dates.min(), dates.max()
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


def passage_totals(data: Data, st: State, key: pl.Expr) -> pl.DataFrame:
    """All passages (paragraphs) of the documents in the selection, per `key` (column "key")."""
    docs = documents_rows(data, st, use_topics=False)
    tagged = data.topics.group_by("doc_id").agg(
        pl.struct("paragraph_index").n_unique().alias("_tagged")
    )
    return (
        docs.join(tagged, on="doc_id", how="left")
        .with_columns(
            pl.coalesce("n_paragraphs", "_tagged", pl.lit(0)).alias("_n"), key.alias("key")
        )
        .group_by("key")
        .agg(pl.col("_n").sum().alias("total"))
    )


def chosen_topics(data: Data, st: State, rows: pl.DataFrame, top: int | None = None) -> list[str]:
    """The state's topics, else the topics present (taxonomy order), or the `top` most frequent."""
    if st.topics:
        return list(st.topics)
    if top:
        counts = rows.group_by("topic_id").len().sort(["len", "topic_id"], descending=[True, False])
        return counts["topic_id"].head(top).to_list()
    present = set(rows["topic_id"].drop_nulls().to_list())
    return [t for t in data.topic_ids if t in present]


def topic_period(data: Data, st: State, topics: list[str] | None = None) -> pl.DataFrame:
    """Passages per topic and period over the full grid: topic_id, period, passages, total, share."""
    rng = date_range(data, st)
    rows = topics_rows(data, st)
    topics = topics if topics is not None else chosen_topics(data, st, rows)
    schema = {
        "topic_id": pl.String,
        "period": pl.String,
        "passages": pl.Int64,
        "total": pl.Int64,
        "share": pl.Float64,
    }
    if rng is None or not topics:
        return pl.DataFrame(schema=schema)
    periods = all_periods(rng[0], rng[1], st.grain)
    counts = (
        rows.filter(pl.col("topic_id").is_in(topics))
        .with_columns(period_expr(st.grain).alias("period"))
        .group_by("topic_id", "period")
        .agg(pl.len().cast(pl.Int64).alias("passages"))
    )
    totals = passage_totals(data, st, period_expr(st.grain)).rename({"key": "period"})
    grid = pl.DataFrame({"topic_id": topics}).join(pl.DataFrame({"period": periods}), how="cross")
    return (
        grid.join(counts, on=["topic_id", "period"], how="left")
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
        .select(list(schema))
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
        topics_rows(data, sub)
        .filter(pl.col("_date").is_not_null())
        .with_columns(half.alias("half"))
        .group_by("topic_id", "half")
        .agg(pl.len().alias("n"))
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
    exploded = data.positions.select(pl.col("topic_ids").explode().alias("t")).drop_nulls()
    if exploded.is_empty():
        return None
    return exploded.group_by("t").len().sort(["len", "t"], descending=[True, False])["t"][0]


def positions_for(data: Data, st: State) -> pl.DataFrame:
    """Dutch statements on the focus topic in the selection, oldest first."""
    topic = focus_topic(data, st)
    rows = fact_rows(data, "positions", replace(st, topics=()))
    if topic is None:
        return rows.clear()
    rows = rows.filter(pl.col("topic_ids").list.contains(topic).fill_null(False))
    if st.planned != "all":
        rows = rows.filter(pl.col("is_planned").fill_null(False) == (st.planned == "planned"))
    return rows.sort(["_date", "doc_id", "paragraph_index"], nulls_last=True)


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
    """Pairs (earlier, later): each statement beside the most similar one of the previous paper."""
    cols = ["text", "_date", "doc_id", "stance", "is_planned"]
    papers = [g.select(cols).to_dicts() for _, g in rows.group_by("doc_id", maintain_order=True)]
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
