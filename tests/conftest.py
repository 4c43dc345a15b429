"""Shared test set-up: the seed report, and skip rules for what a user's clone may lack."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_d12a5a1dc8c81460.txt"


def _need(flag: str, ok: bool, reason: str) -> None:
    """Skip when something is missing, except where CI demands it (then fail)."""
    if ok:
        return
    if os.environ.get(flag) == "1":
        pytest.fail(f"{reason} (and {flag}=1 demands it)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    """The one real report on hand (../shared, present in the team's checkouts and CI)."""
    _need("REQUIRE_SHARED", SEED.is_file(), f"the seed report {SEED} is not here (no ../shared)")
    return SEED


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Small synthetic tables (tests/dashboard_data.py) for the dashboard's tests."""
    from dashboard_data import write_sample_tables

    out = tmp_path_factory.mktemp("parquet")
    write_sample_tables(out, n_docs=40, seed=0)
    return out


@pytest.fixture(scope="module")
def data(sample_dir: Path):
    """The dashboard's loaded data of sample_dir."""
    from dashboard.data import DataStore

    return DataStore(sample_dir, check_every=0).get()


def chromium_path() -> str | None:
    return os.environ.get("DASH_TEST_CHROMEPATH") or shutil.which("chromium")


@pytest.fixture
def require_browser() -> None:
    """Skip browser tests where Chromium and its driver are not installed (fail in CI)."""
    ok = bool(chromium_path()) and bool(shutil.which("chromedriver"))
    _need("REQUIRE_BROWSER", ok, "Chromium and chromedriver are not installed")
    os.environ.setdefault("DASH_TEST_CHROMEPATH", chromium_path() or "")


def pytest_setup_options():
    """Chrome options for dash_duo: headless, and no calls to the (closed) network."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
    ):
        options.add_argument(arg)
    if chromium_path():
        options.binary_location = chromium_path()
    return options
