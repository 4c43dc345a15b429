"""The HTML manifestation of a Kamerstuk (zoek.officielebekendmakingen.nl), or any HTML → Document.

Official pages (KOOP.md, "HTML manifestation") have div#broodtekst with h1.dossiertitel >
span.dossiernummer, h1.stuktitel > span.stuknummer, p.kamerstukdatum and div.algemeen > p.
Other HTML still yields its headings, paragraphs, list items and table rows.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from etl.dates import parse_date
from etl.errors import Rejected
from etl.model import Document, Footnote, Signatory
from etl.parse.letter import ministry_from_title
from etl.parse.op_xml import MAX_DEPTH, BlockBuilder, normalise_dossier
from etl.textutil import squash_spaces

SOURCE_FORMAT = "html"

_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_DROP = {"script", "style", "noscript", "nav", "template", "iframe", "object", "svg", "form"}
_CONTAINERS = {
    "div",
    "section",
    "article",
    "main",
    "body",
    "blockquote",
    "header",
    "footer",
    "aside",
    "ul",
    "ol",
    "dl",
    "center",
    "figure",
}
_NOTE_SECTION = re.compile(r"\b(?:noten|voetnoten|footnotes|notes)\b", re.I)
_NOTE_ITEM = re.compile(r"\b(?:noot|voet|footnote)\b", re.I)
_NOTE_REF = re.compile(r"\b(?:nootnum|noot|footnote-ref|noteref)\b", re.I)


def _norm(text: str) -> str:
    return squash_spaces(text)


def _classes(el: etree._Element) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _text(el: etree._Element) -> str:
    """Visible text, <br> as a space."""
    parts: list[str] = [el.text or ""] if isinstance(el.tag, str) else []
    for child in el:
        if isinstance(child.tag, str):
            if child.tag == "br":
                parts.append(" ")
            elif child.tag not in _DROP:
                parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _remove(el: etree._Element) -> None:
    """Remove an element but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail or ""
    prev = el.getprevious()
    # The HTML parser lets control characters through; lxml refuses them when text is set.
    if prev is not None:
        prev.tail = _XML_UNSAFE.sub("", (prev.tail or "") + tail)
    else:
        parent.text = _XML_UNSAFE.sub("", (parent.text or "") + tail)
    parent.remove(el)


def _load(data: bytes) -> etree._Element:
    if not data or not data.strip():
        raise Rejected("empty HTML file")
    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    try:
        root = lxml.html.fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as e:
        raise Rejected(f"unreadable HTML: {' '.join(str(e).split())}") from None
    if root is None:
        raise Rejected("unreadable HTML: no document")
    # libxml2 stops at 256 levels and keeps what it had: refuse rather than lose text silently
    if any("excessive depth" in err.message.lower() for err in parser.error_log):
        raise Rejected(f"HTML refused: nested more than {MAX_DEPTH} levels deep")
    return root


def _meta(root: etree._Element) -> dict[str, str]:
    out: dict[str, str] = {}
    for m in root.iter("meta"):
        name = m.get("name") or m.get("property")
        if name and m.get("content") and name not in out:
            out[name] = m.get("content", "").strip()
    return out


def _footnotes(container: etree._Element) -> list[Footnote]:
    """Collect the notes section (and drop it and the in-text markers from the tree)."""
    notes: list[Footnote] = []
    sections = [
        el
        for el in container.iter()
        if isinstance(el.tag, str)
        and el.tag in ("div", "section", "ol", "aside")
        and _NOTE_SECTION.search(_classes(el))
    ]
    for section in sections:
        if section.getparent() is None:
            continue
        items = [
            el
            for el in section.iter()
            if el is not section
            and isinstance(el.tag, str)
            and el.tag in ("div", "li", "p")
            and _NOTE_ITEM.search(_classes(el))
        ]
        if not items:
            items = [c for c in section if isinstance(c.tag, str) and c.tag in ("li", "p", "div")]
        for item in items:
            marker = ""
            mark = next(
                (
                    e
                    for e in item.iter()
                    if e.tag in ("sup", "span", "a") and _NOTE_REF.search(_classes(e))
                ),
                None,
            )
            if mark is None:
                mark = next((e for e in item.iter("sup")), None)
            if mark is not None:
                marker = _norm(_text(mark))
                _remove(mark)
            for close in [e for e in item.iter() if "note-close" in (e.get("class") or "")]:
                _remove(close)
            text = _norm(_text(item))
            if text:
                notes.append(Footnote(marker or str(len(notes) + 1), text))
        _remove(section)
    for ref in [
        e
        for e in container.iter("sup", "a")
        if _NOTE_REF.search(_classes(e))
        or (e.tag == "a" and (e.get("href") or "").startswith("#ID-"))
    ]:
        target = ref.getparent() if ref.tag == "a" and ref.getparent().tag == "sup" else ref
        if target.getparent() is not None:
            _remove(target)
    return notes


def _signatures(container: etree._Element) -> list[Signatory]:
    sigs: list[Signatory] = []
    for el in list(container.iter()):
        if not isinstance(el.tag, str) or "ondertekening" not in (el.get("class") or ""):
            continue
        if el.getparent() is None:
            continue
        functie = [e for e in el.iter() if "functie" in (e.get("class") or "")]
        naam = [e for e in el.iter() if (e.get("class") or "").strip() == "naam"]
        if functie or naam:
            for i, f in enumerate(functie or [None] * len(naam)):
                role = _norm(_text(f)).rstrip(" ,") if f is not None else ""
                name = _norm(_text(naam[i])) if i < len(naam) else ""
                sigs.append(Signatory(role, name))
        else:
            lines = [_norm(x) for x in _text_lines(el) if _norm(x)]
            for i in range(0, len(lines), 2):
                sigs.append(
                    Signatory(lines[i].rstrip(" ,"), lines[i + 1] if i + 1 < len(lines) else "")
                )
        _remove(el)
    return sigs


def _text_lines(el: etree._Element) -> list[str]:
    lines = [""]
    for node in el.iter():
        if node.tag == "br" or node.tag in ("p", "div") and node is not el:
            lines.append("")
        if node.text and node.tag != "br":
            lines[-1] += node.text
        if node is not el and node.tail:
            lines[-1] += node.tail
    return lines


_BLOCK = set(_HEADINGS) | _CONTAINERS | {"p", "li", "table", "dt", "dd", "pre", "hr", "address"}


class _Walker(BlockBuilder):
    """Walks the HTML body in reading order; inline runs between blocks become paragraphs."""

    def __init__(self, level_rank: dict[int, int]) -> None:
        super().__init__()
        self.level_rank = level_rank
        self.dates: list[str] = []

    def walk(self, el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag or tag in _DROP:
            return
        if tag in _HEADINGS:
            self.heading(_text(el), self.level_rank.get(_HEADINGS[tag], 1))
        elif tag in ("p", "dt", "dd", "pre", "address"):
            self._paragraph(_text(el), el.get("class") or "")
        elif tag == "li":
            self._list_item(el)
        elif tag == "table":
            for row in el.iter("tr"):
                cells = [_norm(_text(c)) for c in row if c.tag in ("td", "th")]
                if any(cells):
                    self.add("paragraph", " | ".join(cells))
        elif tag in _CONTAINERS:
            self._container(el)
        elif tag != "hr":
            self._paragraph(_text(el), el.get("class") or "")

    def _paragraph(self, text: str, cls: str = "") -> None:
        if "kamerstukdatum" in cls or self.is_header_line(text):
            self.dates.append(text)
            self.add("paragraph", text, part="header")
        else:
            self.add("paragraph", text)

    def _container(self, el: etree._Element) -> None:
        run: list[str] = [el.text or ""]
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in _BLOCK:
                self._paragraph("".join(run))
                run = []
                self.walk(child)
            elif tag == "br":
                run.append(" ")
            elif tag and tag not in _DROP:
                run.append(_text(child))
            run.append(child.tail or "")
        self._paragraph("".join(run))

    def _list_item(self, el: etree._Element) -> None:
        own = [el.text or ""]
        nested = []
        for c in el:
            tag = c.tag if isinstance(c.tag, str) else ""
            if tag in ("ul", "ol", "table"):
                nested.append(c)
            elif tag and tag not in _DROP:
                own.append(" " + _text(c) + " ")
            own.append(c.tail or "")
        self.add("list_item", "".join(own))
        for c in nested:
            self.walk(c)


def parse(data: bytes, source_path: str, sha256: str) -> Document:
    """Parse an HTML Kamerstuk (or other HTML) into a Document; Rejected when it has no text."""
    root = _load(data)
    meta = _meta(root)
    found = root.xpath("//*[@id='broodtekst']")
    container = (
        found[0] if found else (root.find("body") if root.find("body") is not None else root)
    )
    doc = Document(source_path=source_path, source_format=SOURCE_FORMAT, sha256=sha256)
    doc.footnotes = _footnotes(container)
    doc.signatories = _signatures(container)

    head_lines: list[str] = []
    for h in container.xpath(".//h1[contains(concat(' ', @class, ' '), ' dossiertitel ')]"):
        nr = h.xpath(".//*[contains(concat(' ', @class, ' '), ' dossiernummer ')]")
        if nr:
            # "28 676" and "NAVO" as two header lines, as in the XML and text parsers
            doc.dossier = doc.dossier or normalise_dossier(_text(nr[0]))
            head_lines.append(_text(nr[0]))
            _remove(nr[0])
        head_lines.append(_text(h))
        _remove(h)
    for h in container.xpath(".//h1[contains(concat(' ', @class, ' '), ' stuktitel ')]"):
        nr = h.xpath(".//*[contains(concat(' ', @class, ' '), ' stuknummer ')]")
        if nr:
            if doc.number is None and (m := re.search(r"\d+", _text(nr[0]))):
                doc.number = int(m.group())
            head_lines.append(_text(nr[0]))
            _remove(nr[0])
        doc.title = doc.title or _norm(_text(h)) or None
        head_lines.append(_text(h))
        _remove(h)

    levels = sorted(
        {
            _HEADINGS[e.tag]
            for e in container.iter()
            if isinstance(e.tag, str) and e.tag in _HEADINGS
        }
    )
    walker = _Walker({lv: i + 1 for i, lv in enumerate(levels)})
    for line in head_lines:
        walker.add("paragraph", line, part="header")
    walker.walk(container)
    doc.blocks = walker.blocks
    if not doc.blocks:
        raise Rejected("HTML without any text")

    doc.dossier = doc.dossier or (
        normalise_dossier(meta["OVERHEIDop.dossiernummer"])
        if meta.get("OVERHEIDop.dossiernummer")
        else None
    )
    if doc.number is None and (m := re.search(r"\d+", meta.get("OVERHEIDop.ondernummer", ""))):
        doc.number = int(m.group())
    vj = re.search(r"(\d{4})\s*[-–]\s*(\d{4})", meta.get("OVERHEIDop.vergaderjaar", ""))
    doc.vergaderjaar = f"{vj.group(1)}-{vj.group(2)}" if vj else None
    if doc.title is None:
        title = root.find(".//title")
        doc.title = _norm(_text(title)) if title is not None and _text(title).strip() else None
    for text in walker.dates:
        doc.letter_date = parse_date(text)
        if doc.letter_date:
            break
    doc.ministry = ministry_from_title(doc.title or "") or ministry_from_title(
        ", ".join(s.role for s in doc.signatories)
    )
    ident = meta.get("DC.identifier", "")
    if re.fullmatch(r"kst-[\w-]+", ident):
        doc.doc_id_hint = ident
    if (meta.get("navo.synthetic") or "").lower() == "true":
        doc.is_synthetic = True
    return doc
