"""Lay a composed letter out in one of three formats: PDF-converted Markdown, plain text, OP XML.

Each renderer imitates how such letters reach us: Markdown with bold headings at inconsistent
levels, `<sup>` note markers and page breaks that split a hyphenated word around a footnote;
plain text with wrapped lines, numbered headings and (before 2010) "Kamerbrief inzake" openings;
and the official XML of KOOP (officiele-publicatie / kamerstuk). Position sentences never carry
markup or notes, so their text appears verbatim (after undoing hyphenation and line wraps).
"""

from __future__ import annotations

import random
import re
from xml.sax.saxutils import escape, quoteattr

from etl.demo.compose import ENGLISH_TERMS, Letter, Sent
from etl.demo.vocab import long_date, numeric_date

ADDRESS = "Aan de Voorzitter van de Tweede Kamer der Staten-Generaal"
SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SPLITTABLE = re.compile(r"(?<![\w\-*<>/])[a-zäëïöüéèç]{11,}(?![\w\-*<>/])")


def _dossier(vj: str, dash: str) -> str:
    return vj.replace("-", dash)


def _with_marker(s: Sent, marker: str) -> str:
    """Sentence text with a note marker before its final full stop."""
    if s.text.endswith("."):
        return s.text[:-1] + marker + "."
    return s.text + marker


def _italicise(text: str) -> str:
    for term in ENGLISH_TERMS:
        if term in text:
            text = text.replace(term, f"*{term}*", 1)
    return text


def _hyphen_split(rng: random.Random, text: str) -> tuple[str, str] | None:
    """Split a paragraph inside a long word, as at a page break: ("… hervor-", "mingen …")."""
    words = list(_SPLITTABLE.finditer(text))
    if not words:
        return None
    w = rng.choice(words)
    cuts = _syllable_cuts(w.group())
    if not cuts:
        return None
    cut = w.start() + rng.choice(cuts)
    return text[:cut] + "-", text[cut:]


_VOWELS = set("aeiouyäëïöüéè")


def _syllable_cuts(word: str) -> list[int]:
    """Plausible Dutch hyphenation points: before a consonant that starts a syllable."""
    cuts = []
    for i in range(4, len(word) - 3):
        a, b, c = word[i - 1], word[i], word[i + 1]
        if b in _VOWELS or c not in _VOWELS:
            continue
        if a in _VOWELS or (word[i - 2] in _VOWELS and b not in "rlj"):
            cuts.append(i)
    return cuts


# --- Markdown --------------------------------------------------------------------------------


def render_markdown(letter: Letter, rng: random.Random) -> str:
    """The letter as Markdown converted from the PDF (like the seed report)."""
    out: list[str] = []
    vj = _dossier(letter.vergaderjaar, "–")
    out += ["---", "", f"Vergaderjaar {vj}", "", "---", ""]
    out += [
        "**28 676**",
        "",
        "**NAVO**",
        "",
        f"**Nr. {letter.number}**",
        "",
        f"**{letter.title}**",
        "",
    ]
    out += [
        letter.synthetic_line,
        "",
        ADDRESS,
        "",
        f"Den Haag, {long_date(letter.letter_date)}",
        "",
    ]
    for b in letter.cover:
        out += [" ".join(s.text for s in b.sents), ""]
    for role, name in letter.signers:
        out += [f"{role}  \n{name}", ""]
    styles = {
        1: rng.choice(("## **{}**", "# {}", "**{}**", "## {}")),
        2: rng.choice(("### **{}**", "## {}", "**{}**", "#### **{}**", "### {}")),
        3: rng.choice(("#### *{}*", "### {}", "*{}*", "#### {}")),
    }
    notes: list[str] = []
    body: list[str] = []
    for b in letter.body:
        if b.kind == "heading":
            text = b.sents[0].text
            style = styles[b.level]
            if rng.random() < 0.15:  # converters are not consistent within one file either
                style = rng.choice(("**{}**", "### **{}**", "## {}"))
            body.append(style.format(text))
        elif b.kind == "item":
            body.append(f"- {b.sents[0].text}")
        else:
            parts = []
            for s in b.sents:
                text = _italicise(s.text) if s.markup_ok and rng.random() < 0.6 else s.text
                if s.note:
                    notes.append(s.note)
                    marker = f"<sup>{len(notes)}</sup>"
                    text = _with_marker(Sent(text), marker)
                parts.append(text)
            body.append(" ".join(parts))
    note_lines = [f"<sup>{i}</sup> {t}" for i, t in enumerate(notes, start=1)]
    footer = f"Tweede Kamer, vergaderjaar {vj}, 28 676, nr. {letter.number} {rng.randint(2, 4)}"
    placed = False
    if notes or rng.random() < 0.5:
        # A page break inside a paragraph after the last note marker: "hervor-", notes, "mingen".
        last_marker = max(
            (i for i, p in enumerate(body) if f"<sup>{len(notes)}</sup>" in p), default=0
        )
        candidates = [
            i for i, p in enumerate(body) if i >= last_marker and not p.startswith(("#", "*", "-"))
        ]
        rng.shuffle(candidates)
        for i in candidates:
            split = _hyphen_split(rng, body[i])
            if split:
                between = "\n\n".join(note_lines) if notes else footer
                body[i] = f"{split[0]}\n\n{between}\n\n{split[1]}"
                placed = True
                break
    for p in body:
        out += [p, ""]
    if notes and not placed:
        out += note_lines + [""]
    return "\n".join(out).rstrip() + "\n"


# --- plain text --------------------------------------------------------------------------------


def _wrap(text: str, width: int, rng: random.Random, hyphenate: float) -> list[str]:
    """Greedy line wrapping; now and then a long word is hyphenated at the line end."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        if not line:
            line = word
            continue
        if len(line) + 1 + len(word) <= width:
            line += " " + word
            continue
        room = width - len(line) - 2
        if (
            hyphenate
            and room >= 4
            and len(word) >= 10
            and word.isalpha()
            and word.islower()
            and rng.random() < hyphenate
        ):
            fits = [i for i in _syllable_cuts(word) if i <= room]
            cut = max(fits) if fits else 0
            if cut >= 4:
                lines.append(f"{line} {word[:cut]}-")
                line = word[cut:]
                continue
        lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


def render_text(letter: Letter, rng: random.Random) -> str:
    """The letter as plain text: wrapped lines, numbered headings, old or new opening."""
    width = rng.randint(68, 80)
    hyph = rng.choice((0.0, 0.0, 0.15, 0.3))
    out: list[str] = []
    if letter.subject_line:
        out += [
            letter.subject_line,
            "",
            letter.synthetic_line,
            "",
            numeric_date(letter.letter_date),
            "",
        ]
        if rng.random() < 0.5:
            out += ["Geachte Voorzitter,", ""]
    else:
        vj = letter.vergaderjaar
        if rng.random() < 0.5:
            out += ["Tweede Kamer der Staten-Generaal", f"Vergaderjaar {vj}", ""]
            out += ["28 676 NAVO", "", f"Nr. {letter.number} {letter.title}", ""]
        else:
            out += [f"Vergaderjaar {vj}", "", "28 676", "NAVO", "", f"Nr. {letter.number}", ""]
            out += [letter.title, ""]
        out += [
            letter.synthetic_line,
            "",
            ADDRESS,
            "",
            f"Den Haag, {long_date(letter.letter_date)}",
            "",
        ]
    for b in letter.cover:
        out += _wrap(" ".join(s.text for s in b.sents), width, rng, hyph) + [""]
    for role, name in letter.signers:
        out += [role, "", name, ""]
    numbered = rng.random() < 0.75
    upper_sessions = rng.random() < 0.2
    n1 = n2 = 0
    notes: list[str] = []
    # Some numbered letters put "1. Inleiding" above the opening paragraph of the report.
    intro_heading = numbered and rng.random() < 0.5
    for b in letter.body:
        if b.kind == "heading":
            text = b.sents[0].text
            if b.level == 1:
                out += [text.upper() if rng.random() < 0.3 else text, ""]
                continue
            if b.level == 2:
                n1 += 1
                n2 = 0
                label = f"{n1}. {text}" if numbered else (text.upper() if upper_sessions else text)
            else:
                n2 += 1
                label = f"{n1}.{n2} {text}" if numbered else text
            out += [label, ""]
        elif b.kind == "item":
            out += _wrap(f"- {b.sents[0].text}", width, rng, 0.0)
            out.append("")
        else:
            if intro_heading and n1 == 0:
                n1 = 1
                out += ["1. Inleiding", ""]
            parts = []
            for s in b.sents:
                if s.note:
                    notes.append(s.note)
                    parts.append(_with_marker(s, str(len(notes)).translate(SUPERSCRIPT)))
                else:
                    parts.append(s.text)
            lines = _wrap(" ".join(parts), width, rng, hyph)
            if len(lines) > 4 and rng.random() < 0.08:
                # a page footer between two lines of a paragraph
                at = rng.randint(1, len(lines) - 1)
                footer = (
                    f"Tweede Kamer, vergaderjaar {letter.vergaderjaar}, 28 676, nr. {letter.number}"
                )
                lines[at:at] = ["", footer, ""]
            out += lines + [""]
    if notes:
        out += ["_" * 20, ""]
        out += [f"{str(i).translate(SUPERSCRIPT)} {t}" for i, t in enumerate(notes, start=1)]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


# --- official XML (KOOP) -----------------------------------------------------------------------


def _al(s_list: list[Sent], notes: list[int]) -> str:
    parts = []
    for s in s_list:
        if s.note:
            notes[0] += 1
            k = notes[0]
            noot = (
                f'<noot id="n{k}" type="voet"><noot.nr>{k}</noot.nr>'
                f"<noot.al>{escape(s.note)}</noot.al></noot>"
            )
            text = escape(s.text)
            parts.append(text[:-1] + noot + "." if text.endswith(".") else text + noot)
        else:
            parts.append(escape(s.text))
    return "<al>" + " ".join(parts) + "</al>"


def render_xml(letter: Letter, rng: random.Random) -> str:
    """The letter in the official publication XML (op-xsd), marked synthetic in its metadata."""
    d = letter.letter_date
    number = letter.number
    meta = [
        ("DC.identifier", letter.doc_id),
        ("DC.type", "Kamerstuk"),
        ("OVERHEIDop.dossiernummer", "28676"),
        ("OVERHEIDop.ondernummer", str(number)),
        ("OVERHEIDop.vergaderjaar", letter.vergaderjaar),
        ("DCTERMS.issued", d.isoformat()),
        ("navo.synthetic", "true"),
    ]
    x: list[str] = ['<?xml version="1.0" encoding="UTF-8"?>']
    x.append(
        '<officiele-publicatie xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="http://technische-documentatie.overheid.nl/repository/'
        'op/xsd/op-xsd-2014-05-15.xsd">'
    )
    x.append("<metadata>")
    x += [f'<meta name="{n}" scheme="" content={quoteattr(v)}/>' for n, v in meta]
    x.append("</metadata>")
    x.append("<kamerstuk>")
    x.append(
        "<kamerstukkop>"
        f'<tekstregel inhoud="vergaderjaar">Vergaderjaar {letter.vergaderjaar}</tekstregel>'
        '<tekstregel inhoud="kameraanduiding">Tweede Kamer der Staten-Generaal</tekstregel>'
        '<tekstregel inhoud="kamernummer">2</tekstregel>'
        '<tekstregel inhoud="documenttype">Kamerstukken</tekstregel>'
        "</kamerstukkop>"
    )
    x.append(
        "<dossier><dossiernummer><dossiernr>28 676</dossiernr></dossiernummer><titel>NAVO</titel></dossier>"
    )
    x.append(f'<stuk><stuknr>Nr. <ondernummer kamer="2">{number}</ondernummer></stuknr>')
    x.append(f"<titel>{escape(letter.title)}</titel>")
    x.append("<algemeen>")
    x.append(f"<kamervoorzitter><al>{ADDRESS}</al></kamervoorzitter>")
    x.append(f'<al>Den Haag, <datum isodatum="{d.isoformat()}">{long_date(d)}</datum></al>')
    x.append('<vrije-tekst><tekst status="goed">')
    x.append(f"<al>{escape(letter.synthetic_line)}</al>")
    notes = [0]
    for b in letter.cover:
        x.append(_al(b.sents, notes))
    divisie = rng.random() < 0.5
    open_div = False
    n1 = 0
    in_list = False
    for b in letter.body:
        if b.kind != "item" and in_list:
            x.append("</lijst>")
            in_list = False
        if b.kind == "heading":
            text = escape(b.sents[0].text)
            if divisie and b.level == 2:
                if open_div:
                    x.append("</divisie>")
                n1 += 1
                x.append(f"<divisie><kop><nr>{n1}.</nr><titel>{text}</titel></kop>")
                open_div = True
            else:
                x.append(f"<tussenkop>{text}</tussenkop>")
        elif b.kind == "item":
            if not in_list:
                x.append('<lijst type="expliciet">')
                in_list = True
            x.append(f"<li><li.nr>–</li.nr>{_al(b.sents, notes)}</li>")
        else:
            x.append(_al(b.sents, notes))
    if in_list:
        x.append("</lijst>")
    if open_div:
        x.append("</divisie>")
    x.append("</tekst></vrije-tekst>")
    for role, name in letter.signers:
        initials, last = name.split(" ", 1)
        x.append(
            f"<ondertekening><functie>{escape(role)}</functie><naam><voornaam>{initials}</voornaam>"
            f"<achternaam>{escape(last)}</achternaam></naam></ondertekening>"
        )
    x.append("</algemeen></stuk></kamerstuk></officiele-publicatie>")
    return "\n".join(x) + "\n"


RENDERERS = {"markdown": render_markdown, "text": render_text, "op_xml": render_xml}
EXTENSIONS = {"markdown": ".md", "text": ".txt", "op_xml": ".xml"}
