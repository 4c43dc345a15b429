"""One module per fact table; `extract_all` runs them in order on one Document."""

from __future__ import annotations

from etl.errors import Rejected
from etl.extract.bilaterals import extract_bilaterals
from etl.extract.common import analyse
from etl.extract.documents import classify_kind, document_row, is_nato_related
from etl.extract.figures import extract_figures
from etl.extract.meetings import extract_meetings, meeting_ref
from etl.extract.positions import extract_positions
from etl.extract.topics import extract_topics
from etl.model import Document
from etl.taxonomy import load_taxonomy


def extract_all(doc: Document) -> dict[str, list[dict]]:
    """All fact rows of one document, keyed by table; raises Rejected if it is not about NATO."""
    if not is_nato_related(doc):
        raise Rejected("not a NATO letter: no dossier 28676 header and no mention of NAVO/NATO")
    kind = classify_kind(doc)
    meetings = extract_meetings(doc, kind)
    ref = meeting_ref(meetings)
    analysis = analyse(doc, load_taxonomy())
    return {
        "documents": [document_row(doc, kind)],
        "meetings": meetings,
        "topics": extract_topics(analysis, ref),
        "bilaterals": extract_bilaterals(analysis, ref),
        "figures": extract_figures(analysis, ref),
        "positions": extract_positions(analysis, kind, ref),
    }
