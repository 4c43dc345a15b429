"""Official Kamerstuk XML (`officiele-publicatie`/`kamerstuk`, KOOP) → Document."""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from etl.dates import parse_date
from etl.errors import Rejected
from etl.model import Block, BlockKind, Document, Footnote, Part, Signatory
from etl.parse.letter import ministry_from_title
from etl.textutil import squash_spaces

SOURCE_FORMAT = "op_xml"

_HEADER_LINE = re.compile(
    r"^(?:aan\s+de\s+voorzitter\b|(?:den\s+haag|'s-gravenhage|'s\s+gravenhage)\s*,)", re.I
)
_PLACE_DATE = re.compile(r"^(?:den\s+haag|'s-gravenhage|'s\s+gravenhage)\s*,", re.I)
_BULLET = re.compile(r"^[\-–—•·*o▪■◦]+$")
MAX_DEPTH = 256  # libxml2's limit without huge_tree; a Kamerstuk is a dozen levels deep

# Elements whose content is not running text of the letter (handled apart or dropped).
_SKIP = {
    "metadata",
    "kamerstukkop",
    "dossier",
    "stuknr",
    "officiele-inhoudsopgave",
    "noot",
    "colspec",
    "spanspec",
}
# Elements that hold blocks; an unknown element without any of these inside is one paragraph.
_BLOCKISH = {
    "al",
    "tussenkop",
    "divisie",
    "kop",
    "lijst",
    "li",
    "table",
    "ondertekening",
    "al-groep",
    "vrije-tekst",
    "tekst",
}
# Letter-head wrappers: their text is address or place/date, not the covering letter.
_HEADER_WRAPPERS = {
    "kamervoorzitter",
    "datumtekst",
    "aanhef",
    "plaats-datum",
    "dagtekening",
    "herdruk",
}


def safe_parser() -> etree.XMLParser:
    """An lxml parser that expands no entities, loads no DTD and never touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )


def _local(el: etree._Element) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""  # comment, processing instruction or (unexpanded) entity reference
    return tag.rpartition("}")[2]  # "{namespace}name" → "name"


def _norm(text: str) -> str:
    return squash_spaces(text)


class BlockBuilder:
    """Collects blocks in reading order, keeping the heading path and cover/body part."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.stack: list[tuple[int, str]] = []  # (level, heading text), outermost first
        self.seen_heading = False
        self.cover_closed = False  # a signature ends the covering letter

    def add(self, kind: BlockKind, text: str, level: int = 0, part: Part | None = None) -> None:
        """Append a block (whitespace normalised; empty text is dropped)."""
        text = _norm(text)
        if not text:
            return
        if part is None:
            part = "body" if self.seen_heading or self.cover_closed else "cover"
        path = tuple(t for _, t in self.stack)
        index = len(self.blocks)
        self.blocks.append(Block(kind, text, path, level=level, part=part, index=index))

    def heading(self, text: str, level: int) -> None:
        """Append a heading; it closes headings of its level and deeper."""
        text = _norm(text)
        if not text:
            return
        self.close(level)
        self.seen_heading = True
        # As in etl.parse.letter: a heading's path ends with the heading itself.
        self.stack.append((level, text))
        self.add("heading", text, level=level, part="body")

    def close(self, level: int) -> None:
        """End the sections of `level` and deeper (e.g. at the end of a divisie)."""
        while self.stack and self.stack[-1][0] >= level:
            self.stack.pop()

    def is_header_line(self, text: str) -> bool:
        """ "Aan de Voorzitter …" or "Den Haag, <date>" before the first heading."""
        return not self.seen_heading and bool(_HEADER_LINE.match(_norm(text)))


class _Walker(BlockBuilder):
    """Walks a `stuk` in document order, building blocks, footnotes and signatures."""

    def __init__(self) -> None:
        super().__init__()
        self.footnotes: list[Footnote] = []
        self.signatories: list[Signatory] = []
        self.head_dates: list[date] = []  # isodatum in the letter head
        self.sign_dates: list[date] = []  # isodatum under a signature
        self.place_date_text: str | None = None
        self.depth = 0  # divisie nesting
        self._note_ids: set[int] = set()

    # --- inline text -------------------------------------------------------------------------

    def inline(self, el: etree._Element) -> str:
        """Text of an element with its inline markup; footnotes are taken out and collected."""
        parts: list[str] = [el.text or ""]
        for child in el:
            name = _local(child)
            if name == "noot":
                self._note(child)
            elif name == "br":
                parts.append(" ")
            elif name in ("li.nr",):
                pass
            elif name:
                parts.append(self.inline(child))
            parts.append(child.tail or "")
        return "".join(parts)

    def _note(self, noot: etree._Element) -> None:
        if id(noot) in self._note_ids:
            return
        self._note_ids.add(id(noot))
        marker = ""
        texts: list[str] = []
        for child in noot:
            name = _local(child)
            if name == "noot.nr":
                marker = _norm(self.inline(child))
            elif name:
                texts.append(_norm(self.inline(child)))
        if not texts and noot.text and noot.text.strip():
            texts.append(_norm(noot.text))
        marker = marker or str(len(self.footnotes) + 1)
        self.footnotes.append(Footnote(marker=marker, text=" ".join(t for t in texts if t)))

    # --- blocks -------------------------------------------------------------------------------

    def _paragraph(self, el: etree._Element) -> None:
        text = _norm(self.inline(el))
        if not text:
            return
        part: Part | None = None
        if self.is_header_line(text):
            part = "header"
            self._head_date(el, text)
        self.add("paragraph", text, part=part)

    def _head_date(self, el: etree._Element, text: str) -> None:
        for d in el.iter("datum"):
            iso = _iso(d.get("isodatum"))
            if iso:
                self.head_dates.append(iso)
        if _PLACE_DATE.match(text) and self.place_date_text is None:
            self.place_date_text = text

    def walk(self, el: etree._Element) -> None:
        """Dispatch on the element's name; unknown wrappers are walked through."""
        name = _local(el)
        if not name or name in _SKIP:
            return
        if name == "divisie":
            self.depth += 1
            try:
                self._children(el)
            finally:
                self.close(self.depth)
                self.depth -= 1
        elif name == "kop":
            self.heading(self._kop_text(el), level=max(self.depth, 1))
        elif name == "tussenkop":
            self.heading(self.inline(el), level=self.depth + 1)
        elif name == "al":
            self._paragraph(el)
        elif name == "li":
            self._list_item(el)
        elif name == "table":
            self._table(el)
        elif name == "ondertekening":
            self._signature(el)
        elif name in _HEADER_WRAPPERS:
            self._header_wrapper(el)
        elif any(_local(d) in _BLOCKISH for d in el.iterdescendants()):
            self._children(el)
        else:
            self._paragraph(el)

    def _children(self, el: etree._Element) -> None:
        for child in el:
            self.walk(child)

    def _kop_text(self, kop: etree._Element) -> str:
        nr = " ".join(_norm(self.inline(c)) for c in kop if _local(c) == "nr")
        titel = " ".join(_norm(self.inline(c)) for c in kop if _local(c) == "titel")
        if not titel:
            titel = _norm(
                "".join(
                    self.inline(c) + (c.tail or "")
                    for c in kop
                    if _local(c) not in ("nr", "ondertitel")
                )
                + (kop.text or "")
            )
        return f"{nr} {titel}".strip()

    def _list_item(self, li: etree._Element) -> None:
        marker = ""
        own: list[str] = [li.text or ""]
        nested: list[etree._Element] = []
        for child in li:
            name = _local(child)
            if name == "li.nr":
                marker = _norm(self.inline(child))
            elif name in ("lijst", "table", "tussenkop", "divisie"):
                nested.append(child)
            elif name == "noot":
                self._note(child)
            elif name:
                own.append(" " + self.inline(child) + " ")
            own.append(child.tail or "")
        text = _norm("".join(own))
        # Keep enumerators ("a.", "1)") that carry meaning; drop bullet symbols.
        if marker and not _BULLET.match(marker) and text:
            text = f"{marker} {text}"
        self.add("list_item", text)
        for child in nested:
            self.walk(child)

    def _table(self, table: etree._Element) -> None:
        for el in table.iter():
            name = _local(el)
            if name == "title" and el.getparent() is table:
                self.add("paragraph", self.inline(el))
            elif name == "row":
                cells = [_norm(self.inline(e)) for e in el if _local(e) == "entry"]
                if any(cells):
                    self.add("paragraph", " | ".join(cells))

    def _signature(self, el: etree._Element) -> None:
        self.cover_closed = True
        role: str | None = None
        for child in el.iter():
            name = _local(child)
            if name == "functie":
                if role is not None:
                    self.signatories.append(Signatory(role=role, name=""))
                role = _clean_role(self.inline(child))
            elif name == "naam":
                self.signatories.append(Signatory(role=role or "", name=self._name(child)))
                role = None
            elif name == "datum":
                iso = _iso(child.get("isodatum"))
                if iso:
                    self.sign_dates.append(iso)
        if role:
            self.signatories.append(Signatory(role=role, name=""))

    def _name(self, naam: etree._Element) -> str:
        parts = [
            _norm(self.inline(c))
            for c in naam
            if _local(c) in ("voorletters", "voornaam", "tussenvoegsel", "achternaam")
        ]
        if parts:
            return " ".join(p for p in parts if p)
        return _norm(self.inline(naam))

    def _header_wrapper(self, el: etree._Element) -> None:
        lines = [c for c in el if _local(c) == "al"] or [el]
        for line in lines:
            text = _norm(self.inline(line))
            if text:
                self._head_date(line, text)
                self.add("paragraph", text, part="header")


def _clean_role(text: str) -> str:
    return _norm(text).rstrip(" ,;:")


def _iso(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


# --- ministry ---------------------------------------------------------------------------------

# --- document ---------------------------------------------------------------------------------


def _child_path(el: etree._Element, *names: str) -> list[etree._Element]:
    """The elements reached by following child elements of these local names, in order.

    (What the XPath "*[local-name()='a']/*[local-name()='b']" gives, without compiling XPath
    for every file.)
    """
    found = [el]
    for name in names:
        found = [c for parent in found for c in parent if _local(c) == name]
    return found


def _first(el: etree._Element, name: str) -> etree._Element | None:
    """The first child element of this local name."""
    return next((c for c in el if _local(c) == name), None)


def _descendants(el: etree._Element, name: str) -> list[etree._Element]:
    """Descendant elements (not el itself) of this local name, in document order."""
    return [d for d in el.iterdescendants() if _local(d) == name]


def normalise_dossier(text: str) -> str | None:
    """ "28 676" → "28676"; "35 300-X" or "35300 X" → "35300-X"."""
    t = _norm(text).replace("\u00a0", " ")
    t = re.sub(r"(?<=\d)[ .](?=\d{3}\b)", "", t)
    m = re.match(r"^(\d+)(?:\s*[-–\s]\s*([A-Za-z0-9]+))?$", t)
    if not m:
        return t or None
    return f"{m.group(1)}-{m.group(2).upper()}" if m.group(2) else m.group(1)


def _vergaderjaar(text: str) -> str | None:
    m = re.search(r"(\d{4})\s*[-–—/]\s*(\d{4})", text)
    return f"{m.group(1)}-{m.group(2)}" if m else None


def _load(data: bytes) -> etree._Element:
    if not data or not data.strip():
        raise Rejected("truncated or malformed XML: the file is empty")
    try:
        return etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as e:
        said = " ".join(str(e).split())  # libxml2's messages may hold newlines: one line
        if "amplification" in said.lower():
            raise Rejected(
                f"XML refused: its entities would expand without bound ({said})"
            ) from None
        if "excessive depth" in said.lower():
            raise Rejected(f"XML refused: nested more than {MAX_DEPTH} levels deep") from None
        raise Rejected(f"truncated or malformed XML: {said}") from None


def parse(data: bytes, source_path: str, sha256: str) -> Document:
    """Parse an official Kamerstuk XML file into a Document (Rejected if it is not one)."""
    root = _load(data)
    root_name = _local(root) or str(root.tag)
    if root_name == "officiele-publicatie":
        stuk_holder = _first(root, "kamerstuk")
    elif root_name == "kamerstuk":
        stuk_holder = root
    else:
        stuk_holder = None
    if stuk_holder is None:
        raise Rejected(f"XML but not an official Kamerstuk (root <{root_name}>)")

    doc = Document(source_path=source_path, source_format=SOURCE_FORMAT, sha256=sha256)
    walker = _Walker()

    stuk = _first(stuk_holder, "stuk")
    if stuk is None:
        raise Rejected("official Kamerstuk XML without a <stuk> (no letter text)")

    # The letter head, in the order a reader sees it (and the text parsers emit it).
    for regel in _child_path(stuk_holder, "kamerstukkop", "tekstregel"):
        if regel.get("inhoud") == "vergaderjaar":
            line = walker.inline(regel)
            doc.vergaderjaar = _vergaderjaar(line)
            walker.add("paragraph", line, part="header")
    for dossier in _child_path(stuk_holder, "dossier"):
        for nr in _descendants(dossier, "dossiernr"):
            line = walker.inline(nr)
            doc.dossier = doc.dossier or normalise_dossier(line)
            walker.add("paragraph", line, part="header")
        for titel in _child_path(dossier, "titel"):
            walker.add("paragraph", walker.inline(titel), part="header")
    stuknr = _first(stuk, "stuknr")
    if stuknr is not None:
        walker.add("paragraph", walker.inline(stuknr), part="header")
        ondernummer = next(iter(_descendants(stuknr, "ondernummer")), None)
        m = re.search(r"\d+", "".join(ondernummer.itertext()) if ondernummer is not None else "")
        doc.number = int(m.group()) if m else None
    titel = _first(stuk, "titel")
    if titel is not None:
        doc.title = _norm(walker.inline(titel)) or None
        walker.add("paragraph", doc.title or "", part="header")

    for child in stuk:
        if _local(child) not in ("titel", "stuknr"):
            walker.walk(child)

    doc.blocks = walker.blocks
    doc.footnotes = walker.footnotes
    doc.signatories = walker.signatories
    doc.letter_date = _letter_date(walker)
    doc.ministry = ministry_from_title(doc.title or "")
    if doc.ministry is None:
        roles = "; ".join(s.role for s in doc.signatories if s.role)
        doc.ministry = ministry_from_title(roles.replace(";", ","))

    for meta in _child_path(root, "metadata", "meta"):
        if meta.get("name") == "navo.synthetic" and meta.get("content", "").lower() == "true":
            doc.is_synthetic = True
    return doc


def _letter_date(walker: _Walker) -> date | None:
    if walker.head_dates:
        return walker.head_dates[0]
    if walker.place_date_text:
        return parse_date(walker.place_date_text)
    for b in walker.blocks:
        if b.part == "header":
            d = parse_date(b.text)
            if d:
                return d
    return walker.sign_dates[0] if walker.sign_dates else None
