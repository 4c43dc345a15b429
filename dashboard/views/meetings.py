"""Meetings: a searchable grid of meetings with sessions and source documents; click for details."""

from __future__ import annotations

from typing import Any

import polars as pl
from dash import Dash, Input, Output, State, dcc, html

from dashboard.components import chart_card, ctl, doc_link
from dashboard.data import Data, DataStore
from dashboard.figures import country_name
from dashboard.i18n import MEETING_TYPES, fmt_date, fmt_number, pair, t
from dashboard.state import State as ViewState
from dashboard.state import parse_state


def search_box(key: str, label: str, value: str, box_id: str) -> html.Div:
    """A search field bound to the URL (fires on Enter or leaving the field)."""
    # the input sits inside its <label>, which names it (dcc.Input takes no aria-* props)
    return html.Div(
        html.Label(
            [
                html.Span(label, className="label"),
                dcc.Input(
                    id=ctl(key),
                    type="search",
                    value=value,
                    debounce=True,
                    placeholder=label,
                    className="search",
                    maxLength=200,
                ),
            ],
            id=box_id,
        ),
        className="control control-wide",
    )


def meeting_detail(data: Data, st: ViewState) -> list[Any]:
    """Everything extracted about the selected meeting."""
    lang = st.lang
    if not st.meeting:
        return [html.P(t("click_meeting", lang), className="hint")]
    m = data.meetings.filter(pl.col("meeting_id") == st.meeting)
    if m.is_empty():
        return [html.P(t("doc_not_found", lang, st.meeting), className="hint")]
    row = m.row(0, named=True)
    topics = (
        data.topics.filter(pl.col("meeting_id") == st.meeting)
        .group_by("topic_id")
        .len()
        .sort(["len", "topic_id"], descending=[True, False])
    )
    partners = data.bilaterals.filter(pl.col("meeting_id") == st.meeting)
    n_pos = data.positions.filter(pl.col("meeting_id") == st.meeting).height
    where = ", ".join(x for x in (row["city"], row["country_iso2"]) if x) or "—"
    docs: list[Any] = []
    for i, d in enumerate(row["doc_ids"] or []):
        docs += ([", "] if i else []) + [doc_link(d, st)]
    return [
        html.H2(t("meeting_detail", lang, fmt_date(row["start_date"], lang)), id="meeting-title"),
        html.P(
            [
                pair(MEETING_TYPES, row["meeting_type"], lang),
                " · ",
                where,
                " · ",
                t("col_sessions", lang),
                ": ",
                fmt_number(row["n_sessions"], lang),
            ],
            className="meta",
        ),
        html.P(row["evidence"] or "", className="passage-text"),
        html.P([t("col_docs", lang), ": ", *docs], className="meta"),
        html.P(
            [t("topics", lang), ": "]
            + [", ".join(f"{data.label(tp, lang)} ({n})" for tp, n in topics.iter_rows())],
            className="meta",
        ),
        html.P(
            [t("n_bilaterals", lang), ": "]
            + [
                ", ".join(
                    sorted(
                        {
                            country_name(i, n, lang)
                            for i, n in partners.select("country_iso2", "country_name").iter_rows()
                            if i
                        }
                    )
                )
            ],
            className="meta",
        ),
        html.P(f"{t('n_positions', lang)}: {fmt_number(n_pos, lang)}", className="meta"),
    ]


def layout(data: Data, st: ViewState, topo: str) -> list[Any]:
    """The meetings page."""
    lang = st.lang
    return [
        html.Div(
            search_box("q", t("search_meetings", lang), st.q, "meetings-search"),
            className="controls",
        ),
        chart_card("meetings_table", t("meetings_table", lang), "", st, topo, table_only=True),
        html.Section(
            meeting_detail(data, st),
            id="meeting-detail",
            className="card",
            **{"aria-live": "polite"},
        ),
    ]


def register(app: Dash, store: DataStore) -> None:
    """Callbacks of this view."""

    @app.callback(
        Output("meeting-detail", "children"),
        Input("url", "search"),
        Input("rendered", "data"),
        State("url", "pathname"),
        prevent_initial_call=True,
    )
    def _detail(search: str | None, _rendered: Any, pathname: str | None) -> list[Any]:
        data = store.get()
        return meeting_detail(data, parse_state(pathname, search, data.topic_ids))
