"""The table contract: names, columns and Polars types of every Parquet fact table."""

from __future__ import annotations

import polars as pl

# Column order is the order written. Columns beyond DESIGN.md's required ones are marked "extra".
SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "documents": {
        "doc_id": pl.String(),
        "source_path": pl.String(),
        "dossier": pl.String(),
        "number": pl.Int64(),
        "vergaderjaar": pl.String(),
        "title": pl.String(),
        "doc_kind": pl.String(),  # verslag / geannoteerde_agenda / other
        "letter_date": pl.Date(),
        "signatory": pl.String(),  # names joined with "; " when two ministers sign
        "ministry": pl.String(),
        "source_format": pl.String(),  # markdown / text / op_xml / html
        "sha256": pl.String(),
        "is_synthetic": pl.Boolean(),
        # extra
        "signatory_role": pl.String(),
        "source_url": pl.String(),
        "n_paragraphs": pl.Int64(),
        "n_chars": pl.Int64(),
        "text": pl.String(),  # the parsed text, blocks joined by newlines (for search and display)
    },
    "meetings": {
        "meeting_id": pl.String(),  # "2023-11-28-fmm": shared by the agenda and report of one meeting
        "doc_id": pl.String(),
        "meeting_type": pl.String(),  # FMM / DMM / SUMMIT / INFORMAL_FMM / INFORMAL_DMM / OTHER
        "start_date": pl.Date(),
        "end_date": pl.Date(),
        "city": pl.String(),
        "country_iso2": pl.String(),
        "n_sessions": pl.Int64(),
        # extra
        "is_planned": pl.Boolean(),  # from an annotated agenda (before the meeting)
        "evidence": pl.String(),  # the sentence the meeting was read from
    },
    "topics": {
        "doc_id": pl.String(),
        "meeting_id": pl.String(),
        "topic_id": pl.String(),
        "section": pl.String(),  # heading path, " > "-joined
        "paragraph_index": pl.Int64(),
        "evidence": pl.String(),  # the paragraph text
        # extra
        "n_hits": pl.Int64(),
        "matched": pl.String(),  # the first matched words
    },
    "bilaterals": {
        "doc_id": pl.String(),
        "meeting_id": pl.String(),
        "country_iso2": pl.String(),
        "counterpart": pl.String(),
        "subjects": pl.List(pl.String()),  # topic ids of what was discussed
        "evidence": pl.String(),
        # extra
        "country_name": pl.String(),  # Dutch name
        "paragraph_index": pl.Int64(),
    },
    "figures": {
        "doc_id": pl.String(),
        "meeting_id": pl.String(),
        "kind": pl.String(),  # amount / percentage
        "value": pl.Float64(),
        "currency": pl.String(),  # EUR / USD / null
        "year": pl.Int64(),
        "raw": pl.String(),
        "topic_id": pl.String(),
        "evidence": pl.String(),
        # extra
        "paragraph_index": pl.Int64(),
    },
    "positions": {
        "doc_id": pl.String(),
        "meeting_id": pl.String(),
        "date": pl.Date(),
        "actor": pl.String(),
        "co_actors": pl.List(pl.String()),
        "stance": pl.String(),
        "topic_ids": pl.List(pl.String()),
        "text": pl.String(),
        # extra
        "is_planned": pl.Boolean(),  # "Nederland zal pleiten voor …" in an annotated agenda
        "paragraph_index": pl.Int64(),
        "section": pl.String(),
    },
    "rejects": {
        "source_path": pl.String(),
        "reason": pl.String(),
        # extra
        "sha256": pl.String(),
    },
}

TABLES: tuple[str, ...] = tuple(SCHEMAS)

# The topics DESIGN.md requires of the taxonomy (etl/taxonomy.yaml may add more): the demo
# generator writes truth for these and the scorer scores these.
CORE_TOPIC_IDS: tuple[str, ...] = (
    "ukraine",
    "russia",
    "china",
    "indo_pacific",
    "defence_spending",
    "defence_industry",
    "western_balkans",
    "enlargement",
    "eu_nato",
    "middle_east",
    "hybrid_threats",
    "terrorism",
    "afghanistan",
    "nuclear_deterrence",
    "arms_control",
    "cyber",
    "common_funding",
    "climate_security",
    "partnerships",
)
MEETING_TYPES = ("FMM", "DMM", "SUMMIT", "INFORMAL_FMM", "INFORMAL_DMM", "OTHER")
DOC_KINDS = ("verslag", "geannoteerde_agenda", "other")
STANCES = ("calls_for", "supports", "emphasises", "proposes", "concern", "objects", "states")


def frame(table: str, rows: list[dict]) -> pl.DataFrame:
    """Rows (dicts) as a DataFrame with the table's exact schema and column order."""
    schema = SCHEMAS[table]
    return pl.DataFrame([{c: r.get(c) for c in schema} for r in rows], schema=schema, orient="row")


def empty(table: str) -> pl.DataFrame:
    """An empty DataFrame with the table's schema."""
    return pl.DataFrame(schema=SCHEMAS[table])
