"""Topics: topic × time heatmap (click a cell for its passages) and lines for chosen topics."""

from __future__ import annotations

from typing import Any

import polars as pl
from dash import Dash, Input, Output, State, dcc, html

from dashboard.components import chart_card, ctl, doc_link, passage_card, radio
from dashboard.data import Data, DataStore, base_filters, restore
from dashboard.i18n import fmt_date, t
from dashboard.queries import period_dates, topic_period
from dashboard.state import State as ViewState
from dashboard.state import parse_state

MAX_PASSAGES = 50


def cell_passages(data: Data, st: ViewState) -> pl.DataFrame:
    """The passages behind the selected heatmap cell (topic, period), oldest first."""
    if not st.cell:
        return data.topics.clear()
    topic, period = st.cell
    try:
        lo, hi = period_dates(period)  # the cell's own grain, whatever is shown
    except ValueError:  # year 0000: a valid-looking key no date has
        return data.topics.clear()
    # lazily, so that only the matching passages are copied, not every passage of the period
    rows = (
        data.topics.lazy()
        .filter(
            *base_filters(st), (pl.col("topic_id") == topic) & pl.col("_date").is_between(lo, hi)
        )
        .sort(["_date", "doc_id", "paragraph_index"], nulls_last=True, maintain_order=True)
        .collect()
    )
    return restore(data, "topics", rows)


def passages_panel(data: Data, st: ViewState) -> list[Any]:
    """Heading and passage cards for the selected cell."""
    lang = st.lang
    if not st.cell:
        return [html.P(t("passages_hint", lang), className="hint")]
    rows = cell_passages(data, st)
    topic, period = st.cell
    items = [
        passage_card(
            ev or "",
            [fmt_date(d, lang), " · ", sec or "", " · ", doc_link(doc, st)],
        )
        for ev, d, sec, doc in rows.head(MAX_PASSAGES)
        .select("evidence", "_date", "section", "doc_id")
        .iter_rows()
    ]
    head = [
        html.H3(t("passages", lang, data.label(topic, lang), period), id="passages-title"),
    ]
    if rows.height > MAX_PASSAGES:
        head.append(html.P(t("showing", lang, MAX_PASSAGES, rows.height), className="note"))
    if not items:
        head.append(html.P(t("empty_chart", lang), className="note"))
    return head + [html.Div(items, className="passages-list")]


def cell_options(data: Data, st: ViewState) -> list[dict[str, str]]:
    """Every non-empty heatmap cell as a dropdown option: the keyboard's way to pick one."""
    frame = topic_period(data, st).filter(pl.col("passages") > 0)
    options = [
        {"label": f"{data.label(tp, st.lang)} · {p} ({n})", "value": f"{tp}:{p}"}
        for tp, p, n in frame.select("topic_id", "period", "passages").iter_rows()
    ]
    if st.cell and f"{st.cell[0]}:{st.cell[1]}" not in {o["value"] for o in options}:
        value = ":".join(st.cell)
        options.append(
            {"label": f"{data.label(st.cell[0], st.lang)} · {st.cell[1]}", "value": value}
        )
    return options


def cell_picker(data: Data, st: ViewState) -> html.Div:
    """A searchable dropdown of cells, bound to the URL like a click on the heatmap."""
    return html.Div(
        html.Label(
            [
                html.Span(t("pick_cell", st.lang), className="label"),
                dcc.Dropdown(
                    id=ctl("cell"),
                    options=cell_options(data, st),
                    value=":".join(st.cell) if st.cell else None,
                    clearable=True,
                    searchable=True,
                ),
            ]
        ),
        className="control control-wide",
    )


def layout(data: Data, st: ViewState, topo: str) -> list[Any]:
    """The topics page."""
    lang = st.lang
    controls = html.Div(
        [
            radio(
                "grain",
                t("grain", lang),
                [("year", t("year", lang)), ("quarter", t("quarter", lang))],
                st.grain,
            ),
            radio(
                "measure",
                t("measure", lang),
                [("count", t("count", lang)), ("share", t("share", lang))],
                st.measure,
            ),
        ],
        className="controls",
    )
    return [
        controls,
        chart_card("heatmap", t("heatmap", lang), t("heatmap_note", lang), st, topo),
        html.Section(
            [
                cell_picker(data, st),
                html.Div(passages_panel(data, st), id="passages", **{"aria-live": "polite"}),
            ],
            className="card",
        ),
        chart_card("lines", t("lines", lang), t("lines_note", lang), st, topo),
    ]


def register(app: Dash, store: DataStore) -> None:
    """Callbacks of this view."""

    @app.callback(
        Output("passages", "children"),
        Output(ctl("cell"), "options"),
        Input("url", "search"),
        Input("rendered", "data"),
        State("url", "pathname"),
        prevent_initial_call=True,
    )
    def _passages(search: str | None, _rendered: Any, pathname: str | None) -> tuple[Any, Any]:
        data = store.get()
        st = parse_state(pathname, search, data.topic_ids)
        return passages_panel(data, st), cell_options(data, st)
