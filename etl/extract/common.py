"""What every extractor needs, computed once per document: passages, sentences, topic hits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from etl.model import Block, Document
from etl.taxonomy import Taxonomy
from etl.textutil import fold, sentence_spans

SECTION_SEP = " > "


@dataclass(frozen=True, slots=True)
class MeetingRef:
    """The meeting a document is about, as other tables refer to it."""

    meeting_id: str | None
    start_date: date | None


@dataclass(slots=True)
class Sentence:
    """One sentence of a content block, folded, with the topics named in it (first hit first)."""

    block: Block
    text: str
    folded: str
    topics: dict[str, list[str]]
    hits: list[tuple[int, str]]  # (offset in the sentence, topic id)


@dataclass(slots=True)
class Analysis:
    """A document read once for all extractors."""

    doc: Document
    taxonomy: Taxonomy
    passages: list[tuple[Block, dict[str, list[str]]]] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    _heading_topics: dict[str, list[str]] = field(default_factory=dict)

    def section_topics(self, block: Block) -> list[str]:
        """Topics named by the nearest heading above the block that names any."""
        for heading in reversed(block.heading_path):
            if heading not in self._heading_topics:
                self._heading_topics[heading] = list(self.taxonomy.find(heading))
            if self._heading_topics[heading]:
                return self._heading_topics[heading]
        return []


def analyse(doc: Document, taxonomy: Taxonomy) -> Analysis:
    """Fold every block once, match the taxonomy once, and split content blocks into sentences."""
    a = Analysis(doc, taxonomy)
    for b in doc.blocks:
        if b.part == "header":
            continue
        folded = fold(b.text)
        matches = taxonomy.scan(folded)
        topics: dict[str, list[str]] = {}
        for _, tid, word in matches:
            topics.setdefault(tid, []).append(word)
        a.passages.append((b, topics))
        if b.kind == "heading":
            continue
        text, i, n = b.text, 0, len(matches)
        for start, end in sentence_spans(text):
            # sentences and matches are both in text order: one pass over the matches
            while i < n and matches[i][0] < start:
                i += 1
            s_topics: dict[str, list[str]] = {}
            hits: list[tuple[int, str]] = []
            while i < n and matches[i][0] < end:
                pos, tid, word = matches[i]
                s_topics.setdefault(tid, []).append(word)
                hits.append((pos - start, tid))
                i += 1
            a.sentences.append(Sentence(b, text[start:end], folded[start:end], s_topics, hits))
    return a


def section(block: Block) -> str:
    """The heading path of a block as one string."""
    return SECTION_SEP.join(block.heading_path)
