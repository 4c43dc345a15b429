"""Countries and cities as Dutch letters name them (pycountry's Dutch names plus etl/*.yaml)."""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

from etl.datafiles import load_yaml
from etl.textutil import fold

HERE = Path(__file__).parent


@dataclass(frozen=True, slots=True)
class Mention:
    """A country named in a text: where, which, and whether by adjective ("Duitse")."""

    start: int
    end: int
    iso2: str
    form: str
    is_adjective: bool


@dataclass(frozen=True)
class Gazetteer:
    """Compiled matchers for country names, adjectives and meeting cities."""

    country_re: re.Pattern[str]
    country_of: dict[str, str]
    adjectives: frozenset[str]
    city_re: re.Pattern[str]
    city_of: dict[str, tuple[str, str]]
    dutch_name: dict[str, str]
    person_re: re.Pattern[str]
    person_of: dict[str, str]

    def people(self, text: str) -> list[Mention]:
        """Leaders named without their country ("president Zelensky"), as country mentions."""
        folded = fold(text)
        return [
            Mention(
                m.start(), m.end(), self.person_of[m.group(0)], text[m.start() : m.end()], False
            )
            for m in self.person_re.finditer(folded)
        ]

    def countries(self, text: str) -> list[Mention]:
        """Every country mention in `text`, left to right."""
        folded = fold(text)
        out = []
        for m in self.country_re.finditer(folded):
            key = m.group(0)
            out.append(
                Mention(
                    m.start(),
                    m.end(),
                    self.country_of[key],
                    text[m.start() : m.end()],
                    key in self.adjectives,
                )
            )
        return out

    def cities(self, text: str) -> list[tuple[int, str, str]]:
        """(position, canonical Dutch name, ISO-2) of every known meeting city in `text`."""
        return [(m.start(), *self.city_of[m.group(0)]) for m in self.city_re.finditer(fold(text))]

    def name(self, iso2: str) -> str:
        """Dutch name of a country."""
        return self.dutch_name.get(iso2, iso2)


def _iso2(key: object) -> str:
    # YAML reads an unquoted NO (Norway) as false: insist on codes
    code = str(key)
    if not re.fullmatch(r"[A-Z]{2}", code):
        raise ValueError(f"countries.yaml: {code!r} is not an ISO 3166-1 alpha-2 code (quote 'NO')")
    return code


def _alternation(keys: list[str]) -> str:
    """One pattern for many literal keys, as a trie: a flat alternation of ~400 names is ~20x
    slower to match (the engine tries every name at every position)."""
    root: dict = {}
    for key in keys:
        node = root
        for ch in key:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # greedy: the longest name wins ("de VS" over "VS", "Noord-Macedonië" over "Macedonië")
        return f"(?:{body})?" if "" in node else body

    return emit(root)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, built once per process."""
    nl = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"], fallback=True)
    country_of: dict[str, str] = {}
    dutch_name: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("common_name", "name"):
            english = getattr(c, attr, None)
            if not english:
                continue
            dutch = nl.gettext(english)
            if "," not in dutch and len(dutch) >= 4:
                country_of.setdefault(fold(dutch), c.alpha_2)
                dutch_name.setdefault(c.alpha_2, dutch)
    extra = load_yaml(HERE / "countries.yaml")
    for key, names in (extra.get("names") or {}).items():
        iso2 = _iso2(key)
        for n in names:
            country_of[fold(n)] = iso2
        dutch_name[iso2] = (
            names[0] if iso2 in ("XK", "KR", "MD", "US") else dutch_name.get(iso2, names[0])
        )
    adjectives: set[str] = set()
    for key, forms in (extra.get("adjectives") or {}).items():
        iso2 = _iso2(key)
        for f in forms:
            country_of[fold(f)] = iso2
            adjectives.add(fold(f))
    dutch_name["US"] = "Verenigde Staten"
    country_re = re.compile(rf"(?<![\w]){_alternation(list(country_of))}(?![\w])")

    places = load_yaml(HERE / "places.yaml")
    city_of: dict[str, tuple[str, str]] = {}
    for entry in places.get("cities") or []:
        for n in [entry["canonical"], *(entry.get("aliases") or [])]:
            city_of[fold(n)] = (entry["canonical"], _iso2(entry["iso2"]))
    city_re = re.compile(rf"(?<![\w-]){_alternation(list(city_of))}(?![\w])")
    person_of = {
        fold(n): _iso2(k) for k, names in (extra.get("people") or {}).items() for n in names
    }
    person_re = re.compile(rf"(?<![\w-]){_alternation(list(person_of))}(?![\w-])")
    return Gazetteer(
        country_re,
        country_of,
        frozenset(adjectives),
        city_re,
        city_of,
        dutch_name,
        person_re,
        person_of,
    )
