"""Plotly figure builders: pure functions of Polars frames, labels and the interface language."""

from __future__ import annotations

import html as htmllib
import math
import textwrap
from collections.abc import Callable
from datetime import date

import plotly.graph_objects as go
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


def esc(text: object, width: int = 0, limit: int = 400) -> str:
    """Data text made safe for Plotly's hover markup, cut at `limit`, optionally wrapped."""
    s = str(text or "")
    if len(s) > limit:
        s = s[: limit - 1].rstrip() + "…"
    if width:
        s = "\n".join(textwrap.wrap(s, width, break_on_hyphens=False)) or s
    return htmllib.escape(s, quote=False).replace("\n", "<br>")


def style(fig: go.Figure, lang: str, height: int = 360) -> go.Figure:
    """House style: white, compact, Dutch separators, legend below."""
    fig.update_layout(
        template="plotly_white",
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
    fig = go.Figure()
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
    fig = go.Figure()
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
            go.Scatter(
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
    fig = go.Figure(
        go.Heatmap(
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
    fig = go.Figure()
    for i, tp in enumerate(topics):
        sub = frame.filter(pl.col("topic_id") == tp)
        fig.add_trace(
            go.Scatter(
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
    fig = go.Figure(
        go.Bar(
            x=rows["change"].to_list(),
            y=[labels.get(tp, tp) for tp in rows["topic_id"]],
            orientation="h",
            marker_color=["#0072B2" if c > 0 else "#D55E00" for c in rows["change"]],
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
    fig = go.Figure()
    for stance, colour in STANCE_COLOURS.items():
        sub = rows.filter(pl.col("stance") == stance)
        if sub.is_empty():
            continue
        label = pair(STANCES, stance, lang)
        planned = sub["is_planned"].fill_null(False).to_list()
        fig.add_trace(
            go.Scatter(
                x=sub["_date"].to_list(),
                y=[label] * sub.height,
                mode="markers",
                name=label,
                marker=dict(
                    color=colour,
                    size=11,
                    symbol=["circle-open" if p else "circle" for p in planned],
                    line=dict(width=2, color=colour),
                ),
                hovertext=[
                    f"{esc(fmt_date(d, lang))} · {esc(doc)}<br>{esc(text, 70)}"
                    for d, doc, text in sub.select("_date", "doc_id", "text").iter_rows()
                ],
                hoverinfo="text",
            )
        )
    fig.update_xaxes(tickformat="%Y", title=None)
    fig.update_yaxes(title=None, autorange="reversed")
    fig.update_layout(showlegend=False)
    return style(fig, lang, 80 + 38 * len(fig.data))


def stance_mix_figure(mix: pl.DataFrame, lang: str) -> go.Figure:
    """Stacked bars: statements per year by stance."""
    if mix.is_empty():
        return empty_figure(lang)
    fig = go.Figure()
    for stance, colour in STANCE_COLOURS.items():
        sub = mix.filter(pl.col("stance") == stance)
        if sub.height:
            fig.add_trace(
                go.Bar(
                    x=sub["year"].to_list(),
                    y=sub["count"].to_list(),
                    name=pair(STANCES, stance, lang),
                    marker_color=colour,
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
    fig = go.Figure(
        go.Choropleth(
            locations=[r[0] for r in rows],
            z=[r[3] for r in rows],
            locationmode="ISO-3",
            customdata=[[r[1]] for r in rows],
            hovertext=[esc(r[2]) for r in rows],
            hovertemplate="%{hovertext}: %{z}<extra></extra>",
            colorscale=MAP_SCALE,
            marker_line_color="white",
            marker_line_width=0.5,
            colorbar=dict(thickness=10, title=dict(text="n")),
        )
    )
    pick = [r for r in rows if r[1] == selected]
    if pick:  # outline the chosen country
        fig.add_trace(
            go.Choropleth(
                locations=[pick[0][0]],
                z=[1],
                locationmode="ISO-3",
                colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                showscale=False,
                marker_line_color="#E69F00",
                marker_line_width=2.5,
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
    fig = go.Figure()
    order = (
        per_year.group_by("country_iso2")
        .agg(pl.col("count").sum())
        .sort(["count", "country_iso2"], descending=[True, False])
    )
    for i, iso2 in enumerate(order["country_iso2"]):
        sub = per_year.filter(pl.col("country_iso2") == iso2)
        fig.add_trace(
            go.Bar(
                x=sub["year"].to_list(),
                y=sub["count"].to_list(),
                name=names.get(iso2, iso2),
                marker_color=OKABE_ITO[i % len(OKABE_ITO)],
            )
        )
    fig.update_layout(barmode="stack")
    fig.update_xaxes(title=None)
    fig.update_yaxes(title=t("col_count", lang))
    return style(fig, lang)


def _points(rows: pl.DataFrame, lang: str, fmt: Callable[[float, str | None], str]) -> list[str]:
    return [
        f"{esc(fmt(v, cur))} · {esc(raw)}<br>{esc(fmt_date(d, lang))} · {esc(doc)}<br>{esc(ev, 70)}"
        for v, cur, raw, d, doc, ev in rows.select(
            "value", "currency", "raw", "_date", "doc_id", "evidence"
        ).iter_rows()
    ]


def amounts_figure(rows: pl.DataFrame, log_scale: bool, lang: str) -> go.Figure:
    """Amounts named over time, one colour per currency, optional log axis."""
    rows = rows.filter(pl.col("_date").is_not_null() & pl.col("value").is_not_null())
    if rows.is_empty():
        return empty_figure(lang)
    fig = go.Figure()
    currencies = rows["currency"].fill_null("?").unique().sort().to_list()
    for i, cur in enumerate(currencies):
        sub = rows.filter(pl.col("currency").fill_null("?") == cur)
        fig.add_trace(
            go.Scatter(
                x=sub["_date"].to_list(),
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
    fig = go.Figure(
        go.Scatter(
            x=rows["_date"].to_list(),
            y=rows["value"].to_list(),
            mode="markers",
            name="%",
            marker=dict(size=9, color="#009E73"),
            hovertext=_points(rows, lang, lambda v, c: fmt_percent(v, lang)),
            hoverinfo="text",
        )
    )
    for value, label in NORMS:
        fig.add_hline(
            y=value,
            line=dict(color="#555", dash="dot", width=1),
            annotation_text=label.replace(",", ".") if lang == "en" else label,
            annotation_position="top left",
            annotation_font=dict(size=11, color="#555"),
        )
    fig.update_yaxes(title="%", rangemode="tozero")
    fig.update_xaxes(tickformat="%Y", title=None)
    fig.update_layout(showlegend=False)
    return style(fig, lang)


def date_span_label(lo: date, hi: date, lang: str) -> str:
    """ "1 januari 2004 – 31 december 2012"."""
    return f"{fmt_date(lo, lang)} – {fmt_date(hi, lang)}"
