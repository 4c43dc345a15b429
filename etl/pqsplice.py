"""Splice a Parquet file: copy the row groups that did not change byte for byte, re-encode the rest.

An incremental build changes a few documents of a table of hundreds of thousands of rows. Read,
decoded and encoded again whole, one file per table costs about a second at 50,000 reports; yet
a Parquet file is a sequence of independent row groups plus a footer that says where they are.
So `splice` writes the new file as: the previous file's untouched row groups, copied as bytes;
the few changed ones (rows of removed documents filtered out, new rows inserted at their place
in the key order), encoded by Polars exactly as a full build would encode them; and a footer
that is the previous one with the row groups' byte offsets moved. The rows, their order and the
schema are those of a full build; only the cut into row groups differs.

What is copied and rewritten, in Parquet's own terms (parquet.thrift):

- every column chunk of an untouched row group: its pages, byte for byte;
- its page index: the ColumnIndex as is, the OffsetIndex with its page offsets moved;
- FileMetaData: schema, key-value metadata (Arrow's schema), created_by, column orders as they
  were; RowGroup and ColumnMetaData with offsets moved, num_rows recounted.

The footer is Thrift's compact protocol, decoded into a generic tree (field id, type, value) and
encoded again; a decode and encode of an unchanged footer gives the same bytes (tested). Files
that use what this does not handle (encryption, bloom filters, another schema than the new rows
are written with) are not spliced: `splice` raises SpliceError and the caller writes the table
whole.
"""

from __future__ import annotations

import bisect
import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

if TYPE_CHECKING:
    import polars as pl

MAGIC = b"PAR1"

# ---- Thrift compact protocol ----------------------------------------------------------------

STOP, TRUE, FALSE, BYTE, I16, I32, I64, DOUBLE, BINARY, LIST, SET, MAP, STRUCT = range(13)


class SpliceError(Exception):
    """This file cannot be spliced (the caller writes the table whole instead)."""


class Struct:
    """A Thrift struct as read: its fields as [field id, type, value] in the order read."""

    __slots__ = ("fields",)

    def __init__(self, fields: list[list[Any]] | None = None) -> None:
        self.fields = fields if fields is not None else []

    def get(self, fid: int, default: Any = None) -> Any:
        """The value of field fid (default if absent)."""
        for f in self.fields:
            if f[0] == fid:
                return f[2]
        return default

    def has(self, fid: int) -> bool:
        """Whether field fid is present."""
        return any(f[0] == fid for f in self.fields)

    def set(self, fid: int, ftype: int, value: Any) -> None:
        """Set field fid (added in field-id order if absent)."""
        for f in self.fields:
            if f[0] == fid:
                f[1], f[2] = ftype, value
                return
        self.fields.append([fid, ftype, value])
        self.fields.sort(key=lambda f: f[0])

    def drop(self, fid: int) -> None:
        """Remove field fid if present."""
        self.fields = [f for f in self.fields if f[0] != fid]

    def copy(self) -> Struct:
        """A shallow copy: its own field list (set and drop leave the original alone), values
        (nested structs and lists too) shared with the original."""
        return Struct([list(f) for f in self.fields])


class _Reader:
    __slots__ = ("buf", "pos")

    def __init__(self, buf: bytes | memoryview, pos: int = 0) -> None:
        self.buf = buf
        self.pos = pos

    def byte(self) -> int:
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def varint(self) -> int:
        result = shift = 0
        while True:
            b = self.buf[self.pos]
            self.pos += 1
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    def zigzag(self) -> int:
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, t: int) -> Any:
        if t == STRUCT:
            return self.struct()
        if t in (I16, I32, I64):
            return self.zigzag()
        if t == BINARY:
            n = self.varint()
            self.pos += n
            return bytes(self.buf[self.pos - n : self.pos])
        if t in (LIST, SET):
            head = self.byte()
            size, et = head >> 4, head & 0x0F
            if size == 15:
                size = self.varint()
            return (et, [self.value(et) for _ in range(size)])
        if t == BYTE or t in (TRUE, FALSE):  # a bool inside a list is one byte
            return self.byte()
        if t == DOUBLE:
            self.pos += 8
            return struct.unpack("<d", self.buf[self.pos - 8 : self.pos])[0]
        if t == MAP:
            size = self.varint()
            if not size:
                return (0, 0, [])
            kv = self.byte()
            kt, vt = kv >> 4, kv & 0x0F
            return (kt, vt, [(self.value(kt), self.value(vt)) for _ in range(size)])
        raise SpliceError(f"unknown Thrift type {t}")

    def struct(self) -> Struct:
        fields: list[list[Any]] = []
        last = 0
        while True:
            head = self.byte()
            t = head & 0x0F
            if t == STOP:
                return Struct(fields)
            delta = head >> 4
            fid = last + delta if delta else self.zigzag()
            if t in (TRUE, FALSE):  # a bool field: the type is the value
                fields.append([fid, TRUE, t == TRUE])
            else:
                fields.append([fid, t, self.value(t)])
            last = fid


class _Writer:
    __slots__ = ("buf",)

    def __init__(self) -> None:
        self.buf = bytearray()

    def varint(self, n: int) -> None:
        buf = self.buf
        while n > 0x7F:
            buf.append((n & 0x7F) | 0x80)
            n >>= 7
        buf.append(n)

    def zigzag(self, n: int) -> None:
        self.varint((n << 1) ^ (n >> 63))

    def value(self, t: int, v: Any) -> None:
        if t == STRUCT:
            self.struct(v)
        elif t in (I16, I32, I64):
            self.zigzag(v)
        elif t == BINARY:
            self.varint(len(v))
            self.buf += v
        elif t in (LIST, SET):
            et, items = v
            if len(items) < 15:
                self.buf.append((len(items) << 4) | et)
            else:
                self.buf.append(0xF0 | et)
                self.varint(len(items))
            for x in items:
                self.value(et, x)
        elif t == BYTE or t in (TRUE, FALSE):
            self.buf.append(v)
        elif t == DOUBLE:
            self.buf += struct.pack("<d", v)
        elif t == MAP:
            kt, vt, pairs = v
            self.varint(len(pairs))
            if pairs:
                self.buf.append((kt << 4) | vt)
                for k, x in pairs:
                    self.value(kt, k)
                    self.value(vt, x)
        else:
            raise SpliceError(f"unknown Thrift type {t}")

    def struct(self, s: Struct) -> None:
        last = 0
        for fid, t, v in s.fields:
            ct = (TRUE if v else FALSE) if t in (TRUE, FALSE) else t
            delta = fid - last
            if 0 < delta <= 15:
                self.buf.append((delta << 4) | ct)
            else:
                self.buf.append(ct)
                self.zigzag(fid)
            if t not in (TRUE, FALSE):
                self.value(t, v)
            last = fid
        self.buf.append(STOP)


def decode_struct(buf: bytes | memoryview, pos: int = 0) -> tuple[Struct, int]:
    """A Thrift compact struct at pos: (the struct, the position after it)."""
    r = _Reader(buf, pos)
    s = r.struct()
    return s, r.pos


def encode_struct(s: Struct) -> bytes:
    """A struct in Thrift's compact protocol."""
    w = _Writer()
    w.struct(s)
    return bytes(w.buf)


# ---- Parquet --------------------------------------------------------------------------------

# parquet.thrift field ids used here
FMD_SCHEMA, FMD_NUM_ROWS, FMD_ROW_GROUPS, FMD_KV, FMD_ENCRYPTION = 2, 3, 4, 5, 8
RG_COLUMNS, RG_BYTES, RG_NUM_ROWS, RG_FILE_OFFSET, RG_COMPRESSED, RG_ORDINAL = 1, 2, 3, 5, 6, 7
CC_FILE_PATH, CC_FILE_OFFSET, CC_META = 1, 2, 3
CC_OI_OFFSET, CC_OI_LENGTH, CC_CI_OFFSET, CC_CI_LENGTH, CC_CRYPTO, CC_ENC_META = 4, 5, 6, 7, 8, 9
CMD_COMPRESSED, CMD_DATA_PAGE, CMD_INDEX_PAGE, CMD_DICT_PAGE, CMD_BLOOM = 7, 9, 10, 11, 14
OI_PAGES, PL_OFFSET, PL_SIZE = 1, 1, 2


def read_footer(data: bytes | memoryview) -> Struct:
    """The FileMetaData of a whole Parquet file in memory."""
    if len(data) < 12 or data[:4] != MAGIC or data[-4:] != MAGIC:
        raise SpliceError("not a Parquet file")
    n = struct.unpack("<I", data[-8:-4])[0]
    start = len(data) - 8 - n
    if start < 4:
        raise SpliceError("bad footer length")
    meta, end = decode_struct(data, start)
    if end != len(data) - 8:
        raise SpliceError("footer not read to its end")
    if meta.has(FMD_ENCRYPTION):
        raise SpliceError("encrypted file")
    return meta


@dataclass
class _Chunk:
    """One column chunk to place in the new file: its bytes and its metadata (to be moved)."""

    data: memoryview
    start: int  # where its bytes are in `data`'s file
    length: int
    chunk: Struct  # ColumnChunk (a copy: offsets are changed in it)
    column_index: bytes | None = None
    offset_index: Struct | None = None


@dataclass
class RowGroup:
    """A row group of a source file, as a list of column chunks ready to be placed."""

    meta: Struct  # RowGroup (a copy)
    chunks: list[_Chunk] = field(default_factory=list)

    @property
    def num_rows(self) -> int:
        """Rows in this row group."""
        return self.meta.get(RG_NUM_ROWS)


class ParquetFile:
    """A Parquet file held in memory, its footer decoded, its row groups ready to be copied."""

    def __init__(self, data: bytes) -> None:
        self.data = memoryview(data)
        self.meta = read_footer(self.data)
        self.row_groups = [self._row_group(rg) for rg in self.meta.get(FMD_ROW_GROUPS, (0, []))[1]]

    @classmethod
    def read(cls, path: Path) -> ParquetFile:
        """A file from disk."""
        with open(path, "rb") as fh:
            return cls(fh.read())

    @property
    def num_rows(self) -> int:
        """Rows in the file."""
        return self.meta.get(FMD_NUM_ROWS)

    def _row_group(self, rg: Struct) -> RowGroup:
        out = RowGroup(rg)
        for cc in rg.get(RG_COLUMNS)[1]:
            if cc.has(CC_FILE_PATH) or cc.has(CC_CRYPTO) or cc.has(CC_ENC_META):
                raise SpliceError("column chunk in another file, or encrypted")
            md = cc.get(CC_META)
            if md is None:
                raise SpliceError("column chunk without metadata")
            if md.has(CMD_BLOOM):
                raise SpliceError("bloom filters are not copied")
            offsets = [md.get(CMD_DATA_PAGE)]
            offsets += [o for o in (md.get(CMD_DICT_PAGE), md.get(CMD_INDEX_PAGE)) if o]
            start, length = min(offsets), md.get(CMD_COMPRESSED)
            if start < 4 or length <= 0 or start + length > len(self.data) - 8:
                raise SpliceError("column chunk outside the file")
            chunk = _Chunk(self.data, start, length, cc)
            if cc.has(CC_CI_OFFSET):
                o, n = cc.get(CC_CI_OFFSET), cc.get(CC_CI_LENGTH)
                chunk.column_index = bytes(self.data[o : o + n])
            if cc.has(CC_OI_OFFSET):
                o, n = cc.get(CC_OI_OFFSET), cc.get(CC_OI_LENGTH)
                chunk.offset_index, end = decode_struct(self.data, o)
                pages = chunk.offset_index.get(OI_PAGES, (STRUCT, []))[1]
                # the pages must tile the chunk: from its first data page to its last byte
                if (
                    end != o + n
                    or not pages
                    or pages[0].get(PL_OFFSET) != md.get(CMD_DATA_PAGE)
                    or pages[-1].get(PL_OFFSET) + pages[-1].get(PL_SIZE) != start + length
                ):
                    raise SpliceError("offset index does not match the column chunk")
            out.chunks.append(chunk)
        return out

    def same_layout(self, other: ParquetFile) -> bool:
        """Whether row groups of `other` can go into a file with this one's footer: the same
        schema, key-value metadata (Arrow's schema), version and column orders."""
        return all(
            encode_struct(Struct([f for f in self.meta.fields if f[0] == fid]))
            == encode_struct(Struct([f for f in other.meta.fields if f[0] == fid]))
            for fid in (1, FMD_SCHEMA, FMD_KV, 7)
        )


def write_spliced(fh: BinaryIO, template: ParquetFile, row_groups: list[RowGroup]) -> int:
    """Write a Parquet file of these row groups (from `template` or files of the same layout)
    with `template`'s footer otherwise; returns its rows. Page indexes follow the row groups."""
    meta = template.meta.copy()
    rg_metas: list[Struct] = []
    indexed: list[tuple[bytes | None, Struct | None, Struct]] = []  # column index, offset index
    rows = 0
    fh.write(MAGIC)
    pos = len(MAGIC)
    for i, rg in enumerate(row_groups):
        rg_meta = rg.meta.copy()
        columns: list[Struct] = []
        first = pos
        for ch in rg.chunks:
            fh.write(ch.data[ch.start : ch.start + ch.length])
            delta = pos - ch.start
            cc = ch.chunk.copy()  # shallow: every struct changed here is copied first
            md = cc.get(CC_META).copy()
            cc.set(CC_META, STRUCT, md)
            for fid in (CMD_DATA_PAGE, CMD_INDEX_PAGE, CMD_DICT_PAGE):
                if md.get(fid):
                    md.set(fid, I64, md.get(fid) + delta)
            if cc.get(CC_FILE_OFFSET):
                cc.set(CC_FILE_OFFSET, I64, cc.get(CC_FILE_OFFSET) + delta)
            for fid in (CC_OI_OFFSET, CC_OI_LENGTH, CC_CI_OFFSET, CC_CI_LENGTH):
                cc.drop(fid)
            oi = None
            if ch.offset_index is not None:
                oi = ch.offset_index.copy()
                locs = [loc.copy() for loc in oi.get(OI_PAGES)[1]]
                for loc in locs:
                    loc.set(PL_OFFSET, I64, loc.get(PL_OFFSET) + delta)
                oi.set(OI_PAGES, LIST, (STRUCT, locs))
            indexed.append((ch.column_index, oi, cc))
            columns.append(cc)
            pos += ch.length
        rg_meta.set(RG_COLUMNS, LIST, (STRUCT, columns))
        if rg_meta.has(RG_FILE_OFFSET):
            rg_meta.set(RG_FILE_OFFSET, I64, first)
        if rg_meta.has(RG_COMPRESSED):
            rg_meta.set(RG_COMPRESSED, I64, pos - first)
        if rg_meta.has(RG_ORDINAL):
            rg_meta.set(RG_ORDINAL, I16, i)
        rg_metas.append(rg_meta)
        rows += rg.num_rows
    # the page index after all row groups: every column index, then every offset index
    for ci, _, cc in indexed:
        if ci is not None:
            fh.write(ci)
            cc.set(CC_CI_OFFSET, I64, pos)
            cc.set(CC_CI_LENGTH, I32, len(ci))
            pos += len(ci)
    for _, oi, cc in indexed:
        if oi is not None:
            blob = encode_struct(oi)
            fh.write(blob)
            cc.set(CC_OI_OFFSET, I64, pos)
            cc.set(CC_OI_LENGTH, I32, len(blob))
            pos += len(blob)
    meta.set(FMD_NUM_ROWS, I64, rows)
    meta.set(FMD_ROW_GROUPS, LIST, (STRUCT, rg_metas))
    footer = encode_struct(meta)
    fh.write(footer)
    fh.write(struct.pack("<I", len(footer)))
    fh.write(MAGIC)
    return rows


# ---- splicing a sorted table ----------------------------------------------------------------


@dataclass
class Change:
    """What changes in a table sorted by `key`: rows of some keys go, new rows come in."""

    key: str
    new: pl.DataFrame  # sorted by key; a key in the old file too must be in drop
    drop: list[str] = field(default_factory=list)  # keys whose old rows go
    moved: dict[str, str] = field(default_factory=dict)  # key → new value of `moved_column`
    moved_column: str = "source_path"


def splice(
    old_path: Path, new_path: Path, change: Change, encode: Callable[[pl.DataFrame], bytes]
) -> tuple[int, int]:
    """Write new_path: the table of old_path with `change` applied, as a full build would write
    it (the same rows in the same order); returns (rows, row groups encoded anew).

    `encode(frame)` must write a frame as Parquet bytes the way the build writes tables (the
    schema must come out the same; it also decides into how many row groups a frame is cut).
    SpliceError: this file cannot be spliced (the caller writes the table whole).
    """
    import polars as pl

    old = ParquetFile.read(old_path)
    if not old.row_groups:
        raise SpliceError("no row groups to keep")
    key = change.key
    if change.new.height and dict(change.new.schema) != pl.read_parquet_schema(old_path):
        raise SpliceError("the new rows have another schema than the file")
    keys = pl.read_parquet(old_path, columns=[key])[key]
    if keys.len() != old.num_rows or keys.null_count() or not keys.is_sorted():
        raise SpliceError(f"not sorted by {key}")
    bounds = [0]
    for rg in old.row_groups:
        bounds.append(bounds[-1] + rg.num_rows)

    def group_of(row: int) -> int:  # the row group holding `row` (past the end: the last one)
        return max(0, min(bisect.bisect_right(bounds, row) - 1, len(old.row_groups) - 1))

    touched: set[int] = set()
    dropped = pl.Series(change.drop, dtype=pl.String).implode()
    expected = old.num_rows - int(keys.is_in(dropped).sum()) + change.new.height
    gone = [*change.drop, *change.moved]
    if gone:
        hit = keys.is_in(pl.Series(gone, dtype=pl.String).implode()).arg_true().to_list()
        touched.update(group_of(r) for r in hit)
    new = change.new
    inserts: dict[int, list[tuple[int, int, int]]] = {}  # group → [(at row, new rows from, to)]
    if new.height:
        runs = new.with_row_index("_i").group_by(key, maintain_order=True).agg(pl.col("_i").min())
        at = keys.search_sorted(runs[key], side="left").to_list()
        firsts = runs["_i"].to_list()
        for a, s, e in zip(at, firsts, [*firsts[1:], new.height], strict=True):
            g = group_of(a)
            touched.add(g)
            inserts.setdefault(g, []).append((a, s, e))
    if not touched:
        raise SpliceError("nothing changes")  # the caller links the old file instead
    if len(touched) == len(old.row_groups):
        raise SpliceError("every row group changes")  # writing it whole is cheaper

    groups: list[RowGroup] = []
    encoded = 0
    for g, rg in enumerate(old.row_groups):
        if g not in touched:
            groups.append(rg)
            continue
        lo, hi = bounds[g], bounds[g + 1]
        part = pl.scan_parquet(old_path).slice(lo, hi - lo).collect()
        if part.height != hi - lo:
            raise SpliceError("row group read with another row count")
        if change.drop:  # keeps the row positions: old rows only, new ones are not dropped
            part = part.with_columns(_keep=~pl.col(key).is_in(dropped))
        if change.moved:
            moved = pl.col(key).replace_strict(change.moved, default=pl.col(change.moved_column))
            part = part.with_columns(moved.alias(change.moved_column))
        pieces, pos = [], lo
        for a, s, e in sorted(inserts.get(g, [])):
            pieces += [_kept(part.slice(pos - lo, a - pos)), new.slice(s, e - s)]
            pos = a
        pieces.append(_kept(part.slice(pos - lo)))
        pieces = [p for p in pieces if p.height]
        if not pieces:
            continue
        frame = pl.concat(pieces, how="vertical")
        fresh = ParquetFile(encode(frame))
        if not old.same_layout(fresh):
            raise SpliceError("the new rows are written with another schema")
        groups.extend(fresh.row_groups)
        encoded += len(fresh.row_groups)
    with open(new_path, "wb") as fh:
        rows = write_spliced(fh, old, groups)
    if rows != expected:
        raise SpliceError(f"{rows} rows written, {expected} expected")
    return rows, encoded


def _kept(part: pl.DataFrame) -> pl.DataFrame:
    """Old rows without those of dropped keys (splice marks them in a `_keep` column)."""
    if "_keep" not in part.columns:
        return part
    return part.filter(part["_keep"]).drop("_keep")
