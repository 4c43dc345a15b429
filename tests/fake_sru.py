"""A fake KOOP repository on 127.0.0.1 for fetch tests: SRU pages, paper XML, scripted faults."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "koop"

SRU_NS = (
    'xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse" '
    'xmlns:gzd="http://standaarden.overheid.nl/sru" '
    'xmlns:overheidwetgeving="http://standaarden.overheid.nl/wetgeving/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:c="http://standaarden.overheid.nl/collectie/"'
)


@dataclass
class Paper:
    """One record the fake repository lists, and (if any) its XML."""

    identifier: str
    xml: bytes | None = None  # None: the record has no XML manifestation
    modified: str = "2024-01-10"
    type: str = "Kamerstuk"
    dossier: str = "28676"
    hoofddocument: str | None = None

    @property
    def ondernummer(self) -> str:
        return self.identifier.rsplit("-", 1)[-1]


@dataclass
class Request:
    """What the server saw: path, query parameters, User-Agent, arrival time."""

    path: str
    params: dict[str, str]
    user_agent: str
    at: float


@dataclass
class FakeKoop:
    """Serves /sru (generated from `papers`, or `static_pages`) and /frbr/... paper files.

    Faults are scripted per key ("sru" or an identifier): `faults[key]` is a list consumed one
    request at a time; `always[key]` applies to every request. A fault is a tuple:
      ("status", code, headers)  answer with that status and an HTML body
      ("sleep", seconds)         wait, then answer normally (a client timeout shorter fails)
      ("truncate",)              a cut-off XML body with a matching Content-Length
      ("short",)                 Content-Length larger than the body, then close
      ("close",)                 close the connection without any answer
      ("fake404",)               redirect to an error page named fout404
      ("diagnostics",)           the diagnostics fixture (SRU only)
    `die_after_papers`: after that many paper downloads, every request is ("close",).
    """

    papers: list[Paper] = field(default_factory=list)
    page_cap: int | None = None  # at most this many records per page, whatever was asked
    static_pages: dict[int, bytes] | None = None  # startRecord → page body ({{BASE}} replaced)
    faults: dict[str, list[tuple]] = field(default_factory=dict)
    always: dict[str, tuple] = field(default_factory=dict)
    die_after_papers: int | None = None
    requests: list[Request] = field(default_factory=list)
    paper_hits: Counter = field(default_factory=Counter)
    served_papers: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    def start(self) -> FakeKoop:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                # The client may have given up (e.g. its timeout): nothing left to answer.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    fake._handle(self)

            def log_message(self, format: str, *args: object) -> None:
                return None

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                return None

        self._server = Server(("127.0.0.1", 0), Handler)
        server = self._server
        # A short poll interval keeps shutdown (every test's teardown) fast.
        threading.Thread(target=lambda: server.serve_forever(0.02), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def base(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def sru_url(self) -> str:
        return f"{self.base}/sru"

    def paper_url(self, p: Paper) -> str:
        return (
            f"{self.base}/frbr/officielepublicaties/kst/{p.dossier}/{p.identifier}/1/xml/"
            f"{p.identifier}.xml"
        )

    # --- what the tests look at --------------------------------------------------------------

    def sru_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path == "/sru"]

    def paper_requests(self) -> list[Request]:
        return [r for r in self.requests if r.path.startswith("/frbr/")]

    # --- serving -----------------------------------------------------------------------------

    def _next_fault(self, key: str) -> tuple | None:
        with self._lock:
            if self.die_after_papers is not None and self.served_papers >= self.die_after_papers:
                return ("close",)
            queue = self.faults.get(key)
            if queue:
                return queue.pop(0)
            return self.always.get(key)

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        url = urlsplit(h.path)
        params = {k: v[0] for k, v in parse_qs(url.query).items()}
        with self._lock:
            self.requests.append(
                Request(url.path, params, h.headers.get("User-Agent", ""), time.monotonic())
            )
        if url.path == "/sru":
            self._serve("sru", h, lambda: self._sru_page(params))
            return
        if url.path.startswith("/frbr/"):
            ident = url.path.rsplit("/", 1)[-1].removesuffix(".xml")
            paper = next((p for p in self.papers if p.identifier == ident and p.xml), None)
            with self._lock:
                self.paper_hits[ident] += 1
            if paper is None:
                _send(h, 404, b"<html><body>Niet gevonden</body></html>", "text/html")
                return
            self._serve(ident, h, lambda: paper.xml or b"", paper=True)
            return
        if "fout404" in url.path:
            _send(h, 200, b"<html><body>Pagina niet gevonden</body></html>", "text/html")
            return
        _send(h, 404, b"<html><body>Niet gevonden</body></html>", "text/html")

    def _serve(self, key: str, h: BaseHTTPRequestHandler, body, paper: bool = False) -> None:
        fault = self._next_fault(key)
        if fault is not None:
            kind = fault[0]
            if kind == "close":
                h.close_connection = True
                return
            if kind == "status":
                _send(h, fault[1], b"<html><body>Server error</body></html>", "text/html",
                      extra=fault[2] if len(fault) > 2 else None)  # fmt: skip
                return
            if kind == "sleep":
                time.sleep(fault[1])
            elif kind == "truncate":
                data = body()
                _send(h, 200, data[: max(1, len(data) // 2)], "application/xml")
                return
            elif kind == "short":
                data = body()
                h.send_response(200)
                h.send_header("Content-Type", "application/xml")
                h.send_header("Content-Length", str(len(data)))
                h.end_headers()
                h.wfile.write(data[: len(data) // 2])
                h.wfile.flush()
                h.close_connection = True
                return
            elif kind == "fake404":
                h.send_response(302)
                h.send_header("Location", f"{self.base}/fout404.html")
                h.send_header("Content-Length", "0")
                h.end_headers()
                return
            elif kind == "diagnostics":
                _send(h, 200, (FIXTURES / "sru_diagnostics.xml").read_bytes(), "application/xml")
                return
        data = body()
        _send(h, 200, data, "application/xml")
        if paper:
            with self._lock:
                self.served_papers += 1

    def _sru_page(self, params: dict[str, str]) -> bytes:
        start = int(params.get("startRecord", "1"))
        if self.static_pages is not None:
            page = self.static_pages.get(start)
            if page is None:
                raise AssertionError(f"no static page for startRecord={start}")
            return page.replace(b"{{BASE}}", self.base.encode())
        query = params.get("query", "")
        m = re.search(r'dt\.modified>="(\d{4}-\d{2}-\d{2})"', query)
        since = m.group(1) if m else ""
        d = re.search(r"w\.dossiernummer==(\S+)", query)
        hits = [
            p for p in self.papers if p.modified >= since and (d is None or p.dossier == d.group(1))
        ]
        size = int(params.get("maximumRecords", "10"))
        if self.page_cap is not None:
            size = min(size, self.page_cap)
        chosen = hits[start - 1 : start - 1 + size]
        nxt = start + len(chosen)
        records = "".join(self._record(p, start + i) for i, p in enumerate(chosen))
        more = f"<sru:nextRecordPosition>{nxt}</sru:nextRecordPosition>" if nxt <= len(hits) else ""
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<sru:searchRetrieveResponse {SRU_NS}>'
            f"<sru:version>2.0</sru:version><sru:numberOfRecords>{len(hits)}</sru:numberOfRecords>"
            f"<sru:records>{records}</sru:records>{more}"
            f"<sru:echoedSearchRetrieveRequest><sru:query>{escape(query)}</sru:query>"
            f"<sru:startRecord>{start}</sru:startRecord></sru:echoedSearchRetrieveRequest>"
            "<sru:resultCountPrecision>info:srw/vocabulary/resultCountPrecision/1/estimate"
            "</sru:resultCountPrecision></sru:searchRetrieveResponse>"
        ).encode()

    def _record(self, p: Paper, position: int) -> str:
        """A record in the layout of KOOP.md section 2 (trimmed to what the sync reads)."""
        if p.xml is not None:
            url = self.paper_url(p)
            enriched = (
                f"<gzd:url>{url}</gzd:url>"
                f"<gzd:preferredUrl>https://zoek.officielebekendmakingen.nl/{p.identifier}.html"
                f'</gzd:preferredUrl><gzd:itemUrl manifestation="xml">{url}</gzd:itemUrl>'
            )
        else:
            pdf = f"{self.base}/frbr/officielepublicaties/blg/onopgemaakt/{p.identifier}.pdf"
            enriched = (
                f'<gzd:url>{pdf}</gzd:url><gzd:itemUrl manifestation="pdf">{pdf}</gzd:itemUrl>'
            )
        main = (
            f"<overheidwetgeving:hoofddocument>{p.hoofddocument}</overheidwetgeving:hoofddocument>"
            if p.hoofddocument
            else ""
        )
        return (
            "<sru:record><sru:recordSchema>http://standaarden.overheid.nl/sru/</sru:recordSchema>"
            "<sru:recordPacking>xml</sru:recordPacking><sru:recordData><gzd:gzd>"
            "<gzd:originalData><overheidwetgeving:meta><overheidwetgeving:owmskern>"
            f"<dcterms:identifier>{escape(p.identifier)}</dcterms:identifier>"
            f"<dcterms:title>NAVO; Brief regering; {escape(p.identifier)}</dcterms:title>"
            f'<dcterms:type scheme="OVERHEIDop.Parlementair">{p.type}</dcterms:type>'
            f"<dcterms:modified>{p.modified}</dcterms:modified></overheidwetgeving:owmskern>"
            f"<overheidwetgeving:owmsmantel><dcterms:available>{p.modified}</dcterms:available>"
            "</overheidwetgeving:owmsmantel><overheidwetgeving:tpmeta>"
            "<c:product-area>officielepublicaties</c:product-area>"
            "<overheidwetgeving:documentstatus>Opgemaakt</overheidwetgeving:documentstatus>"
            f"<overheidwetgeving:ondernummer>{p.ondernummer}</overheidwetgeving:ondernummer>"
            "<overheidwetgeving:publicatienaam>Kamerstuk</overheidwetgeving:publicatienaam>"
            "<overheidwetgeving:vergaderjaar>2023-2024</overheidwetgeving:vergaderjaar>"
            f"<overheidwetgeving:dossiernummer>{p.dossier}</overheidwetgeving:dossiernummer>"
            '<overheidwetgeving:subrubriek scheme="OVERHEIDop.KamerstukTypen">Brief'
            f"</overheidwetgeving:subrubriek>{main}</overheidwetgeving:tpmeta>"
            "</overheidwetgeving:meta></gzd:originalData>"
            f"<gzd:enrichedData>{enriched}</gzd:enrichedData></gzd:gzd></sru:recordData>"
            f"<sru:recordPosition>{position}</sru:recordPosition></sru:record>"
        )


def _send(
    h: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    ctype: str,
    extra: dict[str, str] | None = None,
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body)))
    for k, v in (extra or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)
    h.wfile.flush()


def fixture_paper(number: int, modified: str = "2024-01-10") -> Paper:
    """A Paper whose XML is one of the hand-written fixtures (448, 901, 902)."""
    ident = f"kst-28676-{number}"
    return Paper(ident, xml=(FIXTURES / f"{ident}.xml").read_bytes(), modified=modified)


def tiny_paper(number: int, modified: str = "2024-01-10", text: str = "Tekst.") -> Paper:
    """A small well-formed Kamerstuk XML paper, for tests that need many."""
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?><officiele-publicatie><kamerstuk>'
        "<dossier><dossiernummer><dossiernr>28 676</dossiernr></dossiernummer></dossier>"
        f'<stuk><stuknr>Nr. <ondernummer kamer="2">{number}</ondernummer></stuknr>'
        "<titel>BRIEF VAN DE MINISTER VAN DEFENSIE</titel><algemeen><vrije-tekst><tekst>"
        f"<al>{escape(text)}</al></tekst></vrije-tekst></algemeen></stuk>"
        "</kamerstuk></officiele-publicatie>"
    ).encode()
    return Paper(f"kst-28676-{number}", xml=xml, modified=modified)
