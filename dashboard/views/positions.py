"""Dutch positions: statements on a topic by stance over time, and what changed between them."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, dcc, html

from dashboard.components import chart_card, ctl, doc_link, radio
from dashboard.data import Data, DataStore, take
from dashboard.diff import render_diff
from dashboard.i18n import STANCES, fmt_date, fmt_number, pair, t
from dashboard.queries import changes, focus_topic, n_changes, positions_for, recent_papers
from dashboard.state import State as ViewState
from dashboard.state import parse_state

MAX_PAIRS = 8  # statement pairs compared and shown, newest first


def _side(row: dict, st: ViewState) -> html.Div:
    lang = st.lang
    planned = f" · {t('planned_planned', lang)}" if row.get("is_planned") else ""
    return html.Div(
        [
            html.P(
                [
                    fmt_date(row["_date"], lang),
                    " · ",
                    pair(STANCES, row["stance"], lang),
                    planned,
                    " · ",
                    doc_link(row["doc_id"], st),
                ],
                className="meta",
            ),
            html.P(row["text"] or "", className="passage-text"),
        ],
        className="side",
    )


def changes_panel(data: Data, st: ViewState) -> list[Any]:
    """Statement pairs side by side, with the word diff under them."""
    lang = st.lang
    # only the papers the newest pairs come from are read in full
    papers = positions_for(data, st, ["_row", "doc_id"])
    rows = take(data, "positions", recent_papers(papers, MAX_PAIRS + 1)["_row"])
    pairs = changes(rows, MAX_PAIRS)
    head: list[Any] = [
        html.H2(t("what_changed", lang), id="changes-title"),
        html.P(t("what_changed_note", lang), className="note"),
    ]
    total = n_changes(papers)
    if total > len(pairs):  # only the newest pairs are compared and shown
        head.append(
            html.P(
                t("latest_pairs", lang, fmt_number(len(pairs), lang), fmt_number(total, lang)),
                className="note",
                id="changes-cap",
            )
        )
    if not pairs:
        return head + [html.P(t("no_pairs", lang), className="hint")]
    items = [
        html.Article(
            [
                html.Div([_side(a, st), _side(b, st)], className="pair-sides"),
                html.P(render_diff(a["text"], b["text"]), className="diff"),
            ],
            className="pair",
        )
        for a, b in pairs
    ]
    return head + items


def layout(data: Data, st: ViewState, topo: str) -> list[Any]:
    """The positions page."""
    lang = st.lang
    topic = focus_topic(data, st)
    controls = html.Div(
        [
            html.Div(
                [
                    html.Label(t("focus_topic", lang), className="label"),
                    dcc.Dropdown(
                        id=ctl("topic"),
                        options=[
                            {"label": data.label(i, lang), "value": i} for i in data.topic_ids
                        ],
                        value=st.topic,
                        # the default focus shows as placeholder, so it stays out of the URL
                        placeholder=data.label(topic, lang) if topic else "",
                        clearable=False,
                    ),
                ],
                className="control control-wide",
            ),
            radio(
                "planned",
                t("planned", lang),
                [
                    ("all", t("planned_all", lang)),
                    ("reported", t("planned_reported", lang)),
                    ("planned", t("planned_planned", lang)),
                ],
                st.planned,
            ),
        ],
        className="controls",
    )
    return [
        controls,
        chart_card("stance_timeline", "", t("stance_timeline_note", lang), st, topo),
        chart_card("stance_mix", t("stance_mix", lang), "", st, topo),
        html.Section(
            changes_panel(data, st), id="changes", className="card", **{"aria-live": "polite"}
        ),
    ]


def register(app: Dash, store: DataStore) -> None:
    """Callbacks of this view."""

    @app.callback(
        Output("changes", "children"),
        Input("url", "search"),
        Input("rendered", "data"),
        State("url", "pathname"),
        prevent_initial_call=True,
    )
    def _changes(search: str | None, _rendered: Any, pathname: str | None) -> list[Any]:
        data = store.get()
        return changes_panel(data, parse_state(pathname, search, data.topic_ids))
