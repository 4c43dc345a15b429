"""`etl score`: precision, recall and F1 of the extracted tables against demo ground truth.

Only documents with a `*.truth.json` in the truth folder are scored; rows of other documents in
the tables are ignored. An extracted doc_id is tied to its truth by, in order: the same doc_id;
the same sha256 (documents.sha256 = the file's hash in its `.meta.json`); the same file path
(documents.source_path ending in the truth's "file"). Every table is compared as a set per
document (duplicate rows count once), matching one truth item to at most one extracted item.

Matching rules, per row of the score table:

    documents            (doc_id, doc_kind, letter_date)
    meetings             (doc_id, meeting_type, start_date, end_date, country_iso2); the city is
                         left out of the key because its spelling varies ("Washington D.C.",
                         "Straatsburg/Kehl") and is scored in the next row
    meetings+city        as meetings, and the cities agree: equal after folding case, accents
                         and punctuation, or one a prefix of the other ("washington dc")
    topics               (doc_id, topic_id), for the topic ids the truth uses (DESIGN.md's list;
                         extra taxonomy topics such as "missions" are not scored)
    bilaterals           (doc_id, country_iso2)
    bilaterals+subjects  (doc_id, country_iso2, subject topic id) triples
    figures              (doc_id, kind, value rounded to 4 significant digits, currency, year)
    positions            (doc_id, sentence text) after normalising (Unicode NFKC, markup and
                         note markers removed, whitespace collapsed, case folded, end punctuation
                         dropped); texts also match when one contains the other on word
                         boundaries, the shorter has at least 4 words and at least half the
                         words of the longer (a sentence cut short or run on by a few words)
    positions+stance     as positions, and the stance agrees

precision = tp / (tp + fp), recall = tp / (tp + fn), F1 their harmonic mean; a ratio with a
zero denominator is 0, except that a row with nothing expected and nothing found scores 1.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from datetime import date
from math import floor, log10
from pathlib import Path
from typing import Any

import polars as pl

from etl.store import read_tables
from etl.tables import CORE_TOPIC_IDS

TOPIC_IDS = frozenset(CORE_TOPIC_IDS)
ROWS = (
    "documents",
    "meetings",
    "meetings+city",
    "topics",
    "bilaterals",
    "bilaterals+subjects",
    "figures",
    "positions",
    "positions+stance",
)
COLUMNS = ("table", "n_truth", "n_pred", "tp", "fp", "fn", "precision", "recall", "f1")


# --- truth ----------------------------------------------------------------------------------


def load_truth(truth_dir: Path) -> dict[str, dict[str, Any]]:
    """Every truth sidecar under a folder, by doc_id (with the meta sidecar's sha256 added)."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(truth_dir).rglob("*.truth.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        doc_file = Path(str(path)[: -len(".truth.json")])
        meta_path = Path(f"{doc_file}.meta.json")
        sha = None
        if meta_path.is_file():
            sha = json.loads(meta_path.read_text(encoding="utf-8")).get("sha256")
        truth["_sha256"] = sha
        truth["_path"] = str(doc_file.relative_to(truth_dir))
        out[truth["doc_id"]] = truth
    return out


def _doc_map(documents: pl.DataFrame, truth: dict[str, dict[str, Any]]) -> dict[str, str]:
    """Extracted doc_id → truth doc_id, for the extracted documents that are in the truth."""
    by_sha = {t["_sha256"]: d for d, t in truth.items() if t.get("_sha256")}
    by_path = {t["_path"].replace("\\", "/"): d for d, t in truth.items()}
    mapping: dict[str, str] = {d: d for d in truth}
    for row in documents.select("doc_id", "sha256", "source_path").iter_rows():
        doc_id, sha, source = row
        if doc_id in truth:
            continue
        if sha and sha in by_sha:
            mapping[doc_id] = by_sha[sha]
            continue
        if source:
            source = str(source).replace("\\", "/")
            for rel, d in by_path.items():
                if source == rel or source.endswith("/" + rel):
                    mapping[doc_id] = d
                    break
    return mapping


# --- normalisation --------------------------------------------------------------------------


def _iso(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)[:10]


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def _city(value: Any) -> str:
    return re.sub(r"[^a-z]+", " ", _fold(str(value or ""))).strip()


def _city_match(a: str, b: str) -> bool:
    if a == b:
        return True
    if not a or not b:
        return False
    short, long = sorted((a, b), key=len)
    return long.startswith(short + " ") or long.startswith(short + "/")


def _round_sig(value: Any, digits: int = 4) -> float | None:
    if value is None:
        return None
    v = float(value)
    if v == 0 or v != v:
        return v
    return round(v, -int(floor(log10(abs(v)))) + digits - 1)


_MARKUP = re.compile(r"<sup>.*?</sup>|[*_]{1,2}|[⁰¹²³⁴⁵⁶⁷⁸⁹]+")


def norm_text(text: str) -> str:
    """A sentence folded for comparison: markup gone, whitespace collapsed, lower case."""
    t = unicodedata.normalize("NFKC", text or "")
    t = _MARKUP.sub("", t)
    t = re.sub(r"\s+", " ", t).strip().casefold()
    return t.rstrip(" .;:!?\"'”’")


def _texts_match(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    ws, wl = short.split(), long.split()
    if len(ws) < 4 or 2 * len(ws) < len(wl):
        return False
    return f" {short} " in f" {long} "


# --- matching -------------------------------------------------------------------------------


def _count(
    truth: dict[str, list[Hashable]],
    pred: dict[str, list[Hashable]],
    eq: Callable[[Any, Any], bool] | None = None,
) -> tuple[int, int, int]:
    """(n_truth, n_pred, tp) over documents, one-to-one, duplicates removed."""
    n_t = n_p = tp = 0
    for doc in set(truth) | set(pred):
        t_items = list(dict.fromkeys(truth.get(doc, [])))
        p_items = list(dict.fromkeys(pred.get(doc, [])))
        n_t += len(t_items)
        n_p += len(p_items)
        if eq is None:
            tp += len(set(t_items) & set(p_items))
            continue
        free = list(p_items)
        # exact matches first, so that a loose match never takes an item another needs
        rest = []
        for t in t_items:
            if t in free:
                free.remove(t)
                tp += 1
            else:
                rest.append(t)
        for t in rest:
            for i, p in enumerate(free):
                if eq(t, p):
                    del free[i]
                    tp += 1
                    break
    return n_t, n_p, tp


def _row(name: str, n_t: int, n_p: int, tp: int) -> dict[str, Any]:
    fp, fn = n_p - tp, n_t - tp
    if n_t == 0 and n_p == 0:
        p = r = f = 1.0
    else:
        p = tp / n_p if n_p else 0.0
        r = tp / n_t if n_t else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "table": name,
        "n_truth": n_t,
        "n_pred": n_p,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
    }


def _group(rows: Iterable[tuple[str, Hashable]]) -> dict[str, list[Hashable]]:
    out: dict[str, list[Hashable]] = {}
    for doc, item in rows:
        out.setdefault(doc, []).append(item)
    return out


def _pred_rows(df: pl.DataFrame, mapping: dict[str, str], cols: list[str]) -> list[tuple]:
    """Rows of an extracted table for documents in the truth, doc_id replaced by the truth's."""
    if df.is_empty():
        return []
    present = [c for c in cols if c in df.columns]
    out = []
    for row in df.select(["doc_id", *present]).iter_rows(named=True):
        doc = mapping.get(row["doc_id"])
        if doc is not None:
            out.append((doc, {c: row.get(c) for c in cols}))
    return out


def score(truth_dir: Path, parquet_dir: Path) -> pl.DataFrame:
    """Precision, recall and F1 per table for the documents in truth_dir (see module doc)."""
    truth = load_truth(truth_dir)
    tables = read_tables(Path(parquet_dir))
    mapping = _doc_map(tables["documents"], truth)
    rows = []

    # documents
    t_docs = _group((d, (t["doc"]["doc_kind"], t["doc"]["letter_date"])) for d, t in truth.items())
    p_docs = _group(
        (d, (r["doc_kind"], _iso(r["letter_date"])))
        for d, r in _pred_rows(tables["documents"], mapping, ["doc_kind", "letter_date"])
    )
    rows.append(_row("documents", *_count(t_docs, p_docs)))

    # meetings, with and without the city
    def mkey(m: dict[str, Any]) -> tuple:
        return (
            m.get("meeting_type") or "",
            _iso(m.get("start_date")),
            _iso(m.get("end_date")),
            m.get("country_iso2") or "",
        )

    t_meet = _group(
        (d, (mkey(m), _city(m.get("city")))) for d, t in truth.items() for m in t["meetings"]
    )
    p_rows = _pred_rows(
        tables["meetings"],
        mapping,
        ["meeting_type", "start_date", "end_date", "country_iso2", "city"],
    )
    p_meet = _group((d, (mkey(r), _city(r.get("city")))) for d, r in p_rows)
    strip_city = lambda g: {d: [k for k, _ in v] for d, v in g.items()}  # noqa: E731
    rows.append(_row("meetings", *_count(strip_city(t_meet), strip_city(p_meet))))
    rows.append(
        _row(
            "meetings+city",
            *_count(t_meet, p_meet, lambda a, b: a[0] == b[0] and _city_match(a[1], b[1])),
        )
    )

    # topics
    t_top = _group((d, tid) for d, t in truth.items() for tid in t["topics"] if tid in TOPIC_IDS)
    p_top = _group(
        (d, r["topic_id"])
        for d, r in _pred_rows(tables["topics"], mapping, ["topic_id"])
        if r["topic_id"] in TOPIC_IDS
    )
    rows.append(_row("topics", *_count(t_top, p_top)))

    # bilaterals, and their subjects
    t_bil = _group((d, b["country_iso2"]) for d, t in truth.items() for b in t["bilaterals"])
    p_bil_rows = _pred_rows(tables["bilaterals"], mapping, ["country_iso2", "subjects"])
    p_bil = _group((d, r["country_iso2"]) for d, r in p_bil_rows if r["country_iso2"])
    rows.append(_row("bilaterals", *_count(t_bil, p_bil)))
    t_sub = _group(
        (d, (b["country_iso2"], s))
        for d, t in truth.items()
        for b in t["bilaterals"]
        for s in b["subjects"]
        if s in TOPIC_IDS
    )
    p_sub = _group(
        (d, (r["country_iso2"], s))
        for d, r in p_bil_rows
        for s in (r["subjects"] or [])
        if s in TOPIC_IDS
    )
    rows.append(_row("bilaterals+subjects", *_count(t_sub, p_sub)))

    # figures
    def fkey(f: dict[str, Any]) -> tuple:
        year = f.get("year")
        return (
            f.get("kind") or "",
            _round_sig(f.get("value")),
            f.get("currency") or "",
            int(year) if year is not None else None,
        )

    t_fig = _group((d, fkey(f)) for d, t in truth.items() for f in t["figures"])
    p_fig = _group(
        (d, fkey(r))
        for d, r in _pred_rows(tables["figures"], mapping, ["kind", "value", "currency", "year"])
    )
    rows.append(_row("figures", *_count(t_fig, p_fig)))

    # positions, and their stance
    t_pos = _group(
        (d, (norm_text(p["text"]), p["stance"])) for d, t in truth.items() for p in t["positions"]
    )
    p_pos = _group(
        (d, (norm_text(r["text"] or ""), r["stance"]))
        for d, r in _pred_rows(tables["positions"], mapping, ["text", "stance"])
    )
    text_only = lambda g: {d: [x for x, _ in v] for d, v in g.items()}  # noqa: E731
    rows.append(_row("positions", *_count(text_only(t_pos), text_only(p_pos), _texts_match)))
    rows.append(
        _row(
            "positions+stance",
            *_count(t_pos, p_pos, lambda a, b: a[1] == b[1] and _texts_match(a[0], b[0])),
        )
    )
    return pl.DataFrame(rows, schema={c: _DTYPES[c] for c in COLUMNS}, orient="row")


_DTYPES = {
    "table": pl.String(),
    "n_truth": pl.Int64(),
    "n_pred": pl.Int64(),
    "tp": pl.Int64(),
    "fp": pl.Int64(),
    "fn": pl.Int64(),
    "precision": pl.Float64(),
    "recall": pl.Float64(),
    "f1": pl.Float64(),
}


def format_table(df: pl.DataFrame) -> str:
    """The scores as an aligned plain-text table."""
    header = list(df.columns)
    body = [[f"{v:.3f}" if isinstance(v, float) else str(v) for v in row] for row in df.iter_rows()]
    widths = [max(len(h), *(len(r[i]) for r in body)) for i, h in enumerate(header)]
    lines = [
        "  ".join(
            h.ljust(w) if i == 0 else h.rjust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    ]
    lines.append("  ".join("-" * w for w in widths))
    for r in body:
        lines.append(
            "  ".join(
                v.ljust(w) if i == 0 else v.rjust(w)
                for i, (v, w) in enumerate(zip(r, widths, strict=True))
            )
        )
    return "\n".join(lines)


def run_score(args: argparse.Namespace) -> int:
    """CLI entry: `python -m etl score --truth DIR --out PARQUET_DIR [--csv FILE]`."""
    truth_dir, out = Path(args.truth), Path(args.out)
    if not truth_dir.is_dir() or not any(truth_dir.rglob("*.truth.json")):
        print(f"etl score: no *.truth.json under {truth_dir}", file=sys.stderr)
        return 2
    df = score(truth_dir, out)
    n_docs = df.filter(pl.col("table") == "documents")
    print(
        f"etl score: {int(n_docs['n_truth'][0])} documents in the truth, "
        f"{int(n_docs['n_pred'][0])} of them in the tables of {out}"
    )
    print(format_table(df))
    if args.csv:
        Path(args.csv).parent.mkdir(parents=True, exist_ok=True)
        df.write_csv(args.csv)
        print(f"etl score: wrote {args.csv}")
    return 0
