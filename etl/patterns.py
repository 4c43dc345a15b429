"""Many regular expressions as one fast compiled pattern that says which of them matched."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Combined:
    """One compiled alternation; `keys[m.lastindex - 1]` is the key of the pattern that matched."""

    regex: re.Pattern[str]
    keys: tuple[str, ...]

    def key(self, m: re.Match[str]) -> str:
        return self.keys[(m.lastindex or 1) - 1]


def _first_chars(items: list) -> tuple[set[str] | None, bool]:
    """The characters a parsed pattern can start with (None: any) and whether it can be empty."""
    out: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            return out | {chr(av)}, False
        if op is sre.IN:
            chars: set[str] = set()
            for o, a in av:
                if o is sre.LITERAL:
                    chars.add(chr(a))
                elif o is sre.RANGE:
                    chars |= {chr(x) for x in range(a[0], a[1] + 1)}
                elif o is sre.CATEGORY and a is sre.CATEGORY_DIGIT:
                    chars |= set("0123456789")
                else:
                    return None, False
            return out | chars, False
        if op is sre.SUBPATTERN:
            first, empty = _first_chars(av[3])
        elif op is sre.BRANCH:
            first, empty = set(), False
            for alt in av[1]:
                f, e = _first_chars(alt)
                if f is None:
                    return None, False
                first |= f
                empty |= e
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT):
            first, empty = _first_chars(av[2])
            empty = empty or av[0] == 0
        elif op is sre.AT:
            continue
        else:
            return None, False
        if first is None:
            return None, False
        out |= first
        if not empty:
            return out, False
    return out, True


def _literal_lead(pattern: str) -> str | None:
    """The pattern's first character when it is a plain, unrepeated one outside any alternation.

    A leading \\b counts as part of that character ("\\bsteun" → "\\bs").
    """
    if pattern.startswith("\\b"):
        c = _literal_lead(pattern[2:])
        return None if c is None else "\\b" + c
    if not pattern or not pattern[0].isalnum() or pattern[1:2] in ("?", "*", "+", "{"):
        return None
    depth, escaped, in_class = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return None
    return pattern[0]


def combine(patterns: Iterable[tuple[str, str]], lead: str = "") -> Combined:
    """Compile (pattern, key) pairs into one alternation that keeps their order of preference.

    Python's regex engine tries alternatives one by one, but skips at once an alternative that
    starts with a character other than the one at hand. So patterns are grouped by their first
    character ("o(?:ekrai\\w*|ostflank\\w*)"), which makes a large taxonomy several times faster
    to match. A pattern keeps its place before any later one that could match at the same spot,
    so the first pattern (in the given order) that matches still wins. `lead` is put before it all
    (e.g. "(?<!\\w)" to match at word starts only).
    """
    pairs = list(patterns)
    if pairs and all(p.startswith("\\b") for p, _ in pairs):
        # a \\b that every pattern starts with is tested once, before the alternatives
        lead += "\\b"
        pairs = [(p[2:], key) for p, key in pairs]
    # items: [first chars or None for any, the lead character of a group or None, members]
    items: list[tuple[set[str] | None, str | None, list[tuple[str, str]]]] = []
    for pattern, key in pairs:
        c = _literal_lead(pattern)
        if c is None:
            first, empty = _first_chars(list(sre_parse.parse(pattern)))
            items.append((None if empty else first, None, [(pattern, key)]))
            continue
        last = next((it for it in reversed(items) if it[0] is None or c[-1] in it[0]), None)
        if last is not None and last[1] == c:
            last[2].append((pattern[len(c) :], key))
        else:
            items.append(({c[-1]}, c, [(pattern[len(c) :], key)]))
    if lead.endswith("\\b") and all(
        first is not None and all(ch.isalnum() or ch == "_" for ch in first)
        for first, _, _ in items
    ):
        # every match starts with a word character, so \\b there means no word character before:
        # testing only that skips the ends of words
        lead = lead[:-2] + "(?<!\\w)"
    keys: list[str] = []
    parts: list[str] = []
    for _, c, members in items:
        # an empty group after each pattern: m.lastindex says which one matched
        keys += [key for _, key in members]
        if c is None:
            parts.append(f"(?:{members[0][0]})()")
        else:
            # "\\bs…" as "s(?<!\\w.)…": the character first, so that other groups are skipped fast
            head = f"{c[-1]}(?<!\\w.)" if c.startswith("\\b") else re.escape(c)
            parts.append(f"{head}(?:{'|'.join(f'{rest}()' for rest, _ in members)})")
    return Combined(re.compile(f"{lead}(?:{'|'.join(parts)})"), tuple(keys))
