"""The scorer on a hand-made case with known true/false positives and negatives."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from etl.cli import main
from etl.score import norm_text, score
from etl.store import new_build_dir, publish, write_table
from etl.tables import TABLES, empty, frame

P1 = "Nederland pleitte voor voortzetting van de steun aan Oekraïne."
P2 = "Veel bondgenoten, waaronder Nederland, benadrukten dat de toekomst van Oekraïne in de NAVO ligt."
P3 = "Nederland zal pleiten voor het structureel halen van de 2%-norm door alle bondgenoten."
TEXT_B = b"synthetic letter B"


def _write_truth(root: Path) -> None:
    a = {
        "doc_id": "kst-28676-9001",
        "format": "markdown",
        "repeat": 0,
        "file": "2023/kst-28676-9001.md",
        "doc": {"doc_kind": "verslag", "letter_date": "2023-12-18", "number": 9001},
        "meetings": [
            {
                "meeting_type": "FMM",
                "start_date": "2023-11-28",
                "end_date": "2023-11-29",
                "city": "Brussel",
                "country_iso2": "BE",
                "n_sessions": 3,
                "is_planned": False,
            }
        ],
        "topics": ["china", "russia", "ukraine"],
        "bilaterals": [
            {"country_iso2": "CA", "subjects": ["ukraine"]},
            {"country_iso2": "FR", "subjects": []},
        ],
        "figures": [
            {"kind": "amount", "value": 2.5e9, "currency": "EUR", "year": 2024},
            {"kind": "percentage", "value": 2.0, "currency": None, "year": None},
        ],
        "positions": [
            {"text": P1, "stance": "calls_for", "topic_ids": ["ukraine"], "is_planned": False},
            {"text": P2, "stance": "emphasises", "topic_ids": ["ukraine"], "is_planned": False},
        ],
    }
    b = {
        "doc_id": "kst-28676-9002",
        "format": "text",
        "repeat": 0,
        "file": "2024/kst-28676-9002.txt",
        "doc": {"doc_kind": "geannoteerde_agenda", "letter_date": "2024-02-01", "number": 9002},
        "meetings": [
            {
                "meeting_type": "DMM",
                "start_date": "2024-02-14",
                "end_date": "2024-02-15",
                "city": "Brussel",
                "country_iso2": "BE",
                "n_sessions": None,
                "is_planned": True,
            }
        ],
        "topics": ["defence_spending"],
        "bilaterals": [],
        "figures": [],
        "positions": [
            {
                "text": P3,
                "stance": "calls_for",
                "topic_ids": ["defence_spending"],
                "is_planned": True,
            }
        ],
    }
    for t, data in ((a, b"letter A"), (b, TEXT_B)):
        path = root / t["file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        Path(f"{path}.truth.json").write_text(json.dumps(t))
        meta = {"identifier": t["doc_id"], "sha256": hashlib.sha256(data).hexdigest()}
        Path(f"{path}.meta.json").write_text(json.dumps(meta))


def _write_tables(out: Path) -> None:
    a, b, c = "kst-28676-9001", "doc-0123456789ab", "kst-28676-9999"  # b: found by sha256
    sha_b = hashlib.sha256(TEXT_B).hexdigest()
    tables = {
        "documents": frame(
            "documents",
            [
                {"doc_id": a, "doc_kind": "verslag", "letter_date": date(2023, 12, 18)},
                {
                    "doc_id": b,
                    "doc_kind": "geannoteerde_agenda",
                    "letter_date": date(2024, 2, 2),
                    "sha256": sha_b,
                },
                {"doc_id": c, "doc_kind": "verslag", "letter_date": date(2020, 1, 1)},
            ],
        ),
        "meetings": frame(
            "meetings",
            [
                {
                    "doc_id": a,
                    "meeting_type": "FMM",
                    "start_date": date(2023, 11, 28),
                    "end_date": date(2023, 11, 29),
                    "country_iso2": "BE",
                    "city": "Bergen",
                },
                {
                    "doc_id": b,
                    "meeting_type": "DMM",
                    "start_date": date(2024, 2, 14),
                    "end_date": date(2024, 2, 14),
                    "country_iso2": "BE",
                    "city": "Brussel",
                },
                {
                    "doc_id": c,
                    "meeting_type": "DMM",
                    "start_date": date(2020, 1, 1),
                    "end_date": date(2020, 1, 1),
                },
            ],
        ),
        "topics": frame(
            "topics",
            [
                {"doc_id": a, "topic_id": "ukraine"},
                {"doc_id": a, "topic_id": "russia"},
                {"doc_id": a, "topic_id": "russia"},  # a second passage: counted once
                {"doc_id": a, "topic_id": "missions"},  # not in the truth's vocabulary: ignored
                {"doc_id": a, "topic_id": "terrorism"},
                {"doc_id": b, "topic_id": "defence_spending"},
                {"doc_id": c, "topic_id": "china"},
            ],
        ),
        "bilaterals": frame(
            "bilaterals",
            [
                {"doc_id": a, "country_iso2": "CA", "subjects": ["ukraine", "russia"]},
                {"doc_id": a, "country_iso2": "DE", "subjects": []},
                {"doc_id": c, "country_iso2": "US", "subjects": []},
            ],
        ),
        "figures": frame(
            "figures",
            [
                {
                    "doc_id": a,
                    "kind": "amount",
                    "value": 2500000000.0001,
                    "currency": "EUR",
                    "year": 2024,
                },
                {"doc_id": a, "kind": "percentage", "value": 2.0, "currency": None, "year": 2024},
                {"doc_id": c, "kind": "amount", "value": 1.0, "currency": "EUR"},
            ],
        ),
        "positions": frame(
            "positions",
            [
                {"doc_id": a, "text": "  " + P1.upper().replace(" ", "  "), "stance": "calls_for"},
                {
                    "doc_id": a,
                    "text": "In dat kader " + P2[0].lower() + P2[1:],
                    "stance": "supports",
                },
                {
                    "doc_id": a,
                    "text": "Nederland steunde iets anders dan de rest.",
                    "stance": "supports",
                },
                {"doc_id": c, "text": P3, "stance": "calls_for"},
            ],
        ),
    }
    build = new_build_dir(out)
    for t in TABLES:
        write_table(build, t, tables.get(t, empty(t)))
    publish(out, build, {"test": True})


@pytest.fixture
def case(tmp_path: Path) -> tuple[Path, Path]:
    truth, out = tmp_path / "corpus", tmp_path / "parquet"
    _write_truth(truth)
    _write_tables(out)
    return truth, out


# table: (tp, fp, fn, precision, recall, f1)
EXPECTED = {
    "documents": (1, 1, 1, 0.5, 0.5, 0.5),
    "meetings": (1, 1, 1, 0.5, 0.5, 0.5),
    "meetings+city": (0, 2, 2, 0.0, 0.0, 0.0),
    "topics": (3, 1, 1, 0.75, 0.75, 0.75),
    "bilaterals": (1, 1, 1, 0.5, 0.5, 0.5),
    "bilaterals+subjects": (1, 1, 0, 0.5, 1.0, 0.6667),
    "figures": (1, 1, 1, 0.5, 0.5, 0.5),
    "positions": (2, 1, 1, 0.6667, 0.6667, 0.6667),
    "positions+stance": (1, 2, 2, 0.3333, 0.3333, 0.3333),
}


def test_hand_made_case_scores_exactly(case: tuple[Path, Path]) -> None:
    df = score(*case)
    got = {
        r["table"]: (r["tp"], r["fp"], r["fn"], r["precision"], r["recall"], r["f1"])
        for r in df.iter_rows(named=True)
    }
    assert got == EXPECTED


def test_cli_prints_and_writes_csv(case: tuple[Path, Path], tmp_path: Path, capsys) -> None:
    truth, out = case
    csv = tmp_path / "scores.csv"
    assert main(["score", "--truth", str(truth), "--out", str(out), "--csv", str(csv)]) == 0
    printed = capsys.readouterr().out
    assert "positions+stance" in printed and "precision" in printed
    df = pl.read_csv(csv)
    assert df.columns == [
        "table",
        "n_truth",
        "n_pred",
        "tp",
        "fp",
        "fn",
        "precision",
        "recall",
        "f1",
    ]
    assert df.filter(pl.col("table") == "topics")["f1"][0] == 0.75


def test_missing_truth_is_an_error(tmp_path: Path) -> None:
    assert main(["score", "--truth", str(tmp_path), "--out", str(tmp_path)]) == 2


def test_text_normalisation_and_containment() -> None:
    assert norm_text(" Nederland  <sup>1</sup>pleitte *voor* X. ") == "nederland pleitte voor x"
    from etl.score import _texts_match

    assert _texts_match(
        "ook pleitte nederland voor meer steun", "pleitte nederland voor meer steun"
    )
    assert not _texts_match(
        "nederland pleitte voor meer steun aan oekraïne en anderen", "nederland pleitte"
    )
    assert not _texts_match("nederland pleitte voor steun", "nederland pleitte voor steunpakketten")
