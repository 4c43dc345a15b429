"""Overview: headline counts, every meeting on a timeline, the topics that rose and fell most."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, html

from dashboard.components import chart_card
from dashboard.data import Data, DataStore, documents_rows, fact_rows, meetings_rows
from dashboard.i18n import fmt_number, t
from dashboard.state import State as ViewState
from dashboard.state import parse_state


def headline(data: Data, st: ViewState) -> list[tuple[str, int]]:
    """(label key, count) for documents, meetings, positions, bilaterals and figures."""
    return [
        ("n_documents", documents_rows(data, st).height),
        ("n_meetings", meetings_rows(data, st)["meeting_id"].n_unique()),
        ("n_positions", fact_rows(data, "positions", st, ["_row"]).height),
        ("n_bilaterals", fact_rows(data, "bilaterals", st, ["_row"]).height),
        ("n_figures", fact_rows(data, "figures", st, ["value"])["value"].count()),
    ]


def headline_cards(data: Data, st: ViewState) -> list[Any]:
    """The headline counts as cards."""
    return [
        html.Div(
            [html.Span(fmt_number(n, st.lang), className="num"), html.Span(t(key, st.lang))],
            className="stat",
        )
        for key, n in headline(data, st)
    ]


def layout(data: Data, st: ViewState, topo: str) -> list[Any]:
    """The overview page."""
    lang = st.lang
    return [
        html.Div(
            headline_cards(data, st), id="headline", className="stats", **{"aria-live": "polite"}
        ),
        html.Div(
            [
                chart_card("timeline", t("timeline", lang), t("timeline_note", lang), st, topo),
                chart_card("movers", t("movers", lang), "", st, topo),
            ],
            className="two-col",
        ),
    ]


def register(app: Dash, store: DataStore) -> None:
    """Callbacks of this view."""

    @app.callback(
        Output("headline", "children"),
        Input("url", "search"),
        Input("rendered", "data"),
        State("url", "pathname"),
        prevent_initial_call=True,
    )
    def _headline(search: str | None, _rendered: Any, pathname: str | None) -> list[Any]:
        data = store.get()
        return headline_cards(data, parse_state(pathname, search, data.topic_ids))
