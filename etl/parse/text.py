"""Plain-text letters: wrapped lines, numbered headings, no markup (older letters, OCR, exports)."""

from __future__ import annotations

import re

from etl.model import Document
from etl.parse.decode import decode_text
from etl.parse.letter import _LIST_ITEM, _NUMBERED, RawBlock, assemble, heading_level, join_lines

# "1 Kamerstuk 28 676, nr. 440" / "[2] Zie …": notes at the foot of a page
_FOOTNOTE = re.compile(
    r"^\s*(?:\[(\d{1,2})\]|\^(\d{1,2})|(\d{1,2})\)?)\s+"
    r"(?=(?:Kamerstuk|Kamerstukken|Zie|Ter |Bijlage|Handelingen|Brief|Aanhangsel|https?:|www\.))"
)


def text_blocks(text: str) -> list[RawBlock]:
    """Split plain text into raw blocks: blank lines part paragraphs; lone short lines are headings."""
    blocks: list[RawBlock] = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = [ln.rstrip() for ln in chunk.split("\n") if ln.strip()]
        while lines:
            first = lines[0].strip()
            if m := _FOOTNOTE.match(first):
                body = [first[m.end() :]] + lines[1:]
                t = join_lines(body)
                marker = m.group(1) or m.group(2) or m.group(3)
                blocks.append(RawBlock("footnote", t, [t], marker=marker))
                break
            is_heading, level = heading_level(first)
            numbered = bool(_NUMBERED.match(first))
            if is_heading and (len(lines) == 1 or numbered or first.isupper()):
                # a numbered or capitalised heading may sit directly above its paragraph
                blocks.append(RawBlock("heading", first, [first], level))
                lines = lines[1:]
                continue
            if _LIST_ITEM.match(first) and not numbered:
                items: list[list[str]] = []
                for ln in lines:
                    if im := _LIST_ITEM.match(ln):
                        items.append([im.group(1)])
                    elif items:
                        items[-1].append(ln)
                blocks.extend(
                    RawBlock("list_item", join_lines(it), [join_lines(it)]) for it in items
                )
                break
            blocks.append(RawBlock("paragraph", join_lines(lines), [ln.strip() for ln in lines]))
            break
    return blocks


def parse_text(text: str, source_path: str, sha256: str) -> Document:
    """Parse decoded plain text into a Document."""
    return assemble(text_blocks(text), source_path=source_path, source_format="text", sha256=sha256)


def parse(data: bytes, source_path: str, sha256: str) -> Document:
    """Parse a plain-text letter (bytes) into a Document."""
    return parse_text(decode_text(data), source_path, sha256)
