"""topics table: one row per (passage, topic) hit of the editable taxonomy."""

from __future__ import annotations

from etl.extract.common import MeetingRef, section
from etl.model import Document
from etl.taxonomy import Taxonomy


def extract_topics(doc: Document, meeting: MeetingRef, taxonomy: Taxonomy) -> list[dict]:
    """Every paragraph or heading that names a topic, once per topic."""
    rows: list[dict] = []
    for b in doc.blocks:
        if b.part == "header":
            continue
        for topic_id, words in taxonomy.find(b.text).items():
            rows.append(
                {
                    "doc_id": doc.doc_id,
                    "meeting_id": meeting.meeting_id,
                    "topic_id": topic_id,
                    "section": section(b),
                    "paragraph_index": b.index,
                    "evidence": b.text,
                    "n_hits": len(words),
                    "matched": ", ".join(dict.fromkeys(words)),
                }
            )
    return rows
