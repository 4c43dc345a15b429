"""The truth sidecar of a composed letter: exactly what its sentences say, nothing more.

Format (`<file>.truth.json`):
    doc_id, format (markdown / text / op_xml), repeat (0 for the first pass over the calendar),
    file (path relative to the corpus folder),
    doc: {doc_kind, letter_date, dossier, number, signatory, ministry, title, vergaderjaar},
    meetings: [{meeting_type, start_date, end_date, city, country_iso2, n_sessions, is_planned}],
    topics: [topic ids mentioned anywhere in the text, headings included],
    bilaterals: [{country_iso2, subjects: [topic ids]}],
    figures: [{kind, value, currency, year}],
    positions: [{text, stance, topic_ids, is_planned}]   text as written (hyphenation undone).

Topics are those the words mention, incidental mentions included ("steun aan Oekraïne tegen de
Russische agressie" lists ukraine and russia). A country named only as a conversation partner or
as a speaker ("Duitsland pleitte …", "sprak met zijn Montenegrijnse ambtgenoot") is not a topic
mention, except when the country itself is a topic (Ukraine: "de Oekraïense minister").
Figures carry the year they are for only when the text ties a year to the figure ("2,5 miljard
euro voor 2025", "in 2025 1 miljard euro"); "sinds 2014 met 100 miljard dollar" has no year.
"""

from __future__ import annotations

from typing import Any

from etl.demo.compose import Letter


def truth_of(letter: Letter, fmt: str, repeat: int, rel: str) -> dict[str, Any]:
    """The ground truth of one letter as a JSON-ready dict."""
    sents = letter.sentences()
    topics: set[str] = set()
    figures: dict[tuple, dict[str, Any]] = {}
    bilaterals: dict[str, set[str]] = {}
    positions: list[dict[str, Any]] = []
    for s in sents:
        topics |= s.topics
        for f in s.figures:
            key = (f.kind, f.value, f.currency, f.year)
            figures[key] = {
                "kind": f.kind,
                "value": f.value,
                "currency": f.currency,
                "year": f.year,
            }
        for iso2, subjects in s.bilaterals:
            bilaterals.setdefault(iso2, set()).update(subjects)
        if s.stance:
            positions.append(
                {
                    "text": s.text,
                    "stance": s.stance,
                    "topic_ids": sorted(s.pos_topics),
                    "is_planned": s.planned,
                }
            )
    meetings = []
    m = letter.meeting
    if m is not None:
        meetings.append(
            {
                "meeting_type": m.mtype,
                "start_date": m.start.isoformat(),
                "end_date": m.end.isoformat(),
                "city": m.place.name if m.place else None,
                "country_iso2": m.place.iso2 if m.place else None,
                "n_sessions": letter.n_sessions,
                "is_planned": letter.kind == "geannoteerde_agenda",
            }
        )
    return {
        "doc_id": letter.doc_id,
        "format": fmt,
        "repeat": repeat,
        "file": rel,
        "is_synthetic": True,
        "doc": {
            "doc_kind": letter.kind,
            "letter_date": letter.letter_date.isoformat(),
            "dossier": "28676",
            "number": letter.number,
            "signatory": "; ".join(name for _, name in letter.signers),
            "ministry": letter.ministry,
            "title": letter.title,
            "vergaderjaar": letter.vergaderjaar,
        },
        "meetings": meetings,
        "topics": sorted(topics),
        "bilaterals": [
            {"country_iso2": k, "subjects": sorted(v)} for k, v in sorted(bilaterals.items())
        ],
        "figures": sorted(
            figures.values(),
            key=lambda f: (f["kind"], f["value"], f["currency"] or "", f["year"] or 0),
        ),
        "positions": positions,
    }
