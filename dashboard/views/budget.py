"""Budget figures: amounts by currency over time, percentages against the norms, every figure."""

from __future__ import annotations

from typing import Any

from dash import Dash, dcc, html

from dashboard.components import chart_card, ctl
from dashboard.data import Data, DataStore
from dashboard.i18n import t
from dashboard.state import State as ViewState


def layout(data: Data, st: ViewState, topo: str) -> list[Any]:
    """The budget figures page."""
    lang = st.lang
    log_switch = dcc.Checklist(
        id=ctl("log"),
        options=[{"label": t("log", lang), "value": "1"}],
        value=["1"] if st.log else [],
        inline=True,
        className="radio",
    )
    return [
        html.Div(
            [
                chart_card(
                    "amounts",
                    t("amounts", lang),
                    t("amounts_note", lang),
                    st,
                    topo,
                    extra=[log_switch],
                ),
                chart_card(
                    "percentages", t("percentages", lang), t("percentages_note", lang), st, topo
                ),
            ],
            className="two-col",
        ),
        chart_card("figure_table", t("figure_table", lang), "", st, topo, table_only=True),
    ]


def register(app: Dash, store: DataStore) -> None:
    """No view-specific callbacks."""
