"""Word-level difference of two sentences, rendered as Dash components (never as raw HTML)."""

from __future__ import annotations

import difflib
import re

from dash import html

WORD_RE = re.compile(r"\S+")


def word_diff(a: str, b: str) -> list[tuple[str, str]]:
    """(op, text) runs from sentence a to b: op is "equal", "delete" or "insert"."""
    wa, wb = WORD_RE.findall(a or ""), WORD_RE.findall(b or "")
    ops: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if tag == "equal":
            ops.append(("equal", " ".join(wa[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            ops.append(("delete", " ".join(wa[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(("insert", " ".join(wb[j1:j2])))
    return ops


def render_diff(a: str, b: str) -> list[html.Span | html.Del | html.Ins | str]:
    """The diff as text pieces: deleted words in html.Del, inserted in html.Ins."""
    out: list[html.Span | html.Del | html.Ins | str] = []
    for k, (op, text) in enumerate(word_diff(a, b)):
        if k:
            out.append(" ")
        if op == "equal":
            out.append(html.Span(text))
        elif op == "delete":
            out.append(html.Del(text, className="diff-del"))
        else:
            out.append(html.Ins(text, className="diff-ins"))
    return out
