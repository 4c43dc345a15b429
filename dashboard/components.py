"""Shared layout pieces: chart cards, grids, sources notes, document links, the filter bar."""

from __future__ import annotations

from typing import Any

import dash_ag_grid as dag
from dash import dcc, html

from dashboard.charts import Column
from dashboard.data import Data
from dashboard.i18n import MEETING_TYPES, pair, t
from dashboard.state import MEETING_TYPES as TYPE_IDS
from dashboard.state import State, control_value, href

N_SOURCES = 5  # document ids named in a sources note; the rest are counted
GRAPH_CLICKS = {"heatmap": "cell", "map": "country"}  # chart → URL parameter its clicks set
ROW_CLICKS = {"meetings_table": ("meeting", "meeting_id")}  # grid → (parameter, row id field)


def ctl(key: str) -> dict[str, str]:
    """The id of a control whose value lives in the URL (see app.sync)."""
    return {"type": "ctl", "key": key}


def click_id(key: str) -> dict[str, str]:
    """The id of a chart whose clicks set a URL parameter (cell, country)."""
    return {"type": "click", "key": key}


def grid_click_id(key: str) -> dict[str, str]:
    """The id of a grid whose row clicks set a URL parameter (meeting)."""
    return {"type": "gridclick", "key": key}


def graph_id(chart_id: str) -> str | dict[str, str]:
    """The dcc.Graph id of a chart (a pattern id when its clicks go to the URL)."""
    key = GRAPH_CLICKS.get(chart_id)
    return click_id(key) if key else f"{chart_id}-graph"


def grid_id(chart_id: str) -> str | dict[str, str]:
    """The grid id of a chart's table (a pattern id when its row clicks go to the URL)."""
    row = ROW_CLICKS.get(chart_id)
    return grid_click_id(row[0]) if row else f"{chart_id}-grid"


def doc_href(doc_id: str, st: State) -> str:
    """The document view of one paper, keeping the global filters."""
    return href("/documents", st, doc=doc_id)


def doc_link(doc_id: str, st: State) -> dcc.Link:
    """A link to the document view."""
    return dcc.Link(doc_id, href=doc_href(doc_id, st), className="doc-link")


def official_url(doc_id: str, source_url: str | None, is_synthetic: bool = False) -> str | None:
    """The official publication of a paper: source_url, else the KOOP page of a kst- id.

    A synthetic demo document has no official publication, so it gets no link.
    """
    if is_synthetic:
        return None
    if source_url and source_url.startswith(("https://", "http://")):
        return source_url
    if doc_id.startswith("kst-"):
        return f"https://zoek.officielebekendmakingen.nl/{doc_id}.html"
    return None


def sources_note(doc_ids: list[str], st: State) -> list[Any]:
    """ "Sources: 37 documents — kst-…, kst-… and 32 more" with links to the document view."""
    if not doc_ids:
        return [t("sources_none", st.lang)]
    parts: list[Any] = [t("sources", st.lang, len(doc_ids)), ": "]
    for i, doc in enumerate(doc_ids[:N_SOURCES]):
        if i:
            parts.append(", ")
        parts.append(doc_link(doc, st))
    if len(doc_ids) > N_SOURCES:
        parts.append(" " + t("more", st.lang, len(doc_ids) - N_SOURCES))
    return parts


def column_defs(columns: list[Column], lang: str, st: State) -> list[dict]:
    """ag-grid column definitions: Dutch dates and numbers, wrapped long text, document links."""
    query = href("", st).lstrip("?")
    defs = []
    for field, header, kind in columns:
        d: dict[str, Any] = {"field": field, "headerName": t(header, lang), "flex": 1}
        if kind == "date":
            d["valueFormatter"] = {"function": f"navoDate(params.value, '{lang}')"}
            d["minWidth"] = 175
        elif kind in ("int", "num"):
            d["valueFormatter"] = {"function": f"navoNumber(params.value, '{lang}')"}
            d["type"] = "numericColumn"
            d["filter"] = "agNumberColumnFilter"
            d["minWidth"] = 140 if kind == "num" else 100
        elif kind == "mid":
            d.update(flex=1.5, wrapText=True, autoHeight=True, minWidth=160)
        elif kind == "long":
            d.update(flex=3, wrapText=True, autoHeight=True, minWidth=280)
            d["cellStyle"] = {"lineHeight": "1.35", "paddingTop": "6px", "paddingBottom": "6px"}
        elif kind in ("doc", "docs"):
            d["cellRenderer"] = "NavoDocLinks"
            d["cellRendererParams"] = {"query": query}
            d["minWidth"] = 150
        defs.append(d)
    return defs


def grid(grid_id: str | dict, page_size: int = 15, **kw: Any) -> dag.AgGrid:
    """A sortable, filterable, paginated grid."""
    return dag.AgGrid(
        id=grid_id,
        rowData=[],
        columnDefs=[],
        defaultColDef={"sortable": True, "filter": True, "resizable": True, "minWidth": 115},
        dashGridOptions={
            "pagination": True,
            "paginationPageSize": page_size,
            "paginationPageSizeSelector": False,
            "domLayout": "autoHeight",
            "enableCellTextSelection": True,
            "ensureDomOrder": True,
        },
        className="grid",
        **kw,
    )


def graph_config(chart_id: str, topojson_url: str) -> dict:
    """Mode bar: PNG at 2×; the world map's shapes come from our own assets (works offline)."""
    return {
        "displaylogo": False,
        "responsive": True,
        "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
        "toImageButtonOptions": {"format": "png", "filename": f"navo-{chart_id}", "scale": 2},
        "topojsonURL": topojson_url,
    }


def chart_card(
    chart_id: str,
    title: str,
    note: str,
    st: State,
    topojson_url: str,
    table_only: bool = False,
    extra: list[Any] | None = None,
) -> html.Section:
    """A chart with a chart/table switch, CSV and SVG downloads and a sources note."""
    lang = st.lang
    as_table = table_only or chart_id in st.tables
    tools: list[Any] = []
    if not table_only:
        tools.append(
            dcc.RadioItems(
                id=ctl(f"table:{chart_id}"),
                options=[
                    {"label": t("chart", lang), "value": "chart"},
                    {"label": t("table", lang), "value": "table"},
                ],
                value="table" if as_table else "chart",
                inline=True,
                className="switch",
                inputClassName="switch-input",
            )
        )
    tools.append(html.Button(t("csv", lang), id=f"{chart_id}-csv", className="btn", n_clicks=0))
    if not table_only:
        tools.append(html.Button(t("svg", lang), id=f"{chart_id}-svg", className="btn", n_clicks=0))
    body: list[Any] = []
    if not table_only:
        body.append(
            html.Div(
                dcc.Graph(
                    id=graph_id(chart_id),
                    config=graph_config(chart_id, topojson_url),
                    className="graph",
                ),
                id=f"{chart_id}-graph-wrap",
                className="graph-wrap",
                style={"display": "none"} if as_table else {},
            )
        )
    row = ROW_CLICKS.get(chart_id)
    row_kw = {"getRowId": f"params.data.{row[1]}"} if row else {}
    body.append(
        html.Div(
            grid(grid_id(chart_id), **row_kw),
            id=f"{chart_id}-grid-wrap",
            style={} if as_table else {"display": "none"},
        )
    )
    return html.Section(
        [
            html.Div(
                [
                    html.Div(
                        [
                            html.H2(title, id=f"{chart_id}-title"),
                            html.P(note, id=f"{chart_id}-note", className="note"),
                        ]
                    ),
                    html.Div(tools, className="tools"),
                ],
                className="card-head",
            ),
            *(extra or []),
            *body,
            html.P(id=f"{chart_id}-sources", className="sources"),
            dcc.Download(id=f"{chart_id}-download"),
        ],
        className="card",
        id=f"{chart_id}-card",
        **{"aria-labelledby": f"{chart_id}-title"},
    )


def filter_bar(data: Data, st: State) -> html.Div:
    """Period, meeting types and topics: shared by all views, kept in the URL."""
    lang = st.lang
    lo, hi = data.bounds
    span = hi - lo
    step = 1 if span <= 12 else 2 if span <= 24 else 5
    marks = {y: str(y) for y in range(lo, hi + 1) if (y - lo) % step == 0}
    return html.Div(
        [
            html.Div(
                [
                    html.Label(t("period", lang), htmlFor="period-slider", className="label"),
                    dcc.RangeSlider(
                        id=ctl("period"),
                        min=lo,
                        max=hi,
                        step=1,
                        marks=marks,
                        value=control_value(st, "period", data.bounds),
                        allowCross=False,
                        updatemode="mouseup",
                        tooltip={"placement": "bottom"},
                        className="period",
                    ),
                ],
                className="filter filter-period",
            ),
            html.Div(
                [
                    html.Label(t("meeting_type", lang), className="label"),
                    dcc.Dropdown(
                        id=ctl("type"),
                        options=[
                            {"label": pair(MEETING_TYPES, m, lang), "value": m} for m in TYPE_IDS
                        ],
                        value=list(st.types),
                        multi=True,
                        placeholder=t("all_types", lang),
                    ),
                ],
                className="filter",
            ),
            html.Div(
                [
                    html.Label(t("topics", lang), className="label"),
                    dcc.Dropdown(
                        id=ctl("topics"),
                        options=[
                            {"label": data.label(tid, lang), "value": tid} for tid in data.topic_ids
                        ],
                        value=list(st.topics),
                        multi=True,
                        placeholder=t("all_topics", lang),
                    ),
                ],
                className="filter",
            ),
            html.Div(
                dcc.Link(t("reset", lang), href=href(st.path, State(lang=lang)), id="reset"),
                className="filter filter-reset",
            ),
        ],
        className="filters",
        role="group",
        **{"aria-label": t("filters", lang)},
    )


def radio(key: str, label: str, options: list[tuple[str, str]], value: Any) -> html.Div:
    """A labelled row of radio buttons bound to a URL parameter."""
    return html.Div(
        [
            html.Span(label, className="label"),
            dcc.RadioItems(
                id=ctl(key),
                options=[{"label": lab, "value": v} for v, lab in options],
                value=value,
                inline=True,
                className="radio",
            ),
        ],
        className="control",
        role="radiogroup",
        **{"aria-label": label},
    )


def passage_card(evidence: str, meta: list[Any]) -> html.Article:
    """One passage (as text) with its date, section and document link."""
    return html.Article(
        [html.P(meta, className="meta"), html.P(evidence, className="passage-text")],
        className="passage",
    )
