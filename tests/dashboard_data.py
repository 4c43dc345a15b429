"""Small, realistic sample tables (2004–2025) for the dashboard tests, published like the ETL does."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from pathlib import Path

from etl.store import new_build_dir, publish, write_table
from etl.tables import TABLES, frame

MONTHS_NL = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]

# Which topics a report of a given year tends to discuss: the mix drifts, so rises and falls show.
ERAS: list[tuple[int, list[str]]] = [
    (2004, ["afghanistan", "terrorism", "western_balkans", "enlargement", "russia"]),
    (2010, ["afghanistan", "terrorism", "cyber", "western_balkans", "eu_nato"]),
    (2014, ["russia", "ukraine", "defence_spending", "terrorism", "middle_east", "cyber"]),
    (2019, ["china", "cyber", "hybrid_threats", "defence_spending", "russia", "arms_control"]),
    (2022, ["ukraine", "russia", "defence_industry", "defence_spending", "china", "enlargement"]),
]
PHRASES = {
    "afghanistan": "de ISAF-missie in Afghanistan",
    "terrorism": "de bestrijding van terrorisme",
    "western_balkans": "de situatie in de Westelijke Balkan en KFOR",
    "enlargement": "de toetreding van nieuwe leden",
    "russia": "de betrekkingen met Rusland",
    "cyber": "cyberdreigingen",
    "eu_nato": "de samenwerking tussen de EU en de NAVO",
    "ukraine": "de steun aan Oekraïne",
    "defence_spending": "de defensie-uitgaven en de NAVO-norm",
    "middle_east": "de situatie in het Midden-Oosten",
    "china": "de opkomst van China",
    "hybrid_threats": "hybride dreigingen en desinformatie",
    "arms_control": "wapenbeheersing en non-proliferatie",
    "defence_industry": "de capaciteit van de defensie-industrie",
}
STANCE_VERBS = {
    "calls_for": "riep op tot",
    "supports": "steunde",
    "emphasises": "benadrukte het belang van",
    "proposes": "stelde voor te werken aan",
    "concern": "uitte zorgen over",
    "objects": "maakte bezwaar tegen",
    "states": "stelde vast dat er behoefte is aan",
}
ADJECTIVES = ["meer", "blijvende", "snelle", "gezamenlijke", "praktische", "structurele"]
OBJECTS = ["steun", "inzet", "coördinatie", "investeringen", "afstemming met de EU"]
COUNTRIES = [
    ("DE", "Duitsland"),
    ("FR", "Frankrijk"),
    ("US", "de Verenigde Staten"),
    ("GB", "het Verenigd Koninkrijk"),
    ("UA", "Oekraïne"),
    ("PL", "Polen"),
    ("TR", "Turkije"),
    ("NO", "Noorwegen"),
    ("CA", "Canada"),
    ("XK", "Kosovo"),
    ("JP", "Japan"),
    ("SE", "Zweden"),
]
CITIES = [
    ("Brussel", "BE"),
    ("Washington", "US"),
    ("Vilnius", "LT"),
    ("Madrid", "ES"),
    (None, None),
]
TYPES = ["FMM", "DMM", "FMM", "DMM", "SUMMIT", "INFORMAL_FMM", "INFORMAL_DMM", "OTHER"]
XSS_LINE = "Testregel met <script>alert(1)</script> en <b>bold</b> die als tekst moet verschijnen."


def nl_date(d: date) -> str:
    """A date as a Dutch letter writes it ("18 december 2023")."""
    return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"


def _topics_for(year: int) -> list[str]:
    era = [topics for start, topics in ERAS if start <= year][-1]
    return era


def _amount(rng: random.Random) -> tuple[float, str, str]:
    scale, word = rng.choice([(1e6, "miljoen"), (1e9, "miljard")])
    whole = rng.choice([1, 2, 2.5, 5, 10, 25, 100, 250])
    currency = rng.choice(["EUR", "EUR", "USD"])
    unit = "euro" if currency == "EUR" else "dollar"
    shown = f"{whole:g}".replace(".", ",")
    return whole * scale, currency, f"{shown} {word} {unit}"


def write_sample_tables(out: Path, n_docs: int = 40, seed: int = 0, synthetic: bool = True) -> None:
    """Build every table for `n_docs` reports spanning 2004–2025 and publish them as one build."""
    rng = random.Random(seed)
    rows: dict[str, list[dict]] = {t: [] for t in TABLES}
    first, last = date(2004, 2, 1), date(2025, 11, 30)
    step = (last - first) / max(n_docs - 1, 1)
    for i in range(n_docs):
        letter = first + step * i + timedelta(days=rng.randint(0, 10))
        start = letter - timedelta(days=rng.randint(10, 40))
        mtype = TYPES[i % len(TYPES)]
        planned = i % 5 == 4  # every fifth paper is an annotated agenda
        number = 100 + i
        doc_id = f"kst-28676-{number}"
        meeting_id = f"{start.isoformat()}-{mtype.lower()}"
        city, country = CITIES[i % len(CITIES)]
        paragraphs = [
            "28 676 NAVO",
            f"Nr. {number}",
            "BRIEF VAN DE MINISTER VAN BUITENLANDSE ZAKEN",
            f"Den Haag, {nl_date(letter)}",
        ]
        where = f" in {city}" if city else " per videoverbinding"
        cover = (
            f"Hierbij bied ik u de geannoteerde agenda aan voor de NAVO-bijeenkomst ({mtype}) "
            f"van {nl_date(start)}{where}."
            if planned
            else f"Hierbij bied ik u het verslag aan van de NAVO-bijeenkomst ({mtype}) "
            f"van {nl_date(start)}{where}."
        )
        paragraphs.append(cover)
        rows["meetings"].append(
            dict(
                meeting_id=meeting_id,
                doc_id=doc_id,
                meeting_type=mtype,
                start_date=start,
                end_date=start + timedelta(days=1),
                city=city,
                country_iso2=country,
                n_sessions=rng.randint(1, 4),
                is_planned=planned,
                evidence=cover,
            )
        )
        pool = _topics_for(start.year)
        chosen = rng.sample(pool, k=min(len(pool), rng.randint(3, 5)))
        for topic in chosen:
            stance = rng.choice(list(STANCE_VERBS))
            verb = "zal pleiten voor" if planned else STANCE_VERBS[stance]
            sentence = (
                f"Nederland {verb} {rng.choice(ADJECTIVES)} {rng.choice(OBJECTS)} "
                f"bij {PHRASES[topic]}."
            )
            para = f"Bondgenoten spraken over {PHRASES[topic]}. {sentence}"
            idx = len(paragraphs)
            paragraphs.append(para)
            section = f"Verslag > {topic}"
            rows["topics"].append(
                dict(
                    doc_id=doc_id,
                    meeting_id=meeting_id,
                    topic_id=topic,
                    section=section,
                    paragraph_index=idx,
                    evidence=para,
                    n_hits=1,
                    matched=PHRASES[topic].split()[-1],
                )
            )
            rows["positions"].append(
                dict(
                    doc_id=doc_id,
                    meeting_id=meeting_id,
                    date=start,
                    actor="Nederland",
                    co_actors=["DK", "DE"] if rng.random() < 0.2 else [],
                    stance=stance,
                    topic_ids=[topic],
                    text=sentence,
                    is_planned=planned,
                    paragraph_index=idx,
                    section=section,
                )
            )
        partners = rng.sample(COUNTRIES[: 6 + i % 6], k=rng.randint(1, 3))
        names = [n for _, n in partners]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " en " + names[-1]
        subject = rng.choice(chosen)
        bil = (
            f"En marge van de bijeenkomst sprak de minister met de ministers van {listed}. "
            f"Daarbij kwam {PHRASES[subject]} aan bod."
        )
        idx = len(paragraphs)
        paragraphs.append(bil)
        for iso2, name in partners:
            rows["bilaterals"].append(
                dict(
                    doc_id=doc_id,
                    meeting_id=meeting_id,
                    country_iso2=iso2,
                    counterpart=f"minister van Buitenlandse Zaken van {name}",
                    subjects=[subject],
                    evidence=bil,
                    country_name=name,
                    paragraph_index=idx,
                )
            )
        value, currency, raw = _amount(rng)
        money = f"Nederland draagt {raw} bij aan de steun voor de NAVO-partners."
        pct = rng.choice([1.2, 1.4, 2.0, 2.0, 3.5, 5.0])
        pct_raw = f"{pct:g}".replace(".", ",") + "%"
        norm = f"Bondgenoten bespraken de {pct_raw} NAVO-norm voor defensie-uitgaven."
        idx = len(paragraphs)
        paragraphs.append(f"{money} {norm}")
        for kind, v, cur, r, sent in (
            ("amount", value, currency, raw, money),
            ("percentage", pct, None, pct_raw, norm),
        ):
            rows["figures"].append(
                dict(
                    doc_id=doc_id,
                    meeting_id=meeting_id,
                    kind=kind,
                    value=v,
                    currency=cur,
                    year=start.year if kind == "percentage" else None,
                    raw=r,
                    topic_id="defence_spending",
                    evidence=sent,
                    paragraph_index=idx,
                )
            )
        if i == 3:
            paragraphs.append(XSS_LINE)
        text = "\n".join(paragraphs)
        rows["documents"].append(
            dict(
                doc_id=doc_id,
                source_path=f"corpus/demo/{doc_id}.md",
                dossier="28676",
                number=number,
                vergaderjaar=f"{letter.year - (letter.month < 9)}-{letter.year + (letter.month >= 9)}",
                title=("Geannoteerde agenda " if planned else "Verslag ")
                + f"NAVO-bijeenkomst {mtype} {nl_date(start)}",
                doc_kind="geannoteerde_agenda" if planned else "verslag",
                letter_date=letter,
                signatory="H.G.J. Bruins Slot",
                ministry="Buitenlandse Zaken",
                source_format="markdown",
                sha256=hashlib.sha256(text.encode()).hexdigest(),
                is_synthetic=synthetic,
                signatory_role="Minister van Buitenlandse Zaken",
                source_url=None,
                n_paragraphs=len(paragraphs),
                n_chars=len(text),
                text=text,
            )
        )
    rows["rejects"].append(dict(source_path="corpus/demo/broken.pdf", reason="unsupported format"))
    build = new_build_dir(out)
    for table in TABLES:
        write_table(build, table, frame(table, rows[table]))
    publish(out, build, {"source": "tests/dashboard_data.py", "n_docs": n_docs, "seed": seed})
