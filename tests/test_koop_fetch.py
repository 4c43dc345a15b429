"""`etl fetch`: sync from a fake KOOP SRU service on 127.0.0.1 (no other network)."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fake_sru import FIXTURES, FakeKoop, Paper, fixture_paper, tiny_paper

from etl.build import process_file
from etl.sources import koop
from etl.sources.koop import USER_AGENT, FetchError, fetch, parse_sru_page, run_fetch

FAST = {"retries": 2, "backoff": 0.01, "timeout": 2.0}


@pytest.fixture
def koop_server(monkeypatch: pytest.MonkeyPatch):
    # A proxy from the environment must not carry our 127.0.0.1 traffic anywhere.
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    fake = FakeKoop().start()
    yield fake
    fake.stop()


def sync(fake: FakeKoop, corpus: Path, since: date | None = None, delay: float = 0.0, **kw):
    opts = {**FAST, **kw}
    return fetch("28676", corpus, fake.sru_url, since, delay, False, **opts)


def state(corpus: Path) -> dict:
    return json.loads((corpus / ".koop" / "state.json").read_text(encoding="utf-8"))


def skipped_lines(corpus: Path) -> list[dict]:
    path = corpus / ".koop" / "skipped.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def leftovers(corpus: Path) -> list[Path]:
    return [p for p in corpus.rglob("*") if p.name.endswith(".tmp")]


def args_for(fake: FakeKoop, corpus: Path, **over) -> argparse.Namespace:
    base = {
        "dossier": "28676",
        "corpus": corpus,
        "sru_url": fake.sru_url,
        "since": None,
        "delay": 0.0,
        "quiet": True,
    }
    return argparse.Namespace(**{**base, **over})


# --- SRU pages ------------------------------------------------------------------------------


def test_fixture_pages_parse_into_records() -> None:
    p1 = parse_sru_page((FIXTURES / "sru_page_1.xml").read_bytes())
    assert [r.identifier for r in p1.records] == ["kst-28676-448", "kst-28676-901"]
    assert p1.next_position == 3
    assert p1.number_of_records == 4
    r = p1.records[0]
    assert r.xml_url.endswith("/1/xml/kst-28676-448.xml")
    assert r.preferred_url == "https://zoek.officielebekendmakingen.nl/kst-28676-448.html"
    assert r.fields["dossiernummer"] == "28676"
    assert r.fields["ondernummer"] == "448"
    assert r.fields["vergaderjaar"] == "2023-2024"
    assert r.fields["subrubriek"] == "Brief"
    assert r.modified == "2023-12-19"

    p2 = parse_sru_page((FIXTURES / "sru_page_2.xml").read_bytes())
    assert p2.next_position is None
    blg = p2.records[1]
    assert blg.identifier == "blg-9990001"
    assert blg.xml_url is None  # only a PDF: not to be downloaded as XML
    assert blg.fields["hoofddocument"] == "kst-28676-902"


def test_diagnostics_fixture_is_a_clear_error() -> None:
    with pytest.raises(FetchError, match=r"info:srw/diagnostic/1/6.*Unsupported parameter value"):
        parse_sru_page((FIXTURES / "sru_diagnostics.xml").read_bytes())


def test_query_follows_koop_pattern() -> None:
    assert koop.build_query("28676", None) == (
        "c.product-area==officielepublicaties AND w.dossiernummer==28676"
        " AND w.publicatienaam==Kamerstuk"
    )
    assert koop.build_query("28676", date(2024, 7, 1)).endswith(' AND dt.modified>="2024-07-01"')


# --- a first sync ----------------------------------------------------------------------------


def test_first_sync_from_fixture_pages(koop_server: FakeKoop, tmp_path: Path) -> None:
    fake = koop_server
    fake.static_pages = {
        1: (FIXTURES / "sru_page_1.xml").read_bytes(),
        3: (FIXTURES / "sru_page_2.xml").read_bytes(),
    }
    fake.papers = [fixture_paper(448), fixture_paper(901), fixture_paper(902)]
    corpus = tmp_path / "corpus"

    s = sync(fake, corpus, page_size=2)

    assert (s.seen, s.downloaded, s.unchanged, s.skipped, s.errors) == (4, 3, 0, 1, 0)
    assert s.complete
    for n in (448, 901, 902):
        saved = corpus / f"kst-28676-{n}.xml"
        assert saved.read_bytes() == (FIXTURES / f"kst-28676-{n}.xml").read_bytes()
    # Paging: KOOP's client sends no startRecord on the first page, then nextRecordPosition.
    sru = fake.sru_requests()
    assert [r.params.get("startRecord") for r in sru] == [None, "3"]
    first = sru[0].params
    assert first["operation"] == "searchRetrieve" and first["version"] == "2.0"
    assert first["recordSchema"] == "gzd" and first["maximumRecords"] == "2"
    assert "dt.modified" not in first["query"]
    assert {r.user_agent for r in fake.requests} == {USER_AGENT}

    side = json.loads((corpus / "kst-28676-448.xml.meta.json").read_text(encoding="utf-8"))
    data = (corpus / "kst-28676-448.xml").read_bytes()
    assert side["identifier"] == "kst-28676-448"
    assert side["sha256"] == hashlib.sha256(data).hexdigest()
    assert (
        side["source_url"]
        == f"{fake.base}/frbr/officielepublicaties/kst/28676/kst-28676-448/1/xml/kst-28676-448.xml"
    )
    assert side["preferred_url"] == "https://zoek.officielebekendmakingen.nl/kst-28676-448.html"
    assert side["is_synthetic"] is False
    retrieved = datetime.fromisoformat(side["retrieved_at"].replace("Z", "+00:00"))
    assert retrieved.tzinfo is not None and abs(datetime.now(UTC) - retrieved) < timedelta(
        minutes=5
    )
    rec = side["record"]
    assert (rec["dossiernummer"], rec["ondernummer"], rec["vergaderjaar"]) == (
        "28676",
        "448",
        "2023-2024",
    )
    assert (rec["type"], rec["subrubriek"], rec["modified"], rec["available"]) == (
        "Kamerstuk", "Brief", "2023-12-19", "2023-12-19",
    )  # fmt: skip
    assert rec["documenttitel"].startswith("Verslag van de NAVO Foreign Ministers Meeting")

    lines = skipped_lines(corpus)
    assert [(x["identifier"], x["hoofddocument"]) for x in lines] == [
        ("blg-9990001", "kst-28676-902")
    ]
    assert "Bijlage" in lines[0]["reason"]
    st = state(corpus)
    assert st["dossiers"]["28676"]["last_sync"] == datetime.now(UTC).date().isoformat()
    assert set(st["papers"]) == {"kst-28676-448", "kst-28676-901", "kst-28676-902"}
    assert st["papers"]["kst-28676-448"]["sha256"] == side["sha256"]
    assert not leftovers(corpus)


def test_fetched_paper_parses_with_its_sidecar(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [fixture_paper(448)]
    sync(koop_server, tmp_path)
    path = tmp_path / "kst-28676-448.xml"
    data = path.read_bytes()
    # the build reads the sidecar beside the file and stamps the document with it
    (doc,) = process_file(path, path.name, data, hashlib.sha256(data).hexdigest())["documents"]
    assert doc["doc_id"] == "kst-28676-448"
    assert doc["source_url"] == "https://zoek.officielebekendmakingen.nl/kst-28676-448.html"
    assert doc["is_synthetic"] is False
    assert doc["number"] == 448


def test_attachment_record_is_recorded_not_fetched(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.static_pages = {1: (FIXTURES / "sru_record_bijlage.xml").read_bytes()}
    s = sync(koop_server, tmp_path)
    assert (s.seen, s.downloaded, s.skipped, s.errors) == (1, 0, 1, 0)
    assert koop_server.paper_requests() == []
    assert not list(tmp_path.glob("*.xml"))
    (line,) = skipped_lines(tmp_path)
    assert line["identifier"] == "blg-9990002" and line["hoofddocument"] == "kst-28676-448"
    assert state(tmp_path)["skipped"]["blg-9990002"]["reason"].startswith("attachment")
    # A second run does not log the same attachment again.
    sync(koop_server, tmp_path)
    assert len(skipped_lines(tmp_path)) == 1


def test_record_without_xml_is_skipped(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [Paper("kst-28676-300", xml=None), tiny_paper(301)]
    s = sync(koop_server, tmp_path)
    assert (s.downloaded, s.skipped, s.errors) == (1, 1, 0)
    assert "no XML" in skipped_lines(tmp_path)[0]["reason"]


# --- paging ---------------------------------------------------------------------------------


def test_server_returning_fewer_records_than_asked(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [tiny_paper(n) for n in range(400, 405)]
    koop_server.page_cap = 2  # asks 100, gets 2
    s = sync(koop_server, tmp_path, page_size=100)
    assert s.downloaded == 5 and s.seen == 5
    starts = [r.params.get("startRecord") for r in koop_server.sru_requests()]
    assert starts == [None, "3", "5"]
    assert sorted(p.name for p in tmp_path.glob("*.xml")) == [
        f"kst-28676-{n}.xml" for n in range(400, 405)
    ]


def test_duplicate_identifier_across_pages_fetched_once(
    koop_server: FakeKoop, tmp_path: Path
) -> None:
    twice = tiny_paper(410)
    koop_server.papers = [twice, tiny_paper(411), twice, tiny_paper(412)]
    s = sync(koop_server, tmp_path, page_size=2)
    assert len(koop_server.sru_requests()) == 2  # the duplicate sat on the second page
    assert (s.seen, s.downloaded) == (3, 3)
    assert koop_server.paper_hits["kst-28676-410"] == 1


def test_paging_that_goes_backwards_is_stopped(koop_server: FakeKoop, tmp_path: Path) -> None:
    page = (FIXTURES / "sru_page_1.xml").read_bytes()
    looping = page.replace(b"<sru:nextRecordPosition>3<", b"<sru:nextRecordPosition>1<")
    koop_server.static_pages = {1: looping}
    koop_server.papers = [fixture_paper(448), fixture_paper(901)]
    with pytest.raises(FetchError, match="avoid a loop"):
        sync(koop_server, tmp_path, page_size=2)
    assert len(koop_server.sru_requests()) == 1
    assert "last_sync" not in state(tmp_path)["dossiers"].get("28676", {})


# --- incremental ----------------------------------------------------------------------------


def test_rerun_with_nothing_new_downloads_nothing(koop_server: FakeKoop, tmp_path: Path) -> None:
    today = datetime.now(UTC).date().isoformat()  # inside the next run's dt.modified window
    koop_server.papers = [
        fixture_paper(448, today),
        fixture_paper(901, today),
        tiny_paper(420, today),
    ]
    first = sync(koop_server, tmp_path)
    assert first.downloaded == 3
    mtimes = {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.xml")}
    koop_server.requests.clear()

    again = sync(koop_server, tmp_path)

    assert (again.downloaded, again.unchanged, again.errors) == (0, 3, 0)
    assert koop_server.paper_requests() == []
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    assert f'dt.modified>="{yesterday}"' in koop_server.sru_requests()[0].params["query"]
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.glob("*.xml")} == mtimes


def test_only_new_or_modified_papers_are_downloaded(koop_server: FakeKoop, tmp_path: Path) -> None:
    today = datetime.now(UTC).date().isoformat()
    old = tiny_paper(430, modified="2024-01-01")
    changing = tiny_paper(431, modified="2024-01-01")
    koop_server.papers = [old, changing]
    sync(koop_server, tmp_path)
    koop_server.requests.clear()
    # The server now lists a changed paper and a new one, both modified today.
    changing.modified, changing.xml = today, changing.xml.replace(b"Tekst.", b"Gewijzigd.")
    koop_server.papers.append(tiny_paper(432, modified=today))

    s = sync(koop_server, tmp_path)

    assert s.downloaded == 2 and s.unchanged == 0  # old paper is outside the dt.modified window
    assert sorted(r.path.rsplit("/", 1)[-1] for r in koop_server.paper_requests()) == [
        "kst-28676-431.xml",
        "kst-28676-432.xml",
    ]
    assert b"Gewijzigd." in (tmp_path / "kst-28676-431.xml").read_bytes()
    side = json.loads((tmp_path / "kst-28676-431.xml.meta.json").read_text(encoding="utf-8"))
    assert side["record"]["modified"] == today


def test_since_overrides_the_sync_date(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [tiny_paper(440, modified="2024-01-01")]
    sync(koop_server, tmp_path)
    koop_server.requests.clear()
    s = sync(koop_server, tmp_path, since=date(2020, 5, 1))
    assert 'dt.modified>="2020-05-01"' in koop_server.sru_requests()[0].params["query"]
    assert (s.seen, s.unchanged, s.downloaded) == (1, 1, 0)


def test_later_since_on_a_fresh_corpus_does_not_set_the_sync_date(
    koop_server: FakeKoop, tmp_path: Path
) -> None:
    koop_server.papers = [tiny_paper(441, modified="2024-06-01")]
    sync(koop_server, tmp_path, since=date(2024, 5, 1))
    # Papers before --since were never listed: the next plain run must list everything.
    assert "last_sync" not in state(tmp_path)["dossiers"]["28676"]


def test_lost_state_is_rebuilt_from_sidecars(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [tiny_paper(445), tiny_paper(446)]
    sync(koop_server, tmp_path)
    (tmp_path / ".koop" / "state.json").unlink()
    koop_server.requests.clear()
    s = sync(koop_server, tmp_path)
    assert (s.downloaded, s.unchanged) == (0, 2)
    assert koop_server.paper_requests() == []


# --- faults ---------------------------------------------------------------------------------


def test_429_with_retry_after_is_honoured(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [tiny_paper(450)]
    koop_server.faults["sru"] = [("status", 429, {"Retry-After": "1"})]
    s = sync(koop_server, tmp_path, backoff=0.01)
    assert s.downloaded == 1 and s.errors == 0
    first, second = koop_server.sru_requests()[:2]
    assert second.at - first.at >= 0.9  # waited as asked, not the 0.01 s backoff


def test_503_is_retried_then_succeeds(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [tiny_paper(451)]
    koop_server.faults["kst-28676-451"] = [("status", 503), ("status", 502)]
    s = sync(koop_server, tmp_path, retries=2)
    assert s.downloaded == 1 and s.errors == 0
    assert koop_server.paper_hits["kst-28676-451"] == 3


def test_timeout_is_retried(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [tiny_paper(452)]
    koop_server.faults["kst-28676-452"] = [("sleep", 0.6)]
    t0 = time.monotonic()
    s = sync(koop_server, tmp_path, timeout=0.2)
    assert s.downloaded == 1 and s.errors == 0
    assert koop_server.paper_hits["kst-28676-452"] == 2
    assert time.monotonic() - t0 < 3


def test_connection_reset_is_retried(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [tiny_paper(453)]
    koop_server.faults["sru"] = [("close",)]
    koop_server.faults["kst-28676-453"] = [("short",)]
    s = sync(koop_server, tmp_path)
    assert s.downloaded == 1 and s.errors == 0
    assert len(koop_server.sru_requests()) == 2


def test_truncated_paper_is_retried_then_reported(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [tiny_paper(454), tiny_paper(455)]
    koop_server.always["kst-28676-454"] = ("truncate",)
    s = sync(koop_server, tmp_path, retries=2)
    assert koop_server.paper_hits["kst-28676-454"] == 3
    assert (s.downloaded, s.errors) == (1, 1)
    assert "truncated or malformed XML" in s.error_messages[0]
    assert "kst-28676-454" in s.error_messages[0]
    assert not (tmp_path / "kst-28676-454.xml").exists()
    assert not s.complete
    assert "last_sync" not in state(tmp_path)["dossiers"]["28676"]
    assert not leftovers(tmp_path)


def test_truncated_sru_page_gives_one_clear_line(
    koop_server: FakeKoop, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setattr(koop, "DEFAULT_RETRIES", 1)
    monkeypatch.setattr(koop, "DEFAULT_BACKOFF", 0.01)
    koop_server.papers = [tiny_paper(456)]
    koop_server.always["sru"] = ("truncate",)
    code = run_fetch(args_for(koop_server, tmp_path))
    err = capsys.readouterr().err
    assert code == 1
    assert len(koop_server.sru_requests()) == 2
    first = err.splitlines()[0]
    assert first.startswith("fetch: error: ") and "truncated or malformed XML" in first
    assert "Traceback" not in err


def test_diagnostics_response_is_a_clear_error(
    koop_server: FakeKoop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    koop_server.always["sru"] = ("diagnostics",)
    code = run_fetch(args_for(koop_server, tmp_path))
    err = capsys.readouterr().err
    assert code == 1
    assert "info:srw/diagnostic/1/6" in err and "Unsupported parameter value" in err
    assert "Traceback" not in err
    assert len(koop_server.sru_requests()) == 1  # a refusal is not retried


def test_retries_are_capped(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.always["sru"] = ("status", 503)
    with pytest.raises(FetchError, match=r"giving up after 3 attempts: HTTP 503"):
        sync(koop_server, tmp_path, retries=2)
    assert len(koop_server.sru_requests()) == 3


def test_fake_404_is_not_found_and_retried_next_run(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [tiny_paper(460), tiny_paper(461)]
    koop_server.faults["kst-28676-460"] = [("fake404",)]
    s = sync(koop_server, tmp_path)
    assert (s.downloaded, s.skipped, s.errors) == (1, 1, 0)
    assert not any("fout404" in r.path for r in koop_server.requests)  # not followed
    assert "not found" in skipped_lines(tmp_path)[0]["reason"]
    assert not (tmp_path / "kst-28676-460.xml").exists()

    # The next run lists nothing new (both modified long ago) but asks for the missing one again.
    s2 = sync(koop_server, tmp_path)
    assert s2.downloaded == 1
    assert (tmp_path / "kst-28676-460.xml").is_file()
    assert "kst-28676-460" not in state(tmp_path)["skipped"]


def test_interrupted_run_resumes_with_only_missing_papers(
    koop_server: FakeKoop, tmp_path: Path
) -> None:
    koop_server.papers = [tiny_paper(n) for n in range(470, 476)]
    koop_server.die_after_papers = 2  # the server dies after two downloads
    with pytest.raises(FetchError, match="in a row failed") as info:
        sync(koop_server, tmp_path, retries=1)
    assert info.value.summary is not None and info.value.summary.downloaded == 2
    assert sorted(p.name for p in tmp_path.glob("*.xml")) == [
        "kst-28676-470.xml",
        "kst-28676-471.xml",
    ]
    assert "last_sync" not in state(tmp_path)["dossiers"]["28676"]
    assert not leftovers(tmp_path)

    koop_server.die_after_papers = None
    koop_server.requests.clear()
    s = sync(koop_server, tmp_path)
    assert (s.downloaded, s.unchanged, s.errors) == (4, 2, 0)
    fetched = sorted(r.path.rsplit("/", 1)[-1] for r in koop_server.paper_requests())
    assert fetched == [f"kst-28676-{n}.xml" for n in range(472, 476)]
    assert "dt.modified" not in koop_server.sru_requests()[0].params["query"]
    assert state(tmp_path)["dossiers"]["28676"]["last_sync"]


def test_paper_error_keeps_sync_date_and_next_run_fetches_it(
    koop_server: FakeKoop, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    monkeypatch.setattr(koop, "DEFAULT_RETRIES", 1)
    monkeypatch.setattr(koop, "DEFAULT_BACKOFF", 0.01)
    koop_server.papers = [tiny_paper(480), tiny_paper(481)]
    koop_server.always["kst-28676-480"] = ("status", 500)
    assert run_fetch(args_for(koop_server, tmp_path)) == 1
    out = capsys.readouterr()
    assert "kst-28676-480" in out.err and "HTTP 500" in out.err
    assert "1 downloaded" in out.out and "1 errors" in out.out

    del koop_server.always["kst-28676-480"]
    koop_server.requests.clear()
    assert run_fetch(args_for(koop_server, tmp_path)) == 0
    assert [r.path.rsplit("/", 1)[-1] for r in koop_server.paper_requests()] == [
        "kst-28676-480.xml"
    ]
    assert "0 errors" in capsys.readouterr().out


# --- politeness and files -------------------------------------------------------------------


def test_requests_are_spaced_by_the_delay(koop_server: FakeKoop, tmp_path: Path) -> None:
    koop_server.papers = [tiny_paper(490), tiny_paper(491)]
    sync(koop_server, tmp_path, delay=0.15)
    times = [r.at for r in koop_server.requests]
    assert len(times) == 3
    assert all(b - a >= 0.14 for a, b in zip(times, times[1:], strict=False))


def test_failed_write_leaves_no_file_and_no_temp(
    koop_server: FakeKoop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    koop_server.papers = [tiny_paper(495)]

    def crash(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        sync(koop_server, tmp_path)
    monkeypatch.undo()
    assert not (tmp_path / "kst-28676-495.xml").exists()
    assert not leftovers(tmp_path)


def test_unsafe_identifier_is_not_a_path(koop_server: FakeKoop, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    evil = tiny_paper(496)
    evil.identifier = "../../evil"
    koop_server.papers = [evil]
    s = sync(koop_server, corpus)
    assert (s.downloaded, s.skipped) == (0, 1)
    assert not list(tmp_path.rglob("evil*"))


def test_second_fetch_on_the_same_corpus_is_refused(koop_server: FakeKoop, tmp_path: Path) -> None:
    (tmp_path / ".koop").mkdir()
    with koop._locked(tmp_path / ".koop"), pytest.raises(FetchError, match="another fetch"):
        sync(koop_server, tmp_path)


def test_run_fetch_prints_a_summary(
    koop_server: FakeKoop, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    koop_server.papers = [tiny_paper(497), Paper("blg-1", xml=None, type="Bijlage")]
    assert run_fetch(args_for(koop_server, tmp_path)) == 0
    out = capsys.readouterr()
    line = out.out.strip().splitlines()[-1]
    assert line.startswith(
        "koop fetch: 2 records seen, 1 downloaded, 0 unchanged, 1 skipped, 0 errors"
    )
    assert out.err == ""  # --quiet: no progress bar


def test_bad_dossier_is_refused_before_any_request(koop_server: FakeKoop, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="not a dossier number"):
        fetch("28676 OR 1=1", tmp_path, koop_server.sru_url, None, 0.0, False)
    assert koop_server.requests == []
