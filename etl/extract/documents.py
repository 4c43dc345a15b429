"""documents table: one row per paper, with its kind (report, annotated agenda, other)."""

from __future__ import annotations

import re

from etl.model import Document
from etl.textutil import fold, sentences

_AGENDA = re.compile(
    r"geannoteerde agenda|annotatie|nederlandse inzet|inzet van (?:nederland|het kabinet)|"
    r"voorbereiding (?:van |op )?(?:de )?(?:navo|nato)|agenda (?:van|voor) de|"
    r"(?:zal|zullen) (?:plaatsvinden|worden gehouden|bijeenkomen)|a\.s\.",
)
_REPORT = re.compile(
    r"verslag|\bverslaglegging\b|vond(?:en)? plaats|plaatsvond|heeft plaatsgevonden|hebben plaatsgevonden|"
    r"kwamen .{0,80}bijeen|bijeengekomen|(?:werd|is) gehouden|"
    r"(?:bijeenkomst|\btop\b|vergadering|meeting|ministeriele|videoconferentie)(?:(?!debat|commissie)[^.]){0,80}\bjl\.",
)
# Sentences that point to another letter ("bent u … geïnformeerd (Kamerstuk …)") say nothing
# about this one
_REFERENCE = re.compile(
    r"\b(?:bent u|heb ik u|hebben wij u|is uw kamer|werd uw kamer)\b.{0,120}\b(?:geinformeerd|bericht)|"
    r"kamerstuk(?:ken)? \d|zoals (?:gemeld|toegezegd|aangekondigd) in|\bzal\b.{0,60}\bverslag\b|"
    r"\bverslag\b.{0,40}\b(?:volgt|ontvangt u (?:later|na))"
)
_NATO = re.compile(r"\b(?:navo|nato)\b|\bnavo-|\bnato-|bondgeno|\balliantie\b|\bnoord-atlantisch")


def is_nato_related(doc: Document) -> bool:
    """Whether a text is about NATO at all (a report of dossier 28676 always is)."""
    return doc.dossier == "28676" or bool(_NATO.search(fold(doc.text[:20000])))


# A letter that answers questions or reports on a promise is neither report nor agenda
_OTHER = re.compile(
    r"\b(?:ga ik\b.{0,60}\bin op|gaan wij\b.{0,60}\bin op|beantwoord\w*|antwoord(?:en)? op|"
    r"reageer ik|reactie op|vragen (?:van|die)|het lid\b|de leden\b|de commissie vroeg)"
)


def classify_kind(doc: Document) -> str:
    """verslag, geannoteerde_agenda or other, from the title, covering letter and first heading."""
    texts: list[str] = [doc.title or ""]
    for b in [b for b in doc.blocks if b.part == "cover"][:3]:
        texts += sentences(b.text)
    texts += [b.text for b in doc.blocks if b.part == "body" and b.kind == "heading"][:1]
    texts += sentences(
        next((b.text for b in doc.blocks if b.part == "body" and b.kind != "heading"), "")
    )[:2]
    for text in texts:
        t = fold(text)
        if _REFERENCE.search(t):
            continue
        if _OTHER.search(t):
            return "other"
        agenda, report = _AGENDA.search(t), _REPORT.search(t)
        if agenda and (not report or agenda.start() < report.start()):
            return "geannoteerde_agenda"
        if report:
            return "verslag"
    return "other"


def document_row(doc: Document, doc_kind: str) -> dict:
    """The documents-table row of a parsed document."""
    return {
        "doc_id": doc.doc_id,
        "source_path": doc.source_path,
        "dossier": doc.dossier,
        "number": doc.number,
        "vergaderjaar": doc.vergaderjaar,
        "title": doc.title,
        "doc_kind": doc_kind,
        "letter_date": doc.letter_date,
        "signatory": "; ".join(s.name for s in doc.signatories if s.name) or None,
        "ministry": doc.ministry,
        "source_format": doc.source_format,
        "sha256": doc.sha256,
        "is_synthetic": doc.is_synthetic,
        "signatory_role": "; ".join(s.role for s in doc.signatories) or None,
        "source_url": doc.source_url,
        "n_paragraphs": sum(1 for b in doc.blocks if b.kind != "heading"),
        "n_chars": sum(len(b.text) for b in doc.blocks),
        "text": doc.text,
    }
