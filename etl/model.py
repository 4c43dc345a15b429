"""The common Document model every parser produces and every extractor reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item"]
Part = Literal["header", "cover", "body"]


@dataclass(frozen=True, slots=True)
class Block:
    """One heading or paragraph of a letter, with the headings above it."""

    kind: BlockKind
    text: str
    heading_path: tuple[str, ...] = ()
    level: int = 0  # heading level after normalisation (1 = top); 0 for paragraphs
    part: Part = "body"  # covering letter, or the report itself
    index: int = 0  # position among the document's blocks


@dataclass(frozen=True, slots=True)
class Footnote:
    """A footnote or endnote, its marker and its text."""

    marker: str
    text: str


@dataclass(frozen=True, slots=True)
class Signatory:
    """One signature under the letter: the role line and the name."""

    role: str
    name: str


@dataclass(slots=True)
class Document:
    """A parsed Kamerstuk: letter metadata plus the blocks of its text."""

    source_path: str
    source_format: str  # markdown, text, op_xml, html
    sha256: str
    blocks: list[Block] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    dossier: str | None = None  # "28676", or "35300-X"
    number: int | None = None  # ondernummer
    vergaderjaar: str | None = None  # "2023-2024"
    title: str | None = None  # the letter's title line, e.g. "BRIEF VAN DE MINISTER VAN …"
    letter_date: date | None = None
    signatories: list[Signatory] = field(default_factory=list)
    ministry: str | None = None
    is_synthetic: bool = False
    source_url: str | None = None
    doc_id_hint: str | None = None  # identifier given by the source (e.g. KOOP's kst-28676-448)

    @property
    def doc_id(self) -> str:
        """Stable id: the official identifier when known, else one derived from the content."""
        if self.doc_id_hint:
            return self.doc_id_hint
        if self.dossier and self.number is not None:
            return f"kst-{self.dossier.replace(' ', '')}-{self.number}"
        return f"doc-{self.sha256[:12]}"

    @property
    def text(self) -> str:
        """All block text, one block per line (for search and floors)."""
        return "\n".join(b.text for b in self.blocks)
