"""positions table: sentences in which the Netherlands (or its minister) takes a stance."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from etl.datafiles import load_yaml
from etl.extract.common import Analysis, MeetingRef, section
from etl.geo import gazetteer
from etl.patterns import Combined, combine
from etl.textutil import fold

# Who speaks for the Netherlands (folded text)
_ACTOR = combine(
    [
        (r"\bnederland\b(?![-'])", "nl"),
        (r"\b(?:het (?:nederlandse )?kabinet|de (?:nederlandse )?regering)\b", "cabinet"),
        (
            r"\bde nederlandse (?:delegatie|inzet|vertegenwoordiger|ambassadeur|"
            r"permanente vertegenwoordiger)\b",
            "delegation",
        ),
        (r"\b(?:(?:de )?minister-president|de (?:nederlandse )?premier)\b", "pm"),
        (
            r"\bde (?:nederlandse )?minister(?: van (?:buitenlandse zaken|defensie))?\b"
            r"(?! van (?!buitenlandse|defensie))",
            "minister",
        ),
        (r"\b(?:ik|wij)\b", "first"),
        (
            r"\bop (?:verzoek|initiatief|aandringen|voorstel) van (?:nederland|het kabinet)\b",
            "request",
        ),
    ]
)
_NOT_SUBJECT_BEFORE = re.compile(
    r"\b(?:in|aan|met|voor|naar|uit|bij|tegen|over|van|dan|tot|op|om|zonder|tussen|behalve|"
    r"net als|evenals|namens|vanuit|richting|jegens|dankte|bedankte)\s+"
    r"(?:(?:de |het )?[\w-]+(?:,\s*|\s+en\s+)){0,5}$"
)
_BY = re.compile(r"\bdoor\s+$")
_FOREIGN_BEFORE = re.compile(r"(?:\w+se|\w+sche|\w+ische|navo-|nato-|eu-)\s*$")
# Sentences to parliament about the letter itself, not positions at a meeting
_TO_PARLIAMENT = combine(
    (p, "parliament")
    for p in [
        r"\buw kamer\b",
        r"\bbied ik u\b",
        r"\bu hierbij\b",
        r"\binformeer ik u\b",
        r"\bzoals ik\b",
        r"\bheb ik u\b",
        r"\bwil ik u\b",
        r"\bik u\b",
        r"\bhierbij\b.{0,40}\bu\b",
        r"\bik verwijs\b",
        r"\bu vindt\b",
        r"\bu treft\b",
        r"\b(?:met )?deze brief\b",
        r"\bvaste commissie\b",
        r"\bde kamer\b",
        r"\bde commissie\b",
        r"\bhet lid\b",
        r"\bkamerleden\b",
        r"\bhieronder\b",
        r"\bnader in op\b",
    ]
).regex

STANCES_PATH = Path(__file__).resolve().parents[1] / "stances.yaml"


@lru_cache(maxsize=1)
def stance_pattern() -> Combined:
    """All stance verbs of etl/stances.yaml in one pattern; its keys are the stances, by priority."""
    data = load_yaml(STANCES_PATH)
    entries = sorted(data["stances"], key=lambda e: int(e["priority"]))
    return combine((str(p), str(e["id"])) for e in entries for p in e["patterns"])


_GROUPED = re.compile(r"\b(?:waaronder|onder wie|en ook|inclusief)\s+(?:ook\s+)?nederland\b")
_GROUP = re.compile(
    r"\b(?:waaronder|en ook|inclusief|zoals|onder wie|evenals)\s+(?:ook\s+)?nederland\b"
)
_GROUP_NOUN = re.compile(
    r"\b(bondgenoten|lidstaten|landen|partners|ministers|eu-lidstaten|leden)\b"
)
# "Nederland en Polen", "Duitsland en Nederland" (a match starts at a word: cheaper, same result)
_PAIRED = re.compile(r"\bnederland (?:en|,) ([a-z-]+)|(?<![a-z-])([a-z-]+) en nederland\b")
_WITH = re.compile(r"\bsamen met\b|\bmet steun van\b|\bgezamenlijk met\b|\bin samenwerking met\b")


_ACTOR_NAMES = {
    "request": "Nederland",
    "nl": "Nederland",
    "cabinet": "het kabinet",
    "delegation": "Nederland",
    "pm": "de minister-president",
    "minister": "de minister",
    "first": "de minister",
}
_ANAPHOR = re.compile(r"^(?:\w+\s+){0,3}?(?P<pronoun>hij|zij)\b")
# "voerde ik bilateraal overleg met … over de steun aan Oekraïne": a talk, not a stance
_TALK = re.compile(
    r"\b(?:voerde\w*|had\w*)\b[^.;]{0,40}\b(?:overleg|gesprek\w*|ontmoeting\w*)\b[^.;]{0,30}\bmet\b|"
    r"\bsprak\w*\b(?:(?!\buit\b)[^.;]){0,60}\bmet\b|\bbilateraal\b|\ben marge\b|\bin de marge\b|\bontmoette\w*\b"
)
# every match of _TALK contains one of these (a quick test before the pattern)
_TALK_WORDS = ("overleg", "gesprek", "ontmoet", "sprak", "bilateraal", "marge")
_SUBJECT_NOUN_VERB = re.compile(r"\s+(?:is|was|zal|blijft|richt|betreft|zijn|waren)\b")
_SUBORDINATE = re.compile(r"\b(?:dat|die|welke|waarin|omdat|terwijl|nadat)\b")


def _actors(
    f: str, names: re.Pattern[str] | None, previous: str | None
) -> list[tuple[int, int, str]]:
    """(start, end, actor) for every mention that can be the Dutch subject of a sentence.

    `names` finds the signing ministers by name ("minister Van Houtem"); `previous` is the Dutch
    person who spoke in the sentence before, whom "hij"/"zij" at the start may refer to.
    """
    out = []
    for m in _ACTOR.regex.finditer(f):
        kind = _ACTOR.key(m)
        if kind in ("nl", "minister", "pm"):
            # a bounded look back: scanning the whole prefix made long sentences quadratic
            before = f[max(0, m.start() - 120) : m.start()]
            if kind == "nl" and _NOT_SUBJECT_BEFORE.search(before) and not _BY.search(before):
                continue
            if kind != "nl" and _FOREIGN_BEFORE.search(before):
                continue
        # "de Nederlandse inzet" is the subject only when a verb follows ("… is gericht op")
        if kind == "delegation" and not _SUBJECT_NOUN_VERB.match(f, m.end()):
            continue
        out.append((m.start(), m.end(), _ACTOR_NAMES[kind] if kind != "request" else "request"))
    if names is not None and "minister" in f:
        out += [(m.start(), m.end(), "de minister") for m in names.finditer(f)]
    if previous and (m := _ANAPHOR.match(f)):
        out.append((m.start("pronoun"), m.end("pronoun"), previous))
    return sorted(out)


def _stance(f: str, actors: list[tuple[int, int, str]]) -> tuple[str, str] | None:
    """The stance of the Dutch actor in a sentence and the actor, or None when it takes none."""
    if any(actor == "request" for *_, actor in actors):
        return "calls_for", "Nederland"  # "Op verzoek van Nederland werd …"
    talk = _TALK.search(f) if any(w in f for w in _TALK_WORDS) else None
    limit = talk.start() if talk else len(f)
    # leftmost verb first; at one place the stance listed first (lowest priority) wins
    stances = stance_pattern()
    for m in stances.regex.finditer(f, 0, limit):
        start, name = m.start(), stances.key(m)
        for a_start, a_end, actor in actors:
            if a_end <= start:
                # actor first: the verb belongs to it unless another clause intervenes
                grouped = actor == "Nederland" and "waaronder" in f[:a_start]
                if grouped or not _SUBORDINATE.search(f[a_end:start]):
                    return name, actor
            elif 0 <= a_start - start <= (
                110 if _GROUPED.search(f, 0, a_end) else 40
            ) and not re.search(r"\b(?:dat|om|die|of)\b", f[start:a_start]):
                # inversion: "pleitte Nederland voor", "steunden veel bondgenoten, waaronder Nederland, …"
                return name, actor
    return None


def _signatory_names(a: Analysis) -> re.Pattern[str] | None:
    """ "minister Van Houtem": the signing ministers named by surname."""
    surnames = []
    for sig in a.doc.signatories:
        words = [w for w in re.split(r"\s+", fold(sig.name)) if w and not w.endswith(".")]
        if words:
            surnames.append(re.escape(" ".join(words)))
    if not surnames:
        return None
    return re.compile(rf"\b(?:de )?minister(?:-president)?\s+(?:{'|'.join(surnames)})\b")


def _co_actors(sentence: str, f: str) -> list[str]:
    """Who joined the Dutch statement: named countries ("samen met …") or a group of allies."""
    gaz = gazetteer()
    out: list[str] = []
    if "met" in f and (m := _WITH.search(f)):
        stop = re.search(r"\b(?:nederland|diende|heeft|hebben|pleitte|stelde)\b", f[m.end() :])
        span = sentence[m.end() : m.end() + (stop.start() if stop else 80)]
        out += [gaz.name(c.iso2) for c in gaz.countries(span) if c.iso2 != "NL"]
    if g := _GROUP.search(f):
        noun = None
        for n in _GROUP_NOUN.finditer(f[: g.start()]):
            noun = n.group(1)
        out.append(noun or "bondgenoten")
    for m in _PAIRED.finditer(f) if "nederland" in f else ():
        word = m.group(1) or m.group(2)
        for c in gaz.countries(word):
            if c.iso2 != "NL" and not c.is_adjective:
                out.append(gaz.name(c.iso2))
    return list(dict.fromkeys(out))


def extract_positions(a: Analysis, doc_kind: str, meeting: MeetingRef) -> list[dict]:
    """Every sentence in which the Netherlands, its government or minister takes a stance."""
    rows: list[dict] = []
    doc = a.doc
    names = _signatory_names(a)
    previous: tuple[object, str] | None = None  # (block, Dutch person) of the sentence before
    for s in a.sentences:
        sentence, block, f = s.text, s.block, s.folded
        before = previous[1] if previous and previous[0] is s.block else None
        previous = None
        # no Dutch actor, no position: the most selective test first
        actors = _actors(f, names, before)
        if not actors or _TO_PARLIAMENT.search(f):
            continue
        found = _stance(f, actors)
        if not found:
            continue
        stance, actor = found
        if actor in ("de minister", "de minister-president"):
            previous = (s.block, actor)
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
