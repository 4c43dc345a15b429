"""Load the editable topic taxonomy (etl/taxonomy.yaml) and match it against text."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from etl.datafiles import load_yaml_text
from etl.patterns import Combined, combine
from etl.textutil import fold

DEFAULT_PATH = Path(__file__).with_name("taxonomy.yaml")


@dataclass(frozen=True)
class Topic:
    """One topic: id, labels and the regular expressions that find it."""

    id: str
    label_nl: str
    label_en: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    """All topics plus one combined pattern that finds them all (the first listed wins a tie)."""

    topics: tuple[Topic, ...]
    matcher: Combined

    def ids(self) -> list[str]:
        return [t.id for t in self.topics]

    def label(self, topic_id: str, lang: str = "nl") -> str:
        for t in self.topics:
            if t.id == topic_id:
                return t.label_nl if lang == "nl" else t.label_en
        return topic_id

    def scan(self, folded: str) -> list[tuple[int, str, str]]:
        """(offset, topic id, matched word) of every topic mention in already folded text."""
        keys = self.matcher.keys
        return [
            (m.start(), keys[m.lastindex - 1], m.group())
            for m in self.matcher.regex.finditer(folded)
        ]  # type: ignore[operator]

    def find(self, text: str) -> dict[str, list[str]]:
        """Topic id → matched words in `text`, in order of first appearance."""
        hits: dict[str, list[str]] = {}
        for _, tid, word in self.scan(fold(text)):
            hits.setdefault(tid, []).append(word)
        return hits


def taxonomy_path() -> Path:
    """The taxonomy file in use: $NAVO_TAXONOMY, else the one beside this module."""
    return Path(os.environ.get("NAVO_TAXONOMY", DEFAULT_PATH))


def parse_taxonomy(text: str) -> Taxonomy:
    """Validate and compile a taxonomy from YAML text; raises ValueError on a bad entry."""
    data = load_yaml_text(text) or {}
    topics: list[Topic] = []
    seen: set[str] = set()
    for i, entry in enumerate(data.get("topics") or []):
        tid = str(entry.get("id", "")).strip()
        if not re.fullmatch(r"[a-z][a-z0-9_]*", tid):
            raise ValueError(f"topic #{i + 1}: id {tid!r} must be lowercase snake_case")
        if tid in seen:
            raise ValueError(f"topic {tid!r} appears twice")
        seen.add(tid)
        patterns = tuple(str(p) for p in entry.get("patterns") or [])
        if not patterns:
            raise ValueError(f"topic {tid!r} has no patterns")
        for p in patterns:
            try:
                re.compile(p)
            except re.error as e:
                raise ValueError(f"topic {tid!r}: bad pattern {p!r}: {e}") from e
            # text is matched lowercased (and without IGNORECASE, which is twice as slow)
            if re.search(r"[A-Z]", re.sub(r"\\.", "", p)):
                raise ValueError(f"topic {tid!r}: write pattern {p!r} in lowercase")
        topics.append(
            Topic(
                tid, str(entry.get("label_nl") or tid), str(entry.get("label_en") or tid), patterns
            )
        )
    # matches start at a word; no pattern should begin with \w* (it makes matching slow)
    matcher = combine(((p, t.id) for t in topics for p in t.patterns), lead=r"(?<!\w)(?=\w)")
    return Taxonomy(tuple(topics), matcher)


@lru_cache(maxsize=4)
def _load(path: str, mtime: float) -> Taxonomy:
    return parse_taxonomy(Path(path).read_text(encoding="utf-8"))


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The taxonomy at `path` (default: taxonomy_path()), reloaded when the file changes."""
    p = path or taxonomy_path()
    return _load(str(p), p.stat().st_mtime)
