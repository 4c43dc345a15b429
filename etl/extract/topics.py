"""topics table: one row per (passage, topic) hit of the editable taxonomy."""

from __future__ import annotations

from etl.extract.common import Analysis, MeetingRef, section


def extract_topics(a: Analysis, meeting: MeetingRef) -> list[dict]:
    """Every paragraph or heading that names a topic, once per topic."""
    rows: list[dict] = []
    doc = a.doc
    for b, topics in a.passages:
        for topic_id, words in topics.items():
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
