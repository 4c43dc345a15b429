"""etl.patterns.combine must find exactly what the plain alternation of its patterns finds."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.datafiles import load_yaml
from etl.extract.positions import STANCES_PATH, stance_pattern
from etl.patterns import combine
from etl.taxonomy import load_taxonomy
from etl.textutil import fold

# Overlapping prefixes, patterns that do not start with a plain letter (they must keep their
# place between the grouped ones), a leading \b, alternation inside and at the top level.
POOL = [
    r"navo-?rusland\w*",
    r"navo-?norm",
    r"(?:navo|nato)\b[^.;]{0,8}\beu\b",
    r"nato",
    r"na",
    r"\bna\w+",
    r"a|b",
    r"\d+(?:,\d+)?\s?%",
    r"(?:twee|drie)\s?procent",
    r"e?u",
    r"eu\b",
    r"\beu-navo",
    r"r\w*",
    r"[rn]u",
    r"ab*",
    r"x",
]
FIXTURES = Path(__file__).parent / "fixtures"
# texts made of pieces of the patterns, so that they often match, and at the same places
PIECES = ["navo", "nato", "-", "rusland", "norm", "eu", "na", "twee", "procent", "%", "12", ",5"]
PIECES += ["ab", "b", "r", "u", "x", ".", ";", " ", " ", "e"]
TEXTS = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


def naive(patterns: list[tuple[str, str]], lead: str = ""):
    """What a plain alternation with a named group per pattern finds (the reference)."""
    rx = re.compile(
        lead + "(?:" + "|".join(f"(?P<g{i}>{p})" for i, (p, _) in enumerate(patterns)) + ")"
    )
    keys = {f"g{i}": k for i, (_, k) in enumerate(patterns)}
    return lambda text: [(m.start(), m.end(), keys[m.lastgroup]) for m in rx.finditer(text)]


def found(patterns: list[tuple[str, str]], lead: str = ""):
    c = combine(patterns, lead=lead)
    return lambda text: [(m.start(), m.end(), c.key(m)) for m in c.regex.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(POOL), min_size=1, max_size=8, unique=True),
    st.lists(TEXTS, min_size=1, max_size=5),
    st.sampled_from(["", r"(?<!\w)", r"\b"]),
)
def test_same_matches_as_plain_alternation(pool: list[str], texts: list[str], lead: str) -> None:
    patterns = [(p, f"k{i % 3}") for i, p in enumerate(pool)]
    want, got = naive(patterns, lead), found(patterns, lead)
    for text in texts:
        assert got(text) == want(text), (patterns, text)


def test_a_pattern_between_two_of_a_group_keeps_its_place() -> None:
    """ "nato" must not jump ahead of the NATO…EU pattern listed before it (both start with n)."""
    patterns = [
        (r"navo-?rusland\w*", "russia"),
        (r"(?:navo|nato)\b[^.;]{0,8}\beu\b", "eu"),
        ("nato", "nato"),
    ]
    assert found(patterns)("de nato en eu; nato") == [(3, 13, "eu"), (15, 19, "nato")]
    assert found(patterns)("de nato en eu; nato") == naive(patterns)("de nato en eu; nato")


def test_every_pattern_led_by_word_boundary() -> None:
    patterns = [
        (r"\bsteun\w*", "supports"),
        (r"\bstel\w*", "states"),
        (r"\b(?:is|was) tegen\b", "o"),
    ]
    text = "wij steunden, hij stelde, zij was tegen; onsteun en herstel niet"
    assert found(patterns)(text) == naive(patterns)(text)
    assert [k for *_, k in found(patterns)(text)] == ["supports", "states", "o"]
    # a pattern that may start with a non-word character: \b there means a word character before
    patterns.append((r"\b(?:-|x)y", "dash"))
    text = "ab-y -y xy steun"
    assert found(patterns)(text) == naive(patterns)(text)
    assert [k for *_, k in found(patterns)(text)] == ["dash", "dash", "supports"]


def _real_texts(seed: Path) -> list[str]:
    paths = [
        *sorted((FIXTURES / "reports").glob("*.md")),
        *sorted((FIXTURES / "reports").glob("*.txt")),
        seed,
    ]
    return [fold(p.read_text(encoding="utf-8", errors="replace")) for p in paths]


def test_taxonomy_matches_as_one_named_group_per_topic(seed_path: Path) -> None:
    """The real taxonomy on real-shaped text: the same hits as the plain alternation."""
    tax = load_taxonomy()
    want = naive([(p, t.id) for t in tax.topics for p in t.patterns], r"(?<!\w)(?=\w)")
    for text in _real_texts(seed_path):
        assert [(s, tid) for s, tid, _ in tax.scan(text)] == [(s, k) for s, _, k in want(text)]


def test_stances_match_as_one_named_group_per_stance(seed_path: Path) -> None:
    entries = sorted(load_yaml(STANCES_PATH)["stances"], key=lambda e: int(e["priority"]))
    want = naive([(str(p), str(e["id"])) for e in entries for p in e["patterns"]])
    stances = stance_pattern()
    hits = 0
    for text in _real_texts(seed_path):
        got = [(m.start(), m.end(), stances.key(m)) for m in stances.regex.finditer(text)]
        assert got == want(text)
        hits += len(got)
    assert hits > 100
