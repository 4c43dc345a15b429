"""Compose one synthetic letter as sentences that know their own truth.

Every sentence carries the topics it mentions, the figures it names, whether it is a Dutch
position (and its stance), and the bilateral partners it reports, so that the truth sidecar is
the union of what was actually written. Renderers (render.py) only lay the sentences out.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from datetime import date

from etl.demo import bank
from etl.demo.calendar import SUMMITS, Meeting, Plan
from etl.demo.vocab import (
    MINISTERS_BZ,
    MINISTERS_DEF,
    MONTHS,
    NUM_WORDS,
    SYNTHETIC_LINE,
    allies,
    dutch_number,
    long_date,
    minister,
    surname,
)

# Ministers' gender, for "zijn/haar Duitse ambtgenoot" (invented people, so chosen freely).
FEMALE = {
    "E.C. Lindeboom-Vis",
    "A.M. Scholtenhuis",
    "F.L. van Dijkgraaf-Ramaker",
    "T.E. Vermeulen-Oosting",
    "S.K. Hoefnagel",
    "L.M. van Esveld",
}


@dataclass(slots=True)
class Fig:
    """A money amount or percentage named in a sentence."""

    kind: str  # amount / percentage
    value: float
    currency: str | None
    year: int | None = None


@dataclass(slots=True)
class Sent:
    """One sentence (or heading) and its truth."""

    text: str
    topics: set[str] = field(default_factory=set)
    figures: list[Fig] = field(default_factory=list)
    stance: str | None = None  # set for Dutch positions
    pos_topics: tuple[str, ...] = ()
    planned: bool = False
    bilaterals: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    note: str | None = None  # footnote attached to this sentence
    markup_ok: bool = False  # renderers may italicise English terms in it


@dataclass(slots=True)
class Block:
    """A heading (level 1 = report title) or a paragraph of sentences."""

    kind: str  # heading / para / item
    sents: list[Sent]
    level: int = 0
    number: str = ""  # "2.1" for numbered headings


@dataclass(slots=True)
class Letter:
    """A whole letter: header facts, covering letter, signature and the report blocks."""

    doc_id: str
    number: int
    kind: str
    letter_date: date
    vergaderjaar: str
    title: str  # BRIEF VAN DE MINISTER VAN …
    subject_line: str  # "Kamerbrief inzake …" for old-style letters
    signers: list[tuple[str, str]]  # (role line, name)
    ministry: str
    cover: list[Block]
    body: list[Block]
    meeting: Meeting | None
    n_sessions: int | None
    ascii_only: bool = False
    synthetic_line: str = SYNTHETIC_LINE

    def sentences(self) -> list[Sent]:
        """Every sentence of the letter, cover and body."""
        return [s for b in self.cover + self.body for s in b.sents]


# --- Dutch stance verbs -------------------------------------------------------------------
# (frame, past sg, past pl, mid, prep, participle phrase, infinitive phrase, present sg, tail)
# frame: pp = "pleitte voor X"; do = "steunde X"; dat = "benadrukte dat X"; om = "stelde voor om X".
Verb = tuple[str, str, str, str, str, str | None, str | None, str, str]
VERBS: dict[str, tuple[Verb, ...]] = {
    "calls_for": (
        ("pp", "pleitte", "pleitten", "", "voor", "gepleit", "pleiten", "pleit", ""),
        ("pp", "riep", "riepen", "op", "tot", "opgeroepen", "oproepen", "roept", ""),
        ("pp", "drong", "drongen", "aan", "op", "aangedrongen", "aandringen", "dringt", ""),
        (
            "pp",
            "vroeg",
            "vroegen",
            "aandacht",
            "voor",
            "aandacht gevraagd",
            "aandacht vragen",
            "vraagt",
            "",
        ),
        (
            "pp",
            "zette",
            "zetten",
            "{zich} in",
            "voor",
            "{zich} ingezet",
            "{zich} inzetten",
            "zet",
            "",
        ),
    ),
    "supports": (
        ("do", "steunde", "steunden", "", "", "gesteund", "steunen", "steunt", ""),
        (
            "do",
            "verwelkomde",
            "verwelkomden",
            "",
            "",
            "verwelkomd",
            "verwelkomen",
            "verwelkomt",
            "",
        ),
        (
            "pp",
            "sprak",
            "spraken",
            "steun uit",
            "voor",
            "steun uitgesproken",
            "steun uitspreken",
            "spreekt",
            "",
        ),
        (
            "dat",
            "onderschreef",
            "onderschreven",
            "",
            "",
            "onderschreven",
            "onderschrijven",
            "onderschrijft",
            "",
        ),
        ("pp", "stond", "stonden", "positief", "tegenover", None, None, "staat", ""),
    ),
    "emphasises": (
        ("dat", "benadrukte", "benadrukten", "", "", "benadrukt", "benadrukken", "benadrukt", ""),
        (
            "dat",
            "onderstreepte",
            "onderstreepten",
            "",
            "",
            "onderstreept",
            "onderstrepen",
            "onderstreept",
            "",
        ),
        ("dat", "wees", "wezen", "erop", "", "erop gewezen", "erop wijzen", "wijst", ""),
        (
            "pp",
            "benadrukte",
            "benadrukten",
            "het belang",
            "van",
            "het belang benadrukt",
            "het belang benadrukken",
            "benadrukt",
            "",
        ),
        (
            "pp",
            "wees",
            "wezen",
            "op het belang",
            "van",
            "gewezen op het belang",
            "wijzen op het belang",
            "wijst",
            "",
        ),
    ),
    "proposes": (
        ("om", "stelde", "stelden", "voor", "", "voorgesteld", "voorstellen", "stelt", ""),
        (
            "om",
            "deed",
            "deden",
            "het voorstel",
            "",
            "het voorstel gedaan",
            "het voorstel doen",
            "doet",
            "",
        ),
        ("om", "kwam", "kwamen", "met het voorstel", "", None, None, "komt", ""),
        (
            "om",
            "opperde",
            "opperden",
            "het idee",
            "",
            "het idee geopperd",
            "het idee opperen",
            "oppert",
            "",
        ),
    ),
    "concern": (
        ("pp", "uitte", "uitten", "zorgen", "over", "zorgen geuit", "zorgen uiten", "uit", ""),
        (
            "pp",
            "sprak",
            "spraken",
            "{zijn} zorgen uit",
            "over",
            "{zijn} zorgen uitgesproken",
            "{zijn} zorgen uitspreken",
            "spreekt",
            "",
        ),
        (
            "pp",
            "toonde",
            "toonden",
            "{zich} bezorgd",
            "over",
            "{zich} bezorgd getoond",
            "{zich} bezorgd tonen",
            "toont",
            "",
        ),
        (
            "pp",
            "wees",
            "wezen",
            "op de risico's",
            "van",
            "gewezen op de risico's",
            "wijzen op de risico's",
            "wijst",
            "",
        ),
    ),
    "objects": (
        (
            "pp",
            "maakte",
            "maakten",
            "bezwaar",
            "tegen",
            "bezwaar gemaakt",
            "bezwaar maken",
            "maakt",
            "",
        ),
        (
            "pp",
            "verzette",
            "verzetten",
            "{zich}",
            "tegen",
            "{zich} verzet",
            "{zich} verzetten",
            "verzet",
            "",
        ),
        (
            "pp",
            "plaatste",
            "plaatsten",
            "kanttekeningen",
            "bij",
            "kanttekeningen geplaatst",
            "kanttekeningen plaatsen",
            "plaatst",
            "",
        ),
        ("do", "wees", "wezen", "", "", "afgewezen", "afwijzen", "wijst", "af"),
        (
            "pp",
            "had",
            "hadden",
            "bedenkingen",
            "bij",
            "bedenkingen gehad",
            "bedenkingen hebben",
            "heeft",
            "",
        ),
    ),
    "states": (
        ("dat", "gaf", "gaven", "aan", "", "aangegeven", "aangeven", "geeft", ""),
        ("dat", "stelde", "stelden", "", "", "gesteld", "stellen", "stelt", ""),
        ("dat", "lichtte", "lichtten", "toe", "", "toegelicht", "toelichten", "licht", ""),
        ("dat", "meldde", "meldden", "", "", "gemeld", "melden", "meldt", ""),
        (
            "dat",
            "maakte",
            "maakten",
            "duidelijk",
            "",
            "duidelijk gemaakt",
            "duidelijk maken",
            "maakt",
            "",
        ),
        ("pp", "wees", "wezen", "", "op", "gewezen", "wijzen", "wijst", ""),
        (
            "do",
            "bracht",
            "brachten",
            "",
            "",
            "onder de aandacht gebracht",
            "onder de aandacht brengen",
            "brengt",
            "onder de aandacht",
        ),
    ),
}
# Which bank kinds fill each stance's complement, by frame.
COMPLEMENT: dict[tuple[str, str], tuple[str, ...]] = {
    ("calls_for", "pp"): ("np",),
    ("supports", "do"): ("np", "fact"),
    ("supports", "pp"): ("np",),
    ("supports", "dat"): ("claim",),
    ("emphasises", "dat"): ("claim", "nlclaim"),
    ("emphasises", "pp"): ("np",),
    ("proposes", "om"): ("prop",),
    ("concern", "pp"): ("worry",),
    ("objects", "pp"): ("obj",),
    ("objects", "do"): ("obj",),
    ("states", "dat"): ("claim", "nlclaim"),
    ("states", "do"): ("fact",),
    ("states", "pp"): ("fact",),
}
# What each kind of speaker may say: the Netherlands alone; a group or pair that includes it;
# allies (who may welcome a Dutch contribution, but never speak for the Netherlands).
ALLOWED: dict[str, frozenset[str]] = {
    "nl": frozenset({"np", "claim", "nlclaim", "worry", "obj", "prop", "fact"}),
    "group": frozenset({"np", "claim", "worry", "obj", "prop"}),
    "ally": frozenset({"np", "claim", "worry", "obj", "prop", "fact"}),
}
STANCE_WEIGHTS = {
    "calls_for": 3.0,
    "supports": 2.6,
    "emphasises": 3.0,
    "states": 1.8,
    "concern": 1.4,
    "proposes": 1.0,
    "objects": 0.8,
}

ADVERBIALS = (
    "Ook",
    "Daarnaast",
    "In dat kader",
    "Tijdens de bespreking",
    "In de discussie",
    "Voorts",
    "In dit verband",
    "Tegelijkertijd",
    "Tot slot",
)

ENGLISH_TERMS = (
    "Comprehensive Assistance Package",
    "Smart Defence",
    "Defence Production Action Plan",
    "Resolute Support",
    "invitee",
    "Northern Group",
    "Joint Expeditionary Force",
    "Berlin Plus",
    "business as usual",
)


def _fact_fits(kind: str, who: str, stance: str, verb: Verb) -> bool:
    """A Dutch contribution is named by the Netherlands itself, or welcomed by allies."""
    if kind != "fact":
        return True
    if who == "ally":
        return verb[1] == "verwelkomde"
    return stance == "states"


_PLACEHOLDER = re.compile(r"<<([A-Za-z]+)([:+\-][^>]*)?>>")


@dataclass(slots=True)
class Subject:
    """Who speaks: text, grammatical person and number, and topics its words mention."""

    text: str
    person: str  # 3sg / 3pl / 1sg
    poss: str  # zijn / haar / hun / mijn
    refl: str  # zich / mij
    co_actor: bool = False  # "Nederland en Duitsland": cannot be inverted naturally
    who: str = "nl"  # nl / group / ally: what this speaker may say (ALLOWED)


class Composer:
    """Writes one letter for a plan, drawing every choice from its own seeded RNG."""

    def __init__(self, plan: Plan, number: int, seed: int, repeat: int, fmt: str) -> None:
        self.rng = random.Random(f"navo-demo/{seed}/{repeat}/{number}")
        self.plan = plan
        self.number = number
        self.fmt = fmt
        self.meeting = plan.meeting
        self.kind = plan.kind
        self.year = (self.meeting.start if self.meeting else plan.letter_date).year
        rng = self.rng
        self.navo = "Navo" if rng.random() < 0.15 else "NAVO"
        self.slips = rng.random() < 0.08  # this letter misspells now and then
        self.first_person = rng.random() < (0.55 if self.year >= 2010 else 0.3)
        self.used: set[str] = set()
        self.headings: dict[str, bank.Item] = {}
        self.notes_left = rng.choice((0, 0, 1, 1, 2))
        self.ministry = plan.ministry
        self.bz = minister(MINISTERS_BZ, plan.letter_date.year)
        self.dfn = minister(MINISTERS_DEF, plan.letter_date.year)
        if self.ministry == "BOTH" and rng.random() < 0.5:
            self.two_signers = True
        else:
            self.two_signers = False
        self.lead = "DEF" if self.ministry == "DEF" else "BZ"
        self.name = self.dfn if self.lead == "DEF" else self.bz
        self.pron = "haar" if self.name in FEMALE else "zijn"

    # --- words -----------------------------------------------------------------------------

    def pick(self, seq):
        """A random element of a non-empty sequence."""
        return seq[self.rng.randrange(len(seq))]

    def fill(self, text: str) -> tuple[str, list[Fig]]:
        """Fill a bank phrase's placeholders; return the text and the figures it names."""
        figs: list[Fig] = []
        pending: list[int] = []

        def sub(m: re.Match[str]) -> str:
            tag, arg = m.group(1), (m.group(2) or "")
            if tag in ("EUR", "USD"):
                lo, hi = (float(x) for x in arg[1:].split(":"))
                value = self._nice(lo, hi)
                return self._amount(value, tag, figs, pending)
            if tag == "EURF":
                return self._amount(float(arg[1:]), "EUR", figs, pending)
            if tag == "PCT":
                lo, hi = (float(x) for x in arg[1:].split(":"))
                value = round(self.rng.uniform(lo, hi), self.rng.choice((1, 2)))
                return self._percent(value, figs, pending, compact=False)
            if tag in ("PCTF", "PCTC"):
                return self._percent(float(arg[1:]), figs, pending, compact=tag == "PCTC")
            if tag == "Y":
                y = self.year + int(arg)
                figs[-1].year = y
                return str(y)
            if tag == "YN":
                y = self.year + int(arg)
                pending.append(y)
                return str(y)
            if tag == "YA":
                y = int(arg[1:])
                figs[-1].year = y
                return str(y)
            if tag == "y":
                return str(self.year + int(arg))
            if tag == "N":
                lo, hi = (int(x) for x in arg[1:].split(":"))
                return str(self.rng.randint(lo, hi))
            raise ValueError(f"unknown placeholder {m.group(0)}")

        out = _PLACEHOLDER.sub(sub, text) if "<<" in text else text
        return self.words(out), figs

    def words(self, text: str) -> str:
        """House style of this letter: "Navo" or "NAVO", and an occasional slip."""
        if self.navo != "NAVO":
            text = text.replace("NAVO", self.navo)
        if self.slips and "Afghanistan" in text and self.rng.random() < 0.5:
            text = text.replace("Afghanistan", "Afganistan")
        return text

    def _nice(self, lo: float, hi: float) -> float:
        """A round amount between lo and hi, as budgets are named (2,5 miljard; 350 miljoen)."""
        import math

        v = math.exp(self.rng.uniform(math.log(lo), math.log(hi)))
        digits = self.rng.choice((1, 2, 2, 3))
        exp = math.floor(math.log10(v)) - digits + 1
        return round(v / 10**exp) * 10.0**exp

    def _amount(self, value: float, cur: str, figs: list[Fig], pending: list[int]) -> str:
        fig = Fig("amount", value, cur, pending.pop() if pending else None)
        figs.append(fig)
        return self.render_amount(value, cur)

    def render_amount(self, value: float, cur: str) -> str:
        """An amount as Dutch letters write it, in one of many notations."""
        rng = self.rng
        if value >= 1e9:
            x, word, abbr = value / 1e9, "miljard", "mld."
        else:
            x, word, abbr = value / 1e6, "miljoen", "mln."
        x = round(x, 6)
        num = dutch_number(x)
        if value >= 1e9 and rng.random() < 0.1 and (x * 1000).is_integer():
            num, word, abbr = dutch_number(x * 1000), "miljoen", "mln."  # "1.200 miljoen"
        unit = abbr if rng.random() < 0.25 else word
        if cur == "EUR":
            if value < 1e8 and rng.random() < 0.15:
                return f"€ {dutch_number(value)}"  # "€ 45.000.000"
            if word == "miljard" and x in (1.5, 2, 3, 4, 5, 10) and rng.random() < 0.3:
                spoken = "anderhalf" if x == 1.5 else NUM_WORDS[int(x)]
                return f"{spoken} miljard euro"
            forms = (
                f"{num} {unit} euro",
                f"{num} {word} euro",
                f"€ {num} {unit}",
                f"€{num} {unit}",
                f"EUR {num} {unit}",
            )
        else:
            forms = (
                f"{num} {word} dollar",
                f"$ {num} {unit}",
                f"${num} {word}",
                f"USD {num} {unit}",
                f"{num} {word} Amerikaanse dollar",
            )
        return self.pick(forms)

    def _percent(self, value: float, figs: list[Fig], pending: list[int], compact: bool) -> str:
        figs.append(Fig("percentage", value, None, pending.pop() if pending else None))
        num = dutch_number(value)
        if compact:
            return f"{num}%"
        forms = [f"{num}%", f"{num} procent", f"{num} procent", f"{num} %"]
        if value.is_integer() and int(value) in NUM_WORDS:
            forms.append(f"{NUM_WORDS[int(value)]} procent")
        return self.pick(forms)

    # --- subjects and sentences -------------------------------------------------------------

    def dutch_subject(self, planned: bool) -> Subject:
        """Who takes the Dutch position in this sentence."""
        rng = self.rng
        p = self.pron
        r = rng.random()
        if planned:
            if r < 0.45:
                return Subject("Nederland", "3sg", "zijn", "zich")
            if r < 0.7:
                return Subject("het kabinet", "3sg", "zijn", "zich")
            if self.first_person and r < 0.9:
                return Subject("ik", "1sg", "mijn", "mij")
            return Subject("de minister", "3sg", p, "zich")
        if self.kind == "other":
            if r < 0.5:
                return Subject("het kabinet", "3sg", "zijn", "zich")
            return Subject("Nederland", "3sg", "zijn", "zich")
        if r < 0.12:
            group = self.pick(
                (
                    ("veel bondgenoten, waaronder Nederland,", "3pl"),
                    ("het merendeel van de bondgenoten, waaronder Nederland,", "3sg"),
                    ("verschillende bondgenoten, onder wie Nederland,", "3pl"),
                    ("een groot aantal bondgenoten, waaronder ook Nederland,", "3sg"),
                    ("de betreffende bondgenoten, en ook Nederland,", "3pl"),
                )
            )
            return Subject(group[0], group[1], "hun", "zich", who="group")
        if r < 0.18:
            c = self.pick(allies(self.year))
            return Subject(
                f"Nederland en {c.short or c.name}", "3pl", "hun", "zich", True, who="group"
            )
        if self.first_person:
            if r < 0.65:
                return Subject("ik", "1sg", "mijn", "mij")
            return Subject("Nederland", "3sg", "zijn", "zich")
        if r < 0.6:
            return Subject("Nederland", "3sg", "zijn", "zich")
        role = (
            "de Minister van Defensie"
            if self.lead == "DEF"
            else "de Minister van Buitenlandse Zaken"
        )
        names = ("de minister", role, f"minister {surname(self.name)}")
        if rng.random() < 0.08:
            return Subject("Nederland, bij monde van de minister,", "3sg", "zijn", "zich")
        return Subject(self.pick(names), "3sg", p, "zich")

    def ally_subject(self) -> tuple[Subject, set[str]]:
        """Who else speaks: allies, the secretary-general, a named ally (never Nederland)."""
        subj, topics = self._ally_subject()
        subj.who = "ally"
        return subj, topics

    def _ally_subject(self) -> tuple[Subject, set[str]]:
        r = self.rng.random()
        if r < 0.45:
            text = self.pick(
                (
                    "bondgenoten",
                    "verschillende bondgenoten",
                    "enkele bondgenoten",
                    "de meeste bondgenoten",
                    "oostelijke bondgenoten",
                )
            )
            return Subject(text, "3pl", "hun", "zich"), set()
        if r < 0.55:
            return Subject("het merendeel van de bondgenoten", "3sg", "hun", "zich"), set()
        if r < 0.7:
            return Subject("de secretaris-generaal", "3sg", "zijn", "zich"), set()
        if r < 0.85:
            c = self.pick(allies(self.year))
            if c.plural or (c.short and self.rng.random() < 0.5):
                name = c.short or c.name
                return Subject(name, "3pl" if c.plural else "3sg", "hun", "zich"), set()
            return Subject(c.name, "3sg", "zijn", "zich"), set()
        if r < 0.93 or self.year < 2014:
            a, b = self.rng.sample(allies(self.year), 2)
            return Subject(
                f"{a.short or a.name} en {b.short or b.name}", "3pl", "hun", "zich"
            ), set()
        return Subject("de Oekraïense minister", "3sg", "zijn", "zich"), {"ukraine"}

    def clause(
        self,
        subj: Subject,
        verb: Verb,
        compl: str,
        mode: str,
        adverbial: str = "",
    ) -> str:
        """Build a sentence: mode past / perfect / planned / present; adverbial inverts."""
        frame, sg, pl, mid, prep, ptc, inf, pres, tail = verb
        number_pl = subj.person == "3pl"
        mid = mid.replace("{zich}", subj.refl).replace("{zijn}", subj.poss)
        if ptc:
            ptc = ptc.replace("{zich}", subj.refl).replace("{zijn}", subj.poss)
        if inf:
            inf = inf.replace("{zich}", subj.refl).replace("{zijn}", subj.poss)
        if frame == "pp":
            comp = f"{prep} {compl}"
        elif frame == "dat":
            comp = f"dat {compl}"
        elif frame == "om":
            comp = compl
        else:
            comp = ""
        if mode == "past":
            fin = pl if number_pl else sg
            if frame == "do":
                rest = " ".join(x for x in (compl, tail) if x)
            else:
                rest = " ".join(x for x in (mid, comp) if x)
        elif mode == "perfect":
            fin = {"3pl": "hebben", "1sg": "heb"}.get(subj.person, "heeft")
            rest = f"{compl} {ptc}" if frame == "do" else f"{ptc} {comp}"
        elif mode == "planned":
            fin = "zullen" if number_pl else "zal"
            rest = f"{compl} {inf}" if frame == "do" else f"{inf} {comp}"
        else:  # present, third person only
            fin = pres if not number_pl else pl
            if frame == "do":
                rest = " ".join(x for x in (compl, tail) if x)
            else:
                rest = " ".join(x for x in (mid, comp) if x)
        head = f"{adverbial} {fin} {subj.text}" if adverbial else f"{subj.text} {fin}"
        text = f"{head} {rest}"
        text = re.sub(r"\s+", " ", text).strip()
        return text[0].upper() + text[1:] + "."

    def _verb_and_item(self, topic: str, mode: str, who: str) -> tuple[str, Verb, bank.Item] | None:
        """A stance, verb and fresh bank phrase that this speaker can say in this mode."""
        stances = list(STANCE_WEIGHTS)
        if who == "group":
            stances = [x for x in stances if x not in ("states", "proposes", "objects")]
        stances.sort(key=lambda x: -STANCE_WEIGHTS[x] * self.rng.random())
        allowed = ALLOWED[who]
        for st in stances:
            options = []
            for v in VERBS[st]:
                if v[5] is None and mode not in ("past", "present"):
                    continue
                for kind in COMPLEMENT[(st, v[0])]:
                    if kind not in allowed or not _fact_fits(kind, who, st, v):
                        continue
                    pool = [
                        i for i in bank.items(topic, kind, self.year) if i.text not in self.used
                    ]
                    if pool:
                        options.append((v, pool))
            if not options:
                continue
            verb, pool = self.pick(options)
            item = self.pick(pool)
            self.used.add(item.text)
            return st, verb, item
        return None

    def position(self, topic: str, planned: bool = False, present: bool = False) -> Sent | None:
        """A Dutch position sentence on a topic."""
        mode = "planned" if planned else ("present" if present else "past")
        if not planned and not present and self.rng.random() < 0.3:
            mode = "perfect"
        if mode == "planned" and self.rng.random() < 0.25:
            mode = "present"  # "Nederland steunt …" in an agenda: the planned inzet
        subj = self.dutch_subject(planned or present)
        if mode == "present" and (subj.person != "3sg" or subj.who != "nl"):
            subj = Subject("Nederland", "3sg", "zijn", "zich")
        found = self._verb_and_item(topic, mode, subj.who)
        if not found:
            return None
        stance, verb, item = found
        compl, figs = self.fill(item.text)
        adverbial = ""
        r = self.rng.random()
        if not subj.co_actor and r < 0.4:
            adverbial = self.pick(ADVERBIALS)
            if subj.text == "ik" and r < 0.1:
                adverbial = "Namens Nederland"
            elif subj.text == "Nederland" and r < 0.08:
                a, b = self.rng.sample(allies(self.year), 2)
                adverbial = f"Samen met {a.short or a.name} en {b.short or b.name}"
        if self.kind == "other" and mode == "perfect" and self.rng.random() < 0.5:
            adverbial = self.past_meeting_phrase()
        text = self.clause(subj, verb, compl, mode, adverbial)
        if mode == "present" and not planned and self.kind != "other":
            planned = False
        s = Sent(text, set(item.topics), figs, stance, item.topics, planned=planned)
        return s

    def planned_special(self, topic: str) -> Sent | None:
        """Agenda phrasing without a stance verb: "De Nederlandse inzet is gericht op …"."""
        pool = bank.items(topic, "np", self.year)
        if not pool:
            return None
        fresh = [i for i in pool if i.text not in self.used]
        if not fresh:
            return None
        item = self.pick(fresh)
        self.used.add(item.text)
        compl, figs = self.fill(item.text)
        text, stance = self.pick(
            (
                (f"De Nederlandse inzet is gericht op {compl}.", "calls_for"),
                (f"Nederland hecht groot belang aan {compl}.", "emphasises"),
                (f"Het kabinet is voorstander van {compl}.", "supports"),
                (
                    f"Nederland zal zich ervoor inzetten dat er aandacht is voor {compl}.",
                    "calls_for",
                ),
            )
        )
        return Sent(text, set(item.topics), figs, stance, item.topics, planned=True)

    def ally(self, topic: str, planned: bool = False, adverbial: str = "") -> Sent | None:
        """What allies (not the Netherlands) said: a distractor for positions."""
        mode = "planned" if planned else "past"
        subj, extra = self.ally_subject()
        found = self._verb_and_item(topic, mode, "ally")
        if not found:
            return None
        _stance, verb, item = found
        compl, figs = self.fill(item.text)
        if planned:
            text = self.clause(subj, verb, compl, mode)
            fin = "zullen" if subj.person == "3pl" else "zal"
            text = text.replace(f" {fin} ", f" {fin} naar verwachting ", 1)
        else:
            if not adverbial and self.rng.random() < 0.3:
                adverbial = self.pick(ADVERBIALS[:6])
            text = self.clause(subj, verb, compl, mode, adverbial)
        return Sent(text, set(item.topics) | extra, figs)

    def context(self, topic: str) -> Sent | None:
        """A sentence on what was discussed."""
        pool = bank.items(topic, "ctx", self.year)
        if not pool:
            return None
        fresh = [i for i in pool if i.text not in self.used]
        if not fresh:
            return None
        item = self.pick(fresh)
        self.used.add(item.text)
        text, figs = self.fill(item.text)
        return Sent(text, set(item.topics), figs, markup_ok=True)

    def expected(self, topic: str) -> Sent | None:
        """Agenda: what is expected to be discussed."""
        pool = bank.items(topic, "subj", self.year)
        if not pool:
            return None
        item = self.pick(pool)
        phrase, _ = self.fill(item.text)
        text = self.pick(
            (
                f"Naar verwachting zullen bondgenoten spreken over {phrase}.",
                f"Tijdens deze sessie staat {phrase} centraal.",
                f"De ministers zullen van gedachten wisselen over {phrase}.",
                f"Op de agenda staat een bespreking van {phrase}.",
            )
        )
        return Sent(text, set(item.topics))

    def heading(self, topic: str) -> Sent:
        """A section heading for a topic."""
        if topic not in self.headings:  # one heading per topic within a letter
            pool = bank.items(topic, "head", self.year) or bank.BANK[topic]["head"]
            self.headings[topic] = self.pick(pool)
        item = self.headings[topic]
        return Sent(self.words(item.text), set(item.topics))

    # --- meetings and dates -----------------------------------------------------------------

    def date_phrase(self, m: Meeting, marker: str, with_op: bool = True) -> str:
        """ "op 9 en 10 maart jl.", "van 28–29 november 2023", "van 3 tot en met 5 mei"."""
        rng = self.rng
        s, e = m.start, m.end
        r = rng.random()
        if marker == "year" or r < 0.3:
            tail = f" {e.year}"
        elif r < 0.8:
            tail = f" {marker}"
        else:
            tail = ""
        month_e = MONTHS[e.month - 1]
        if s == e:
            core = f"{s.day} {month_e}"
            return (f"op {core}" if with_op else core) + tail
        if s.month != e.month:
            core = f"{s.day} {MONTHS[s.month - 1]} en {e.day} {month_e}"
            return (f"op {core}" if with_op else core) + tail
        if (e - s).days == 1:
            forms = [
                f"op {s.day} en {e.day} {month_e}{tail}",
                f"op {s.day}–{e.day} {month_e}{tail}",
                f"van {s.day}-{e.day} {month_e}{tail}",
                f"op {s.day} en {e.day} {month_e}{tail}",
            ]
            if marker == "jl.":
                forms.append(f"op {s.day} {month_e}{tail} en de volgende dag")
        else:
            forms = [
                f"van {s.day} tot en met {e.day} {month_e}{tail}",
                f"van {s.day} t/m {e.day} {month_e}{tail}",
                f"op {s.day}–{e.day} {month_e}{tail}",
            ]
        out = self.pick(forms)
        return out if with_op else out.split(" ", 1)[1]

    def full_dates(self, m: Meeting) -> str:
        """ "28 en 29 november 2023" / "28–29 november 2023" (always with year)."""
        s, e = m.start, m.end
        if s == e:
            return long_date(s)
        if s.month != e.month:
            return f"{long_date(s, year=False)} en {long_date(e)}"
        if (e - s).days == 1:
            sep = self.pick((" en ", "–", "-"))
            return f"{s.day}{sep}{e.day} {MONTHS[e.month - 1]} {e.year}"
        return f"{s.day} tot en met {e.day} {MONTHS[e.month - 1]} {e.year}"

    def place(self, m: Meeting) -> str:
        """ "in Brussel", "op het NAVO-hoofdkwartier in Brussel", "in Boedapest, Hongarije"."""
        if m.place is None:
            return ""
        c = m.place
        if m.alt_city:
            return self.pick((f"in {c.name} en {m.alt_city}", f"in {c.name}/{m.alt_city}"))
        if c.name == "Brussel":
            return self.pick(
                ("in Brussel", "op het NAVO-hoofdkwartier in Brussel", "te Brussel", "in Brussel")
            )
        if c.name == "Washington":
            return self.pick(("in Washington", "in Washington D.C."))
        if c.name == "Newport":
            return self.pick(("in Newport, Wales", "in Newport (Wales)"))
        if self.rng.random() < 0.35:
            return f"in {c.name}, {c.country_name}"
        return f"in {c.name}"

    def meeting_desc(self, m: Meeting) -> str:
        """How the covering sentence names the meeting."""
        navo = self.navo
        if m.mtype == "SUMMIT":
            if m.video:
                return f"de buitengewone {navo}-top die per videoconferentie werd gehouden"
            if m.extraordinary:
                return self.pick((f"de buitengewone {navo}-top", f"de ingelaste {navo}-top"))
            return self.pick(
                (
                    f"de {navo}-top",
                    f"de bijeenkomst van staatshoofden en regeringsleiders van de {navo}",
                    f"de {navo}-Top",
                )
            )
        if m.mtype == "OTHER":
            return (
                f"de gezamenlijke bijeenkomst van {navo}-ministers van Buitenlandse Zaken "
                "en Defensie (jumbo-ministeriële)"
            )
        defence = m.mtype.endswith("DMM")
        dept = "Defensie" if defence else "Buitenlandse Zaken"
        if m.video:
            return f"de videoconferentie van {navo}-ministers van {dept}"
        if m.mtype.startswith("INFORMAL"):
            return self.pick(
                (
                    f"de informele bijeenkomst van {navo}-ministers van {dept}",
                    f"de informele {navo}-ministeriële van {dept}",
                )
            )
        english = "Defence Ministers Meeting" if defence else "Foreign Ministers Meeting"
        return self.pick(
            (
                f"de bijeenkomst van de {navo}-ministers van {dept}",
                f"de {navo} {english}",
                f"de {navo}-ministeriële van {dept}",
                f"de vergadering van {navo}-ministers van {dept}",
            )
        )

    def short_type(self, m: Meeting) -> str:
        """Short name for titles: "NAVO-top Vilnius", "NAVO Defensieministeriële"."""
        navo = self.navo
        if m.mtype == "SUMMIT":
            where = f" {m.place.name}" if m.place else ""
            return f"{navo}-top{where}"
        if m.mtype == "OTHER":
            return f"gezamenlijke {navo}-ministeriële Buitenlandse Zaken en Defensie"
        dept = "Defensie" if m.mtype.endswith("DMM") else "Buitenlandse Zaken"
        if m.video:
            return f"videoconferentie {navo}-ministers van {dept}"
        if m.mtype.startswith("INFORMAL"):
            return f"informele bijeenkomst {navo}-ministers van {dept}"
        return self.pick(
            (
                f"{navo}-ministeriële {dept}",
                f"bijeenkomst {navo}-ministers van {dept}",
                f"{navo} {'Defence' if dept == 'Defensie' else 'Foreign'} Ministers Meeting",
            )
        )

    def other_summit(self, m: Meeting | None, planned: bool = False) -> Sent | None:
        """A sentence naming the next (or previous) summit: a date that is not the meeting."""
        ref = m.start if m else self.plan.letter_date
        nxt = [s for s in SUMMITS if s[0] > ref and not s[4]]
        prev = [s for s in SUMMITS if s[1] < ref and not s[4]]
        if nxt and (not prev or self.rng.random() < 0.6):
            start, end, name, _iso, _x = nxt[0]
            when = long_date(start) if start == end else f"{start.day} en {long_date(end)}"
            if (end - start).days > 1:
                when = f"{start.day}–{long_date(end)}"
            stond = "staat" if planned else "stond"
            text = self.pick(
                (
                    f"De bijeenkomst {stond} mede in het teken van de voorbereiding van de "
                    f"{self.navo}-top in {name} op {when}.",
                    f"De volgende {self.navo}-top vindt plaats op {when} in {name}.",
                    f"In aanloop naar de top in {name} ({MONTHS[start.month - 1]} {start.year}) "
                    f"{'wordt' if planned else 'werd'} vooruitgeblikt op de belangrijkste besluiten.",
                )
            )
            return Sent(text)
        if prev:
            start, end, name, _iso, _x = prev[-1]
            label = "Wales" if name == "Newport" else name
            month = f"{MONTHS[start.month - 1]} {start.year}"
            if planned:
                forms: tuple[str, ...] = (
                    f"Daarbij staat de uitvoering van de afspraken van de top in {label} "
                    f"van {month} centraal.",
                    f"Bondgenoten zullen de uitvoering bespreken van de besluiten van de "
                    f"{self.navo}-top in {label} op {long_date(start)}.",
                )
            else:
                forms = (
                    f"Bondgenoten bespraken de uitvoering van de afspraken van de top in {label} "
                    f"van {month}.",
                    f"Voortbouwend op de besluiten van de {self.navo}-top in {label} op "
                    f"{long_date(start)} werd gesproken over de verdere uitvoering.",
                )
            text = self.pick(forms)
            return Sent(text)
        return None

    def past_meeting_phrase(self) -> str:
        """ "Tijdens de NAVO-top in Vilnius" (a meeting before this letter, for other letters)."""
        prev = [s for s in SUMMITS if s[1] < self.plan.letter_date and not s[4]]
        if not prev:
            return "Tijdens de laatste bijeenkomst van de NAVO-ministers"
        start, _end, name, _iso, _x = self.pick(prev[-2:])
        label = "Wales" if name == "Newport" else name
        return f"Tijdens de {self.navo}-top in {label} in {MONTHS[start.month - 1]} {start.year}"
