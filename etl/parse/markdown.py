"""Markdown converted from PDF (like the seed): headings by #, bold or italic, <sup> notes."""

from __future__ import annotations

import html
import re

from etl.model import Document
from etl.parse.decode import decode_text
from etl.parse.letter import _LIST_ITEM, RawBlock, assemble, heading_level, join_lines

_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FOOTNOTE = re.compile(r"^\s*(?:<sup>\s*([\w*†]{1,4})\s*</sup>|\[\^([\w]{1,4})\]:)\s*(.*)$")
_SUP = re.compile(r"<sup>\s*[\w*†]{1,4}\s*</sup>|\[\^\w{1,4}\](?!:)")
_KNOWN_TAGS = re.compile(r"</?(?:sup|sub|br|span|em|strong|b|i|u|p|div|mark|small)\b[^>]*>", re.I)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_EMPH = re.compile(r"(\*{1,3}|(?<!\w)_{1,3})(\S(?:.*?\S)?)\1(?!\w)")
_PRIVATE = 0xF0000
_MARKUP_CHARS = re.compile(r"[*_<\[\\&!]")
_SPACES = re.compile(r"[ \t\u00a0]+")
_BOLD_ONLY = re.compile(r"^\s*(\*\*|__)(.+?)\1\s*$")
_ITALIC_ONLY = re.compile(r"^\s*(\*|_)(?!\1)(.+?)\1\s*$")


def _squash(text: str) -> str:
    # the same as _SPACES.sub(" ", text).strip(), without the regex where there is nothing to do
    if "  " in text or "\t" in text or "\xa0" in text:
        return _SPACES.sub(" ", text).strip()
    return text.strip()


def clean_inline(text: str) -> str:
    """Markdown inline markup to plain text: note markers, emphasis, links, escapes, entities."""
    if not _MARKUP_CHARS.search(text):
        return _squash(text)
    # each rule only where its characters occur: most lines have little or no markup
    escaped = "\\" in text
    if escaped:
        # escaped characters ("\\*") are hidden from the emphasis rules, then restored
        text = _ESCAPE.sub(lambda m: chr(_PRIVATE + ord(m.group(1))), text)
    if "<" in text or "[" in text:
        text = _SUP.sub("", text)
        if "<" in text:
            text = _KNOWN_TAGS.sub("", text)
        if "[" in text:
            text = _LINK.sub(r"\1", text)
    if "*" in text or "_" in text:
        for _ in range(2):
            text = _EMPH.sub(r"\2", text)
    if escaped:
        text = re.sub("[\U000f0000-\U000f00ff]", lambda m: chr(ord(m.group()) - _PRIVATE), text)
    return _squash(html.unescape(text))


def markdown_blocks(text: str) -> list[RawBlock]:
    """Split Markdown into raw blocks (headings, paragraphs, list items, footnotes)."""
    blocks: list[RawBlock] = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = [ln for ln in chunk.split("\n") if ln.strip() and not _RULE.match(ln)]
        while lines:
            first = lines[0]
            if m := _ATX.match(first):
                inner = m.group(2)
                level = len(m.group(1))
                if _ITALIC_ONLY.match(inner) and not _BOLD_ONLY.match(inner):
                    level = max(level, 3)
                title = clean_inline(inner)
                if title:
                    blocks.append(RawBlock("heading", title, [title], level))
                lines = lines[1:]
                continue
            if m := _FOOTNOTE.match(first):
                body = [m.group(3)] + [ln for ln in lines[1:]]
                t = clean_inline(join_lines(body))
                blocks.append(RawBlock("footnote", t, [t], marker=m.group(1) or m.group(2)))
                break
            if len(lines) == 1 and (m := _BOLD_ONLY.match(first) or _ITALIC_ONLY.match(first)):
                t = clean_inline(first)
                is_heading, _ = heading_level(t if t[-1:] not in ":" else t[:-1])
                if is_heading or len(t) < 120 and t[-1:] not in ".,;":
                    level = 2 if m.group(1) in ("**", "__") else 3
                    blocks.append(RawBlock("heading", t.rstrip(":"), [t], level))
                    break
            if _LIST_ITEM.match(first) and not _single_heading(lines):
                items: list[list[str]] = []
                for ln in lines:
                    if im := _LIST_ITEM.match(ln):
                        items.append([im.group(1)])
                    elif items:
                        items[-1].append(ln)
                for item in items:
                    t = clean_inline(join_lines(item))
                    blocks.append(RawBlock("list_item", t, [t]))
                break
            if _single_heading(lines):
                t = clean_inline(first)
                _, level = heading_level(t)
                blocks.append(RawBlock("heading", t, [t], level))
                break
            text = clean_inline(join_lines(lines))
            # line structure matters only for short blocks (letter head, signatures)
            cleaned = [clean_inline(ln) for ln in lines] if len(text) < 300 else [text]
            blocks.append(RawBlock("paragraph", text, cleaned))
            break
    return blocks


def _single_heading(lines: list[str]) -> bool:
    return (
        len(lines) == 1
        and heading_level(clean_inline(lines[0]))[0]
        and bool(re.match(r"^\d{1,2}(?:\.\d{1,2})*\.?\s+\S", lines[0].strip()))
    )


def parse_text(text: str, source_path: str, sha256: str) -> Document:
    """Parse decoded Markdown text into a Document."""
    return assemble(
        markdown_blocks(text), source_path=source_path, source_format="markdown", sha256=sha256
    )


def parse(data: bytes, source_path: str, sha256: str) -> Document:
    """Parse a Markdown report (bytes) into a Document."""
    return parse_text(decode_text(data), source_path, sha256)
