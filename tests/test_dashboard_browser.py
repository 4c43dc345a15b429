"""End-to-end checks of the dashboard in headless Chromium (dash_duo)."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
import pytest
from dashboard_data import XSS_LINE
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.support.wait import WebDriverWait

from dashboard.app import chart_outputs, create_app
from dashboard.data import DataStore
from dashboard.state import parse_state

pytestmark = pytest.mark.browser
TIMEOUT = 15

# every view, and elements that only exist once its charts and tables have data
VIEWS = {
    "/": [
        "#headline .stat",
        "#timeline-card .scatterlayer .point",
        "#movers-card .barlayer .point",
    ],
    "/topics": ["#heatmap-card .hm image", "#lines-card .scatterlayer .point"],
    "/positions": [
        "#stance_timeline-card .scatterlayer .point",
        "#stance_mix-card .barlayer .point",
        "#changes ins",
    ],
    "/bilaterals": [
        "#map-card .choroplethlayer path",
        "#partners-card .barlayer .point",
        "#bilateral_table-card .ag-row",
    ],
    "/budget": [
        "#amounts-card .scatterlayer .point",
        "#percentages-card .scatterlayer .point",
        "#figure_table-card .ag-row",
    ],
    "/meetings": ["#meetings_table-card .ag-row"],
    "/documents": ["#documents_table-card .ag-row"],
}


@pytest.fixture
def duo(require_browser: None, dash_duo, sample_dir: Path):
    dash_duo.start_server(create_app(sample_dir))
    dash_duo.driver.set_window_size(1280, 1000)
    yield dash_duo
    assert dash_duo.get_logs() == [], "browser console errors"


def visit(duo, path: str) -> None:
    duo.driver.get(duo.server_url + path)
    duo.wait_for_element("#main", timeout=TIMEOUT)


def wait_until(duo, check, what: str) -> None:
    WebDriverWait(duo.driver, TIMEOUT, poll_frequency=0.1).until(lambda _: check(), message=what)


def text(duo, selector: str) -> str:
    """An element's text, read in one go (elements are replaced as callbacks answer)."""
    return duo.driver.execute_script(
        "const e = document.querySelector(arguments[0]); return e ? e.textContent : ''", selector
    )


def ticks(duo, card: str, axis: str) -> list[str]:
    """Tick labels of a chart's axis (read in one go: Plotly redraws them at any time)."""
    return duo.driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.textContent)",
        f"#{card}-card .{axis}tick text",
    )


def rows(duo) -> list[str]:
    """The heatmap's rows, top to bottom."""
    return duo.driver.execute_script(
        "const gd = document.querySelector('#heatmap-card .js-plotly-plot');"
        "return gd && gd._fullLayout ? gd._fullLayout.yaxis.ticktext : [];"
    )


def test_every_view_renders_its_charts(duo) -> None:
    for path, selectors in VIEWS.items():
        visit(duo, path)
        for sel in selectors:
            duo.wait_for_element(sel, timeout=TIMEOUT)
        assert duo.get_logs() == [], path
    assert "Synthetische demodata" in duo.find_element("#banner").text


def test_filter_change_updates_charts_url_and_history(duo) -> None:
    visit(duo, "/topics?from=2014&to=2016")
    duo.wait_for_element("#heatmap-card .hm image", timeout=TIMEOUT)
    wait_until(duo, lambda: ticks(duo, "heatmap", "x") == ["2014", "2015", "2016"], "year ticks")
    duo.find_element('#main input[value="quarter"]').click()
    wait_until(duo, lambda: "grain=quarter" in duo.driver.current_url, "grain in URL")
    wait_until(duo, lambda: ticks(duo, "heatmap", "x")[:1] == ["2014-Q1"], "quarter ticks")
    wait_until(duo, lambda: "2014-Q1" in ticks(duo, "lines", "x"), "lines follow")
    duo.driver.back()
    wait_until(duo, lambda: ticks(duo, "heatmap", "x") == ["2014", "2015", "2016"], "back")
    assert duo.find_element('#main input[value="year"]').is_selected()
    duo.driver.forward()
    wait_until(duo, lambda: duo.find_element('#main input[value="quarter"]').is_selected(), "fwd")


def test_link_restores_state_in_a_fresh_page(duo) -> None:
    visit(duo, "/topics?topics=russia,cyber&grain=quarter&measure=share&from=2010&to=2012&lang=en")
    duo.wait_for_element("#heatmap-card .hm image", timeout=TIMEOUT)
    wait_until(duo, lambda: sorted(ticks(duo, "heatmap", "y")) == ["Cyber", "Russia"], "y")
    assert rows(duo) == ["Russia", "Cyber"]
    xs = ticks(duo, "heatmap", "x")
    assert xs[0] == "2010-Q1" and xs[-1] == "2012-Q4"
    assert duo.find_element('#main input[value="quarter"]').is_selected()
    assert duo.find_element('#main input[value="share"]').is_selected()
    filters = duo.find_element(".filters").text
    assert "Russia" in filters and "Cyber" in filters
    assert text(duo, ".nav a.active") == "Topics"
    # switching language keeps the rest of the state
    duo.find_element('.lang input[value="nl"]').click()
    wait_until(duo, lambda: text(duo, ".nav a.active") == "Onderwerpen", "Dutch")
    assert "topics=russia,cyber" in duo.driver.current_url
    wait_until(duo, lambda: rows(duo) == ["Rusland", "Cyber"], "Dutch rows")


def test_clicking_a_heatmap_cell_lists_its_passages(duo, sample_dir: Path) -> None:
    data = DataStore(sample_dir).get()
    counts = (
        data.topics.with_columns(pl.col("_date").dt.year().cast(pl.String).alias("year"))
        .group_by("topic_id", "year")
        .len()
        .sort(["len", "topic_id", "year"], descending=True)
    )
    topic, year, n = counts.row(0)
    visit(duo, "/topics")
    duo.wait_for_element("#heatmap-card .hm image", timeout=TIMEOUT)
    label = data.label(topic, "nl")
    # a real click at the cell's centre, computed from Plotly's axes
    duo.driver.execute_script(
        """
        const gd = document.querySelector('#heatmap-card .js-plotly-plot');
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const at = () => {
          const r = gd.getBoundingClientRect();
          // by category index: a category like "2014" would be read as a number
          return [r.left + xa._offset + xa.l2p(xa._categories.indexOf(arguments[0])),
                  r.top + ya._offset + ya.l2p(ya._categories.indexOf(arguments[1]))];
        };
        window.scrollBy(0, at()[1] - window.innerHeight / 2);
        const [x, y] = at();
        const el = document.elementFromPoint(x, y);
        for (const type of ['mousemove', 'mousedown', 'mouseup', 'click']) {
          el.dispatchEvent(new MouseEvent(type, {bubbles: true, cancelable: true, view: window,
                                                 clientX: x, clientY: y, button: 0}));
        }
        """,
        year,
        topic,
    )
    duo.wait_for_text_to_equal("#passages-title", f"Passages: {label} in {year}", timeout=TIMEOUT)
    assert f"cell={topic}:{year}" in duo.driver.current_url
    assert len(duo.find_elements("#passages article")) == n
    link = duo.find_element("#passages a.doc-link")
    link.click()
    duo.wait_for_element("#doc-text", timeout=TIMEOUT)
    assert "/documents?doc=kst-" in duo.driver.current_url


def test_csv_download_has_the_rows_shown(duo, sample_dir: Path) -> None:
    query = "?topics=russia,ukraine&from=2014&to=2020&table=heatmap"
    duo.driver.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": duo.download_path}
    )
    visit(duo, "/topics" + query)
    duo.wait_for_element("#heatmap-grid-wrap .ag-row", timeout=TIMEOUT)
    data = DataStore(sample_dir).get()
    rows = chart_outputs(data, "heatmap", parse_state("/topics", query, data.topic_ids))["rows"]
    summary = "#heatmap-grid-wrap .ag-paging-row-summary-panel"
    wait_until(duo, lambda: f"of {len(rows)}" in duo.find_element(summary).text, "grid rows")
    duo.find_element("#heatmap-csv").click()
    target = Path(duo.download_path) / "navo-heatmap.csv"
    wait_until(duo, target.is_file, "downloaded CSV")
    time.sleep(0.2)  # the browser renames the finished file into place; give it a moment
    csv = pl.read_csv(target, schema_overrides={"period": pl.String})
    assert csv.to_dicts() == pl.DataFrame(rows).to_dicts()
    assert set(csv["topic_id"]) == {"russia", "ukraine"}
    # SVG beside the mode bar's PNG, rendered by Plotly in the browser
    duo.find_element("#heatmap-svg").click()
    svg = Path(duo.download_path) / "navo-heatmap.svg"
    wait_until(duo, svg.is_file, "downloaded SVG")


def test_script_in_a_document_is_shown_as_text(duo, sample_dir: Path) -> None:
    data = DataStore(sample_dir).get()
    doc = data.documents.filter(pl.col("text").str.contains(XSS_LINE, literal=True))["doc_id"][0]
    visit(duo, "/documents?q=%3Cscript%3E")
    duo.wait_for_element("#documents_table-card .ag-row", timeout=TIMEOUT)
    assert doc in duo.find_element("#documents_table-card").text
    visit(duo, f"/documents?doc={doc}")
    duo.wait_for_element("#doc-text", timeout=TIMEOUT)
    js = (
        "const t = document.querySelector('#doc-text'); return t ? [t.textContent, "
        "t.querySelectorAll('script, b').length, t.querySelectorAll('mark').length] : null"
    )
    wait_until(duo, lambda: XSS_LINE in (duo.driver.execute_script(js) or [""])[0], "text")
    _, n_tags, n_marks = duo.driver.execute_script(js)
    assert n_tags == 0 and n_marks >= 4
    with pytest.raises(NoAlertPresentException):
        duo.driver.switch_to.alert.text  # noqa: B018
    # the sample documents are synthetic: no link to an official publication that does not exist
    assert duo.find_elements("#doc-view a[target=_blank]") == []
