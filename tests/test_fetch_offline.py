"""Offline: a host that does not resolve fails at once with a plain message, no retries."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from etl.sources.koop import FetchError, fetch


def test_unresolvable_host_fails_fast(tmp_path: Path) -> None:
    calls: list[str] = []

    def no_dns(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    client = httpx.Client(transport=httpx.MockTransport(no_dns))
    started = time.monotonic()
    with pytest.raises(FetchError, match="cannot resolve the host"):
        fetch(
            "28676",
            tmp_path,
            "https://sru.invalid/sru",
            None,
            0.0,
            False,
            client,
            retries=4,
            backoff=1.0,
        )
    assert len(calls) == 1  # no retries: they cannot help without DNS
    assert time.monotonic() - started < 1.0
    assert not list(tmp_path.glob("*.xml"))


def test_other_connection_errors_are_retried(tmp_path: Path) -> None:
    calls: list[str] = []

    def refused(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    client = httpx.Client(transport=httpx.MockTransport(refused))
    with pytest.raises(FetchError, match="giving up after 3 attempts"):
        fetch(
            "28676",
            tmp_path,
            "https://sru.invalid/sru",
            None,
            0.0,
            False,
            client,
            retries=2,
            backoff=0.0,
        )
    assert len(calls) == 3


def test_paper_urls_off_koop_hosts_are_not_requested(tmp_path: Path) -> None:
    """A forged record pointing at an internal address is skipped; nothing is asked of that host."""
    page = (Path(__file__).parent / "fixtures" / "koop" / "sru_page_1.xml").read_text(
        encoding="utf-8"
    )
    page = page.replace("{{BASE}}", "http://169.254.169.254").replace(
        "<sru:nextRecordPosition>3</sru:nextRecordPosition>", ""
    )
    asked: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.host)
        if request.url.host == "sru.example":
            return httpx.Response(200, text=page)
        return httpx.Response(200, text="<secret/>")

    client = httpx.Client(transport=httpx.MockTransport(server))
    summary = fetch(
        "28676", tmp_path, "https://sru.example/sru", None, 0.0, False, client, retries=0
    )
    assert set(asked) == {"sru.example"}
    assert summary.downloaded == 0 and summary.skipped >= 1
    assert "not on a KOOP host" in (tmp_path / ".koop" / "skipped.jsonl").read_text(
        encoding="utf-8"
    )
    assert not list(tmp_path.glob("*.xml"))
