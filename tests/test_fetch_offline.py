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
