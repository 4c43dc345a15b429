"""What every extractor needs: the passages and sentences of a document, and its meeting."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from etl.model import Block, Document
from etl.taxonomy import Taxonomy
from etl.textutil import sentences

SECTION_SEP = " > "


@dataclass(frozen=True, slots=True)
class MeetingRef:
    """The meeting a document is about, as other tables refer to it."""

    meeting_id: str | None
    start_date: date | None


def content_blocks(doc: Document) -> Iterator[Block]:
    """Paragraphs and list items of the covering letter and the report (no letter head)."""
    for b in doc.blocks:
        if b.part != "header" and b.kind != "heading":
            yield b


def block_sentences(doc: Document) -> Iterator[tuple[Block, str]]:
    """Every sentence of the content blocks, with its block."""
    for b in content_blocks(doc):
        for s in sentences(b.text):
            yield b, s


def section(block: Block) -> str:
    """The heading path of a block as one string."""
    return SECTION_SEP.join(block.heading_path)


def section_topics(block: Block, taxonomy: Taxonomy) -> list[str]:
    """Topics named by the nearest heading above the block that names any."""
    for heading in reversed(block.heading_path):
        hits = taxonomy.find(heading)
        if hits:
            return list(hits)
    return []
