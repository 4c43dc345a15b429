"""One module per input format; `parse_file` picks the right one for a file."""

from __future__ import annotations

import re
from pathlib import Path

from etl.errors import Rejected
from etl.model import Document
from etl.parse import markdown, text
from etl.parse.decode import decode_text

TEXT_SUFFIXES = {".md", ".markdown", ".txt", ".text", ""}
XML_SUFFIXES = {".xml"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
UNSUPPORTED = {
    ".pdf": "PDF is not read; fetch the official XML (make fetch) or convert it to text",
    ".doc": "Word documents are not read; save as text or use the official XML",
    ".docx": "Word documents are not read; save as text or use the official XML",
    ".odt": "ODT is not read; use the official XML manifestation",
}
_MARKDOWN_SIGNS = re.compile(r"^#{1,6}\s|\*\*\S|<sup>|^\s*---\s*$|^\s*\[\^\d", re.MULTILINE)


def sniff_format(path: Path, data: bytes) -> str:
    """Which parser a file needs: op_xml, html, markdown or text (or raise Rejected)."""
    suffix = path.suffix.lower()
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in UNSUPPORTED:
        raise Rejected(UNSUPPORTED[suffix])
    if head.startswith(b"%pdf"):
        raise Rejected(UNSUPPORTED[".pdf"])
    if head.startswith((b"pk\x03\x04",)):
        raise Rejected("a zip archive (Word/ODT?), not a readable report")
    if suffix in HTML_SUFFIXES or head.startswith((b"<!doctype html", b"<html")):
        return "html"
    if (
        suffix in XML_SUFFIXES
        or head.startswith(b"<?xml")
        or head.startswith(b"<officiele-publicatie")
    ):
        return "op_xml"
    return "text_or_markdown"


def parse_file(path: Path, data: bytes, sha256: str, source_path: str | None = None) -> Document:
    """Parse one input file into a Document; raises Rejected with a reason when it cannot."""
    src = source_path or str(path)
    kind = sniff_format(path, data)
    if kind == "op_xml":
        from etl.parse import op_xml

        return op_xml.parse(data, src, sha256)
    if kind == "html":
        try:
            from etl.parse import html as html_parser
        except ImportError as e:  # pragma: no cover - the HTML parser is optional
            raise Rejected("HTML is not supported yet") from e
        return html_parser.parse(data, src, sha256)
    decoded = decode_text(data)
    if _MARKDOWN_SIGNS.search(decoded):
        return markdown.parse_text(decoded, src, sha256)
    return text.parse_text(decoded, src, sha256)
