"""positions table: sentences in which the Netherlands (or its minister) takes a stance."""

from __future__ import annotations

import re

from etl.extract.common import Analysis, MeetingRef, section
from etl.geo import gazetteer

# Who speaks for the Netherlands (folded text)
_ACTOR = re.compile(
    r"\b(?P<nl>nederland)\b(?![-'])|"
    r"\b(?P<cabinet>(?:het (?:nederlandse )?kabinet|de (?:nederlandse )?regering))\b|"
    r"\bde nederlandse (?P<delegation>delegatie|inzet|vertegenwoordiger|ambassadeur|permanente vertegenwoordiger)\b|"
    r"\b(?P<pm>(?:de )?minister-president|de (?:nederlandse )?premier)\b|"
    r"\b(?P<minister>de (?:nederlandse )?minister(?: van (?:buitenlandse zaken|defensie))?)\b(?! van (?!buitenlandse|defensie))|"
    r"\b(?P<first>ik|wij)\b"
)
_NOT_SUBJECT_BEFORE = re.compile(
    r"\b(?:in|aan|met|voor|naar|uit|bij|tegen|over|van|dan|tot|op|om|zonder|tussen|behalve|"
    r"net als|evenals|namens|vanuit|richting|jegens)\s+$"
)
_FOREIGN_BEFORE = re.compile(r"(?:\w+se|\w+sche|\w+ische|navo-|nato-|eu-)\s*$")
# Sentences to parliament about the letter itself, not positions at a meeting
_TO_PARLIAMENT = re.compile(
    r"\buw kamer\b|\bbied ik u\b|\bu hierbij\b|\binformeer ik u\b|\bzoals ik\b|\bheb ik u\b|"
    r"\bwil ik u\b|\bik u\b|\bhierbij\b.{0,40}\bu\b|\bik verwijs\b|\bu vindt\b|\bu treft\b"
)

# Stance verbs, each with a priority for ties at one position (lower wins)
_STANCES: list[tuple[str, int, str]] = [
    (
        "objects",
        0,
        r"\bbezwaar\w*|\bverzet(?:te|ten)?\b|\bwees\w*\b[^.;]{0,60}?\baf\b|\bwijst\b[^.;]{0,60}?\baf\b|"
        r"\bafgewezen\b|\bverwierp\w*|\bverworpen\b|\bblokkeer\w*|\bis tegen\b|\bwas tegen\b|\bniet akkoord\b|"
        r"\b(?:kan|kon|kunnen|konden) (?:\w+ ){0,3}niet instemmen|\bniet instemmen\b|\btegenstander\b|"
        r"\bgeen voorstander\b|\bkeerde\w*\b[^.;]{0,40}?\bzich\b[^.;]{0,30}?\btegen\b|\bverzette\w*",
    ),
    (
        "concern",
        1,
        r"\bzorgen\b(?! voor| dat)|\bzorg\b(?! voor| dragen| te\b)|\bzorgelijk\w*|\bbezorgd\w*|"
        r"\bteleurstelling\b|\bteleurgesteld\b|\bbetreur\w*|\bkritisch\w*|\bkritiek\b|\bveroordeel\w*|"
        r"\bwaarschuw\w*|\bgewaarschuwd\b|\bsprak\w*\b[^.;]{0,40}?\b(?:zorg\w*|teleurstelling|bezorgdheid|kritiek)\b[^.;]{0,20}?\buit\b|"
        r"\buitte\w*\b[^.;]{0,30}?\b(?:zorg\w*|teleurstelling|bezorgdheid|kritiek)",
    ),
    (
        "proposes",
        2,
        r"\bstel(?:de|den|t)?\b(?:\s+\w+){0,4}?\s+voor\b(?=\s+(?:om|te|dat|een|,)|[.,;])|\bvoorgesteld\b|"
        r"\bvoorstel\w*\b|\bdiende\w*\b[^.;]{0,80}?\bin\b|\bingediend\b|\bnon-paper\b|\blanceerde\w*|"
        r"\bnam\w* het initiatief\b|\binitiatief\b|\bpresenteerde\w*|\bagendeerde\w*|\bgeagendeerd\b|"
        r"\bbood\w*\b[^.;]{0,60}?\baan\b|\baangeboden\b",
    ),
    (
        "calls_for",
        3,
        r"\bpleit\w*|\bbepleit\w*|\bgepleit\b|\bpleidooi\b|\bri[e]p\w*\b[^.;]{0,80}?\bop\b|"
        r"\broep\w*\b[^.;]{0,80}?\bop\b|\bopgeroepen\b|\boproep\w*|\bdr[io]ng\w*\b[^.;]{0,60}?\baan\b|"
        r"\baangedrongen\b|\bverzocht\b|\bverzoek\w*|\bvroeg\w*\b|\bgevraagd\b|\bvraagt\b|"
        r"\bzet(?:te|ten)?\b[^.;]{0,30}?\bzich\b[^.;]{0,60}?\bin\b|\bingezet\b|\binzetten\b|\bmoedigde\w*\b[^.;]{0,60}?\baan\b|"
        r"\baangemoedigd\b|\bstreeft\b|\bstreefde\w*|\bstreven\b|\bwil(?:de|den)?\b[^.;]{0,40}?\b(?:dat|graag)\b|"
        r"\bhecht\w*\b[^.;]{0,40}?\baan\b|\bmoet(?:en)?\b[^.;]{0,20}?\bworden\b",
    ),
    (
        "emphasises",
        4,
        r"\bbenadruk\w*|\bonderstr[e]\w*|\bonderstreept\b|\bwees\b[^.;]{0,60}?\bop\b|"
        r"\bwijst\b[^.;]{0,60}?\bop\b|\bgewezen\b|\bbracht\w*\b[^.;]{0,80}?\b(?:onder de aandacht|voor het voetlicht|naar voren|in herinnering|in)\b|"
        r"\bbrengt\b[^.;]{0,60}?\bonder de aandacht|\bherinnerde\w*|\bhecht\w*\b[^.;]{0,40}?\bbelang|"
        r"\bbelicht\w*|\bhamerde\w*|\bmaakte\w* duidelijk\b|\bmaakt duidelijk\b|\bmarkeerde\w*|\baandacht gevraagd\b",
    ),
    (
        "supports",
        5,
        r"\bsteun(?:de|den|t)?\b|\bgesteund\b|\bondersteun\w*|\bverwelkom\w*|\bonderschr\w*|"
        r"\bwaardering\b|\bwaardeer\w*|\bvoorstander\b|\bsta(?:at|an|ond|onden) achter\b|"
        r"\bsloot\w*\b[^.;]{0,40}?\bzich\b[^.;]{0,30}?\baan\b|\bjuich\w*\b|\bverheugd\b|\bis positief\b|"
        r"\bzegde\w*\b[^.;]{0,60}?\btoe\b|\btoegezegd\b|\btoezegging\b|\bdroeg\w* bij\b|\bbijgedragen\b|\bdraagt\b[^.;]{0,60}?\bbij\b|"
        r"\bstel(?:t|de|den)\b[^.;]{0,60}?\bbeschikbaar\b|\bcommitteer\w*|\bgecommitteerd\b|\bkan\b[^.;]{0,30}?\binstemmen\b|"
        r"\bstemt\w* in\b|\bstemde\w* in\b|\binstemming\b|\bsprak\w*\b[^.;]{0,40}?\b(?:steun|waardering|vertrouwen)\b[^.;]{0,20}?\buit\b",
    ),
    (
        "states",
        9,
        r"\bgaf\w*\b[^.;]{0,60}?\baan\b|\baangegeven\b|\bstelde\w*\b|\bstelt\b|\bverklaarde\w*|"
        r"\bdeelde\w*\b[^.;]{0,40}?\bmee\b|\blichtte\w*\b[^.;]{0,60}?\btoe\b|\bmerkte\w*\b[^.;]{0,40}?\bop\b|"
        r"\bkondigde\w*\b[^.;]{0,60}?\baan\b|\bsprak\w*\b[^.;]{0,40}?\buit\b|\bis van mening\b|\bwas van mening\b|"
        r"\bvindt\b|\bacht(?:te)?\b|\bconstateerde\w*|\bzei\b|\bgaat\b[^.;]{0,30}?\buit van\b|\bbenoemde\w*|"
        r"\bdeed\w*\b[^.;]{0,40}?\boproep\b|\bzal\b[^.;]{0,60}?\b(?:leveren|bijdragen|investeren|inbrengen)\b|"
        r"\bheeft\b[^.;]{0,40}?\b(?:toegezegd|geleverd|bijgedragen)\b|\bleverde\w*|\bkeek\w*\b[^.;]{0,40}?\buit\b",
    ),
]
_STANCE_RE = [(name, prio, re.compile(rx)) for name, prio, rx in _STANCES]
_GROUP = re.compile(
    r"\b(?:waaronder|en ook|inclusief|zoals|onder wie|evenals)\s+(?:ook\s+)?nederland\b"
)
_GROUP_NOUN = re.compile(
    r"\b(bondgenoten|lidstaten|landen|partners|ministers|eu-lidstaten|leden)\b"
)
_WITH = re.compile(r"\bsamen met\b|\bmet steun van\b|\bgezamenlijk met\b|\bin samenwerking met\b")


def _actors(f: str) -> list[tuple[int, int, str]]:
    """(start, end, actor) for every mention that can be the Dutch subject of a sentence."""
    out = []
    for m in _ACTOR.finditer(f):
        kind = m.lastgroup or ""
        before = f[: m.start()]
        if (
            kind == "nl"
            and _NOT_SUBJECT_BEFORE.search(before)
            and not re.search(r"\bdoor\s+$", before)
        ):
            continue
        if kind in ("minister", "pm") and _FOREIGN_BEFORE.search(before):
            continue
        actor = {
            "nl": "Nederland",
            "cabinet": "het kabinet",
            "delegation": "Nederland",
            "pm": "de minister-president",
            "minister": "de minister",
            "first": "de minister",
        }[kind]
        out.append((m.start(), m.end(), actor))
    return out


def _stance(f: str, actors: list[tuple[int, int, str]]) -> tuple[str, str] | None:
    """The stance of the Dutch actor in a sentence and the actor, or None when it takes none."""
    matches = sorted(
        (m.start(), prio, name, m.end()) for name, prio, rx in _STANCE_RE for m in rx.finditer(f)
    )
    for start, _prio, name, _end in matches:
        for a_start, a_end, actor in actors:
            if a_end <= start:
                # actor first: the verb belongs to it unless another clause intervenes
                between = f[a_end:start]
                if (
                    not re.search(r"\b(?:dat|die|welke|waarin|omdat|terwijl|nadat)\b", between)
                    or actor == "Nederland"
                    and "waaronder" in f[:a_start]
                ):
                    return name, actor
            elif 0 <= a_start - start <= 40 and not re.search(
                r"\b(?:dat|om|die|of)\b", f[start:a_start]
            ):
                # inversion: "pleitte Nederland voor", "riep Nederland … op"
                return name, actor
    return None


def _co_actors(sentence: str, f: str) -> list[str]:
    """Who joined the Dutch statement: named countries ("samen met …") or a group of allies."""
    gaz = gazetteer()
    out: list[str] = []
    if m := _WITH.search(f):
        stop = re.search(r"\b(?:nederland|diende|heeft|hebben|pleitte|stelde)\b", f[m.end() :])
        span = sentence[m.end() : m.end() + (stop.start() if stop else 80)]
        out += [gaz.name(c.iso2) for c in gaz.countries(span) if c.iso2 != "NL"]
    if g := _GROUP.search(f):
        noun = None
        for n in _GROUP_NOUN.finditer(f[: g.start()]):
            noun = n.group(1)
        out.append(noun or "bondgenoten")
    for m in re.finditer(r"\bnederland (?:en|,) ([a-z-]+)|([a-z-]+) en nederland\b", f):
        word = m.group(1) or m.group(2)
        for c in gaz.countries(word):
            if c.iso2 != "NL" and not c.is_adjective:
                out.append(gaz.name(c.iso2))
    return list(dict.fromkeys(out))


def extract_positions(a: Analysis, doc_kind: str, meeting: MeetingRef) -> list[dict]:
    """Every sentence in which the Netherlands, its government or minister takes a stance."""
    rows: list[dict] = []
    doc = a.doc
    for s in a.sentences:
        sentence, block, f = s.text, s.block, s.folded
        if _TO_PARLIAMENT.search(f):
            continue
        actors = _actors(f)
        if not actors:
            continue
        found = _stance(f, actors)
        if not found:
            continue
        stance, actor = found
        topics = list(s.topics) or a.section_topics(block)
        rows.append(
            {
                "doc_id": doc.doc_id,
                "meeting_id": meeting.meeting_id,
                "date": meeting.start_date or doc.letter_date,
                "actor": actor,
                "co_actors": _co_actors(sentence, f),
                "stance": stance,
                "topic_ids": topics,
                "text": sentence,
                "is_planned": doc_kind == "geannoteerde_agenda",
                "paragraph_index": block.index,
                "section": section(block),
            }
        )
    return rows
