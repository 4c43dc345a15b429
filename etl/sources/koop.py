"""Sync a Kamerstuk dossier from the official KOOP SRU service into a corpus folder (official XML).

Layout written under CORPUS:
    <identifier>.xml             the paper's official XML, exactly as downloaded
    <identifier>.xml.meta.json   its sidecar (see etl.sources.sidecar)
    .koop/state.json             what was synced: last successful sync date, papers, skips
    .koop/skipped.jsonl          one line per record not downloaded, with the reason
    .koop/lock                   held while a fetch runs
"""

from __future__ import annotations

import argparse
import contextlib
import email.utils
import fcntl
import hashlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from lxml import etree
from tqdm import tqdm

from etl.parse.op_xml import safe_parser  # the same hardened parser for SRU pages
from etl.sources.sidecar import read_sidecar, write_bytes_atomic, write_sidecar

USER_AGENT = "navo-reports-dashboard/0.1 (+open-source; dossier 28676)"
PAGE_SIZE = 100
DEFAULT_RETRIES = 4  # attempts after the first, per request
DEFAULT_BACKOFF = 1.0  # seconds before the first retry; doubles with every next one
DEFAULT_TIMEOUT = 60.0  # seconds per request (connect, read, write, pool)
STATE_DIR = ".koop"
STATE_VERSION = 1
MAX_BYTES = 50_000_000  # no Kamerstuk XML comes near this; a bigger body is not one
MAX_RETRY_AFTER = 120.0  # seconds we are willing to wait when a server asks us to
MAX_REDIRECTS = 5
MAX_FAILURES_IN_A_ROW = 3  # papers failing back to back: the server is down, stop asking
MAX_EMPTY_PAGES = 3
MAX_REQUEST_SECONDS = 600.0  # a whole response, however slowly it trickles in (timeout is per read)

_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
_DOSSIER = re.compile(r"^\d{1,6}(?:-[A-Za-z0-9]{1,10})?$")

T = TypeVar("T")


class FetchError(Exception):
    """The sync cannot go on; the message says why, for a person to read."""

    def __init__(
        self, message: str, summary: FetchSummary | None = None, counted: bool = False
    ) -> None:
        super().__init__(message)
        self.summary = summary
        self.counted = counted  # already in summary.errors (per-paper failures)


class _NotFound(Exception):
    """HTTP 404, or KOOP's "fake 404" (a redirect to an error page named fout404)."""


class _BadBody(Exception):
    """A response whose body is unusable (truncated, garbage): worth another try."""


@dataclass
class FetchSummary:
    """What one sync did: counts for the closing line, and the problems met."""

    seen: int = 0  # distinct records listed by the SRU service
    downloaded: int = 0
    unchanged: int = 0
    skipped: int = 0  # attachments, records without XML, papers not found
    errors: int = 0
    seconds: float = 0.0
    complete: bool = False  # the listing and every download succeeded (sync date advanced)
    query: str = ""
    error_messages: list[str] = field(default_factory=list)

    def line(self) -> str:
        """The closing summary, one line."""
        return (
            f"koop fetch: {self.seen} records seen, {self.downloaded} downloaded, "
            f"{self.unchanged} unchanged, {self.skipped} skipped, {self.errors} errors "
            f"in {self.seconds:.1f} s"
        )


@dataclass
class SruRecord:
    """The parts of one SRU `gzd` record that the sync needs."""

    identifier: str
    fields: dict[str, Any]
    xml_url: str | None
    preferred_url: str | None

    @property
    def modified(self) -> str:
        """dcterms:modified (a date string), or "" when the record lacks one."""
        return str(self.fields.get("modified") or "")


@dataclass
class SruPage:
    """One searchRetrieve response."""

    records: list[SruRecord]
    number_of_records: int | None
    next_position: int | None


# --- XML --------------------------------------------------------------------------------------


def _parse_xml(data: bytes, what: str) -> etree._Element:
    if not data.strip():
        raise _BadBody(f"empty {what}")
    try:
        return etree.fromstring(data, parser=safe_parser())
    except etree.XMLSyntaxError as e:
        said = " ".join(str(e).split())  # libxml2's messages may hold newlines: one line
        raise _BadBody(f"truncated or malformed XML in {what}: {said}") from None


def _local(el: etree._Element) -> str:
    return etree.QName(el.tag).localname if isinstance(el.tag, str) else ""


def _texts(el: etree._Element, name: str) -> list[str]:
    found = el.xpath(".//*[local-name()=$n]", n=name)
    return [" ".join("".join(f.itertext()).split()) for f in found]


def _text(el: etree._Element, name: str) -> str | None:
    values = [v for v in _texts(el, name) if v]
    return values[0] if values else None


_RECORD_FIELDS = (
    "title",
    "type",
    "creator",
    "modified",
    "available",
    "date",
    "issued",
    "documentstatus",
    "documenttitel",
    "dossiertitel",
    "ondernummer",
    "publicatienaam",
    "vergaderjaar",
    "subrubriek",
    "hoofddocument",
    "content-area",
    "product-area",
)


def parse_record(rec: etree._Element) -> SruRecord | None:
    """One `sru:record` as an SruRecord; None when it has no identifier."""
    original = rec.xpath(".//*[local-name()='originalData']")
    meta = original[0] if original else rec
    ident = _text(meta, "identifier")
    if not ident:
        return None
    fields: dict[str, Any] = {"identifier": ident}
    for name in _RECORD_FIELDS:
        value = _text(meta, name)
        if value is not None:
            fields[name.replace("-", "_")] = value
    dossiers = [v for v in _texts(meta, "dossiernummer") if v]
    if dossiers:
        fields["dossiernummer"] = dossiers[0]
        if len(dossiers) > 1:
            fields["dossiernummers"] = dossiers
    indieners = [v for v in _texts(meta, "indiener") if v]
    if indieners:
        fields["indiener"] = indieners
    enriched = rec.xpath(".//*[local-name()='enrichedData']")
    xml_url = preferred = None
    if enriched:
        items = {
            (i.get("manifestation") or ""): "".join(i.itertext()).strip()
            for i in enriched[0].xpath("*[local-name()='itemUrl']")
        }
        url = _text(enriched[0], "url")
        xml_url = items.get("xml") or (url if url and url.lower().endswith(".xml") else None)
        preferred = _text(enriched[0], "preferredUrl")
        fields["manifestations"] = sorted(k for k in items if k)
    return SruRecord(identifier=ident, fields=fields, xml_url=xml_url, preferred_url=preferred)


def parse_sru_page(data: bytes) -> SruPage:
    """A searchRetrieve response body as an SruPage; FetchError on an SRU diagnostic."""
    root = _parse_xml(data, "the SRU response")
    if _local(root) != "searchRetrieveResponse":
        raise _BadBody(f"not an SRU response (root <{_local(root) or root.tag}>)")
    diagnostics = root.xpath("*[local-name()='diagnostics']/*[local-name()='diagnostic']")
    if diagnostics:
        d = diagnostics[0]
        parts = [_text(d, "uri"), _text(d, "message"), _text(d, "details")]
        said = "; ".join(p for p in parts if p) or "no details"
        raise FetchError(f"the SRU service refused the query with a diagnostic: {said}")
    records: list[SruRecord] = []
    for rec in root.xpath("*[local-name()='records']/*[local-name()='record']"):
        parsed = parse_record(rec)
        if parsed is not None:
            records.append(parsed)
        else:
            records.append(SruRecord(identifier="", fields={}, xml_url=None, preferred_url=None))
    return SruPage(
        records=records,
        number_of_records=_int(_text_child(root, "numberOfRecords")),
        next_position=_int(_text_child(root, "nextRecordPosition")),
    )


def _text_child(root: etree._Element, name: str) -> str | None:
    found = root.xpath("*[local-name()=$n]", n=name)
    return "".join(found[0].itertext()).strip() if found else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def build_query(dossier: str, since: date | None) -> str:
    """The CQL query for a dossier's Kamerstukken, optionally modified on or after `since`."""
    q = (
        "c.product-area==officielepublicaties"
        f" AND w.dossiernummer=={dossier} AND w.publicatienaam==Kamerstuk"
    )
    if since is not None:
        q += f' AND dt.modified>="{since.isoformat()}"'
    return q


# --- HTTP -------------------------------------------------------------------------------------


# Hosts KOOP serves papers from (besides the SRU service's own host)
KOOP_HOSTS = frozenset({"repository.overheid.nl", "zoek.officielebekendmakingen.nl"})


class _Http:
    """GET with a delay between requests, retries with backoff, and KOOP's quirks."""

    def __init__(
        self,
        client: httpx.Client,
        delay: float,
        retries: int,
        backoff: float,
        sleep: Callable[[float], None] = time.sleep,
        max_seconds: float = MAX_REQUEST_SECONDS,
        sru_url: str | None = None,
    ) -> None:
        self.client = client
        self.sru = httpx.URL(sru_url) if sru_url else None
        self.max_seconds = max_seconds
        self.delay = max(0.0, delay)
        self.retries = max(0, retries)
        self.backoff = max(0.0, backoff)
        self.sleep = sleep
        self._last: float | None = None

    def allowed(self, url: httpx.URL) -> bool:
        """Only the SRU service's own host, or https on KOOP's hosts: a forged record cannot
        make us request internal addresses."""
        if self.sru is None:
            return True
        return (url.scheme, url.host) == (self.sru.scheme, self.sru.host) or (
            url.scheme == "https" and url.host in KOOP_HOSTS
        )

    def _polite_wait(self) -> None:
        if self._last is not None:
            wait = self.delay - (time.monotonic() - self._last)
            if wait > 0:
                self.sleep(wait)

    def _once(self, url: str, params: dict[str, str] | None) -> tuple[int, bytes, httpx.Headers]:
        # Merge, not replace: an SRU URL may carry its own query parameters.
        target = httpx.URL(url).copy_merge_params(params) if params else httpx.URL(url)
        for _ in range(MAX_REDIRECTS + 1):
            self._polite_wait()
            try:
                with self.client.stream(
                    "GET", target, headers={"User-Agent": USER_AGENT}, follow_redirects=False
                ) as resp:
                    if "fout404" in str(resp.url):
                        raise _NotFound(str(target))
                    if resp.is_redirect:
                        location = resp.headers.get("location", "")
                        if "fout404" in location:
                            raise _NotFound(str(target))
                        target = resp.url.join(location)
                        if not self.allowed(target):
                            raise FetchError(
                                f"{url}: redirected to {target}, which is not a KOOP host"
                            )
                        continue
                    body = self._read(resp, self.max_seconds)
                    return resp.status_code, body, resp.headers
            finally:
                self._last = time.monotonic()
        raise FetchError(f"too many redirects for {url}")

    @staticmethod
    def _read(resp: httpx.Response, max_seconds: float = MAX_REQUEST_SECONDS) -> bytes:
        # An error page is read only for its first words (they go into the message).
        limit = 2000 if resp.status_code >= 400 else MAX_BYTES
        chunks: list[bytes] = []
        size = 0
        # httpx's timeout bounds each read; a server trickling a byte at a time needs this too.
        deadline = time.monotonic() + max_seconds
        for chunk in resp.iter_bytes():
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout(
                    f"the response took longer than {max_seconds:g} s", request=resp.request
                )
            size += len(chunk)
            chunks.append(chunk)
            if size > limit:
                if resp.status_code >= 400:
                    break
                raise FetchError(f"{resp.url} is larger than {MAX_BYTES // 1_000_000} MB")
        return b"".join(chunks)

    def get(self, url: str, parse: Callable[[bytes], T], params: dict[str, str] | None = None) -> T:
        """GET url and parse the body, retrying transient failures; FetchError when it gives up."""
        problem = "no attempt made"
        for attempt in range(self.retries + 1):
            wait = self.backoff * (2**attempt)
            try:
                status, body, headers = self._once(url, params)
            except httpx.TimeoutException as e:
                problem = f"timed out ({type(e).__name__})"
            except httpx.TransportError as e:
                problem = f"connection failed ({type(e).__name__}: {e})"
                if _NO_NAME.search(str(e)):
                    # no DNS: offline, or a mistyped host; retrying will not help
                    raise FetchError(f"{url}: cannot resolve the host (offline?): {e}") from e
            else:
                if status == 404:
                    raise _NotFound(url)
                if status == 429 or status >= 500:
                    problem = f"HTTP {status}"
                    asked = _retry_after(headers.get("retry-after"))
                    if asked is not None:
                        if asked > MAX_RETRY_AFTER:
                            raise FetchError(
                                f"{url}: HTTP {status}, and the server asks to wait {asked:.0f} s "
                                f"(more than {MAX_RETRY_AFTER:.0f} s); try again later"
                            )
                        wait = asked
                elif status >= 400:
                    raise FetchError(f"{url}: HTTP {status}, {_snippet(body)}")
                else:
                    try:
                        return parse(body)
                    except _BadBody as e:
                        problem = str(e)
            if attempt < self.retries:
                self.sleep(wait)
        raise FetchError(f"{url}: giving up after {self.retries + 1} attempts: {problem}")


_NO_NAME = re.compile(
    r"name or service not known|temporary failure in name resolution|nodename nor servname|"
    r"no address associated|getaddrinfo failed",
    re.IGNORECASE,
)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _snippet(body: bytes) -> str:
    text = " ".join(re.sub(rb"<[^>]*>", b" ", body[:500]).decode("utf-8", "replace").split())
    return text[:120] or "no body"


# --- state ------------------------------------------------------------------------------------


class _State:
    """`.koop/state.json` and `.koop/skipped.jsonl`, written atomically as the sync goes."""

    def __init__(self, corpus: Path) -> None:
        self.dir = corpus / STATE_DIR
        self.path = self.dir / "state.json"
        self.skipped_log = self.dir / "skipped.jsonl"
        self.data: dict[str, Any] = {
            "version": STATE_VERSION,
            "dossiers": {},
            "papers": {},
            "skipped": {},
        }
        if self.path.is_file():
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                raise FetchError(
                    f"cannot read {self.path} ({e}); move it away to start a full sync"
                ) from None
            if isinstance(loaded, dict):
                for key in ("dossiers", "papers", "skipped"):
                    if not isinstance(loaded.get(key), dict):
                        loaded[key] = {}
                self.data = loaded

    @property
    def papers(self) -> dict[str, dict[str, Any]]:
        return self.data["papers"]

    @property
    def skipped(self) -> dict[str, dict[str, Any]]:
        return self.data["skipped"]

    def dossier(self, dossier: str) -> dict[str, Any]:
        return self.data["dossiers"].setdefault(dossier, {})

    def save(self) -> None:
        text = json.dumps(self.data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
        write_bytes_atomic(self.path, text.encode("utf-8"))

    def skip(self, ident: str, reason: str, record: SruRecord | None, retry: bool) -> None:
        """Remember a skipped record; log it once per (identifier, modified, reason)."""
        modified = record.modified if record else ""
        old = self.skipped.get(ident)
        entry: dict[str, Any] = {"reason": reason, "modified": modified, "retry": retry}
        if retry and record is not None:
            entry["record"] = asdict(record)
        if old and old.get("reason") == reason and old.get("modified") == modified:
            return
        self.skipped[ident] = entry
        line = {
            "identifier": ident,
            "reason": reason,
            "modified": modified,
            "type": (record.fields.get("type") if record else None),
            "hoofddocument": (record.fields.get("hoofddocument") if record else None),
            "recorded_at": _now(),
        }
        with open(self.skipped_log, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        self.save()


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with open(folder / "lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise FetchError(f"another fetch is running on {folder.parent}") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _remove_stale_temps(corpus: Path) -> None:
    # Temp files of a run killed mid-write (write_bytes_atomic's ".<name>.<random>.tmp"): never
    # complete, and no other fetch is writing while we hold the lock.
    for folder in (corpus, corpus / STATE_DIR):
        for tmp in folder.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                tmp.unlink()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sha256_file(path: Path) -> str | None:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


# --- the sync ---------------------------------------------------------------------------------


class _Sync:
    def __init__(
        self, corpus: Path, http: _Http, state: _State, summary: FetchSummary, bar: tqdm
    ) -> None:
        self.corpus = corpus
        self.http = http
        self.state = state
        self.summary = summary
        self.bar = bar
        self.failures_in_a_row = 0

    def _error(self, message: str) -> None:
        self.summary.errors += 1
        self.summary.error_messages.append(message)

    def _is_current(self, rec: SruRecord, path: Path) -> bool:
        known = self.state.papers.get(rec.identifier)
        if known and known.get("modified") == rec.modified and path.is_file():
            return _sha256_file(path) == known.get("sha256")
        # No state entry (e.g. lost state, or a crash between file and state): trust the sidecar.
        side = read_sidecar(path)
        if (
            side.get("identifier") == rec.identifier
            and (side.get("record") or {}).get("modified") == rec.modified
            and path.is_file()
            and _sha256_file(path) == side.get("sha256")
        ):
            self.state.papers[rec.identifier] = {
                "modified": rec.modified,
                "sha256": side["sha256"],
                "file": path.name,
                "source_url": side.get("source_url"),
                "retrieved_at": side.get("retrieved_at"),
            }
            self.state.save()
            return True
        return False

    def handle(self, rec: SruRecord) -> None:
        """Download one record's XML if it is new or modified; record why when not."""
        ident = rec.identifier
        fields = rec.fields
        if not _SAFE_ID.match(ident) or ".." in ident:
            self.summary.skipped += 1
            self.state.skip(ident[:200], "identifier unusable as a file name", rec, retry=False)
            return
        if (fields.get("type") or "").lower() == "bijlage" or ident.startswith("blg-"):
            self.summary.skipped += 1
            main = fields.get("hoofddocument") or "unknown main paper"
            self.state.skip(ident, f"attachment (Bijlage of {main}); no XML", rec, retry=False)
            return
        if not rec.xml_url:
            self.summary.skipped += 1
            status = fields.get("documentstatus") or "unknown status"
            self.state.skip(ident, f"no XML manifestation ({status})", rec, retry=False)
            return
        if not rec.xml_url.lower().startswith(("http://", "https://")):
            self.summary.skipped += 1
            self.state.skip(ident, f"XML URL is not http(s): {rec.xml_url[:100]}", rec, False)
            return
        if not self.http.allowed(httpx.URL(rec.xml_url)):
            self.summary.skipped += 1
            self.state.skip(
                ident, f"XML URL is not on a KOOP host: {rec.xml_url[:100]}", rec, False
            )
            return
        path = self.corpus / f"{ident}.xml"
        if self._is_current(rec, path):
            self.summary.unchanged += 1
            self._forget_skip(ident)
            return
        try:
            body = self.http.get(rec.xml_url, lambda b: _check_paper(b, ident))
        except _NotFound:
            self.summary.skipped += 1
            self.state.skip(ident, f"not found at {rec.xml_url}", rec, retry=True)
            self.failures_in_a_row = 0
            return
        except FetchError as e:
            self._error(f"{ident}: {e}")
            self.failures_in_a_row += 1
            if self.failures_in_a_row >= MAX_FAILURES_IN_A_ROW:
                raise FetchError(
                    f"{self.failures_in_a_row} papers in a row failed (last: {e}); stopped",
                    counted=True,
                ) from None
            return
        self.failures_in_a_row = 0
        self._save(rec, path, body)

    def _save(self, rec: SruRecord, path: Path, body: bytes) -> None:
        sha = hashlib.sha256(body).hexdigest()
        retrieved = _now()
        # File first, then sidecar, then state: a crash in between only costs a re-download.
        write_bytes_atomic(path, body)
        write_sidecar(
            path,
            {
                "identifier": rec.identifier,
                "source_url": rec.xml_url,
                "preferred_url": rec.preferred_url,
                "retrieved_at": retrieved,
                "sha256": sha,
                "is_synthetic": False,
                "record": rec.fields,
            },
        )
        self.state.papers[rec.identifier] = {
            "modified": rec.modified,
            "sha256": sha,
            "file": path.name,
            "source_url": rec.xml_url,
            "retrieved_at": retrieved,
        }
        self._forget_skip(rec.identifier, save=False)
        self.state.save()
        self.summary.downloaded += 1

    def _forget_skip(self, ident: str, save: bool = True) -> None:
        if self.state.skipped.pop(ident, None) is not None and save:
            self.state.save()


def _check_paper(body: bytes, ident: str) -> bytes:
    root = _parse_xml(body, f"the XML of {ident}")  # refuse to save a truncated or garbage body
    if _local(root).lower() == "html":  # an (X)HTML error page served with 200 OK
        raise _BadBody(f"an HTML page instead of the XML of {ident}: {_snippet(body)}")
    return body


def _listing(
    http: _Http, sru_url: str, query: str, page_size: int, on_total: Callable[[int], None]
) -> Iterator[SruRecord]:
    """Every record of the query, page by page, following nextRecordPosition."""
    start = 1
    empty_pages = 0
    while True:
        params = {
            "operation": "searchRetrieve",
            "version": "2.0",
            "recordSchema": "gzd",
            "maximumRecords": str(page_size),
            "query": query,
            "httpAccept": "application/xml",
        }
        if start > 1:  # KOOP's own client leaves startRecord out on the first page
            params["startRecord"] = str(start)
        try:
            page = http.get(sru_url, parse_sru_page, params=params)
        except _NotFound:
            raise FetchError(f"the SRU service was not found at {sru_url}") from None
        if page.number_of_records is not None:
            on_total(page.number_of_records)
        yield from page.records
        if page.next_position is None:
            return
        if page.next_position <= start:
            raise FetchError(
                f"the SRU service sent nextRecordPosition {page.next_position} "
                f"after a page starting at {start}; stopped to avoid a loop"
            )
        empty_pages = empty_pages + 1 if not page.records else 0
        if empty_pages >= MAX_EMPTY_PAGES:
            raise FetchError(f"the SRU service sent {empty_pages} empty pages in a row; stopped")
        start = page.next_position


def fetch(
    dossier: str,
    corpus: Path,
    sru_url: str,
    since: date | None,
    delay: float,
    progress: bool,
    client: httpx.Client | None = None,
    *,
    retries: int | None = None,
    backoff: float | None = None,
    timeout: float | None = None,
    page_size: int = PAGE_SIZE,
    max_request_seconds: float = MAX_REQUEST_SECONDS,
) -> FetchSummary:
    """Sync one dossier into `corpus`; FetchError (with the summary so far) when it cannot."""
    retries = DEFAULT_RETRIES if retries is None else retries
    backoff = DEFAULT_BACKOFF if backoff is None else backoff
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    if not _DOSSIER.match(dossier):
        raise FetchError(f"not a dossier number: {dossier!r} (expected e.g. 28676 or 35300-X)")
    if not sru_url.lower().startswith(("http://", "https://")):
        raise FetchError(f"not an http(s) URL: {sru_url!r}")
    corpus = Path(corpus)
    started = datetime.now(UTC)
    t0 = time.monotonic()
    summary = FetchSummary()
    try:
        corpus.mkdir(parents=True, exist_ok=True)
        (corpus / STATE_DIR).mkdir(exist_ok=True)
    except OSError as e:
        raise FetchError(f"cannot create {corpus}: {e.strerror or e}") from None

    own_client = client is None
    if client is None:
        client = httpx.Client(
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT},
            follow_redirects=False,
        )
    bar = tqdm(
        total=None,
        disable=not progress,
        file=sys.stderr,
        unit="paper",
        desc=f"KOOP {dossier}",
        dynamic_ncols=True,
    )
    try:
        with _locked(corpus / STATE_DIR):
            _remove_stale_temps(corpus)
            state = _State(corpus)
            http = _Http(
                client,
                delay=delay,
                retries=retries,
                backoff=backoff,
                max_seconds=max_request_seconds,
                sru_url=sru_url,
            )
            _run(dossier, corpus, sru_url, since, page_size, state, summary, bar, started, http)
    except FetchError as e:
        summary.seconds = time.monotonic() - t0
        if not e.counted:
            summary.errors += 1
            summary.error_messages.append(str(e))
        e.summary = summary
        raise
    finally:
        bar.close()
        if own_client:
            client.close()
    summary.seconds = time.monotonic() - t0
    return summary


def _run(
    dossier: str,
    corpus: Path,
    sru_url: str,
    since: date | None,
    page_size: int,
    state: _State,
    summary: FetchSummary,
    bar: tqdm,
    started: datetime,
    http: _Http,
) -> None:
    dstate = state.dossier(dossier)
    last_sync = dstate.get("last_sync") if dstate.get("sru_url") == sru_url else None
    default_since = date.fromisoformat(last_sync) - timedelta(days=1) if last_sync else None
    query_since = since if since is not None else default_since
    summary.query = build_query(dossier, query_since)
    sync = _Sync(corpus, http, state, summary, bar)

    def on_total(n: int) -> None:
        if bar.total != n:
            bar.total = n
            bar.refresh()

    seen: set[str] = set()
    for rec in _listing(http, sru_url, summary.query, max(1, page_size), on_total):
        if not rec.identifier:
            summary.seen += 1
            summary.skipped += 1  # nothing to name it by; the count is all we can keep
            bar.update(1)
            continue
        if rec.identifier in seen:
            continue  # the same paper on two pages: count and fetch it once
        seen.add(rec.identifier)
        summary.seen += 1
        bar.set_postfix_str(rec.identifier, refresh=False)
        sync.handle(rec)
        bar.update(1)

    # Papers listed earlier but not found then: ask once more, they may have appeared.
    for ident, entry in list(state.skipped.items()):
        if ident in seen or not entry.get("retry") or not isinstance(entry.get("record"), dict):
            continue
        r = entry["record"]
        fields = r.get("fields") or {}
        sync.handle(SruRecord(ident, fields, r.get("xml_url"), r.get("preferred_url")))

    dstate["last_run"] = {
        "started_at": started.isoformat(timespec="seconds"),
        "query": summary.query,
    }
    # The sync date only moves after a complete, error-free run that covered everything since
    # the previous one; a run with a later --since leaves a gap and must not advance it.
    covers = query_since is None or (default_since is not None and query_since <= default_since)
    if summary.errors == 0:
        summary.complete = True
        if covers:
            dstate["last_sync"] = started.date().isoformat()
            dstate["sru_url"] = sru_url
    state.save()


def run_fetch(args: argparse.Namespace) -> int:
    """`python -m etl fetch`: sync, print a summary line; exit code 0 only when all went well."""
    try:
        summary = fetch(
            dossier=str(args.dossier),
            corpus=Path(args.corpus),
            sru_url=args.sru_url,
            since=args.since,
            delay=args.delay,
            progress=not args.quiet,
        )
    except FetchError as e:
        print(f"fetch: error: {e}", file=sys.stderr)
        if e.summary is not None:
            print(f"{e.summary.line()} (stopped; files already saved are kept)", file=sys.stderr)
        return 1
    except OSError as e:
        print(f"fetch: error: cannot write the corpus: {e}", file=sys.stderr)
        return 1
    for message in summary.error_messages:
        print(f"fetch: error: {message}", file=sys.stderr)
    print(summary.line())
    return 0 if summary.errors == 0 else 1
