"""Bilaterals: a world map of talks per country, top partners over time, every talk in a table."""

from __future__ import annotations

from typing import Any

from dash import Dash, dcc, html

from dashboard.components import chart_card, ctl
from dashboard.data import Data, DataStore
from dashboard.figures import country_name
from dashboard.i18n import t
from dashboard.queries import bilateral_counts
from dashboard.state import State as ViewState


def layout(data: Data, st: ViewState, topo: str) -> list[Any]:
    """The bilaterals page."""
    lang = st.lang
    counts = bilateral_counts(data.bilaterals)
    options = sorted(
        (
            {"label": country_name(iso, name, lang), "value": iso}
            for iso, name in counts.select("country_iso2", "country_name").iter_rows()
        ),
        key=lambda o: o["label"],
    )
    if st.country and st.country not in {o["value"] for o in options}:
        options.append({"label": country_name(st.country, None, lang), "value": st.country})
    controls = html.Div(
        html.Div(
            [
                html.Label(t("country", lang), className="label"),
                dcc.Dropdown(
                    id=ctl("country"),
                    options=options,
                    value=st.country,
                    placeholder=t("all_countries", lang),
                    clearable=True,
                ),
            ],
            className="control control-wide",
        ),
        className="controls",
    )
    return [
        controls,
        html.Div(
            [
                chart_card("map", t("map", lang), t("map_note", lang), st, topo),
                chart_card("partners", t("partners", lang), "", st, topo),
            ],
            className="two-col",
        ),
        chart_card("bilateral_table", t("bilateral_table", lang), "", st, topo, table_only=True),
    ]


def register(app: Dash, store: DataStore) -> None:
    """No view-specific callbacks: the charts' own callbacks cover this view."""
