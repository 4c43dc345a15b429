"""The Dash app: page shell, router, URL ↔ controls sync, and the generic chart callbacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from dashboard import views
from dashboard.charts import BUILDERS, csv_text, grid_rows
from dashboard.components import column_defs, filter_bar, graph_id, grid_id, sources_note
from dashboard.data import Data, DataStore, any_synthetic
from dashboard.i18n import fmt_number, t
from dashboard.state import NO, VIEWS, parse_state, sync
from dashboard.state import State as ViewState
from dashboard.state import href as make_href

HERE = Path(__file__).resolve().parent
TABLE_ONLY = {cid for cid in BUILDERS if cid.endswith("_table")}
NAV_ID = "nav"


def shell(data: Data, st: ViewState, topo: str) -> list[Any]:
    """The whole page for a state: header, navigation, filters and the view."""
    lang = st.lang
    header = html.Header(
        [
            html.A(t("skip", lang), href="#main", className="skip"),
            html.Div(
                [
                    html.H1(dcc.Link(t("title", lang), href=make_href("/", st))),
                    html.P(t("subtitle", lang), className="subtitle"),
                ],
                className="brand",
            ),
            html.Div(
                dcc.RadioItems(
                    id={"type": "ctl", "key": "lang"},
                    options=[{"label": "NL", "value": "nl"}, {"label": "EN", "value": "en"}],
                    value=lang,
                    inline=True,
                    className="lang",
                ),
                role="radiogroup",
                **{"aria-label": t("language", lang)},
            ),
        ],
        className="top",
    )
    nav = html.Nav(
        [
            dcc.Link(
                t(f"nav_{view}", lang),
                href=make_href(path, st),
                id={"type": NAV_ID, "path": path},
                className="active" if path == st.path else "",
            )
            for path, view in VIEWS.items()
        ],
        className="nav",
        **{"aria-label": t("title", lang)},
    )
    synthetic = any_synthetic(data, st)
    banner = html.Div(
        t("synthetic", lang) if synthetic else "",
        id="banner",
        className="banner",
        role="note",
        style={} if synthetic else {"display": "none"},
    )
    if data.empty:
        main: list[Any] = [
            html.P(t("no_data", lang, str(data.data_dir)), className="notice", id="no-data"),
        ]
        if data.error:
            main.append(html.P(data.error, className="note"))
    elif st.view is None:
        main = [
            html.P(t("not_found", lang, st.path[:80]), className="notice", id="not-found"),
            dcc.Link(t("nav_overview", lang), href=make_href("/", st)),
        ]
    else:
        main = views.MODULES[st.view].layout(data, st, topo)
    filters = [] if data.empty else [filter_bar(data, st)]
    footer = html.Footer(
        [
            html.Span(f"{t('title', lang)} · build {data.build or '—'}"),
            html.Span(" · Okabe–Ito"),
        ],
        className="footer",
    )
    return [
        header,
        nav,
        banner,
        html.Ul(notice_items(st), id="notices", className="notices", role="status"),
        *filters,
        html.Main(main, id="main", className=f"view view-{st.view or 'none'}", tabIndex="-1"),
        footer,
    ]


def notice_items(st: ViewState) -> list[Any]:
    """What was wrong with the link, in the interface language."""
    return [html.Li(t(n[0], st.lang, *n[1:])) for n in st.notices]


MAX_GRID_ROWS = 2000


def chart_outputs(data: Data, cid: str, st: ViewState) -> dict[str, Any]:
    """What a chart's callback sends: figure, grid rows and columns, sources, title, visibility."""
    res = BUILDERS[cid](data, st)
    as_table = cid in TABLE_ONLY or cid in st.tables
    # rows go to the browser only for a visible grid, and at most MAX_GRID_ROWS of them: a
    # hidden or huge grid made responses of 10+ MB on large corpora; the CSV has every row
    note = res.note
    rows: list[dict] = []
    if as_table:
        rows = grid_rows(res.table.head(MAX_GRID_ROWS))
        if res.table.height > MAX_GRID_ROWS:
            cap = t(
                "first_rows",
                st.lang,
                fmt_number(MAX_GRID_ROWS, st.lang),
                fmt_number(res.table.height, st.lang),
            )
            note = f"{note} {cap}" if note else cap
    return {
        "figure": res.figure,
        "rows": rows,
        "columns": column_defs(res.columns, st.lang, st),
        "sources": sources_note(res.doc_ids, st),
        "title": res.title if res.title is not None else no_update,
        "note": note if note is not None else no_update,
        "graph_style": {"display": "none"} if as_table else {},
        "grid_style": {} if as_table else {"display": "none"},
    }


def csv_download(data: Data, cid: str, st: ViewState) -> dict[str, Any]:
    """The dcc.Download payload: the rows behind the chart as CSV."""
    res = BUILDERS[cid](data, st)
    return {"content": csv_text(res.table), "filename": f"navo-{cid}.csv", "type": "text/csv"}


def _register_chart(app: Dash, store: DataStore, cid: str) -> None:
    table_only = cid in TABLE_ONLY
    outputs = [
        Output(grid_id(cid), "rowData"),
        Output(grid_id(cid), "columnDefs"),
        Output(f"{cid}-sources", "children"),
        Output(f"{cid}-title", "children"),
        Output(f"{cid}-note", "children"),
    ]
    if not table_only:
        outputs += [
            Output(graph_id(cid), "figure"),
            Output(f"{cid}-graph-wrap", "style"),
            Output(f"{cid}-grid-wrap", "style"),
        ]

    @app.callback(
        *outputs, Input("url", "search"), Input("rendered", "data"), State("url", "pathname")
    )
    def _render(search: str | None, _rendered: Any, pathname: str | None) -> tuple:
        data = store.get()
        if data.empty:
            return tuple(no_update for _ in outputs)
        out = chart_outputs(data, cid, parse_state(pathname, search, data.topic_ids))
        keys = ["rows", "columns", "sources", "title", "note"]
        keys += [] if table_only else ["figure", "graph_style", "grid_style"]
        return tuple(out[k] for k in keys)

    @app.callback(
        Output(f"{cid}-download", "data"),
        Input(f"{cid}-csv", "n_clicks"),
        State("url", "search"),
        State("url", "pathname"),
        prevent_initial_call=True,
    )
    def _csv(n: int | None, search: str | None, pathname: str | None) -> Any:
        if not n:
            return no_update
        data = store.get()
        return csv_download(data, cid, parse_state(pathname, search, data.topic_ids))

    if not table_only:
        # SVG beside the mode bar's PNG: Plotly renders it in the browser from the shown chart.
        app.clientside_callback(
            "function(n) {"
            f" var gd = document.querySelector('#{cid}-graph-wrap .js-plotly-plot');"
            " if (n && gd && window.Plotly) {"
            f"  window.Plotly.downloadImage(gd, {{format: 'svg', filename: 'navo-{cid}'}});"
            " }"
            " return window.dash_clientside.no_update; }",
            Output(f"{cid}-svg", "title"),
            Input(f"{cid}-svg", "n_clicks"),
            prevent_initial_call=True,
        )


def _triggered_ids() -> list[Any]:
    out = []
    for prop in ctx.triggered_prop_ids:
        ident = prop.rsplit(".", 1)[0]
        out.append(json.loads(ident) if ident.startswith("{") else ident)
    return out


def create_app(data_dir: Path, check_every: float = 1.0) -> Dash:
    """A dashboard over the Parquet tables in `data_dir` (reloaded when a new build appears)."""
    store = DataStore(Path(data_dir), check_every=check_every)
    app = Dash(
        __name__,
        title="NAVO-verslagen",
        update_title=None,
        assets_folder=str(HERE / "assets"),
        suppress_callback_exceptions=True,  # the views' components come and go with the path
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
    )
    app.layout = html.Div(
        [
            dcc.Location(id="url", refresh="callback-nav"),
            dcc.Store(id="rendered"),
            html.Div(id="page", className="page"),
        ]
    )
    topo = app.get_asset_url("")

    @app.callback(
        Output("page", "children"),
        Output("rendered", "data"),
        Input("url", "pathname"),
        Input("url", "search"),
        State("rendered", "data"),
    )
    def _route(pathname: str | None, search: str | None, rendered: Any) -> tuple[Any, Any]:
        if pathname is None:
            return no_update, no_update
        data = store.get()
        st = parse_state(pathname, search, data.topic_ids)
        key = [st.path, st.lang, data.build]
        if rendered == key:
            return no_update, no_update  # same page: the callbacks below update it in place
        return shell(data, st, topo), key

    @app.callback(
        Output("url", "search"),
        Output({"type": "ctl", "key": ALL}, "value"),
        Input("url", "search"),
        Input({"type": "ctl", "key": ALL}, "value"),
        Input({"type": "click", "key": ALL}, "clickData"),
        Input({"type": "gridclick", "key": ALL}, "cellClicked"),
        State("url", "pathname"),
        prevent_initial_call=True,
    )
    def _sync(
        search: str | None,
        values: list[Any],
        clicks: list[Any],
        rows: list[Any],
        pathname: str | None,
    ) -> tuple[Any, list[Any]]:
        data = store.get()
        keys = [o["id"]["key"] for o in ctx.outputs_list[1]]
        triggered = _triggered_ids()
        clicked = [
            (i["id"]["key"], v)
            for group, vals in ((ctx.inputs_list[2], clicks), (ctx.inputs_list[3], rows))
            for i, v in zip(group, vals, strict=False)
            if i["id"] in triggered
        ]
        new, wants = sync(
            pathname,
            search,
            list(zip(keys, values, strict=False)),
            clicked,
            url_triggered="url" in triggered,
            bounds=data.bounds,
            known_topics=data.topic_ids,
        )
        return (new if new is not None else no_update), [no_update if w is NO else w for w in wants]

    @app.callback(
        Output({"type": NAV_ID, "path": ALL}, "href"),
        Input("url", "search"),
        Input("rendered", "data"),
        State({"type": NAV_ID, "path": ALL}, "id"),
    )
    def _nav(search: str | None, _rendered: Any, ids: list[dict]) -> list[str]:
        data = store.get()
        st = parse_state("/", search, data.topic_ids)
        return [make_href(i["path"], st) for i in ids]

    @app.callback(
        Output("notices", "children"),
        Output("banner", "children"),
        Output("banner", "style"),
        Input("url", "search"),
        Input("rendered", "data"),
        State("url", "pathname"),
    )
    def _status(search: str | None, _rendered: Any, pathname: str | None) -> tuple[Any, Any, Any]:
        data = store.get()
        st = parse_state(pathname, search, data.topic_ids)
        synthetic = any_synthetic(data, st)
        return (
            notice_items(st),
            t("synthetic", st.lang) if synthetic else "",
            {} if synthetic else {"display": "none"},
        )

    for cid in BUILDERS:
        _register_chart(app, store, cid)
    for module in views.MODULES.values():
        module.register(app, store)
    app.server.config["NAVO_STORE"] = store  # for tests and health checks
    return app
