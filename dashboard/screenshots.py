"""Screenshots of every view in headless Chromium: `python -m dashboard.screenshots --data DIR`."""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import sys
import threading
import time
from pathlib import Path


def shots(data) -> dict[str, str]:  # noqa: ANN001
    """View name → path and query that show it with something selected from `data`."""
    import polars as pl

    from dashboard.queries import period_expr

    out = {"overview": "/", "topics": "/topics"}
    cells = data.topics.with_columns(period_expr("year").alias("p")).group_by("topic_id", "p").len()
    if cells.height:
        topic, year, _ = cells.sort(["len", "p"], descending=True).row(0)
        out["topics"] = f"/topics?cell={topic}:{year}"
    out["positions"] = "/positions?topic=ukraine"
    out["bilaterals"] = "/bilaterals?country=DE"
    out["budget"] = "/budget?log=1"
    out["meetings"] = "/meetings"
    if data.meetings.height:
        out["meetings"] += "?meeting=" + data.meetings.sort("start_date")["meeting_id"][-1]
    out["documents"] = "/documents?q=Oekra%C3%AFne"
    counts = data.positions.group_by("doc_id").len().sort(["len", "doc_id"], descending=True)
    if counts.height:
        out["document"] = f"/documents?doc={counts['doc_id'][0]}"
    xss = data.documents.filter(pl.col("text").str.contains("<script>", literal=True))
    if xss.height:  # the test document with markup in its text
        out["document"] = f"/documents?doc={xss['doc_id'][0]}"
    return out


def _driver(width: int, height: int):  # noqa: ANN202 (selenium is a test-only dependency)
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options

    opts = Options()
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"):
        opts.add_argument(arg)
    opts.add_argument(f"--window-size={width},{height}")
    binary = os.environ.get("DASH_TEST_CHROMEPATH") or shutil.which("chromium")
    if binary:
        opts.binary_location = binary
    opts.set_capability("goog:loggingPrefs", {"browser": "SEVERE"})
    return webdriver.Chrome(options=opts)


def settle(driver, timeout: float = 20.0) -> None:  # noqa: ANN001
    """Wait until Dash has no callback in flight and every graph has drawn."""
    end = time.monotonic() + timeout
    js = (
        "return document.querySelectorAll('[data-dash-is-loading=\"true\"]').length === 0"
        " && document.querySelector('#main') !== null"
        " && Array.from(document.querySelectorAll('.graph-wrap'))"
        "   .every(w => w.style.display === 'none' || w.querySelector('.main-svg'));"
    )
    stable = 0
    while time.monotonic() < end:
        stable = stable + 1 if driver.execute_script(js) else 0
        if stable >= 3:
            return
        time.sleep(0.3)


def full_page(driver, path: Path, width: int) -> None:  # noqa: ANN001
    """Save the whole page (not just the window) as PNG, via the DevTools protocol."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(height, 8000), "scale": 1},
        },
    )
    path.write_bytes(base64.b64decode(shot["data"]))


def main(argv: list[str] | None = None) -> int:
    """Serve the app on a free local port and save one PNG per view."""
    p = argparse.ArgumentParser(prog="python -m dashboard.screenshots", description=__doc__)
    p.add_argument("--data", type=Path, required=True)
    p.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    p.add_argument("--width", type=int, default=1280)
    p.add_argument("--mobile", action="store_true", help="also a 390 px wide shot of the overview")
    args = p.parse_args(argv)
    from werkzeug.serving import make_server

    from dashboard.app import create_app

    app = create_app(args.data)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    args.out.mkdir(parents=True, exist_ok=True)
    driver = _driver(args.width, 900)
    errors = 0
    try:
        for name, path in shots(app.server.config["NAVO_STORE"].get()).items():
            driver.set_window_size(args.width, 900)
            driver.get(base + path)
            settle(driver)
            full_page(driver, args.out / f"{name}.png", args.width)
            for entry in driver.get_log("browser"):
                errors += 1
                print(f"{name}: {entry['message']}", file=sys.stderr)
            print(f"{args.out / name}.png")
        if args.mobile:
            driver.set_window_size(390, 844)
            driver.get(base + "/")
            settle(driver)
            full_page(driver, args.out / "overview-mobile.png", 390)
    finally:
        driver.quit()
        server.shutdown()
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
