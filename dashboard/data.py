"""Load one consistent build of the fact tables, notice new builds, and filter by view state."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from dashboard.state import State
from etl.store import current_build
from etl.tables import SCHEMAS
from etl.taxonomy import Taxonomy, load_taxonomy

log = logging.getLogger(__name__)
FACTS = ("topics", "bilaterals", "figures", "positions")
# The columns the dashboard shows or filters on; the others stay on disk (for memory: a worker
# holds every table of a 50,000-report build). Contract columns missing from a build are added.
COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": (
        "doc_id",
        "title",
        "doc_kind",
        "letter_date",
        "signatory",
        "is_synthetic",
        "source_url",
        "n_paragraphs",
        "text",
    ),
    "meetings": (
        "meeting_id",
        "doc_id",
        "meeting_type",
        "start_date",
        "end_date",
        "city",
        "country_iso2",
        "n_sessions",
        "is_planned",
        "evidence",
    ),
    "topics": ("doc_id", "meeting_id", "topic_id", "section", "paragraph_index", "evidence"),
    "bilaterals": (
        "doc_id",
        "meeting_id",
        "country_iso2",
        "counterpart",
        "subjects",
        "evidence",
        "country_name",
        "paragraph_index",
    ),
    "figures": (
        "doc_id",
        "meeting_id",
        "kind",
        "value",
        "currency",
        "year",
        "raw",
        "topic_id",
        "evidence",
        "paragraph_index",
    ),
    "positions": (
        "doc_id",
        "meeting_id",
        "date",
        "actor",
        "co_actors",
        "stance",
        "topic_ids",
        "text",
        "is_planned",
        "paragraph_index",
    ),
    "rejects": ("source_path", "reason"),
}
CACHE_SIZE = 32  # results kept per build (see Data.cached)
# Text columns that are verbatim pieces of their document's text. Held as a place in that text,
# they take no memory of their own (at 50,000 reports some 120 MB per worker); a table where
# one is not found in its document keeps the column as it is.
LOCATED = {"topics": "evidence", "positions": "text"}
PLACE = ["_doc", "_at", "_len"]  # row of the document, byte offset and byte length
T = TypeVar("T")


class BoundedCache:
    """A small thread-safe LRU map: results of one build's queries, keyed by their arguments."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for key, computed (outside the lock) on a miss and kept."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
            self.misses += 1
        value = compute()
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class Data:
    """The tables of one build, enriched with the date, meeting type and synthetic flag of each row.

    A text column listed in `located` (a passage's evidence, a statement's sentence) is held as
    its place in the document's text (`_doc`, `_at`, `_len`) instead of a copy: take() and the
    row functions below give it back.
    """

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
    located: dict[str, str] = field(default_factory=dict)  # table → its text held as a place
    # ---- computed once per build by prepare(), so that views filter small tables ----
    # passages per (topic, date, meeting type): the heatmap, lines and movers count from this
    topic_counts: pl.DataFrame = field(default_factory=pl.DataFrame)
    # every passage of a document counts once in the totals: paragraphs per (date, type)
    passage_counts: pl.DataFrame = field(default_factory=pl.DataFrame)
    # distinct (topic, document, meeting, date, type) of the passages: sources and topic filters
    topic_docs: pl.DataFrame = field(default_factory=pl.DataFrame)
    # row numbers of `positions` per topic id (a statement can be on several topics), each in
    # the order the positions view lists statements: by date, document and paragraph
    position_rows: dict[str, pl.Series] = field(default_factory=dict)
    position_rank: pl.Series = field(default_factory=pl.Series)  # each row's place in that order
    dates: tuple[date, date] | None = None  # first and last document date
    default_focus: str | None = None  # the topic with the most Dutch statements
    _topic_ids: list[str] = field(default_factory=list)
    cache: BoundedCache = field(default_factory=BoundedCache, repr=False)

    @property
    def empty(self) -> bool:
        """True when nothing was built yet (or the build has no documents)."""
        return self.documents.height == 0

    @property
    def bounds(self) -> tuple[int, int]:
        """First and last year with documents (for the period slider)."""
        if self.dates is None:
            return (2003, date.today().year)
        return (self.dates[0].year, self.dates[1].year)

    @property
    def topic_ids(self) -> list[str]:
        """Taxonomy topic ids, then any other ids found in the data."""
        return self._topic_ids

    def cached(self, key: Hashable, compute: Callable[[], T]) -> T:
        """compute() once per key for this build (a new build is a new Data, with an empty cache).

        Only for results that callbacks share (e.g. the positions of a topic, used by three
        callbacks of one page); `key` must hold every input of compute besides this Data.
        """
        return self.cache.get((self.build, key), compute)

    def label(self, topic_id: str | None, lang: str) -> str:
        """A topic's label in the interface language."""
        return self.taxonomy.label(topic_id, lang) if topic_id else ""


def _conform(name: str, df: pl.DataFrame) -> pl.DataFrame:
    """The dashboard's columns of a table: those a build lacks as nulls, cast to contract types.

    A table whose text column read_columns already replaced by its place keeps the place.
    """
    placed = name in LOCATED and set(PLACE) <= set(df.columns)
    cols = [c for c in COLUMNS[name] if not (placed and c == LOCATED[name])]
    schema = {c: SCHEMAS[name].get(c, pl.String()) for c in cols}
    missing = [pl.lit(None, dtype=dt).alias(c) for c, dt in schema.items() if c not in df.columns]
    if missing:
        df = df.with_columns(missing)
    # one chunk per column (a Parquet file gives one per row group): a frame whose columns are
    # chunked alike is filtered and narrowed in place, others are copied on every query
    return df.select(
        [
            pl.col(c).cast(dt, strict=False) if df.schema[c] != dt else pl.col(c)
            for c, dt in schema.items()
        ]
        + (PLACE if placed else [])
    ).rechunk()


def unique_documents(docs: pl.DataFrame) -> pl.DataFrame:
    """One row per doc_id (the first), in table order."""
    if docs.height and docs["doc_id"].is_duplicated().any():
        return docs.filter(pl.col("doc_id").is_first_distinct())
    return docs


def prepare(
    tables: dict[str, pl.DataFrame], build: str | None, taxonomy: Taxonomy, data_dir: Path
) -> Data:
    """Join each fact row to its meeting and document once, so views only filter and count."""
    t = {name: _conform(name, tables.get(name, pl.DataFrame())) for name in COLUMNS}
    # a passage's heading path is only shown, and repeats: stored once per distinct heading
    t["topics"] = t["topics"].with_columns(pl.col("section").cast(pl.Categorical))
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
    # passages of each document, for shares: its paragraphs, else its tagged paragraphs
    tagged = (
        t["topics"].group_by("doc_id").agg(pl.col("paragraph_index").n_unique().alias("_tagged"))
    )
    # The big tables (text, evidence) are never joined or sorted, which would copy them: the
    # columns the views filter on are computed from a narrow frame of keys and set beside them.
    docs = unique_documents(t["documents"])
    documents = docs.with_columns(
        docs.select("doc_id", "letter_date", "n_paragraphs", "is_synthetic")
        .join(doc_meeting, on="doc_id", how="left", maintain_order="left")
        .join(tagged, on="doc_id", how="left", maintain_order="left")
        .select(
            pl.coalesce("_m_date", "letter_date").alias("_date"),
            pl.col("_m_type").alias("_type"),
            pl.col("is_synthetic").fill_null(False),
            pl.coalesce("n_paragraphs", "_tagged", pl.lit(0)).alias("_n"),
        )
        .get_columns()
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
        df = t[name]
        own = ["date"] if name == "positions" else []
        keys = df.select("meeting_id", "doc_id", *own).with_row_index("_row")
        facts[name] = df.with_columns(
            keys.join(m_keys, on="meeting_id", how="left")
            .join(d_keys, on="doc_id", how="left")
            .join(synth, on="doc_id", how="left")
            .sort("_row")
            .select(
                "_row",
                pl.coalesce(*own, "_md", "_dd").alias("_date"),
                pl.coalesce("_mt", "_dt").alias("_type"),
                pl.col("_synthetic").fill_null(False),
            )
            .rechunk()
            .get_columns()
        )
    extra = aggregates(documents, facts["topics"], facts["positions"], taxonomy)
    located = {}
    for name, col in LOCATED.items():
        df = facts[name]
        placed = df if "_doc" in df.columns else _locate(df, col, documents)
        if placed is not None:
            facts[name], located[name] = placed, col
    return Data(
        build=build,
        documents=documents,
        meetings=meetings,
        rejects=t["rejects"],
        taxonomy=taxonomy,
        data_dir=data_dir,
        located=located,
        **facts,
        **extra,
    )


def _locate(df: pl.DataFrame, col: str, documents: pl.DataFrame) -> pl.DataFrame | None:
    """df with `col` replaced by its place in the text of its document (None if some value is
    not found there, or the documents have no text)."""
    if documents.is_empty() or documents["text"].is_null().all():
        return None
    rows = df.select("doc_id", col).join(
        documents.select("doc_id").with_row_index("_doc"),
        on="doc_id",
        how="left",
        maintain_order="left",
    )
    place = pl.DataFrame({"t": documents["text"].gather(rows["_doc"]), "v": rows[col]}).select(
        pl.col("t").str.find(pl.col("v"), literal=True).alias("_at"),
        pl.col("v").str.len_bytes().cast(pl.UInt32).alias("_len"),
    )
    if (place["_at"].is_null() & rows[col].is_not_null()).any():
        return None
    return df.drop(col).with_columns(rows["_doc"], place["_at"], place["_len"])


def restore(data: Data, table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` (rows of `table` with their place columns) with its located text column back."""
    col = data.located.get(table)
    if col is None or col in frame.columns or not set(PLACE) <= set(frame.columns):
        return frame
    text = data.documents["text"].gather(frame["_doc"]).cast(pl.Binary).alias("_text")
    value = pl.DataFrame([text, frame["_at"], frame["_len"]]).select(
        pl.col("_text").bin.slice(pl.col("_at"), pl.col("_len")).cast(pl.String).alias(col)
    )
    return frame.with_columns(value[col])


def take(
    data: Data, table: str, rows: pl.Series | None = None, columns: list[str] | None = None
) -> pl.DataFrame:
    """Rows (by row number, all if None) and columns (all if None) of a fact table, with its
    located text column given back when asked for."""
    frame = getattr(data, table)
    col = data.located.get(table)
    want = columns if columns is not None else frame.columns + ([col] if col else [])
    text = col is not None and col in want
    need = [c for c in want if c != col] + ([c for c in PLACE if c not in want] if text else [])
    out = frame[need] if rows is None else frame[need][rows]
    return restore(data, table, out).select(want) if text else out


def aggregates(
    documents: pl.DataFrame, topics: pl.DataFrame, positions: pl.DataFrame, taxonomy: Taxonomy
) -> dict[str, Any]:
    """What the views would otherwise recompute from the big tables on every call."""
    topic_counts = (
        topics.group_by("topic_id", "_date", "_type")
        .agg(pl.len().cast(pl.Int64).alias("n"))
        .sort("topic_id", "_date", "_type", nulls_last=True)
    )
    passage_counts = (
        documents.group_by("_date", "_type")
        .agg(pl.col("_n").sum().cast(pl.Int64).alias("total"))
        .sort("_date", "_type", nulls_last=True)
    )
    topic_docs = (
        topics.select("topic_id", "doc_id", "meeting_id", "_date", "_type")
        .unique(maintain_order=True)
        .sort("topic_id", maintain_order=True)
    )
    order = ["_date", "doc_id", "paragraph_index"]
    # ties (one paragraph, several sentences) keep the table's order: the text's order
    ranked = (
        positions.select("_row", *order)
        .sort(order, nulls_last=True, maintain_order=True)
        .with_row_index("_rank")
        .sort("_row")
    )
    exploded = positions.select("_row", pl.col("topic_ids").alias("t")).explode("t").drop_nulls()
    by_topic = (
        exploded.unique()
        .join(ranked.select("_row", "_rank"), on="_row")
        .group_by("t")
        .agg(pl.col("_row").sort_by("_rank"))
    )
    position_rows = {tp: rows for tp, rows in zip(by_topic["t"], by_topic["_row"], strict=True)}
    focus = exploded.group_by("t").len().sort(["len", "t"], descending=[True, False])["t"]
    dates = documents["_date"].drop_nulls()
    ids = taxonomy.ids()
    extra = sorted(set(topics["topic_id"].drop_nulls().unique().to_list()) - set(ids))
    return {
        "topic_counts": topic_counts,
        "passage_counts": passage_counts,
        "topic_docs": topic_docs,
        "position_rows": position_rows,
        "position_rank": ranked["_rank"],
        "dates": None if dates.is_empty() else (dates.min(), dates.max()),
        "default_focus": focus[0] if focus.len() else None,
        "_topic_ids": ids + extra,
    }


def read_columns(folder: Path) -> dict[str, pl.DataFrame]:
    """The dashboard's COLUMNS of each table in one build folder (as etl.store.read_tables reads
    a build, without the columns the dashboard never uses: less to read and to hold).

    Documents come first: a LOCATED text column is replaced by its place in the document's text
    as soon as its table is read, so that the texts are never all in memory twice.
    """
    tables: dict[str, pl.DataFrame] = {}
    docs = None
    for name, cols in COLUMNS.items():
        path = folder / f"{name}.parquet"
        if not path.is_file():
            continue
        have = pl.read_parquet_schema(path)
        df = pl.read_parquet(path, columns=[c for c in cols if c in have])
        col = LOCATED.get(name)
        if col and docs is not None and {"doc_id", col} <= set(df.columns):
            placed = _locate(df, col, docs)
            df = df if placed is None else placed
        columns = df.get_columns()
        del df
        # one chunk per column (see _conform), a column at a time: each chunked original is
        # freed as soon as its copy is made, so the table is never held twice
        for i, column in enumerate(columns):
            columns[i] = column.rechunk()
            del column
        tables[name] = pl.DataFrame(columns)
        del columns
        if name == "documents" and {"doc_id", "text"} <= set(tables[name].columns):
            docs = unique_documents(tables[name])
    return tables


def load(data_dir: Path) -> Data:
    """Read the published build of `data_dir` (all tables from one build folder)."""
    data_dir = Path(data_dir)
    cur = current_build(data_dir)
    # Reading from the resolved build folder (not via CURRENT again) keeps all tables of one build.
    tables = read_columns(cur if cur else data_dir)
    return prepare(tables, cur.name if cur else None, load_taxonomy(), data_dir)


@contextlib.contextmanager
def one_load_at_a_time(data_dir: Path) -> Iterator[None]:
    """Hold a lock that the server's other worker processes take to load the same folder.

    Loading needs about half as much memory again as the loaded tables (at 50,000 reports
    about 540 MiB at the peak, 370 MiB after). gunicorn's workers all load at start and after a
    new build; one after the other, their peaks do not add up. The lock is a file in the temp
    folder (the data folder may be read-only); the kernel frees it if a worker dies. Where it
    cannot be made, loads simply go ahead.
    """
    key = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    path = Path(tempfile.gettempdir()) / f"navo-dashboard-load-{key}.lock"
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


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
                    with one_load_at_a_time(self.data_dir):
                        self._data = load(self.data_dir)
                except Exception as e:  # a broken build must not take the dashboard down
                    log.exception("could not load tables from %s", self.data_dir)
                    if self._data is None:
                        self._data = prepare({}, None, load_taxonomy(), self.data_dir)
                        self._data.error = f"{type(e).__name__}: {e}"
            return self._data


# ---- filters ------------------------------------------------------------------------------


def base_filters(st: State, date_col: str = "_date", type_col: str = "_type") -> list[pl.Expr]:
    """The state's period and meeting types as filter expressions (none for "everything")."""
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


def _in_topics(st: State, col: str = "topic_id") -> list[pl.Expr]:
    return [pl.col(col).is_in(list(st.topics))] if st.topics else []


def topics_rows(data: Data, st: State, use_topics: bool = True) -> pl.DataFrame:
    """(passage, topic) rows in the period and meeting types, optionally only the chosen topics."""
    exprs = base_filters(st) + (_in_topics(st) if use_topics else [])
    return restore(data, "topics", _apply(data.topics, exprs))


def topic_counts(data: Data, st: State, use_topics: bool = True) -> pl.DataFrame:
    """Passages per (topic, date, meeting type) in the selection: topic_id, _date, _type, n.

    The same counts as grouping topics_rows(data, st, use_topics), from the table prepare()
    aggregated once (some thousands of rows instead of one per passage).
    """
    return _apply(data.topic_counts, base_filters(st) + (_in_topics(st) if use_topics else []))


def topic_doc_rows(data: Data, st: State, topics: list[str] | None = None) -> pl.DataFrame:
    """Distinct (topic, document, meeting, date, type) of the passages in the selection.

    `topics` replaces the state's topics when given. The documents and meetings these rows name
    are those of topics_rows(data, st); counting them here is cheaper.
    """
    exprs = base_filters(st)
    chosen = topics if topics is not None else list(st.topics)
    if topics is not None or st.topics:
        exprs.append(pl.col("topic_id").is_in(chosen))
    return _apply(data.topic_docs, exprs)


def passage_totals(data: Data, st: State, key: pl.Expr) -> pl.DataFrame:
    """All passages (paragraphs) of the documents in the selection, per `key` (column "key").

    Topics play no part: a share is of all passages in the period and meeting types.
    """
    return (
        _apply(data.passage_counts, base_filters(st))
        .with_columns(key.alias("key"))
        .group_by("key")
        .agg(pl.col("total").sum())
    )


def position_rows(
    data: Data, topics: tuple[str, ...], columns: list[str] | None = None
) -> pl.DataFrame:
    """Statements on any of `topics` by date, document and paragraph (all statements, in table
    order, for none).

    With `columns`, only those columns: a narrow frame costs little to gather or filter, where
    the full one copies every sentence.
    """
    frame = data.positions[columns] if columns is not None else data.positions
    if not topics:
        return frame
    found = [data.position_rows[tp] for tp in topics if tp in data.position_rows]
    if not found:
        return frame.clear()
    rows = found[0]
    if len(found) > 1:
        union = pl.concat(found).unique()
        rows = union.gather(data.position_rank.gather(union).arg_sort())
    return frame[rows]


TOPIC_FILTER_COLUMNS = {"bilaterals": "subjects", "figures": "topic_id", "topics": "topic_id"}


def fact_rows(data: Data, table: str, st: State, columns: list[str] | None = None) -> pl.DataFrame:
    """Rows of a fact table in the state's period, meeting types and topics.

    With `columns`, only those columns are read and returned (e.g. ["_row"] to count rows;
    not a located text column: see take()).
    """
    need = None
    if columns is not None:
        need = list(dict.fromkeys([*columns, "_date", "_type", TOPIC_FILTER_COLUMNS.get(table)]))
        need = [c for c in need if c]
    exprs = base_filters(st)
    if table == "positions":
        rows = _apply(position_rows(data, st.topics, need), exprs)
    else:
        if st.topics:
            if table == "bilaterals":
                exprs.append(any_topic("subjects", st.topics))
            elif table == "figures" or table == "topics":
                exprs.append(pl.col("topic_id").is_in(list(st.topics)))
        frame = getattr(data, table)
        rows = _apply(frame[need] if need is not None else frame, exprs)
    return rows.select(columns) if columns is not None else restore(data, table, rows)


def documents_rows(data: Data, st: State, use_topics: bool = True) -> pl.DataFrame:
    """Documents in the period and meeting types (and mentioning a chosen topic, if any)."""
    docs = _apply(data.documents, base_filters(st))
    if use_topics and st.topics:
        ids = topic_doc_rows(data, st)["doc_id"].unique()
        docs = docs.filter(pl.col("doc_id").is_in(ids.implode()))
    return docs


def meetings_rows(data: Data, st: State) -> pl.DataFrame:
    """Meetings in the period and types (and where a chosen topic came up, if any)."""
    meetings = _apply(data.meetings, base_filters(st))
    if st.topics:
        ids = topic_doc_rows(data, st)["meeting_id"].drop_nulls().unique()
        meetings = meetings.filter(pl.col("meeting_id").is_in(ids.implode()))
    return meetings


def text_filter(columns: list[str], q: str) -> pl.Expr:
    """Literal, case-insensitive match of `q` in any of `columns`.

    A case-insensitive regex of the escaped words: as literal as lower-casing both sides, without
    a lower-cased copy of every text (which took most of a search's time on 50,000 documents).
    """
    pattern = "(?i)" + pl.escape_regex(q)
    return pl.any_horizontal(
        pl.col(c).cast(pl.String).str.contains(pattern) for c in columns
    ).fill_null(False)


def any_synthetic(data: Data, st: State) -> bool:
    """Whether the rows this state shows include synthetic documents."""
    if st.view == "documents" and st.doc:
        docs = data.documents.filter(pl.col("doc_id") == st.doc)
    else:
        docs = documents_rows(data, st)
    return bool(docs["is_synthetic"].any()) if docs.height else False
