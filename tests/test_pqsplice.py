"""etl.pqsplice: Parquet files spliced from copied row groups read back exactly as written whole."""

from __future__ import annotations

import io
import random
import struct
from datetime import date
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from etl import pqsplice, store
from etl.pqsplice import Change, ParquetFile, SpliceError, decode_struct, encode_struct, splice
from etl.tables import SCHEMAS


def positions(n_docs: int, seed: int = 0, prefix: str = "kst-1-") -> pl.DataFrame:
    """A positions-like table (strings, dates, lists, booleans, nulls), sorted by doc_id."""
    rng = random.Random(seed)
    rows = []
    for d in range(n_docs):
        for k in range(rng.randint(0, 6)):
            rows.append(
                {
                    "doc_id": f"{prefix}{d:05d}",
                    "meeting_id": None if k % 3 == 0 else f"2020-01-{d % 28 + 1:02d}-fmm",
                    "date": date(2003 + d % 20, 1 + k % 12, 1 + d % 28),
                    "actor": rng.choice(["Nederland", "de minister", None]),
                    "co_actors": rng.choice([[], ["DE"], ["FR", "BE"]]),
                    "stance": rng.choice(["supports", "objects", "states"]),
                    "topic_ids": [rng.choice(["ukraine", "china", "cyber"])] * rng.randint(0, 2),
                    "text": f"Nederland {'steunt' if k % 2 else 'pleit voor'} punt {d}.{k} "
                    + "x" * rng.randint(0, 300),
                    "is_planned": rng.random() < 0.3,
                    "paragraph_index": k,
                    "section": rng.choice(["Oekraïne", "China > Handel", None]),
                }
            )
    schema = SCHEMAS["positions"]
    return pl.DataFrame(rows, schema=schema, orient="row").sort("doc_id", maintain_order=True)


def write(df: pl.DataFrame, path: Path, min_rows: int = 16) -> Path:
    """df as the build writes a table, in small row groups."""
    mp = pytest.MonkeyPatch()
    mp.setattr(store, "MIN_GROUP_ROWS", min_rows)
    mp.setattr(store, "ROW_GROUP_BYTES", 1)  # as small as MIN_GROUP_ROWS allows
    try:
        store._write(df, path)
    finally:
        mp.undo()
    return path


def encode_small(df: pl.DataFrame) -> bytes:
    buf = io.BytesIO()
    mp = pytest.MonkeyPatch()
    mp.setattr(store, "MIN_GROUP_ROWS", 16)
    mp.setattr(store, "ROW_GROUP_BYTES", 1)
    try:
        store._write(df, buf)
    finally:
        mp.undo()
    return buf.getvalue()


def read_both(path: Path) -> pl.DataFrame:
    """The file read by Polars; pyarrow must read the same."""
    df = pl.read_parquet(path)
    assert pl.from_arrow(pq.read_table(path)).equals(df)
    return df


def test_thrift_round_trip_of_footers_and_page_indexes(tmp_path: Path) -> None:
    path = write(positions(200), tmp_path / "p.parquet")
    data = path.read_bytes()
    n = struct.unpack("<I", data[-8:-4])[0]
    footer = data[-8 - n : -8]
    f = ParquetFile(data)
    assert len(f.row_groups) > 5
    assert encode_struct(f.meta) == footer
    for rg in f.row_groups:
        for ch in rg.chunks:
            assert ch.offset_index is not None and ch.column_index is not None
            off = ch.chunk.get(pqsplice.CC_OI_OFFSET)
            length = ch.chunk.get(pqsplice.CC_OI_LENGTH)
            assert encode_struct(ch.offset_index) == data[off : off + length]
    # every Thrift type the codec knows survives a round trip
    s = pqsplice.Struct(
        [
            [1, pqsplice.TRUE, True],
            [2, pqsplice.TRUE, False],
            [3, pqsplice.BYTE, 7],
            [4, pqsplice.I16, -3],
            [5, pqsplice.I32, 2**31 - 1],
            [6, pqsplice.I64, -(2**63)],
            [7, pqsplice.DOUBLE, 2.5],
            [8, pqsplice.BINARY, b"\x00abc"],
            [9, pqsplice.LIST, (pqsplice.I32, list(range(20)))],
            [10, pqsplice.SET, (pqsplice.BINARY, [b"a"])],
            [11, pqsplice.MAP, (pqsplice.BINARY, pqsplice.I64, [(b"k", 1), (b"l", -1)])],
            [40, pqsplice.STRUCT, pqsplice.Struct([[1, pqsplice.I32, 1]])],
            [41, pqsplice.LIST, (pqsplice.TRUE, [1, 2, 1])],
        ]
    )
    blob = encode_struct(s)
    again, end = decode_struct(blob)
    assert end == len(blob) and encode_struct(again) == blob
    assert again.get(6) == -(2**63) and again.get(2) is False and again.get(40).get(1) == 1


def test_copying_every_row_group_gives_the_same_table(tmp_path: Path) -> None:
    df = positions(300)
    path = write(df, tmp_path / "p.parquet")
    f = ParquetFile.read(path)
    with open(tmp_path / "copy.parquet", "wb") as fh:
        rows = pqsplice.write_spliced(fh, f, f.row_groups)
    assert rows == df.height
    assert read_both(tmp_path / "copy.parquet").equals(df)


@pytest.mark.parametrize("seed", range(12))
def test_splice_equals_the_table_written_whole(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    old = positions(150, seed)
    path = write(old, tmp_path / "old.parquet")
    docs = old["doc_id"].unique(maintain_order=True).to_list()
    drop = rng.sample(docs, rng.randint(0, 8))
    # new documents (between, before and after the old ones), and some dropped ones again
    fresh = positions(40, seed + 100, prefix="kst-1-0")  # kst-1-000xx: sorts among the old
    fresh = fresh.filter(pl.col("doc_id").is_in(rng.sample(fresh["doc_id"].to_list(), 10)))
    again = old.filter(pl.col("doc_id").is_in(drop[:2])).with_columns(
        pl.lit("again").alias("stance")
    )
    edge = positions(2, seed, prefix="a-").vstack(positions(2, seed, prefix="z-"))
    new = pl.concat([fresh, again, edge]).sort("doc_id", maintain_order=True)
    new = new.filter(
        ~pl.col("doc_id").is_in(old["doc_id"].implode()) | pl.col("doc_id").is_in(drop)
    )
    moved = {d: f"moved/{d}" for d in rng.sample(docs, 3) if d not in drop}
    change = Change("doc_id", new, drop=drop, moved=moved, moved_column="section")

    rows, encoded = splice(path, tmp_path / "new.parquet", change, encode_small)

    kept = old.filter(~pl.col("doc_id").is_in(drop)).with_columns(
        pl.col("doc_id").replace_strict(moved, default=pl.col("section")).alias("section")
    )
    want = pl.concat([kept, new]).sort("doc_id", maintain_order=True)
    got = read_both(tmp_path / "new.parquet")
    assert rows == want.height and got.equals(want)
    total = len(ParquetFile.read(tmp_path / "new.parquet").row_groups)
    assert 0 < encoded < total  # some row groups were copied, not all
    # readers that prune row groups and pages by statistics and the page index agree
    probe = docs[len(docs) // 2]
    lazy = pl.scan_parquet(tmp_path / "new.parquet").filter(pl.col("doc_id") == probe).collect()
    assert lazy.equals(want.filter(pl.col("doc_id") == probe))
    arrow = pq.read_table(tmp_path / "new.parquet", filters=[("doc_id", "=", probe)])
    assert pl.from_arrow(arrow).equals(want.filter(pl.col("doc_id") == probe))


def test_splice_removing_whole_row_groups(tmp_path: Path) -> None:
    old = positions(120)
    path = write(old, tmp_path / "old.parquet")
    first = ParquetFile.read(path).row_groups[0].num_rows
    gone = old.head(first + 1)["doc_id"].unique().to_list()  # the first group, and more
    new = positions(1, 5, prefix="kst-1-00100x")
    rows, encoded = splice(
        path, tmp_path / "new.parquet", Change("doc_id", new, drop=gone), encode_small
    )
    want = pl.concat([old.filter(~pl.col("doc_id").is_in(gone)), new]).sort(
        "doc_id", maintain_order=True
    )
    assert rows == want.height and read_both(tmp_path / "new.parquet").equals(want)


def test_a_table_of_one_row_group_is_not_spliced(tmp_path: Path) -> None:
    old = positions(30)
    path = tmp_path / "old.parquet"
    old.write_parquet(path)  # one row group, as builds before splicing wrote tables
    new = positions(1, 5, prefix="kst-1-00015x")
    with pytest.raises(SpliceError, match="every row group"):
        splice(path, tmp_path / "one.parquet", Change("doc_id", new), encode_small)


def test_files_that_cannot_be_spliced_say_so(tmp_path: Path) -> None:
    old = positions(50)
    path = write(old, tmp_path / "old.parquet")
    new = positions(1, prefix="kst-1-00010x")
    # rows of another schema cannot join the file's row groups
    other = new.with_columns(pl.col("paragraph_index").cast(pl.Int32))
    with pytest.raises(SpliceError, match="another schema"):
        splice(path, tmp_path / "x.parquet", Change("doc_id", other), encode_small)
    # a table not sorted by its key
    unsorted = tmp_path / "unsorted.parquet"
    write(old.reverse(), unsorted)
    with pytest.raises(SpliceError, match="not sorted"):
        splice(unsorted, tmp_path / "x.parquet", Change("doc_id", new), encode_small)
    # not a Parquet file, or a damaged footer
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"PAR1" + b"\x00" * 20 + b"PAR1")
    with pytest.raises(SpliceError):
        splice(bad, tmp_path / "x.parquet", Change("doc_id", new), encode_small)
    # nothing to change
    with pytest.raises(SpliceError, match="nothing changes"):
        splice(path, tmp_path / "x.parquet", Change("doc_id", new.clear()), encode_small)


def test_splice_table_checks_what_it_wrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store, "MIN_GROUP_ROWS", 16)
    monkeypatch.setattr(store, "ROW_GROUP_BYTES", 1)
    prev, build = tmp_path / "prev", tmp_path / "build"
    prev.mkdir()
    build.mkdir()
    old = positions(40)
    store.write_table(prev, "positions", old)
    new = positions(1, prefix="kst-1-00020x")
    rows = store.splice_table(prev, build, "positions", new, [], {})
    assert rows == old.height + new.height
    assert read_both(build / "positions.parquet").equals(
        pl.concat([old, new]).sort("doc_id", maintain_order=True)
    )

    # a splice that writes a wrong file is caught by reading it back, and leaves no file
    real = pqsplice.write_spliced

    def broken(fh, template, groups):  # noqa: ANN001 - the signature of write_spliced
        return real(fh, template, groups[:-1])  # a row group lost

    monkeypatch.setattr(pqsplice, "write_spliced", broken)
    (build / "positions.parquet").unlink()
    with pytest.raises(SpliceError):
        store.splice_table(prev, build, "positions", new, [], {})
    assert not (build / "positions.parquet").exists()
