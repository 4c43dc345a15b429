"""Load one consistent build of the fact tables, notice new builds, and filter by view state."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import polars as pl

from dashboard.state import State
from etl.store import current_build, read_tables
from etl.tables import SCHEMAS
from etl.taxonomy import Taxonomy, load_taxonomy

log = logging.getLogger(__name__)
FACTS = ("topics", "bilaterals", "figures", "positions")


@dataclass
class Data:
    """The tables of one build, enriched with the date, meeting type and synthetic flag of each row."""

    build: str | None
    documents: pl.DataFrame
    meetings: pl.DataFrame  # one row per meeting_id, with doc_ids
    topics: pl.DataFrame
    bilaterals: pl.DataFrame
    figures: pl.DataFrame
    positions: pl.DataFrame
    rejects: pl.DataFrame
    taxonomy: Taxonomy
    data_dir: Path = field(default_factory=lambda: Path("parquet"))
    error: str | None = None

    @property
    def empty(self) -> bool:
        """True when nothing was built yet (or the build has no documents)."""
        return self.documents.height == 0

    @property
    def bounds(self) -> tuple[int, int]:
        """First and last year with documents (for the period slider)."""
        dates = self.documents["_date"].drop_nulls()
        if dates.is_empty():
            return (2003, date.today().year)
        return (dates.min().year, dates.max().year)  # type: ignore[union-attr]

    @property
    def topic_ids(self) -> list[str]:
        """Taxonomy topic ids, then any other ids found in the data."""
        ids = self.taxonomy.ids()
        extra = sorted(set(self.topics["topic_id"].drop_nulls().unique().to_list()) - set(ids))
        return ids + extra

    def label(self, topic_id: str | None, lang: str) -> str:
        """A topic's label in the interface language."""
        return self.taxonomy.label(topic_id, lang) if topic_id else ""


def _conform(name: str, df: pl.DataFrame) -> pl.DataFrame:
    """Add contract columns an older or newer build may lack (as nulls), cast to contract types."""
    schema = SCHEMAS[name]
    missing = [pl.lit(None, dtype=dt).alias(c) for c, dt in schema.items() if c not in df.columns]
    if missing:
        df = df.with_columns(missing)
    return df.with_columns(
        [pl.col(c).cast(dt, strict=False) for c, dt in schema.items() if df.schema[c] != dt]
    )


def prepare(
    tables: dict[str, pl.DataFrame], build: str | None, taxonomy: Taxonomy, data_dir: Path
) -> Data:
    """Join each fact row to its meeting and document once, so views only filter and count."""
    t = {name: _conform(name, tables.get(name, pl.DataFrame())) for name in SCHEMAS}
    raw_meetings = t["meetings"]
    # A meeting appears once per paper that names it (agenda and report): keep the report's row.
    meetings = (
        raw_meetings.sort([pl.col("is_planned").fill_null(False), "start_date"], nulls_last=True)
        .group_by("meeting_id", maintain_order=True)
        .agg(
            pl.col("meeting_type", "start_date", "end_date", "city", "country_iso2")
            .drop_nulls()
            .first(),
            pl.col("n_sessions").max(),
            pl.col("is_planned").fill_null(False).all(),
            pl.col("evidence").first(),
            pl.col("doc_id").unique(maintain_order=True).alias("doc_ids"),
        )
        .filter(pl.col("meeting_id").is_not_null())
    )
    doc_meeting = (
        raw_meetings.sort("start_date", nulls_last=True)
        .group_by("doc_id", maintain_order=True)
        .agg(
            pl.col("start_date").drop_nulls().first().alias("_m_date"),
            pl.col("meeting_type").drop_nulls().first().alias("_m_type"),
        )
    )
    documents = (
        t["documents"]
        .join(doc_meeting, on="doc_id", how="left")
        .with_columns(
            pl.coalesce("_m_date", "letter_date").alias("_date"),
            pl.col("_m_type").alias("_type"),
            pl.col("is_synthetic").fill_null(False),
        )
        .drop("_m_date", "_m_type")
        .unique("doc_id", keep="first", maintain_order=True)
    )
    synth = documents.select("doc_id", pl.col("is_synthetic").alias("_synthetic"))
    meetings = meetings.join(
        documents.select("doc_id", "is_synthetic")
        .join(raw_meetings.select("doc_id", "meeting_id"), on="doc_id")
        .group_by("meeting_id")
        .agg(pl.col("is_synthetic").any().alias("_synthetic")),
        on="meeting_id",
        how="left",
    ).with_columns(
        pl.col("start_date").alias("_date"),
        pl.col("meeting_type").alias("_type"),
        pl.col("_synthetic").fill_null(False),
    )
    m_keys = meetings.select(
        "meeting_id", pl.col("_date").alias("_md"), pl.col("_type").alias("_mt")
    )
    d_keys = documents.select("doc_id", pl.col("_date").alias("_dd"), pl.col("_type").alias("_dt"))
    facts = {}
    for name in FACTS:
        df = t[name].with_row_index("_row")
        own = [pl.col("date")] if name == "positions" else []
        facts[name] = (
            df.join(m_keys, on="meeting_id", how="left")
            .join(d_keys, on="doc_id", how="left")
            .join(synth, on="doc_id", how="left")
            .with_columns(
                pl.coalesce(*own, "_md", "_dd").alias("_date"),
                pl.coalesce("_mt", "_dt").alias("_type"),
                pl.col("_synthetic").fill_null(False),
            )
            .drop("_md", "_mt", "_dd", "_dt")
            .sort("_row")
        )
    return Data(
        build=build,
        documents=documents,
        meetings=meetings,
        rejects=t["rejects"],
        taxonomy=taxonomy,
        data_dir=data_dir,
        **facts,
    )


def load(data_dir: Path) -> Data:
    """Read the published build of `data_dir` (all tables from one build folder)."""
    data_dir = Path(data_dir)
    cur = current_build(data_dir)
    # Reading from the resolved build folder (not via CURRENT again) keeps all tables of one build.
    tables = read_tables(cur if cur else data_dir)
    return prepare(tables, cur.name if cur else None, load_taxonomy(), data_dir)


class DataStore:
    """Data of one folder, loaded once per process and reloaded when a new build is published."""

    def __init__(self, data_dir: Path, check_every: float = 1.0) -> None:
        self.data_dir = Path(data_dir)
        self.check_every = check_every
        self._lock = threading.Lock()
        self._data: Data | None = None
        self._checked = 0.0

    def get(self) -> Data:
        """The current data; checks the CURRENT link at most every `check_every` seconds."""
        now = time.monotonic()
        if self._data is not None and now - self._checked < self.check_every:
            return self._data
        with self._lock:
            self._checked = now
            cur = current_build(self.data_dir)
            bid = cur.name if cur else None
            if self._data is None or bid != self._data.build:
                try:
                    self._data = load(self.data_dir)
                except Exception as e:  # a broken build must not take the dashboard down
                    log.exception("could not load tables from %s", self.data_dir)
                    if self._data is None:
                        self._data = prepare({}, None, load_taxonomy(), self.data_dir)
                        self._data.error = f"{type(e).__name__}: {e}"
            return self._data


# ---- filters ------------------------------------------------------------------------------


def _base(st: State, date_col: str = "_date", type_col: str = "_type") -> list[pl.Expr]:
    exprs: list[pl.Expr] = []
    if st.start:
        exprs.append(pl.col(date_col) >= st.start)
    if st.end:
        exprs.append(pl.col(date_col) <= st.end)
    if st.types:
        exprs.append(pl.col(type_col).is_in(list(st.types)))
    return exprs


def _apply(df: pl.DataFrame, exprs: list[pl.Expr]) -> pl.DataFrame:
    return df.filter(exprs) if exprs else df


def any_topic(col: str, topics: tuple[str, ...]) -> pl.Expr:
    """True where the list column `col` holds any of `topics`."""
    return pl.col(col).list.eval(pl.element().is_in(list(topics))).list.any().fill_null(False)


def topics_rows(data: Data, st: State, use_topics: bool = True) -> pl.DataFrame:
    """(passage, topic) rows in the period and meeting types, optionally only the chosen topics."""
    exprs = _base(st)
    if use_topics and st.topics:
        exprs.append(pl.col("topic_id").is_in(list(st.topics)))
    return _apply(data.topics, exprs)


def fact_rows(data: Data, table: str, st: State) -> pl.DataFrame:
    """Rows of a fact table in the state's period, meeting types and topics."""
    exprs = _base(st)
    if st.topics:
        if table == "positions":
            exprs.append(any_topic("topic_ids", st.topics))
        elif table == "bilaterals":
            exprs.append(any_topic("subjects", st.topics))
        elif table == "figures" or table == "topics":
            exprs.append(pl.col("topic_id").is_in(list(st.topics)))
    return _apply(getattr(data, table), exprs)


def documents_rows(data: Data, st: State, use_topics: bool = True) -> pl.DataFrame:
    """Documents in the period and meeting types (and mentioning a chosen topic, if any)."""
    docs = _apply(data.documents, _base(st))
    if use_topics and st.topics:
        ids = topics_rows(data, st)["doc_id"].unique()
        docs = docs.filter(pl.col("doc_id").is_in(ids.implode()))
    return docs


def meetings_rows(data: Data, st: State) -> pl.DataFrame:
    """Meetings in the period and types (and where a chosen topic came up, if any)."""
    meetings = _apply(data.meetings, _base(st))
    if st.topics:
        ids = topics_rows(data, st)["meeting_id"].drop_nulls().unique()
        meetings = meetings.filter(pl.col("meeting_id").is_in(ids.implode()))
    return meetings


def text_filter(columns: list[str], q: str) -> pl.Expr:
    """Literal, case-insensitive match of `q` in any of `columns`."""
    needle = q.lower()
    return pl.any_horizontal(
        pl.col(c).cast(pl.String).str.to_lowercase().str.contains(needle, literal=True)
        for c in columns
    ).fill_null(False)


def any_synthetic(data: Data, st: State) -> bool:
    """Whether the rows this state shows include synthetic documents."""
    if st.view == "documents" and st.doc:
        docs = data.documents.filter(pl.col("doc_id") == st.doc)
    else:
        docs = documents_rows(data, st)
    return bool(docs["is_synthetic"].any()) if docs.height else False
