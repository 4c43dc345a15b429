"""Plotly figure builders: pure functions of Polars frames, labels and the interface language."""

from __future__ import annotations

import html as htmllib
import math
import textwrap
from collections.abc import Callable
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio
import polars as pl
import pycountry

from dashboard.i18n import MEETING_TYPES, STANCES, fmt_amount, fmt_date, fmt_percent, pair, t

# Okabe–Ito: distinguishable with the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
TYPE_COLOURS = {
    "FMM": "#0072B2",
    "DMM": "#D55E00",
    "SUMMIT": "#000000",
    "INFORMAL_FMM": "#56B4E9",
    "INFORMAL_DMM": "#E69F00",
    "OTHER": "#CC79A7",
}
STANCE_COLOURS = {
    "calls_for": "#D55E00",
    "supports": "#009E73",
    "emphasises": "#0072B2",
    "proposes": "#E69F00",
    "concern": "#CC79A7",
    "objects": "#000000",
    "states": "#56B4E9",
}
CURRENCY_COLOURS = {"EUR": "#0072B2", "USD": "#D55E00"}
SEQUENTIAL = [[0.0, "#f4f6f8"], [0.15, "#c6dbef"], [0.5, "#4a90c2"], [1.0, "#08306b"]]
MAP_SCALE = [[0.0, "#c6dbef"], [0.5, "#4a90c2"], [1.0, "#08306b"]]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
NORMS = ((2.0, "2% (Wales 2014)"), (3.5, "3,5%"), (5.0, "5% (Den Haag 2025)"))
TEMPLATE = "plotly_white"
# Every go.Figure starts with the default template, which Plotly attaches without copying it;
# `update_layout(template=…)` instead validated and deep-copied the whole template each time
# (some 20 ms per figure). So the house template is the process's default.
pio.templates.default = TEMPLATE


def esc(text: object, width: int = 0, limit: int = 400) -> str:
    """Data text made safe for Plotly's hover markup, cut at `limit`, optionally wrapped."""
    s = str(text or "")
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    if width:
        s = "\n".join(textwrap.wrap(s, width, break_on_hyphens=False)) or s
    return htmllib.escape(s, quote=False).replace("\n", "<br>")


def esc_expr(expr: pl.Expr, width: int = 0, limit: int = 400) -> pl.Expr:
    """esc() for a whole column at once: cut at `limit`, wrapped at word gaps, escaped."""
    s = expr.cast(pl.String).fill_null("")
    cut = pl.concat_str(s.str.slice(0, limit - 1).str.strip_chars_end(), pl.lit("…"))
    s = pl.when(s.str.len_chars() > limit).then(cut).otherwise(s)
    if width:
        # greedy, like textwrap: as many words as fit in `width`, then a line break; a word
        # longer than a line is cut into lines of `width`
        s = s.str.replace_all(r"\s+", " ").str.strip_chars(" ")
        line = f"(.{{1,{width}}})(?: |$)|(\\S{{{width}}})"
        s = s.str.replace_all(line, "${1}${2}\n").str.strip_chars_end("\n")
    for raw, safe in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\n", "<br>")):
        s = s.str.replace_all(raw, safe, literal=True)
    return s


def per_distinct(rows: pl.DataFrame, cols: list[str], fn: Callable[..., str]) -> pl.Series:
    """fn(*values) for every row, called once per distinct combination of the `cols` values
    (a few hundred dates or amounts among thousands of dots)."""
    keys = rows.select(cols).unique()
    done = keys.with_columns(pl.Series("_out", [fn(*k) for k in keys.iter_rows()], pl.String))
    return rows.select(cols).join(
        done, on=cols, how="left", nulls_equal=True, maintain_order="left"
    )["_out"]


def hover_column(rows: pl.DataFrame, parts: list[pl.Expr | str]) -> list[str]:
    """Hover texts of the rows: expressions (already escaped) and literal markup, joined."""
    exprs = [pl.lit(p) if isinstance(p, str) else p for p in parts]
    return rows.select(pl.concat_str(exprs).alias("_hover"))["_hover"].to_list()


def date_expr(rows: pl.DataFrame, col: str, lang: str) -> pl.Expr:
    """fmt_date of a date column, escaped."""
    return esc_expr(pl.lit(per_distinct(rows, [col], lambda d: fmt_date(d, lang))))


def iso_dates(rows: pl.DataFrame, col: str) -> list[str]:
    """A date column as ISO strings for a Plotly axis (what date objects become in the JSON,
    without Plotly copying a Python date object per dot)."""
    return rows[col].dt.to_string("%Y-%m-%d").to_list()


def new_figure(*traces: dict) -> go.Figure:
    """A figure of trace dicts ({"type": "scatter", …}), built without Plotly's validation.

    Validating copies and checks every value of every array (some 10 ms per thousand dots, and
    a few ms per trace); these figures are made by the code below only, and the tests pass the
    JSON of every chart through Plotly's validation instead.
    """
    return go.Figure(data=list(traces), _validate=False)


def style(fig: go.Figure, lang: str, height: int = 360) -> go.Figure:
    """House style: white, compact, Dutch separators, legend below."""
    if pio.templates.default != TEMPLATE:  # another module changed the default: the slow way
        fig.update_layout(template=TEMPLATE)
    fig.update_layout(
        separators=",." if lang == "nl" else ".,",
        height=height,
        margin=dict(l=8, r=8, t=32, b=8),  # room for the mode bar
        font=dict(family=FONT, size=13, color="#1a1a1a"),
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0),
        hoverlabel=dict(font=dict(family=FONT)),
    )
    return fig


def empty_figure(lang: str, height: int = 240) -> go.Figure:
    """A blank chart that says there is nothing to show."""
    fig = new_figure()
    fig.add_annotation(
        text=t("empty_chart", lang), showarrow=False, font=dict(size=15, color="#555")
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, lang, height)


def timeline_figure(meetings: pl.DataFrame, lang: str) -> go.Figure:
    """Every meeting as a dot on a date axis, one row and colour per meeting type."""
    if meetings.is_empty():
        return empty_figure(lang)
    fig = new_figure()
    for mtype in TYPE_COLOURS:
        sub = meetings.filter(pl.col("meeting_type") == mtype)
        if sub.is_empty():
            continue
        hover = [
            f"{esc(fmt_date(d, lang))}<br>{esc(city or '—')}<br>{esc(', '.join(docs or []))}"
            for d, city, docs in sub.select("start_date", "city", "doc_ids").iter_rows()
        ]
        label = pair(MEETING_TYPES, mtype, lang)
        fig.add_trace(
            dict(
                type="scatter",
                x=sub["start_date"].to_list(),
                y=[label] * sub.height,
                mode="markers",
                name=label,
                marker=dict(color=TYPE_COLOURS[mtype], size=11, line=dict(width=1, color="white")),
                hovertext=hover,
                hoverinfo="text",
            )
        )
    fig.update_yaxes(autorange="reversed", title=None, automargin=True)
    fig.update_xaxes(tickformat="%Y", title=None)
    fig.update_layout(showlegend=False)
    return style(fig, lang, 60 + 40 * len(fig.data))


def heatmap_figure(
    frame: pl.DataFrame,
    topics: list[str],
    labels: dict[str, str],
    measure: str,
    lang: str,
    selected: tuple[str, str] | None = None,
) -> go.Figure:
    """Topic × period heatmap of passages (count or share); customdata = (topic id, period)."""
    if frame.is_empty() or not topics:
        return empty_figure(lang)
    periods = list(dict.fromkeys(frame["period"].to_list()))
    col = "share" if measure == "share" else "passages"
    lookup = {(tp, p): v for tp, p, v in frame.select("topic_id", "period", col).iter_rows()}
    z = [[lookup.get((tp, p), 0) for p in periods] for tp in topics]
    custom = [[[tp, p] for p in periods] for tp in topics]
    names = [labels.get(tp, tp) for tp in topics]
    unit = "%{z:.1f}%" if measure == "share" else "%{z}"
    # y holds topic ids (a click reports x and y, not customdata); the axis shows the labels
    fig = new_figure(
        dict(
            type="heatmap",
            z=z,
            x=periods,
            y=topics,
            customdata=custom,
            text=[[esc(name)] * len(periods) for name in names],
            colorscale=SEQUENTIAL,
            xgap=1,
            ygap=1,
            hovertemplate="%{text}<br>%{x}: " + unit + "<extra></extra>",
            colorbar=dict(thickness=10, title=dict(text="%" if measure == "share" else "n")),
        )
    )
    fig.update_yaxes(
        autorange="reversed", title=None, type="category", tickvals=topics, ticktext=names
    )
    fig.update_xaxes(type="category", title=None)
    if selected and selected[0] in topics and selected[1] in periods:
        # outline the cell whose passages are listed below the chart
        i, j = topics.index(selected[0]), periods.index(selected[1])
        fig.add_shape(
            type="rect",
            x0=j - 0.5,
            x1=j + 0.5,
            y0=i - 0.5,
            y1=i + 0.5,
            line=dict(color="#E69F00", width=3),
        )
    return style(fig, lang, 80 + 26 * len(topics))


def lines_figure(
    frame: pl.DataFrame, topics: list[str], labels: dict[str, str], measure: str, lang: str
) -> go.Figure:
    """One line per topic over the periods."""
    if frame.is_empty() or not topics:
        return empty_figure(lang)
    col = "share" if measure == "share" else "passages"
    fig = new_figure()
    for i, tp in enumerate(topics):
        sub = frame.filter(pl.col("topic_id") == tp)
        fig.add_trace(
            dict(
                type="scatter",
                x=sub["period"].to_list(),
                y=sub[col].to_list(),
                name=labels.get(tp, tp),
                mode="lines+markers",
                line=dict(color=OKABE_ITO[i % len(OKABE_ITO)], width=2),
            )
        )
    fig.update_xaxes(type="category", title=None)
    fig.update_yaxes(title=t(measure, lang), rangemode="tozero")
    return style(fig, lang)


def movers_figure(frame: pl.DataFrame, labels: dict[str, str], lang: str) -> go.Figure:
    """Horizontal bars of the change in share (percentage points), risers blue, fallers red."""
    if frame.is_empty():
        return empty_figure(lang)
    rows = frame.sort("change")
    fig = new_figure(
        dict(
            type="bar",
            x=rows["change"].to_list(),
            y=[labels.get(tp, tp) for tp in rows["topic_id"]],
            orientation="h",
            marker=dict(color=["#0072B2" if c > 0 else "#D55E00" for c in rows["change"]]),
            customdata=rows.select("first", "second").rows(),
            hovertemplate="%{y}: %{x:+.1f} pp<br>%{customdata[0]:.1f}% → %{customdata[1]:.1f}%"
            "<extra></extra>",
        )
    )
    fig.update_xaxes(title="pp", zeroline=True, zerolinecolor="#888")
    fig.update_yaxes(title=None)
    return style(fig, lang, 80 + 28 * rows.height)


def stance_timeline_figure(rows: pl.DataFrame, lang: str) -> go.Figure:
    """Each Dutch statement on the topic as a dot: date × stance, open when planned."""
    rows = rows.filter(pl.col("_date").is_not_null())
    if rows.is_empty():
        return empty_figure(lang)
    rows = rows.with_columns(
        pl.col("is_planned").fill_null(False),
        hover=pl.concat_str(
            date_expr(rows, "_date", lang),
            pl.lit(" · "),
            esc_expr(pl.col("doc_id")),
            pl.lit("<br>"),
            esc_expr(pl.col("text"), 70),
        ),
    )
    fig = new_figure()
    groups = rows.partition_by("stance", "is_planned", as_dict=True)
    for stance, colour in STANCE_COLOURS.items():
        label = pair(STANCES, stance, lang)
        # reported statements as filled dots, planned ones (annotated agendas) as open dots: one
        # trace each, as one symbol per dot cost Plotly a validation per dot
        for planned in (False, True):
            sub = groups.get((stance, planned))
            if sub is None:
                continue
            fig.add_trace(
                dict(
                    type="scatter",
                    x=iso_dates(sub, "_date"),
                    y=[label] * sub.height,
                    mode="markers",
                    name=label,
                    marker=dict(
                        color=colour,
                        size=11,
                        symbol="circle-open" if planned else "circle",
                        line=dict(width=2, color=colour),
                    ),
                    hovertext=sub["hover"].to_list(),
                    hoverinfo="text",
                )
            )
    fig.update_xaxes(tickformat="%Y", title=None)
    fig.update_yaxes(title=None, autorange="reversed")
    fig.update_layout(showlegend=False)
    n_stances = len({trace.name for trace in fig.data})
    return style(fig, lang, 80 + 38 * n_stances)


def stance_mix_figure(mix: pl.DataFrame, lang: str) -> go.Figure:
    """Stacked bars: statements per year by stance."""
    if mix.is_empty():
        return empty_figure(lang)
    fig = new_figure()
    for stance, colour in STANCE_COLOURS.items():
        sub = mix.filter(pl.col("stance") == stance)
        if sub.height:
            fig.add_trace(
                dict(
                    type="bar",
                    x=sub["year"].to_list(),
                    y=sub["count"].to_list(),
                    name=pair(STANCES, stance, lang),
                    marker=dict(color=colour),
                )
            )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=None, dtick=1 if mix["year"].n_unique() < 12 else None)
    fig.update_yaxes(title=t("col_count", lang))
    return style(fig, lang)


def iso3(iso2: str) -> str | None:
    """ISO 3166-1 alpha-3 for an alpha-2 code (Kosovo XK → XKX); None if unknown."""
    if iso2 == "XK":
        return "XKX"
    country = pycountry.countries.get(alpha_2=iso2)
    return country.alpha_3 if country else None


def country_name(iso2: str, dutch: str | None, lang: str) -> str:
    """The Dutch name from the data, or pycountry's English name."""
    if lang == "nl" and dutch:
        return dutch
    if iso2 == "XK":
        return "Kosovo"
    c = pycountry.countries.get(alpha_2=iso2)
    return getattr(c, "common_name", None) or (c.name if c else iso2)


def map_figure(counts: pl.DataFrame, lang: str, selected: str | None = None) -> go.Figure:
    """World choropleth: how often the minister met each country; customdata = ISO-2."""
    if counts.is_empty():
        return empty_figure(lang, 320)
    rows = [
        (iso3(iso2), iso2, country_name(iso2, name, lang), n)
        for iso2, name, n in counts.select("country_iso2", "country_name", "count").iter_rows()
    ]
    rows = [r for r in rows if r[0]]
    fig = new_figure(
        dict(
            type="choropleth",
            locations=[r[0] for r in rows],
            z=[r[3] for r in rows],
            locationmode="ISO-3",
            customdata=[[r[1]] for r in rows],
            hovertext=[esc(r[2]) for r in rows],
            hovertemplate="%{hovertext}: %{z}<extra></extra>",
            colorscale=MAP_SCALE,
            marker=dict(line=dict(color="white", width=0.5)),
            colorbar=dict(thickness=10, title=dict(text="n")),
        )
    )
    pick = [r for r in rows if r[1] == selected]
    if pick:  # outline the chosen country
        fig.add_trace(
            dict(
                type="choropleth",
                locations=[pick[0][0]],
                z=[1],
                locationmode="ISO-3",
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker=dict(line=dict(color="#E69F00", width=2.5)),
                hoverinfo="skip",
            )
        )
    fig.update_geos(
        projection_type="natural earth",
        showframe=False,
        showcoastlines=False,
        showcountries=True,
        countrycolor="#ccc",
        showland=True,
        landcolor="#f4f6f8",
        resolution=110,
        lataxis_range=[-58, 85],
    )
    return style(fig, lang, 420)


def partners_figure(per_year: pl.DataFrame, names: dict[str, str], lang: str) -> go.Figure:
    """Stacked bars: talks per year with the top partner countries."""
    if per_year.is_empty():
        return empty_figure(lang)
    fig = new_figure()
    order = (
        per_year.group_by("country_iso2")
        .agg(pl.col("count").sum())
        .sort(["count", "country_iso2"], descending=[True, False])
    )
    for i, iso2 in enumerate(order["country_iso2"]):
        sub = per_year.filter(pl.col("country_iso2") == iso2)
        fig.add_trace(
            dict(
                type="bar",
                x=sub["year"].to_list(),
                y=sub["count"].to_list(),
                name=names.get(iso2, iso2),
                marker=dict(color=OKABE_ITO[i % len(OKABE_ITO)]),
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=None)
    fig.update_yaxes(title=t("col_count", lang))
    return style(fig, lang)


def _points(rows: pl.DataFrame, lang: str, fmt: Callable[[float, str | None], str]) -> list[str]:
    """Hover text of budget figures: value, raw text, date, document and sentence."""
    value = esc_expr(pl.lit(per_distinct(rows, ["value", "currency"], fmt)))
    return hover_column(
        rows,
        [
            value,
            " · ",
            esc_expr(pl.col("raw")),
            "<br>",
            date_expr(rows, "_date", lang),
            " · ",
            esc_expr(pl.col("doc_id")),
            "<br>",
            esc_expr(pl.col("evidence"), 70),
        ],
    )


def amounts_figure(rows: pl.DataFrame, log_scale: bool, lang: str) -> go.Figure:
    """Amounts named over time, one colour per currency, optional log axis."""
    rows = rows.filter(pl.col("_date").is_not_null() & pl.col("value").is_not_null())
    if rows.is_empty():
        return empty_figure(lang)
    fig = new_figure()
    groups = rows.with_columns(pl.col("currency").fill_null("?").alias("_cur")).partition_by(
        "_cur", as_dict=True
    )
    for i, (cur,) in enumerate(sorted(groups)):
        sub = groups[(cur,)]
        fig.add_trace(
            dict(
                type="scatter",
                x=iso_dates(sub, "_date"),
                y=sub["value"].to_list(),
                mode="markers",
                name=cur,
                marker=dict(size=9, color=CURRENCY_COLOURS.get(cur, OKABE_ITO[2 + i % 5])),
                hovertext=_points(sub, lang, lambda v, c: fmt_amount(v, c, lang)),
                hoverinfo="text",
            )
        )
    values = rows["value"].to_list()
    ticks = amount_ticks(min(values), max(values), log_scale)
    fig.update_yaxes(
        type="log" if log_scale else "linear",
        title=None,
        tickvals=ticks,
        ticktext=[fmt_amount(v, None, lang) for v in ticks],
    )
    fig.update_xaxes(tickformat="%Y", title=None)
    return style(fig, lang)


def amount_ticks(lo: float, hi: float, log_scale: bool) -> list[float]:
    """Tick values for an amount axis, labelled in words ("2,5 mld.") instead of SI ("2.5G")."""
    lo, hi = max(lo, 1.0), max(hi, 1.0)
    if log_scale:
        exps = range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
        every = 1 if len(exps) <= 7 else 3  # many decades: 1, 1.000, 1 mln., 1 mld.
        return [10.0**e for e in exps if e % every == 0]
    raw = hi / 5
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    return [step * i for i in range(0, int(hi // step) + 2)]


def percentages_figure(rows: pl.DataFrame, lang: str) -> go.Figure:
    """Percentages named over time, with the 2 % norm and its 2025 successors as lines."""
    rows = rows.filter(pl.col("_date").is_not_null() & pl.col("value").is_not_null())
    if rows.is_empty():
        return empty_figure(lang)
    fig = new_figure(
        dict(
            type="scatter",
            x=iso_dates(rows, "_date"),
            y=rows["value"].to_list(),
            mode="markers",
            name="%",
            marker=dict(size=9, color="#009E73"),
            hovertext=_points(rows, lang, lambda v, c: fmt_percent(v, lang)),
            hoverinfo="text",
        )
    )
    # the norms as lines across the plot, labelled at their left end (what add_hline makes, in
    # one layout update: add_hline took some 15 ms each)
    fig.update_layout(
        shapes=[
            dict(
                type="line",
                xref="x domain",
                x0=0,
                x1=1,
                yref="y",
                y0=value,
                y1=value,
                line=dict(color="#555", dash="dot", width=1),
            )
            for value, _ in NORMS
        ],
        annotations=[
            dict(
                text=label.replace(",", ".") if lang == "en" else label,
                showarrow=False,
                xref="x domain",
                x=0,
                xanchor="left",
                yref="y",
                y=value,
                yanchor="bottom",
                font=dict(size=11, color="#555"),
            )
            for value, label in NORMS
        ],
    )
    fig.update_yaxes(title="%", rangemode="tozero")
    fig.update_xaxes(tickformat="%Y", title=None)
    fig.update_layout(showlegend=False)
    return style(fig, lang)


def date_span_label(lo: date, hi: date, lang: str) -> str:
    """ "1 januari 2004 – 31 december 2012"."""
    return f"{fmt_date(lo, lang)} – {fmt_date(hi, lang)}"
