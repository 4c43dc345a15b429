"""Documents: full-text search, and one document as text with every extracted fact highlighted."""

from __future__ import annotations

from typing import Any

import polars as pl
from dash import Dash, Input, Output, State, dcc, html

from dashboard.components import chart_card, official_url
from dashboard.data import Data, DataStore, take
from dashboard.figures import country_name
from dashboard.i18n import DOC_KINDS, STANCES, fmt_amount, fmt_date, fmt_percent, pair, t
from dashboard.state import State as ViewState
from dashboard.state import href, parse_state
from dashboard.views.meetings import search_box

Span = tuple[int, int, str, str]  # (start, end, kind, label)
KINDS = ("meeting", "position", "bilateral", "figure")


def _find(text: str, needle: str | None, start: int = 0) -> int:
    return text.find(needle, start) if needle else -1


def fact_spans(data: Data, doc_id: str, text: str, lang: str) -> tuple[list[Span], list[Any]]:
    """Where each extracted fact sits in the text, and the facts as list items."""
    spans: list[Span] = []
    items: dict[str, list[Any]] = {k: [] for k in KINDS + ("topic",)}

    def add(kind: str, needle: str | None, label: str, within: str | None = None) -> None:
        base = _find(text, within) if within else 0
        pos = _find(text, needle, max(base, 0))
        if pos < 0:
            pos = _find(text, needle)
        if pos >= 0 and needle:
            spans.append((pos, pos + len(needle), kind, label))
        note = [] if pos >= 0 else [" ", html.Em(t("not_in_text", lang))]
        items[kind].append(html.Li([label, *note]))

    for (ev,) in (
        data.meetings.filter(pl.col("doc_ids").list.contains(doc_id)).select("evidence").iter_rows()
    ):
        add("meeting", ev, ev or "")
    said = data.positions.filter(pl.col("doc_id") == doc_id)["_row"]
    for text_, stance in take(data, "positions", said, ["text", "stance"]).iter_rows():
        add("position", text_, f"{pair(STANCES, stance, lang)}: {text_}")
    for iso, name, ev in (
        data.bilaterals.filter(pl.col("doc_id") == doc_id)
        .select("country_iso2", "country_name", "evidence")
        .iter_rows()
    ):
        add("bilateral", ev, f"{country_name(iso or '', name, lang)}: {ev}")
    for kind, value, cur, raw, ev in (
        data.figures.filter(pl.col("doc_id") == doc_id)
        .select("kind", "value", "currency", "raw", "evidence")
        .iter_rows()
    ):
        shown = fmt_percent(value, lang) if kind == "percentage" else fmt_amount(value, cur, lang)
        add("figure", raw, f"{shown} — “{raw}”", within=ev)
    topics = (
        data.topics.filter(pl.col("doc_id") == doc_id).group_by("topic_id").len().sort("topic_id")
    )
    items["topic"] = [html.Li(f"{data.label(tp, lang)} ({n})") for tp, n in topics.iter_rows()]
    facts = []
    for kind in KINDS + ("topic",):
        if items[kind]:
            facts.append(
                html.Div(
                    [
                        html.H3(
                            [html.Span(className=f"swatch hl-{kind}"), t(f"kind_{kind}", lang)]
                        ),
                        html.Ul(items[kind]),
                    ],
                    className="fact-group",
                )
            )
    return spans, facts


def highlight(text: str, spans: list[Span]) -> list[Any]:
    """The text as strings and html.Mark pieces (never parsed as HTML); overlaps keep the first."""
    out: list[Any] = []
    pos = 0
    for start, end, kind, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < pos:
            continue
        if start > pos:
            out.append(text[pos:start])
        out.append(html.Mark(text[start:end], className=f"hl hl-{kind}", title=label[:300]))
        pos = end
    if pos < len(text):
        out.append(text[pos:])
    return out


def doc_view(data: Data, st: ViewState) -> list[Any]:
    """One document: metadata, official link, facts and highlighted text."""
    lang = st.lang
    back = dcc.Link(t("back_to_list", lang), href=href("/documents", st, q=st.q), className="back")
    row = data.documents.filter(pl.col("doc_id") == st.doc)
    if row.is_empty():
        return [
            back,
            html.P(t("doc_not_found", lang, st.doc), className="notice", id="doc-missing"),
        ]
    doc = row.row(0, named=True)
    text = doc["text"] or ""
    spans, facts = fact_spans(data, doc["doc_id"], text, lang)
    link = official_url(doc["doc_id"], doc["source_url"], bool(doc["is_synthetic"]))
    meta = [
        fmt_date(doc["letter_date"], lang),
        pair(DOC_KINDS, doc["doc_kind"], lang),
        doc["signatory"] or "",
        doc["doc_id"],
    ]
    return [
        back,
        html.H2(doc["title"] or doc["doc_id"], id="doc-title"),
        html.P(" · ".join(m for m in meta if m), className="meta"),
        html.P(
            html.A(
                t("official", lang) + " ↗", href=link, target="_blank", rel="noopener noreferrer"
            )
        )
        if link
        else None,
        html.Div(
            [
                html.Div([html.H3(t("facts", lang)), *facts], className="facts"),
                html.Div(
                    [
                        html.H3(t("doc_text", lang)),
                        html.Div(highlight(text, spans), id="doc-text", className="doc-text"),
                    ],
                    className="doc-body",
                ),
            ],
            className="doc-grid",
        ),
    ]


def layout(data: Data, st: ViewState, topo: str) -> list[Any]:
    """The documents page (list + search, or one document)."""
    lang = st.lang
    showing_doc = bool(st.doc)
    return [
        html.Div(search_box("q", t("search_docs", lang), st.q, "doc-search"), className="controls"),
        html.Div(
            chart_card("documents_table", t("nav_documents", lang), "", st, topo, table_only=True),
            id="doc-list",
            style={"display": "none"} if showing_doc else {},
        ),
        html.Section(
            doc_view(data, st) if showing_doc else [],
            id="doc-view",
            className="card",
            style={} if showing_doc else {"display": "none"},
        ),
    ]


def register(app: Dash, store: DataStore) -> None:
    """Callbacks of this view."""

    @app.callback(
        Output("doc-view", "children"),
        Output("doc-view", "style"),
        Output("doc-list", "style"),
        Input("url", "search"),
        Input("rendered", "data"),
        State("url", "pathname"),
        prevent_initial_call=True,
    )
    def _doc(search: str | None, _rendered: Any, pathname: str | None) -> tuple[Any, dict, dict]:
        data = store.get()
        st = parse_state(pathname, search, data.topic_ids)
        if st.doc:
            return doc_view(data, st), {}, {"display": "none"}
        return [], {"display": "none"}, {}
