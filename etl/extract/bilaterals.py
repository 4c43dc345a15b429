"""bilaterals table: the countries the minister met one-on-one ("en marge"), and about what."""

from __future__ import annotations

import re

from etl.extract.common import Analysis, MeetingRef
from etl.geo import gazetteer
from etl.textutil import fold

# A sentence that reports a bilateral conversation; group 'with' ends where the partners start.
_TRIGGER = re.compile(
    r"^(?:ook\s+)?(?P<lead>met)\b(?=.{0,120}?\b(?:sprak|besprak|voerde|had)\b)|"
    r"(?P<with>"
    r"\bontmoette\w*\b|\bontmoet\b|\bontmoeting(?:en)? met\b|"
    r"\b(?:sprak|spraken|spreek|gesproken)\b(?:\s+[\w-]+){0,8}?\s+(?:onder (?:meer|andere)\s+)?met\b|"
    r"\b(?:gesprek|gesprekken|overleg|onderhoud|kennismaking|bilateraal|bilaterale (?:gesprekken|gesprek|ontmoeting\w*|overleggen|contacten))\b[^.;]{0,60}?\bmet\b|"
    r"\bbilateraal\b[^.;]{0,40}?\b(?:met|gesproken)\b|"
    r"\bbilateral (?:meetings?|talks)\b[^.;]{0,40}?\bwith\b"
    r")",
)
_MARGIN = re.compile(r"\b(?:en|in de) marge\b|\bbilater|\bapart\b|\bontmoette|\bafzonderlijk")
# Where the list of partners ends and the subjects begin
_PARTNER_END = re.compile(
    r"\b(?:over|inzake|betreffende|aangaande|waarbij|waarin|waarmee|om|ten aanzien van|"
    r"met betrekking tot|wat betreft|tijdens|in het kader van|op verzoek)\b|[;:(]|\. "
)
# Multilateral formats are not bilaterals: a country inside "NAVO-Oekraïne Raad" is not a partner
_MULTILATERAL = re.compile(
    r"(?:navo|nato|eu)-\w*$|(?:raad|commissie|council|commission|group|groep|format|formaat|overleg)\b",
)
_CALLED_OFF = re.compile(
    r"\bging\b[^.;]{0,60}\bniet door\b|geannuleerd|afgezegd|kon\b[^.;]{0,40}\bniet plaatsvinden|\bafgelast"
)
_AND_WITH = re.compile(r"(?:\ben|,|;|\book|\balsook|\bevenals)\s+(?:ook\s+)?met\b")
_ALLIES = re.compile(r"\b(?:bondgenoten|ministers|lidstaten|leiders|regeringsleiders|landen)\b")
_SPEAKER = re.compile(r"\b(?:ik|minister|premier|minister-president|hij|zij)\b")
_SUBJECT_CUE = re.compile(
    r"aan bod|besproken|spraken|ging het|stond\w* centraal|onderwerp|kwam\w*\b.{0,40}\bter sprake|\bover\b"
)
_COUNTERPART = re.compile(
    r"(minister-president|premier|president|bondskanselier|kanselier|ambtgeno(?:o|te)n?|collega'?s?|"
    r"ministers? van [a-z ]+?(?= van| uit|,| en |$)|staatssecretaris\w*|koning\w*|secretaris-generaal)",
)


def _partners(doc_text: str, start: int, end: int) -> list[tuple[str, str | None]]:
    """Countries in the partner span of a sentence, each with its counterpart's role."""
    gaz = gazetteer()
    span = doc_text[start:end]
    out: list[tuple[str, str | None]] = []
    mentions = gaz.countries(span)
    for m in gaz.people(span):
        if not any(c.start <= m.start < c.end for c in mentions):
            mentions.append(m)
    for m in sorted(mentions, key=lambda m: m.start):
        if m.iso2 == "NL":
            continue
        before = fold(span[max(0, m.start - 12) : m.start])
        after = fold(span[m.end : m.end + 14])
        if re.search(r"(?:navo|nato|eu)-$", before) or _MULTILATERAL.match(after.strip()):
            continue
        role = None
        if m.iso2 in gaz.person_of.values() and fold(m.form) in gaz.person_of:
            title = re.search(
                r"(president|premier|minister|kanselier|koning)\s*$", fold(span[: m.start]).strip()
            )
            role = f"{title.group(1)} {m.form}" if title else m.form
        elif m.is_adjective:
            r = _COUNTERPART.match(fold(span[m.end :]).strip())
            role = r.group(1) if r else None
        else:
            r = list(_COUNTERPART.finditer(fold(span[: m.start])))
            role = r[-1].group(1).strip() if r else None
        out.append((m.iso2, role))
    return out


def extract_bilaterals(a: Analysis, meeting: MeetingRef) -> list[dict]:
    """One row per partner country of a bilateral conversation reported in the letter."""
    gaz = gazetteer()
    rows: dict[str, dict] = {}
    for i, s in enumerate(a.sentences):
        f = s.folded
        if "met" not in f and "ontmoet" not in f and "bilater" not in f:
            continue  # cheap test first: every bilateral trigger contains one of these
        trigger = _TRIGGER.search(f)
        if not trigger or "samen met" in f[max(0, trigger.start() - 6) : trigger.end()]:
            continue
        # "spraken over" among allies is a discussion, not a conversation with partners;
        # "bondgenoten spraken met de Russische minister" is theirs, not the Dutch minister's
        head = f if trigger.group("lead") else f[: trigger.end()]
        if not (_SPEAKER.search(head) or _MARGIN.search(f) and not _ALLIES.search(head)):
            continue
        if _CALLED_OFF.search(f):
            continue  # "een geplande ontmoeting … ging niet door"
        if trigger.group("lead"):
            # "Met de Britse premier sprak hij over …": the partners stand before the verb
            verb = re.compile(r"\b(?:sprak|besprak|voerde|had)\b").search(f, trigger.end())
            end = verb.start() if verb else len(f)
        else:
            stop = _PARTNER_END.search(f, trigger.end())
            end = stop.start() if stop else len(f)
        partners = _partners(s.text, trigger.end(), end)
        # "… over X, en met mijn collega's uit Zweden en Japan": more partners after the subject
        for more in _AND_WITH.finditer(f, end):
            stop2 = _PARTNER_END.search(f, more.end())
            partners += _partners(s.text, more.end(), stop2.start() if stop2 else len(f))
        # "ontmoette zijn Griekse ambtgenoot": adjective just before the trigger's object
        if not partners and re.search(r"ontmoet|sprak|gesprek", trigger.group(0) or ""):
            partners = _partners(s.text, max(0, trigger.start() - 40), end)
        if not partners:
            continue
        subjects = [tid for pos, tid in s.hits if pos >= end]
        nxt = a.sentences[i + 1] if i + 1 < len(a.sentences) else None
        if (
            nxt
            and nxt.block is s.block
            and _SUBJECT_CUE.search(nxt.folded)
            and not _TRIGGER.search(nxt.folded)
        ):
            subjects += list(nxt.topics)
        subjects = list(dict.fromkeys(subjects))
        for iso2, role in partners:
            row = rows.get(iso2)
            if row is None:
                rows[iso2] = {
                    "doc_id": a.doc.doc_id,
                    "meeting_id": meeting.meeting_id,
                    "country_iso2": iso2,
                    "counterpart": role,
                    "subjects": subjects,
                    "evidence": s.text,
                    "country_name": gaz.name(iso2),
                    "paragraph_index": s.block.index,
                }
            else:
                row["subjects"] = list(dict.fromkeys(row["subjects"] + subjects))
    return list(rows.values())
