"""`etl fetch` against a failing server (127.0.0.1 only): one clear line, nothing half-saved,
and the next run fetches only what is missing.

Adds to tests/test_koop_fetch.py (single timeouts, 429/503, truncated bodies, connections closed
by a live server): a server that goes away (connection refused) during the listing or the
downloads, one that stays slower than the client's timeout, one that trickles a body byte by
byte, garbage and HTML error pages served with 200 OK, and a fetch killed with SIGKILL.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_sru import FakeKoop, Paper, _send, tiny_paper

from etl.build import build, scan_corpus
from etl.sources import koop
from etl.sources.koop import FetchError, fetch, run_fetch
from etl.store import read_tables

ROOT = Path(__file__).resolve().parents[1]
FAST = {"retries": 1, "backoff": 0.01, "timeout": 1.0}
PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


class FaultyKoop(FakeKoop):
    """FakeKoop with more faults, on top of those of tests/fake_sru.py:

      ("garbage", body)              answer 200 OK with this body (HTML error page, noise, …)
      ("trickle", nbytes, seconds)   send the body nbytes at a time, a pause between each
    `stop_after_papers` / `stop_after_pages`: after serving that many paper downloads or SRU
    pages the server shuts down; later requests find nobody listening (connection refused).
    """

    stop_after_papers: int | None = None
    stop_after_pages: int | None = None
    pages_served: int = 0

    def _peek(self, key: str) -> tuple | None:
        with self._lock:
            queue = self.faults.get(key)
            return queue[0] if queue else self.always.get(key)

    def _serve(self, key: str, h, body, paper: bool = False) -> None:
        fault = self._peek(key)
        if fault is not None and fault[0] in ("garbage", "trickle"):
            self._next_fault(key)  # consume it
            if fault[0] == "garbage":
                _send(h, 200, fault[1], "text/html" if b"<html" in fault[1] else "text/plain")
            else:
                data = body()
                h.send_response(200)
                h.send_header("Content-Type", "application/xml")
                h.send_header("Content-Length", str(len(data)))
                h.end_headers()
                for i in range(0, len(data), fault[1]):
                    h.wfile.write(data[i : i + fault[1]])
                    h.wfile.flush()
                    time.sleep(fault[2])
            return
        super()._serve(key, h, body, paper)
        with self._lock:
            self.pages_served += key == "sru"
            stop = (
                self.stop_after_papers is not None and self.served_papers >= self.stop_after_papers
            ) or (self.stop_after_pages is not None and self.pages_served >= self.stop_after_pages)
        if stop and self._server is not None:
            h.close_connection = True
            threading.Thread(target=self.stop, daemon=True).start()


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy from the environment must not carry our 127.0.0.1 traffic anywhere.
    for var in PROXY_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def servers(no_proxy: None) -> Iterator[list[FaultyKoop]]:
    """Start servers with `servers.append(FaultyKoop(...).start())`; all stopped afterwards."""
    started: list[FaultyKoop] = []
    yield started
    for server in started:
        server.stop()


@pytest.fixture
def fast_cli(monkeypatch: pytest.MonkeyPatch) -> None:
    """run_fetch (the CLI) with one retry, a short backoff and a 1 s timeout."""
    monkeypatch.setattr(koop, "DEFAULT_RETRIES", 1)
    monkeypatch.setattr(koop, "DEFAULT_BACKOFF", 0.01)
    monkeypatch.setattr(koop, "DEFAULT_TIMEOUT", 1.0)


def papers(numbers: range) -> list[Paper]:
    """Small papers with distinct text (so their hashes differ)."""
    return [tiny_paper(n, text=f"Tekst van stuk {n}.") for n in numbers]


def args_for(server: FakeKoop, corpus: Path) -> argparse.Namespace:
    """The arguments `python -m etl fetch` would pass."""
    return argparse.Namespace(
        dossier="28676", corpus=corpus, sru_url=server.sru_url, since=None, delay=0.0, quiet=True
    )


def one_error_line(err: str) -> str:
    """The CLI's error output: one error line, then the summary; no traceback."""
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    errors = [line for line in lines if line.startswith("fetch: error:")]
    assert len(errors) == 1 and lines[0] == errors[0], err
    assert lines[-1].endswith("(stopped; files already saved are kept)"), err
    return errors[0]


def assert_saved_whole(corpus: Path, served: list[Paper]) -> set[str]:
    """Every visible file is a complete paper with a matching sidecar; their identifiers."""
    by_id = {p.identifier: p for p in served}
    saved = set()
    for path in corpus.glob("*.xml"):
        ident = path.name.removesuffix(".xml")
        assert path.read_bytes() == by_id[ident].xml, f"{path.name} is not the served paper"
        side = json.loads(Path(f"{path}.meta.json").read_text(encoding="utf-8"))
        assert side["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert side["identifier"] == ident
        saved.add(ident)
    leftovers = [p.name for p in corpus.rglob("*") if p.name.endswith(".tmp")]
    assert not leftovers, leftovers
    return saved


def fetched(server: FakeKoop) -> list[str]:
    """Identifiers of the papers the server was asked for, in order."""
    return [r.path.rsplit("/", 1)[-1].removesuffix(".xml") for r in server.paper_requests()]


def state(corpus: Path) -> dict:
    return json.loads((corpus / ".koop" / "state.json").read_text(encoding="utf-8"))


# --- the server goes away ----------------------------------------------------------------------


def test_server_gone_during_downloads(
    servers: list[FaultyKoop], fast_cli: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = papers(range(500, 506))
    first = FaultyKoop(papers=listed)
    first.stop_after_papers = 2  # then nobody listens: connection refused
    servers.append(first.start())
    t0 = time.monotonic()
    assert run_fetch(args_for(first, tmp_path)) == 1
    assert time.monotonic() - t0 < 15
    line = one_error_line(capsys.readouterr().err)
    assert "papers in a row failed" in line and "connection failed" in line, line
    assert assert_saved_whole(tmp_path, listed) == {"kst-28676-500", "kst-28676-501"}
    assert "last_sync" not in state(tmp_path)["dossiers"]["28676"]

    # The server is back (here: a new one with the same papers): only the missing four come.
    again = FaultyKoop(papers=listed)
    servers.append(again.start())
    assert run_fetch(args_for(again, tmp_path)) == 0
    assert sorted(fetched(again)) == [f"kst-28676-{n}" for n in range(502, 506)]
    assert len(assert_saved_whole(tmp_path, listed)) == 6
    assert "6 records seen, 4 downloaded, 2 unchanged" in capsys.readouterr().out


def test_server_gone_during_the_listing(
    servers: list[FaultyKoop], tmp_path: Path, capsys: pytest.CaptureFixture[str], fast_cli: None
) -> None:
    listed = papers(range(510, 516))
    first = FaultyKoop(papers=listed, page_cap=2)
    first.stop_after_pages = 1  # first page served, then the service is gone
    servers.append(first.start())
    # The first page's papers come from the same (now stopped) host: nothing can be saved
    assert run_fetch(args_for(first, tmp_path)) == 1
    line = one_error_line(capsys.readouterr().err)
    assert "connection failed" in line or "in a row failed" in line, line
    assert assert_saved_whole(tmp_path, listed) == set()

    again = FaultyKoop(papers=listed, page_cap=2)
    servers.append(again.start())
    assert run_fetch(args_for(again, tmp_path)) == 0
    assert len(assert_saved_whole(tmp_path, listed)) == 6


def test_listing_that_fails_on_page_two_keeps_page_one(
    servers: list[FaultyKoop], tmp_path: Path
) -> None:
    listed = papers(range(520, 526))
    first = FaultyKoop(papers=listed, page_cap=2)
    first.faults["sru"] = [("sleep", 0), ("status", 503), ("status", 503)]  # page 2 fails twice
    servers.append(first.start())
    with pytest.raises(FetchError, match=r"giving up after 2 attempts: HTTP 503") as info:
        fetch("28676", tmp_path, first.sru_url, None, 0.0, False, page_size=2, **FAST)
    assert info.value.summary is not None and info.value.summary.downloaded == 2
    assert assert_saved_whole(tmp_path, listed) == {"kst-28676-520", "kst-28676-521"}
    assert "last_sync" not in state(tmp_path)["dossiers"]["28676"]

    first.requests.clear()
    s = fetch("28676", tmp_path, first.sru_url, None, 0.0, False, page_size=2, **FAST)
    assert (s.downloaded, s.unchanged, s.errors) == (4, 2, 0)
    assert sorted(fetched(first)) == [f"kst-28676-{n}" for n in range(522, 526)]


# --- a slow server -------------------------------------------------------------------------------


def test_sru_slower_than_the_timeout_is_a_clear_error(
    servers: list[FaultyKoop], tmp_path: Path, capsys: pytest.CaptureFixture[str], fast_cli: None
) -> None:
    server = FaultyKoop(papers=papers(range(530, 532)))
    server.always["sru"] = ("sleep", 2.5)  # the client gives up after 1 s, every time
    servers.append(server.start())
    t0 = time.monotonic()
    assert run_fetch(args_for(server, tmp_path)) == 1
    assert time.monotonic() - t0 < 5  # two attempts of about 1 s, no hang
    line = one_error_line(capsys.readouterr().err)
    assert "giving up after 2 attempts: timed out" in line, line
    assert len(server.sru_requests()) == 2
    assert not list(tmp_path.glob("*.xml"))


def test_papers_slower_than_the_timeout_stop_the_sync(
    servers: list[FaultyKoop], tmp_path: Path
) -> None:
    listed = papers(range(540, 546))
    server = FaultyKoop(papers=listed)
    for p in listed[2:]:
        server.always[p.identifier] = ("sleep", 1.5)
    servers.append(server.start())
    t0 = time.monotonic()
    with pytest.raises(FetchError, match=r"3 papers in a row failed .*timed out"):
        fetch("28676", tmp_path, server.sru_url, None, 0.0, False, **{**FAST, "timeout": 0.4})
    assert time.monotonic() - t0 < 6
    assert assert_saved_whole(tmp_path, listed) == {"kst-28676-540", "kst-28676-541"}
    assert "kst-28676-545" not in fetched(server)  # it stopped asking


def test_trickling_body_hits_the_deadline_and_comes_next_time(
    servers: list[FaultyKoop], tmp_path: Path
) -> None:
    listed = papers(range(550, 553))
    server = FaultyKoop(papers=listed)
    # 20 bytes every 0.1 s: each read is well within the 1 s timeout, the whole takes ~3 s
    server.faults["kst-28676-551"] = [("trickle", 20, 0.1), ("trickle", 20, 0.1)]
    servers.append(server.start())
    t0 = time.monotonic()
    s = fetch("28676", tmp_path, server.sru_url, None, 0.0, False, max_request_seconds=0.5, **FAST)
    assert time.monotonic() - t0 < 5
    assert (s.downloaded, s.errors) == (2, 1)
    assert "kst-28676-551" in s.error_messages[0] and "timed out" in s.error_messages[0]
    assert assert_saved_whole(tmp_path, listed) == {"kst-28676-550", "kst-28676-552"}

    server.requests.clear()
    s = fetch("28676", tmp_path, server.sru_url, None, 0.0, False, **FAST)
    assert (s.downloaded, s.unchanged, s.errors) == (1, 2, 0)
    assert fetched(server) == ["kst-28676-551"]


# --- garbage with 200 OK -------------------------------------------------------------------------

MAINTENANCE = (
    b"<!DOCTYPE html><html><head><title>Onderhoud</title></head>"
    b"<body><p>Wegens onderhoud is deze dienst tijdelijk niet beschikbaar.<br></body></html>"
)
XHTML = b"<html><body><h1>Fout</h1><p>Er is iets misgegaan.</p></body></html>"
GARBAGE = {
    "html page": (MAINTENANCE, "truncated or malformed XML"),
    "xhtml page": (XHTML, "root <html>"),
    "noise": (bytes(random.Random(7).randbytes(3000)), "truncated or malformed XML"),
    "json": (b'{"error": "service unavailable"}', "truncated or malformed XML"),
    "empty": (b"", "empty"),
}


@pytest.mark.parametrize("kind", sorted(GARBAGE))
def test_garbage_instead_of_an_sru_page(
    servers: list[FaultyKoop],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    fast_cli: None,
    kind: str,
) -> None:
    body, said = GARBAGE[kind]
    server = FaultyKoop(papers=papers(range(560, 562)))
    server.always["sru"] = ("garbage", body)
    servers.append(server.start())
    assert run_fetch(args_for(server, tmp_path)) == 1
    line = one_error_line(capsys.readouterr().err)
    assert "giving up after 2 attempts" in line and said in line, line
    assert len(line) < 400
    assert len(server.sru_requests()) == 2 and not server.paper_requests()
    assert not list(tmp_path.glob("*.xml"))


@pytest.mark.parametrize("kind", sorted(GARBAGE))
def test_garbage_instead_of_a_paper_is_not_saved(
    servers: list[FaultyKoop], tmp_path: Path, kind: str
) -> None:
    body, said = GARBAGE[kind]
    said = "an HTML page instead of the XML" if kind == "xhtml page" else said
    listed = papers(range(570, 573))
    server = FaultyKoop(papers=listed)
    server.always["kst-28676-571"] = ("garbage", body)
    servers.append(server.start())
    s = fetch("28676", tmp_path, server.sru_url, None, 0.0, False, **FAST)
    assert (s.downloaded, s.errors) == (2, 1)
    assert "kst-28676-571" in s.error_messages[0] and said in s.error_messages[0]
    assert assert_saved_whole(tmp_path, listed) == {"kst-28676-570", "kst-28676-572"}

    del server.always["kst-28676-571"]  # fixed: the next run fetches it, and only it
    server.requests.clear()
    s = fetch("28676", tmp_path, server.sru_url, None, 0.0, False, **FAST)
    assert (s.downloaded, s.unchanged, s.errors) == (1, 2, 0)
    assert fetched(server) == ["kst-28676-571"]
    assert s.complete


# --- the fetch itself is killed ------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_killed_fetch_keeps_whole_papers_and_resumes(
    servers: list[FaultyKoop], tmp_path: Path, seed: int
) -> None:
    listed = papers(range(600, 612))
    server = FaultyKoop(papers=listed)
    for p in listed:
        server.always[p.identifier] = ("sleep", 0.08)
    servers.append(server.start())
    corpus = tmp_path / "corpus"
    env = {k: v for k, v in os.environ.items() if k not in PROXY_VARS}
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl", "fetch", "--corpus", str(corpus), "--quiet"]
        + ["--sru-url", server.sru_url, "--delay", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while len(list(corpus.glob("*.xml"))) < 2 and time.monotonic() < deadline:
            assert proc.poll() is None, "the fetch ended before it could be killed"
            time.sleep(0.005)
        time.sleep(random.Random(seed).uniform(0, 0.2))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    # What is there is whole: a complete paper, its sidecar written after it (maybe not yet).
    whole = set()
    for path in corpus.glob("*.xml"):
        ident = path.name.removesuffix(".xml")
        assert path.read_bytes() == next(p.xml for p in listed if p.identifier == ident)
        side = Path(f"{path}.meta.json")
        if side.exists():
            assert json.loads(side.read_text(encoding="utf-8"))["identifier"] == ident
            whole.add(ident)
    assert 2 <= len(list(corpus.glob("*.xml"))) < len(listed)
    # Temporary files a kill may leave are hidden: the build does not see them.
    (corpus / ".kst-28676-611.xml.x1y2z3.tmp").write_bytes(b"<officiele-publicatie>")  # as if
    inputs = {p.name for p in scan_corpus(corpus)}
    assert all(not n.endswith(".tmp") and not n.startswith(".") for n in inputs)

    server.requests.clear()
    s = fetch("28676", corpus, server.sru_url, None, 0.0, False, **FAST)  # the lock is free
    assert s.errors == 0 and s.downloaded + s.unchanged == len(listed)
    assert set(fetched(server)) == {p.identifier for p in listed} - whole
    assert len(assert_saved_whole(corpus, listed)) == len(listed)  # and the temp files are gone
    build(corpus, tmp_path / "out")
    assert read_tables(tmp_path / "out")["documents"].height == len(listed)
