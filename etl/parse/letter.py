"""From raw text blocks to a Document: letter head, signature, page-break repair, heading levels.

Shared by the Markdown and plain-text parsers; the official XML parser has the structure given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from etl.dates import parse_date
from etl.errors import Rejected
from etl.model import Block, Document, Footnote, Signatory
from etl.textutil import fold


@dataclass(slots=True)
class RawBlock:
    """A block as a format parser sees it, before the letter's structure is known."""

    kind: str  # heading / paragraph / list_item / footnote
    text: str
    lines: list[str]
    level: int | None = None  # heading level from the markup (# count, number depth)
    marker: str | None = None  # footnote marker


# -- page-break repair --------------------------------------------------------------------

_PAGE_ARTEFACT = re.compile(
    r"^(?:\d{1,3}|[-–]\s*\d{1,3}\s*[-–]|pagina \d+(?: van \d+)?|"
    r"tweede kamer,? vergaderjaar .{0,40}(?:nr\.|nummer) ?\d+\s*\d*)$",
    re.IGNORECASE,
)
_VOWELS = set("aeiouy")


def join_hyphenated(left: str, right: str) -> str:
    """Join a word split at a line or page end: "hervor-" + "mingen" → "hervormingen".

    The hyphen stays where Dutch spelling keeps one: after a capital or digit ("NAVO-"),
    and between two vowels that would otherwise merge ("defensie-uitgaven").
    """
    stem = left[:-1]
    prev = stem[-1:] if stem else ""
    nxt = right[:1]
    if right in ("en", "of", "tot", "t/m"):
        return left + " " + right  # "NAVO- en EU-missies": a suspended compound
    if not prev.isalpha() or prev.isupper() or (prev.lower() in _VOWELS and nxt.lower() in _VOWELS):
        return left + right
    return stem + right


def _continues(prev: str, nxt: str) -> str | None:
    """How `nxt` continues `prev` across a page break: "hyphen", "space", or None."""
    if not nxt or not nxt[0].islower():
        return None
    if _ends_hyphenated(prev) and not prev.endswith(" -"):
        return "hyphen"
    if re.search(r"[\w,;]$", prev):
        return "space"
    return None


def _ends_hyphenated(text: str) -> bool:
    """Whether text ends in a letter and a hyphen (as re.search(r"[^\\W\\d_]-$") says, but
    without scanning the whole text)."""
    if text.endswith("-\n"):
        text = text[:-1]
    if len(text) < 2 or not text.endswith("-"):
        return False
    c = text[-2]
    return c.isalnum() and not c.isdecimal()


def repair_page_breaks(blocks: list[RawBlock]) -> list[RawBlock]:
    """Drop page artefacts; merge paragraphs split by a page break, footnotes in between."""
    kept = [
        b for b in blocks if not (b.kind == "paragraph" and _PAGE_ARTEFACT.match(b.text.strip()))
    ]
    out: list[RawBlock] = []
    for b in kept:
        if b.kind in ("paragraph", "list_item") and out:
            # the previous text block, looking past footnotes that sit between the page halves
            j = len(out) - 1
            while j >= 0 and out[j].kind == "footnote":
                j -= 1
            if j >= 0 and out[j].kind in ("paragraph", "list_item"):
                how = _continues(out[j].text, b.text)
                if how:
                    prev = out[j]
                    if how == "hyphen":
                        head, _, last = prev.text.rpartition(" ")
                        first, _, tail = b.text.partition(" ")
                        word = join_hyphenated(last, first)
                        text = (head + " " if head else "") + word + (" " + tail if tail else "")
                    else:
                        text = prev.text + " " + b.text
                    out[j] = replace(prev, text=text, lines=prev.lines + b.lines)
                    continue
        out.append(b)
    return out


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# -- lines and headings shared by the text formats ------------------------------------------

_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*)$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•–·▪]|\(?[a-z][.)]|\(?\d{1,2}[.)])\s+(\S.*)$")


def join_lines(lines: list[str]) -> str:
    """Join wrapped lines into one paragraph, repairing words hyphenated at a line end."""
    text = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not text:
            text = line
        elif line[:1].islower() and _ends_hyphenated(text):
            head, _, last = text.rpartition(" ")
            first, _, tail = line.partition(" ")
            word = join_hyphenated(last, first)
            text = (head + " " if head else "") + word + (" " + tail if tail else "")
        else:
            text += " " + line
    return text


def heading_level(line: str) -> tuple[bool, int | None]:
    """Whether a lone short line reads as a heading, and its level if the line says (numbering)."""
    t = line.strip()
    if (
        not t
        or len(t) > 100
        or len(t.split()) > 14
        or t[-1] in ".,;:!"
        or not (t[0].isupper() or t[0].isdigit())
    ):
        return False, None
    if _NUMBERS_ONLY.fullmatch(t):
        return False, None
    if m := _NUMBERED.match(t):
        return m.group(2)[:1].isupper(), m.group(1).count(".") + 1
    if t.isupper() and len(t) > 3:
        return True, 1
    return True, None


# -- letter head and signature ------------------------------------------------------------

_VERGADERJAAR = re.compile(r"\bvergaderjaar\s+(\d{4})\s*[-–/]\s*(\d{4})\b", re.IGNORECASE)
# "28 676", "28 676 NAVO", "35 300 X": the dossier line, with the dossier title after it
_DOSSIER = re.compile(
    r"^(\d{2})\s?\.?(\d{3})(?:\s*[-–]\s*([A-Z0-9]{1,5})|\s+([IVXL]+|[A-Z]))?(?:\s+(?i:navo|nato)\b.*)?$"
)
# "Nr. 448", "Nr. 455 BRIEF VAN DE MINISTER …"
_NUMBER = re.compile(r"^nr\.?\s*(\d{1,5})\b\s*(.*)$", re.IGNORECASE)
_TITLE = re.compile(
    r"^(?:brief|verslag|nota|memorie|motie|kamerbrief|lijst van vragen|antwoord)\b", re.IGNORECASE
)
_ADDRESS = re.compile(r"^aan de (?:voorzitter|leden)\b", re.IGNORECASE)
_PLACE_DATE = re.compile(
    r"^(?:den haag|'s[- ]gravenhage|datum|d\.d\.)\b[\s,:]*(.*)$", re.IGNORECASE
)
_BARE_DATE = re.compile(
    r"^(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{4}|\d{1,2}\s+[a-z]+\s+\d{4}|\d{4}-\d{2}-\d{2})$", re.IGNORECASE
)
# Fields of a ministry's letterhead that carry nothing we keep
_LETTER_FIELD = re.compile(
    r"^(?:auteur|kenmerk|uw kenmerk|ons kenmerk|uw brief|bijlage\(?n?\)?|bijlagen|contactpersoon|"
    r"telefoon|e-?mail|www\.|binnenhof|postbus|den haag|'s-gravenhage)\b",
    re.IGNORECASE,
)
_SUBJECT = re.compile(r"^(?:onderwerp|betreft|inzake)\s*:?\s*(.+)$", re.IGNORECASE)
_LETTERHEAD = re.compile(
    r"^(?:ministerie van|tweede kamer der staten-generaal|navo|nato|kamerstukken?|"
    r"de voorzitter van de tweede kamer|postbus|binnenhof|plein|\d{4}\s?[a-z]{2}\b)",
    re.IGNORECASE,
)
_ROLE = re.compile(
    r"^(?:w\.g\.\s*)?(?:de\s+)?(minister(?:-president)?|staatssecretaris|minister president)"
    r"(?:\s+(?:van|voor)\s+([^,]+?))?(?:,\s*minister van algemene zaken)?\s*,?\s*$",
    re.IGNORECASE,
)
_NAME = re.compile(
    r"^(?:w\.g\.\s*)?(?:(?:mr|drs|dr|ir|prof|ing|ds)\.\s*)*"
    r"(?:[A-Z]\.\s?){0,6}[A-Z][\w'’.-]*(?:[\s-]+[\w'’.-]+){0,5}$"
)


_OFFICE = re.compile(r"\b(?:minister-president|ministers?|staatssecretaris(?:sen)?)\b", re.I)
_SPLIT = re.compile(
    r"\s*,\s*(?=(?:de\s+)?(?:van|voor|minister|staatssecretaris)\b)"
    r"|\s+en\s+(?=(?:van|voor|de)\b)",
    re.I,
)
_LEAD = re.compile(
    r"^(?:de\s+)?(?:minister-president|ministers?|staatssecretaris(?:sen)?)?\s*", re.I
)
_KNOWN_MINISTRIES = (
    "Algemene Zaken",
    "Binnenlandse Zaken en Koninkrijksrelaties",
    "Buitenlandse Handel en Ontwikkelingssamenwerking",
    "Buitenlandse Zaken",
    "Defensie",
    "Economische Zaken en Klimaat",
    "Economische Zaken",
    "Europese Zaken",
    "Financiën",
    "Infrastructuur en Waterstaat",
    "Justitie en Veiligheid",
    "Veiligheid en Justitie",
    "Ontwikkelingssamenwerking",
    "Sociale Zaken en Werkgelegenheid",
    "Volksgezondheid, Welzijn en Sport",
    "Onderwijs, Cultuur en Wetenschap",
    "Asiel en Migratie",
    "Klimaat en Groene Groei",
)
_SMALL = {"en", "van", "voor", "der", "de", "het"}


def _title_case(text: str) -> str:
    words = _squash(text).split(" ")
    return " ".join(
        w.lower() if i and w.lower() in _SMALL else w[:1].upper() + w[1:].lower()
        for i, w in enumerate(words)
    )


def _ministry_name(raw: str) -> str:
    low = _squash(raw).lower()
    for known in _KNOWN_MINISTRIES:
        if low == known.lower() or low.startswith(known.lower() + " "):
            return known
    return _title_case(raw)


def ministry_from_title(title: str) -> str | None:
    """Ministry (or ministries, "; "-joined) of a letter's title or a signature's role line."""
    if not title:
        return None
    m = _OFFICE.search(title)
    if not m:
        return None
    names: list[str] = []
    for piece in _SPLIT.split(title[m.start() :]):
        piece = _LEAD.sub("", piece.strip())
        hit = re.match(r"^(?:van|voor)\s+(.+)$", piece, re.I)
        if not hit:
            continue
        raw = hit.group(1).strip(" .,;:")
        if not raw:
            continue
        name = _ministry_name(raw)
        if name not in names:
            names.append(name)
    return "; ".join(names) if names else None


def _vergaderjaar_for(d: date) -> str:
    # The parliamentary year starts on Prinsjesdag, the third Tuesday of September
    first = date(d.year, 9, 1)
    third_tuesday = first.replace(day=1 + (1 - first.weekday()) % 7 + 14)
    start = d.year if d >= third_tuesday else d.year - 1
    return f"{start}-{start + 1}"


def _role(line: str) -> str | None:
    m = _ROLE.match(line)
    if not m or len(line) > 90 or (m.group(2) and len(m.group(2).split()) > 6):
        return None
    return line.rstrip(", ")


def _name(line: str) -> bool:
    return len(line) < 60 and bool(_NAME.match(line)) and _ROLE.match(line) is None


def _split_signatures(blocks: list[RawBlock]) -> tuple[list[Signatory], set[int]]:
    """Find "De Minister van …," + name signatures; return them and the block indexes they use."""
    sigs: list[Signatory] = []
    used: set[int] = set()
    for i, b in enumerate(blocks):
        if b.kind == "footnote" or i in used or len(b.text) > 240:
            continue
        lines = [ln.strip() for ln in b.lines if ln.strip()]
        found: list[Signatory] = []
        takes_next = False
        k = 0
        while k < len(lines):
            role = _role(lines[k])
            if role is None:
                found = []
                break
            name = ""
            if k + 1 < len(lines) and _name(lines[k + 1]):
                name = lines[k + 1]
                k += 2
            else:
                if k + 1 == len(lines) and i + 1 < len(blocks):
                    nxt = [ln.strip() for ln in blocks[i + 1].lines if ln.strip()]
                    if len(nxt) == 1 and _name(nxt[0]) and blocks[i + 1].kind != "footnote":
                        name = nxt[0]
                        takes_next = True
                k += 1
            if not name and not lines[k - 1].endswith(","):
                # "De Minister van Defensie" alone, without comma or name: a heading, not a signature
                found = []
                break
            found.append(Signatory(role=role, name=name.rstrip(",").strip()))
        if found:
            sigs.extend(found)
            used.add(i)
            if takes_next:
                used.add(i + 1)
    return sigs, used


# -- heading levels -----------------------------------------------------------------------

_SIBLING_KEY = re.compile(
    r"^((?:werk)?sessie|session|working session|deel|onderdeel|bijlage|agendapunt|punt)\s*(\d+|[ivx]+)\b",
    re.IGNORECASE,
)


def _heading_key(text: str) -> str | None:
    m = _SIBLING_KEY.match(fold(text))
    return m.group(1) if m else None


def assign_levels(blocks: list[RawBlock]) -> list[int]:
    """Heading level per block (0 for non-headings), repairing inconsistent markup levels.

    Headings of one series ("Werksessie 1", "Werksessie 2") get the level of the first of
    them, whatever their markup says; headings without a level (bold, italic) nest below.
    """
    levels: list[int] = []
    by_key: dict[str, int] = {}
    for b in blocks:
        if b.kind != "heading":
            levels.append(0)
            continue
        level = b.level or 2
        key = _heading_key(b.text)
        if key:
            level = by_key.setdefault(key, level)
        levels.append(level)
    return levels


# -- assembly -----------------------------------------------------------------------------


def _head_line(doc: Document, parts: list[str]) -> bool:
    """Read one line of the letter head into doc; False when the line is not part of a head."""
    for part in parts:
        t = part.strip().strip("*_#| ").strip()
        if not t:
            continue
        if m := _VERGADERJAAR.search(t):
            doc.vergaderjaar = doc.vergaderjaar or f"{m.group(1)}-{m.group(2)}"
        elif (m := _DOSSIER.match(t)) and doc.dossier is None:
            suffix = m.group(3) or m.group(4)
            doc.dossier = m.group(1) + m.group(2) + (f"-{suffix}" if suffix else "")
        elif (m := _NUMBER.match(t)) and doc.number is None:
            doc.number = int(m.group(1))
            rest = m.group(2).strip()
            if rest and _TITLE.match(rest):
                doc.title = doc.title or re.sub(r"\s+", " ", rest)
        elif _TITLE.match(t) and doc.title is None and len(t) < 250:
            doc.title = re.sub(r"\s+", " ", t)
        elif (m := _SUBJECT.match(t)) and doc.title is None and len(t) < 250:
            doc.title = m.group(1)
        elif _ADDRESS.match(t) or _LETTER_FIELD.match(t):
            pass
        elif (
            _BARE_DATE.match(t)
            and (d := parse_date(t))
            or (m := _PLACE_DATE.match(t))
            and len(t) < 80
            and (d := parse_date(m.group(1) or t))
        ):
            doc.letter_date = doc.letter_date or d
        elif _LETTERHEAD.match(t) and len(t) < 80:
            if t.lower().startswith("ministerie van") and not doc.ministry:
                doc.ministry = _ministry_name(t[len("ministerie van") :])
        else:
            return False
    return True


_TABLE_CELLS = re.compile(r"\s+\|\s+")  # "28 676 | NAVO": a head line from a table
_NUMBERS_ONLY = re.compile(r"[\d\s.,%€$-]+")


def _prose(b: RawBlock) -> bool:
    return b.kind == "paragraph" and (len(b.text) > 160 or len(re.findall(r"\w+", b.text)) > 18)


def assemble(raw: list[RawBlock], *, source_path: str, source_format: str, sha256: str) -> Document:
    """Build a Document from a format's raw blocks: head, signatures, parts, heading paths
    (Rejected when there is no paragraph of text at all)."""
    if not any(b.kind in ("paragraph", "list_item") for b in raw):
        raise Rejected("no paragraphs of text found")
    doc = Document(source_path=source_path, source_format=source_format, sha256=sha256)
    raw = repair_page_breaks(raw)
    header: set[int] = set()

    # The letter head: lines before the first stretch of prose
    for i, b in enumerate(raw[:25]):
        if _prose(b) and i > 0:
            break
        lines = b.lines if b.kind != "footnote" and len(b.lines) <= 6 else [b.text]
        if (
            doc.title is None
            and len(lines) > 1
            and _TITLE.match(lines[0].strip("*_# "))
            and len(b.text) < 250
        ):
            lines = [b.text]  # a title wrapped over several lines
        if all(_head_line(doc, _TABLE_CELLS.split(ln) if "|" in ln else [ln]) for ln in lines):
            header.add(i)

    sigs, sig_blocks = _split_signatures(raw)
    doc.signatories = sigs
    if doc.title:
        doc.ministry = ministry_from_title(doc.title) or doc.ministry
    if not doc.ministry and sigs:
        names = [ministry_from_title(s.role) for s in sigs]
        doc.ministry = "; ".join(n for n in names if n) or None
    if doc.letter_date is None:
        # older letters: the first full date near the top
        for b in raw[:12]:
            if b.kind != "footnote" and (d := parse_date(b.text)):
                doc.letter_date = d
                break
    if doc.vergaderjaar is None and doc.letter_date:
        doc.vergaderjaar = _vergaderjaar_for(doc.letter_date)

    levels = assign_levels(raw)
    first_heading = next(
        (
            i
            for i, b in enumerate(raw)
            if b.kind == "heading" and i not in header and i not in sig_blocks
        ),
        len(raw),
    )
    first_sig = min(sig_blocks) if sig_blocks else len(raw)
    cover_end = first_sig if first_sig < first_heading else first_heading

    path: list[tuple[int, str]] = []
    blocks: list[Block] = []
    footnotes: list[Footnote] = []
    for i, b in enumerate(raw):
        if i in sig_blocks:
            continue
        if b.kind == "footnote":
            footnotes.append(Footnote(marker=b.marker or "", text=b.text))
            continue
        if i in header:
            blocks.append(Block("paragraph", b.text, (), 0, "header", len(blocks)))
            continue
        part = "cover" if i < cover_end else "body"
        if b.kind == "heading":
            level = levels[i]
            while path and path[-1][0] >= level:
                path.pop()
            path.append((level, b.text))
            blocks.append(
                Block("heading", b.text, tuple(t for _, t in path), level, part, len(blocks))
            )
        else:
            kind = "list_item" if b.kind == "list_item" else "paragraph"
            blocks.append(Block(kind, b.text, tuple(t for _, t in path), 0, part, len(blocks)))
    doc.blocks = blocks
    doc.footnotes = footnotes
    return doc
