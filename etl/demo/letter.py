"""Lay out a whole letter — covering letter, report, agenda or other — from composed sentences."""

from __future__ import annotations

import re
from datetime import date, timedelta

from etl.demo import bank
from etl.demo.calendar import Meeting, Plan
from etl.demo.compose import Block, Composer, Letter, Sent
from etl.demo.vocab import (
    NUM_WORDS,
    ORDINALS,
    Country,
    allies,
    bilateral_partners,
    long_date,
    strip_diacritics,
    vergaderjaar,
)

# Which topics each kind of meeting favours (multiplies the era weight).
FAVOURS = {
    "DMM": {
        "defence_spending": 1.6,
        "defence_industry": 1.8,
        "nuclear_deterrence": 1.6,
        "afghanistan": 1.4,
        "cyber": 1.3,
        "climate_security": 0.7,
        "partnerships": 0.6,
        "enlargement": 0.5,
    },
    "FMM": {
        "partnerships": 1.5,
        "enlargement": 1.4,
        "china": 1.3,
        "western_balkans": 1.3,
        "arms_control": 1.3,
        "eu_nato": 1.3,
        "defence_industry": 0.5,
        "nuclear_deterrence": 0.6,
    },
}

DEPT = {"BZ": "Buitenlandse Zaken", "DEF": "Defensie"}


def _choose_topics(c: Composer, k: int) -> list[str]:
    """k topics, weighted by era and kind of meeting, without repeats."""
    mtype = c.meeting.mtype.replace("INFORMAL_", "") if c.meeting else "OTHER"
    favour = FAVOURS.get(mtype, {})
    keyed = []
    for t in bank.TOPIC_IDS:
        w = bank.weight(t, c.year) * favour.get(t, 1.0)
        if w <= 0 or not (bank.items(t, "ctx", c.year) or bank.items(t, "np", c.year)):
            continue
        keyed.append((c.rng.random() ** (1.0 / w), t))
    keyed.sort(reverse=True)
    return [t for _, t in keyed[:k]]


def _signers(c: Composer) -> tuple[list[tuple[str, str]], str, str]:
    """Signature lines, the letter's title and the ministry (or ministries)."""
    if c.two_signers:
        signers = [
            ("De Minister van Buitenlandse Zaken,", c.bz),
            ("De Minister van Defensie,", c.dfn),
        ]
        title = "BRIEF VAN DE MINISTERS VAN BUITENLANDSE ZAKEN EN VAN DEFENSIE"
        return signers, title, "Buitenlandse Zaken; Defensie"
    dept = DEPT[c.lead]
    return (
        [(f"De Minister van {dept},", c.name)],
        f"BRIEF VAN DE MINISTER VAN {dept.upper()}",
        dept,
    )


def _mede(c: Composer) -> str:
    """ ", mede namens de Minister van Defensie," when one minister writes for both."""
    if c.ministry == "BOTH" and not c.two_signers:
        return ", mede namens de Minister van Defensie,"
    return ""


def _count(c: Composer, n: int) -> str:
    return NUM_WORDS[n] if c.rng.random() < 0.8 else str(n)


def _sessions_sentence(c: Composer, m: Meeting, n: int, planned: bool) -> Sent:
    word = _count(c, n)
    if planned:
        return Sent(
            c.pick(
                (
                    f"De bijeenkomst zal bestaan uit {word} werksessies.",
                    f"Het programma omvat {word} werksessies.",
                )
            )
        )
    if n == 3 and (m.end - m.start).days == 1 and c.rng.random() < 0.4:
        return Sent(
            f"De bijeenkomst bestond uit drie werksessies: twee op {long_date(m.start, False)} "
            f"en één op {long_date(m.end, False)}."
        )
    label = "videoconferentie" if m.video else "bijeenkomst"
    return Sent(
        c.pick(
            (
                f"De {label} bestond uit {word} werksessies.",
                f"Het programma omvatte {word} werksessies.",
                f"Er vonden in totaal {word} werksessies plaats.",
                f"De {label} kende {word} sessies.",
            )
        )
    )


def _meeting_sentence(c: Composer, m: Meeting, planned: bool) -> Sent:
    """The report's (or agenda's) own statement of when and where the meeting was."""
    dates = c.full_dates(m)
    place = c.place(m)
    navo = c.navo
    if m.mtype == "SUMMIT":
        if m.video:
            verb = "vindt" if planned else "vond"
            return Sent(
                f"Op {dates} {verb} een buitengewone {navo}-top per videoconferentie plaats."
            )
        if planned:
            return Sent(f"Op {dates} vindt {place} de {navo}-top plaats.")
        return Sent(
            c.pick(
                (
                    f"Op {dates} vond {place} de {navo}-top plaats.",
                    f"De staatshoofden en regeringsleiders van de {navo}-lidstaten kwamen op "
                    f"{dates} bijeen {place}.",
                )
            )
        )
    if m.mtype == "OTHER":
        verb = "komen" if planned else "kwamen"
        return Sent(
            f"Op {dates} {verb} de {navo}-ministers van Buitenlandse Zaken en Defensie "
            f"gezamenlijk bijeen {place}."
        )
    dept = "Defensie" if m.mtype.endswith("DMM") else "Buitenlandse Zaken"
    informal = "informeel " if m.mtype.startswith("INFORMAL") else ""
    if m.video:
        verb = "vindt" if planned else "vond"
        return Sent(
            f"Op {dates} {verb} een videoconferentie plaats van de {navo}-ministers van {dept}."
        )
    if planned:
        return Sent(f"Op {dates} komen de {navo}-ministers van {dept} {informal}bijeen {place}.")
    return Sent(
        c.pick(
            (
                f"Op {dates} kwamen de {navo}-ministers van {dept} {informal}bijeen {place}.",
                f"De {navo}-ministers van {dept} kwamen op {dates} {informal}bijeen {place}.",
                f"{c.meeting_desc(m)[0].upper()}{c.meeting_desc(m)[1:]} vond plaats op {dates} {place}.",
            )
        )
    )


def _participation(c: Composer, m: Meeting) -> Sent:
    if m.mtype == "SUMMIT" and not m.video:
        return Sent(
            "Nederland werd vertegenwoordigd door de minister-president, de Minister van "
            "Buitenlandse Zaken en de Minister van Defensie."
        )
    if c.first_person:
        return Sent(
            c.pick(("Ik nam deel aan het volledige programma.", "Ik nam deel aan alle sessies."))
        )
    role = "Defensie" if c.lead == "DEF" else "Buitenlandse Zaken"
    return Sent(
        c.pick(
            (
                f"De Minister van {role} nam deel aan het volledige programma.",
                "De minister nam deel aan alle sessies.",
            )
        )
    )


def _countries(c: Composer, chosen: list[Country]) -> str:
    names = [(x.short if x.short and c.rng.random() < 0.5 else x.name) for x in chosen]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]


def _subjects(c: Composer, topics: list[str]) -> tuple[str, tuple[str, ...], set[str]]:
    """Up to two conversation subjects from the letter's topics: phrase, ids, mentioned ids."""
    pool = [t for t in topics if bank.items(t, "subj", c.year)]
    if not pool:
        return "", (), set()
    chosen = c.rng.sample(pool, min(len(pool), c.rng.choice((1, 1, 2))))
    phrases, ids, mentioned = [], [], set()
    for t in chosen:
        item = c.pick(bank.items(t, "subj", c.year))
        phrases.append(c.words(item.text))
        ids.append(t)
        mentioned |= set(item.topics)
    return " en ".join(phrases), tuple(sorted(mentioned)), mentioned


def _bilaterals(c: Composer, m: Meeting, topics: list[str]) -> list[Sent]:
    """Sentences reporting bilateral talks en marge, with their partners and subjects."""
    rng = c.rng
    partners = [p for p in bilateral_partners(m.year) if p.iso2 != "NL"]
    n = rng.choice((1, 1, 2, 2, 3, 4))
    chosen = rng.sample(partners, n)
    mention = {"ukraine"} if any(x.iso2 == "UA" for x in chosen) else set()
    subj_text, subj_ids, subj_topics = _subjects(c, topics)
    where = c.pick(("de top",) if m.mtype == "SUMMIT" else ("de bijeenkomst", "de ministeriële"))
    marge = c.pick(("En marge van", "In de marge van", "Aan de zijlijn van"))
    first = c.first_person
    me = "ik" if first else c.pick(("de minister", f"de Minister van {DEPT[c.lead]}"))
    poss = "mijn" if first else c.pron
    dept = DEPT[c.lead]
    inline = bool(subj_text) and rng.random() < 0.5
    over = f" over {subj_text}" if inline else ""
    form = rng.randrange(6) if n == 1 else rng.choice((0, 2, 4, 5))
    if form == 0:
        role = c.pick((f"ministers van {dept}", f"ministers van {dept}", "collega's"))
        if n == 1:
            role = role.replace("ministers", "minister").replace("collega's", "collega")
        text = (
            f"{marge} {where} had {me} gesprekken met de {role} van {_countries(c, chosen)}{over}."
        )
    elif form == 1:
        x = chosen[0]
        text = f"{marge} {where} sprak {me} met {poss} {x.adj} ambtgenoot{over}."
    elif form == 2:
        text = f"{marge} {where} sprak {me} met {poss} collega's uit {_countries(c, chosen)}{over}."
        if n == 1:
            text = text.replace("collega's", "collega")
    elif form == 3:
        x = chosen[0]
        tail = f", met wie werd gesproken over {subj_text}" if inline else ""
        text = f"Tijdens de bijeenkomst ontmoette {me} ook de {x.adj} minister van {dept}{tail}."
    elif form == 4:
        adjs = [x.adj for x in chosen]
        joined = adjs[0] if n == 1 else ", ".join(adjs[:-1]) + " en " + adjs[-1]
        noun = "ambtgenoot" if n == 1 else "ambtgenoten"
        verb = "voerde ik" if first else f"voerde {me}"
        text = f"Daarnaast {verb} bilateraal overleg met {poss} {joined} {noun}{over}."
    else:
        verb = "sprak ik" if first else f"sprak {me}"
        text = f"{marge} {where} {verb} bilateraal met {_countries(c, chosen)}{over}."
    if m.mtype == "SUMMIT" and rng.random() < 0.3:
        # at summits the prime minister talks too; still a bilateral of the Dutch delegation
        adjs = [x.adj for x in chosen]
        joined = adjs[0] if n == 1 else ", ".join(adjs[:-1]) + " en " + adjs[-1]
        noun = "regeringsleider" if n == 1 else "regeringsleiders"
        text = f"De minister-president sprak {marge.lower()} de top met de {joined} {noun}{over}."
    text = text[0].upper() + text[1:]
    sents = [Sent(text, mention | (subj_topics if inline else set()))]
    subjects: tuple[str, ...] = subj_ids if inline else ()
    if subj_text and not inline and rng.random() < 0.8:
        follow = c.pick(
            (
                f"Tijdens deze gesprekken kwam onder andere {subj_text} aan bod.",
                f"Daarbij werd onder meer gesproken over {subj_text}.",
                f"Onderwerpen van gesprek waren onder meer {subj_text}.",
            )
        )
        sents.append(Sent(follow, set(subj_topics)))
        subjects = subj_ids
    sents[0].bilaterals = [(x.iso2, subjects) for x in chosen]
    return sents


def _side_meeting(c: Composer, m: Meeting) -> Sent | None:
    """Multilateral side meetings and countries as topics: not bilaterals."""
    y = m.year
    options: list[tuple[str, set[str]]] = [
        (
            "Ook de situatie in Kosovo kwam in de marge van de bijeenkomst aan de orde.",
            {"western_balkans"},
        )
    ]
    if y <= 2013:
        options.append(
            (
                f"Tijdens de bijeenkomst van de {c.navo}-Rusland Raad spraken bondgenoten met de "
                "Russische minister van Buitenlandse Zaken.",
                {"russia"},
            )
        )
    if y <= 2021:
        options.append(
            (
                f"In de marge van de bijeenkomst vond een vergadering van de {c.navo}-Oekraïne "
                "Commissie plaats.",
                {"ukraine"},
            )
        )
    if y >= 2015:
        who = "ik" if c.first_person else "de minister"
        verb = "nam ik" if c.first_person else f"nam {who}"
        options.append(
            (f"Aansluitend {verb} deel aan een bijeenkomst van de Northern Group.", set())
        )
    if y >= 2018:
        options.append(
            (
                "En marge van de bijeenkomst kwamen ook de ministers van de Joint Expeditionary "
                "Force (JEF) bijeen.",
                set(),
            )
        )
    if 2014 <= y <= 2019:
        options.append(
            (
                "Daarnaast vond een overleg plaats van de ministers van de anti-ISIS-coalitie.",
                {"terrorism", "middle_east"},
            )
        )
    if y >= 2022:
        options.append(
            ("De Oekraïense president nam via een videoverbinding deel aan de sessie.", {"ukraine"})
        )
    if y >= 2008:
        options.append(
            (
                f"In de marge van de bijeenkomst vond ook een vergadering van de {c.navo}-Georgië "
                "Commissie plaats.",
                set(),
            )
        )
    a, b = c.rng.sample(allies(y), 2)
    options.append(
        (
            f"In de marge van de bijeenkomst ondertekenden {a.short or a.name} en "
            f"{b.short or b.name} een intentieverklaring over gezamenlijke oefeningen.",
            set(),
        )
    )
    text, topics = c.pick(options)
    return Sent(c.words(text), topics, markup_ok=True)


def _figure_distractor(c: Composer, m: Meeting | None) -> Sent:
    """Numbers that are not figures: counts, years, session numbers, programme names."""
    y = c.year
    n_allies = len(allies(y)) + 1
    options: list[tuple[str, set[str]]] = [
        (f"Aan de bijeenkomst namen alle {n_allies} bondgenoten deel.", set()),
        (
            "Artikel 5 van het Verdrag van Washington blijft de hoeksteen van het bondgenootschap.",
            set(),
        ),
        (
            "Bondgenoten stonden stil bij resolutie 1325 van de VN-Veiligheidsraad over vrouwen, "
            "vrede en veiligheid.",
            set(),
        ),
        (
            f"Het Strategisch Concept van {1999 if y < 2011 else 2010 if y < 2023 else 2022} "
            "bleef het kader voor de bespreking.",
            set(),
        ),
    ]
    if y >= 2021:
        options.append(("Ook de uitvoering van de NATO 2030-agenda kwam kort aan de orde.", set()))
    if y >= 2020:
        options.append(
            (
                f"De Asia-Pacific 4 waren voor de {ORDINALS[c.rng.randint(2, 4)]} keer aanwezig.",
                {"indo_pacific"},
            )
        )
    if y >= 2022:
        options.append(
            (
                "Het nieuwe strijdkrachtenmodel voorziet in meer dan 300.000 militairen op hoge "
                "gereedheid.",
                set(),
            )
        )
    if y <= 2021:
        options.append(
            ("Bij de NATO Response Force zijn circa 40.000 militairen betrokken.", set())
        )
    if m and m.year >= 2010:
        options.append(
            (f"Werksessie {c.rng.randint(1, 3)} was gewijd aan de interne besluitvorming.", set())
        )
    text, topics = c.pick(options)
    return Sent(c.words(text), topics)


def _section(c: Composer, topic: str, planned: bool, other: bool) -> list[Block]:
    """The paragraphs on one topic."""
    rng = c.rng
    paras: list[Block] = []
    for p in range(rng.choice((1, 1, 2))):
        sents: list[Sent] = []
        if other:  # a letter on policy, not a report: no "allies discussed" narrative
            if p == 0 and (s := _framing(c, topic)):
                sents.append(s)
            if rng.random() < 0.4 and (s := c.ally(topic, adverbial=c.past_meeting_phrase())):
                sents.append(s)
            for _ in range(rng.choice((1, 1, 2))):
                if s := c.position(topic, present=rng.random() < 0.6):
                    sents.append(s)
        elif planned:
            if p == 0 and (s := c.expected(topic)):
                sents.append(s)
            if rng.random() < 0.5 and (s := c.context(topic)) and other:
                sents.append(s)
            if rng.random() < 0.35 and (s := c.ally(topic, planned=True)):
                sents.append(s)
            for _ in range(rng.choice((1, 1, 2))):
                s = (
                    c.planned_special(topic)
                    if rng.random() < 0.2
                    else c.position(topic, planned=True)
                )
                if s:
                    sents.append(s)
        else:
            if rng.random() < 0.75 and (s := c.context(topic)):
                sents.append(s)
            if rng.random() < 0.5 and (s := c.ally(topic)):
                sents.append(s)
            for _ in range(rng.choice((0, 1, 1, 2))):
                if s := c.position(topic):
                    sents.append(s)
            if rng.random() < 0.3 and (s := c.ally(topic)):
                sents.append(s)
            if rng.random() < 0.25 and (s := c.context(topic)):
                sents.append(s)
        if sents:
            paras.append(Block("para", sents))
    if not paras:
        fallback = c.context(topic) or c.expected(topic)
        if fallback:
            paras.append(Block("para", [fallback]))
    return paras


def _framing(c: Composer, topic: str) -> Sent | None:
    """The opening of a section in a policy letter (not a report)."""
    pool = bank.items(topic, "subj", c.year)
    if not pool:
        return None
    item = c.pick(pool)
    phrase = c.words(item.text)
    we = c.two_signers
    text = c.pick(
        (
            f"Over {phrase} {'merken wij' if we else 'merk ik'} het volgende op.",
            f"De commissie vroeg naar de Nederlandse inzet ten aanzien van {phrase}.",
            f"Hieronder {'gaan wij' if we else 'ga ik'} nader in op {phrase}.",
            f"Het kabinet volgt de ontwikkelingen rond {phrase} nauwgezet.",
        )
    )
    return Sent(text, set(item.topics))


def _cover_verslag(c: Composer, m: Meeting) -> list[Sent]:
    desc = c.meeting_desc(m)
    when = c.date_phrase(m, "jl.")
    place = c.place(m)
    where = f" {place}" if place else ""
    mede = _mede(c)
    we = c.two_signers
    forms = [
        f"Hierbij bied{'en wij' if we else ' ik'} u{mede} het verslag aan van {desc} {when}{where}.",
        f"Hierbij zend{'en wij' if we else ' ik'} u{mede} het verslag van {desc} die {when}{where} plaatsvond.",
        f"Graag bied{'en wij' if we else ' ik'} uw Kamer{mede} hierbij het verslag aan van {desc}, gehouden {when}{where}.",
        f"Met deze brief informeer{'en wij' if we else ' ik'} u{mede} over de uitkomsten van {desc} {when}{where}.",
    ]
    if m.start.day == m.end.day and m.start == m.end:
        forms.append(f"Hierbij ontvangt u het verslag van {desc} {when}{where}.")
    sents = [Sent(c.words(c.pick(forms)))]
    if c.rng.random() < 0.3:
        debate = _weekday(c.plan.letter_date + timedelta(days=c.rng.randint(5, 30)))
        with_year = c.rng.random() < 0.5
        when = long_date(debate, year=with_year) + ("" if with_year else " a.s.")
        sents.append(
            Sent(
                f"Dit verslag kan worden betrokken bij het commissiedebat over de {c.navo} van {when}."
            )
        )
    return sents


def _weekday(d: date) -> date:
    """Committees meet on weekdays."""
    while d.weekday() >= 5:
        d += timedelta(days=1)
    return d


def _cover_agenda(c: Composer, m: Meeting) -> list[Sent]:
    desc = c.meeting_desc(m)
    when = c.date_phrase(m, "a.s.")
    place = c.place(m)
    where = f" {place}" if place else ""
    mede = _mede(c)
    forms = [
        f"Hierbij bied ik u{mede} de geannoteerde agenda aan voor {desc} die {when}{where} zal plaatsvinden.",
        f"Hierbij zend ik u{mede} de geannoteerde agenda van {desc} {when}{where}.",
        f"Graag bied ik u{mede} hierbij de geannoteerde agenda aan voor {desc}, die {when}{where} wordt gehouden.",
    ]
    if c.two_signers:
        forms = [
            f.replace(" ik u", " wij u")
            .replace("bied ik", "bieden wij")
            .replace("zend ik", "zenden wij")
            for f in forms
        ]
    sents = [Sent(c.words(c.pick(forms)))]
    if c.rng.random() < 0.3:
        earlier = _weekday(c.plan.letter_date - timedelta(days=c.rng.randint(20, 80)))
        sents.append(
            Sent(
                f"Het verslag van de vorige bijeenkomst heeft u op {long_date(earlier, False)} jl. ontvangen."
            )
        )
    return sents


def _cover_other(c: Composer, topic: str) -> list[Sent]:
    pool = bank.items(topic, "subj", c.year)
    phrase, topics = ("dit onderwerp", set())
    if pool:
        item = c.pick(pool)
        phrase, topics = c.words(item.text), set(item.topics)
    committee = "Defensie" if c.lead == "DEF" else "Buitenlandse Zaken"
    earlier = _weekday(c.plan.letter_date - timedelta(days=c.rng.randint(10, 60)))
    mede = _mede(c)
    reason = c.pick(
        (
            f"het verzoek van de vaste commissie voor {committee}",
            "de vragen die de leden van de vaste commissie hebben gesteld",
            f"de toezegging tijdens het commissiedebat van {long_date(earlier, False)} jl.",
        )
    )
    text = f"In deze brief ga ik{mede} in op {reason} over {phrase}."
    if c.two_signers:
        text = text.replace("ga ik", "gaan wij")
    return [Sent(c.words(text), topics)]


def compose_letter(plan: Plan, number: int, seed: int, repeat: int, fmt: str) -> Letter:
    """Compose the letter for one plan: every sentence with its truth."""
    c = Composer(plan, number, seed, repeat, fmt)
    rng = c.rng
    m = plan.meeting
    signers, title, ministry = _signers(c)
    body: list[Block] = []
    n_sessions: int | None = None
    old_style = fmt == "text" and plan.letter_date.year < 2010 and rng.random() < 0.7
    cover: list[Block]
    if plan.kind == "other" or m is None:
        topics = _choose_topics(c, rng.choice((1, 2, 2)))
        cover = [Block("para", _cover_other(c, topics[0]))]
        report_title = ""
        for t in topics:
            if len(topics) > 1 or rng.random() < 0.5:
                body.append(Block("heading", [c.heading(t)], level=2))
            body += _section(c, t, planned=False, other=True)
        if rng.random() < 0.5:
            body.insert(min(len(body), 1), Block("para", [_figure_distractor(c, None)]))
        subject_line = (
            f"Kamerbrief inzake {cover[0].sents[0].text.split(' over ', 1)[-1].rstrip('.')}"
        )
    else:
        planned = plan.kind == "geannoteerde_agenda"
        k = rng.randint(2, 5) if planned else rng.randint(3, 6)
        if m.video:
            k = min(k, 3)
        topics = _choose_topics(c, k)
        cover = [Block("para", _cover_agenda(c, m) if planned else _cover_verslag(c, m))]
        dates = c.full_dates(m)
        short = c.short_type(m)
        if planned:
            report_title = c.pick(
                (
                    f"Geannoteerde agenda {short} {dates}",
                    f"Geannoteerde agenda voor de {short} van {dates}",
                    f"Agenda en Nederlandse inzet {short} {dates}",
                )
            )
            if m.mtype == "SUMMIT" and m.place and rng.random() < 0.4:
                report_title = f"Voorbereiding {c.navo}-top {m.place.name} {dates}"
        else:
            report_title = c.pick(
                (
                    f"Verslag {short} {dates}",
                    f"Verslag van de {short} van {dates}",
                    f"Verslag {short}, {m.place.name if m.place else 'videoconferentie'}, {dates}",
                )
            )
        intro: list[Sent] = [_meeting_sentence(c, m, planned)]
        if rng.random() < 0.55 and len(topics) >= 2:
            n_sessions = min(len(topics), rng.choice((2, 3, 3, 4)))
            intro.append(_sessions_sentence(c, m, n_sessions, planned))
        if not planned:
            ctx = bank.intro_context(c.year)
            if ctx and rng.random() < 0.7:
                item = c.pick(ctx)
                intro.append(Sent(c.words(item.text), set(item.topics)))
            intro.append(_participation(c, m))
        if rng.random() < 0.6 and m.mtype != "SUMMIT" and (s := c.other_summit(m, planned)):
            intro.append(s)
        body.append(Block("para", intro))
        if planned and rng.random() < 0.4:
            body.append(Block("para", [Sent("De agenda omvat de volgende onderwerpen:")]))
            for t in topics:
                body.append(Block("item", [c.heading(t)]))
        bil: list[Sent] = []
        if not planned and not m.video and rng.random() < (0.75 if m.year >= 2010 else 0.5):
            bil = _bilaterals(c, m, topics)
        bil_at_end = bool(bil) and rng.random() < 0.5
        if bil and not bil_at_end:
            body.append(Block("para", bil))
        # Sessions: numbered when the letter says how many there were.
        groups: list[list[str]]
        if n_sessions:
            groups = [[] for _ in range(n_sessions)]
            for i, t in enumerate(topics):
                groups[
                    min(i, n_sessions - 1) if i < n_sessions else rng.randrange(n_sessions)
                ].append(t)
        else:
            groups = [[t] for t in topics]
        numbered = bool(n_sessions) and rng.random() < 0.7
        for gi, group in enumerate(groups, start=1):
            if numbered:
                label = "Sessie" if rng.random() < 0.2 else "Werksessie"
                bare = len(group) > 1 and rng.random() < 0.4
                if bare:  # "Werksessie 2", then a subheading per topic
                    head = Sent(f"{label} {gi}")
                else:  # "Werksessie 2: Oekraïne", subheadings for any further topics
                    head = c.heading(group[0])
                    head.text = f"{label} {gi}: {head.text}"
                body.append(Block("heading", [head], level=2))
                for j, t in enumerate(group):
                    if bare or j > 0:
                        body.append(Block("heading", [c.heading(t)], level=3))
                    body += _section(c, t, planned, other=False)
                    if j == 0 and not planned and rng.random() < 0.15:
                        body.append(Block("para", [_figure_distractor(c, m)]))
            else:
                for t in group:
                    body.append(Block("heading", [c.heading(t)], level=2))
                    body += _section(c, t, planned, other=False)
        if not planned and rng.random() < 0.5:
            body.append(Block("para", [_figure_distractor(c, m)]))
        if not planned and not m.video and rng.random() < 0.4:
            side = _side_meeting(c, m)
            if side:
                body.append(Block("para", [side]))
        if bil_at_end:
            body.append(
                Block(
                    "heading",
                    [
                        Sent(
                            c.pick(
                                (
                                    "Bilaterale contacten",
                                    "Bilaterale gesprekken",
                                    "Marge-ontmoetingen",
                                )
                            )
                        )
                    ],
                    level=2,
                )
            )
            body.append(Block("para", bil))
        subject_line = (
            f"Kamerbrief inzake {'geannoteerde agenda' if planned else 'verslag'} {short} {dates}"
        )
        if report_title:
            body.insert(0, Block("heading", [Sent(c.words(report_title))], level=1))
    _attach_notes(c, body)
    letter = Letter(
        doc_id=f"kst-28676-{number}",
        number=number,
        kind=plan.kind,
        letter_date=plan.letter_date,
        vergaderjaar=vergaderjaar(plan.letter_date),
        title=title,
        subject_line=subject_line if old_style else "",
        signers=signers,
        ministry=ministry,
        cover=cover,
        body=body,
        meeting=m if plan.kind != "other" else None,
        n_sessions=n_sessions,
        ascii_only=fmt == "text" and rng.random() < 0.25,
    )
    for s in letter.sentences():
        # an abbreviation's full stop ends the sentence too ("30 mld.", "Washington D.C.")
        s.text = _DOUBLE_STOP.sub(".", s.text)
    if letter.ascii_only:
        for s in letter.sentences():
            s.text = strip_diacritics(s.text)
        letter.subject_line = strip_diacritics(letter.subject_line)
    return letter


_DOUBLE_STOP = re.compile(r"\.\.(?=\s|$)")

NOTES = (
    "Ter vertrouwelijke inzage gelegd, alleen voor de leden, bij het Centraal Informatiepunt "
    "Tweede Kamer.",
    "Kamerstuk 28 676, nr. {prev}",
    "Zie ook het verslag van de vorige bijeenkomst, Kamerstuk 28 676, nr. {prev}.",
    "De verklaring van de bijeenkomst is te vinden op de website van de NAVO.",
)


def _attach_notes(c: Composer, body: list[Block]) -> None:
    """Footnotes on a few sentences that are not positions (their text stays clean)."""
    candidates = [
        s
        for b in body
        if b.kind == "para"
        for s in b.sents
        if s.stance is None and not s.bilaterals
    ]
    notes = NOTES if c.kind != "other" else NOTES[:2]  # no "bijeenkomst" outside reports
    for s in c.rng.sample(candidates, min(c.notes_left, len(candidates))):
        note = c.pick(notes)
        prev = max(9001, c.number - c.rng.randint(1, 6))
        s.note = c.words(note.format(prev=prev))
