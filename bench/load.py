"""Load test of the dashboard: many concurrent clients against gunicorn on 127.0.0.1.

    python bench/load.py --data bench/out/build-5000 [--clients 50] [--seconds 60]

Each client loops over page views like a browser makes them: the router callback for a view
with a random filter in the URL, then the callbacks of that view's charts, each a real POST to
Dash's /_dash-update-component. Reports requests, errors, throughput and latency percentiles.
Only 127.0.0.1 is contacted; the server is started and stopped here.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
VIEW_CHARTS = {
    "/": ["timeline", "movers"],
    "/topics": ["heatmap", "lines"],
    "/positions": ["stance_timeline", "stance_mix"],
    "/bilaterals": ["map", "partners"],
    "/budget": ["amounts", "percentages"],
}
QUERIES = [
    "",
    "?from=2014&to=2022",
    "?type=FMM,SUMMIT",
    "?topics=ukraine,russia",
    "?lang=en",
    "?from=2022&topics=china",
    "?type=DMM&from=2008&to=2016",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _body(dep: dict, values: dict[str, object]) -> dict:
    """The JSON a browser posts for one callback; values keyed "id.property"."""

    def spec(items: list[dict]) -> list[dict]:
        return [
            {**i, "value": values.get(f"{i['id']}.{i['property']}")}
            for i in items
            if isinstance(i["id"], str)
        ]

    output = dep["output"]
    outputs = []
    for o in output.strip(".").split("..."):
        ident, prop = o.rsplit(".", 1)
        # pattern-matching ids are JSON objects in the output string
        outputs.append(
            {"id": json.loads(ident) if ident.startswith("{") else ident, "property": prop}
        )
    return {
        "output": output,
        "outputs": outputs if output.startswith("..") else outputs[0],
        "inputs": spec(dep["inputs"]),
        "state": spec(dep["state"]),
        "changedPropIds": [f"{dep['inputs'][0]['id']}.{dep['inputs'][0]['property']}"],
    }


def run_load(
    data_dir: Path, clients: int = 50, seconds: float = 60, workers: int = 2, threads: int = 4
) -> dict:
    """Serve `data_dir` with gunicorn and hammer it; returns counts and latency percentiles (ms)."""
    port = _free_port()
    env = {**os.environ, "NAVO_DATA": str(data_dir)}
    cmd = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
        "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "dashboard.wsgi:server",
    ]  # fmt: skip
    server = subprocess.Popen(cmd, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("the dashboard did not start")
            time.sleep(0.2)
        deps = httpx.get(base + "/_dash-dependencies", timeout=30).json()
        router = next(d for d in deps if d["output"].startswith("..page.children"))
        charts = {
            d["output"].split("-grid.rowData")[0].strip("."): d
            for d in deps
            if "-grid.rowData" in d["output"]
        }
        # warm every worker (each loads the tables once)
        for _ in range(workers * 2):
            httpx.post(
                base + "/_dash-update-component",
                json=_body(router, {"url.pathname": "/", "url.search": ""}),
                timeout=60,
            )

        samples: list[tuple[str, float, int]] = []
        lock = threading.Lock()
        stop_at = time.monotonic() + seconds

        def client(seed: int) -> None:
            rnd = random.Random(seed)
            local: list[tuple[str, float, int]] = []
            with httpx.Client(base_url=base, timeout=60) as http:
                while time.monotonic() < stop_at:
                    path = rnd.choice(list(VIEW_CHARTS))
                    search = rnd.choice(QUERIES)
                    values: dict[str, object] = {"url.pathname": path, "url.search": search}
                    for kind, dep in [("router", router)] + [
                        (c, charts[c]) for c in VIEW_CHARTS[path]
                    ]:
                        t0 = time.perf_counter()
                        try:
                            r = http.post("/_dash-update-component", json=_body(dep, values))
                            status = r.status_code
                            if kind == "router" and status == 200:
                                rendered = r.json().get("response", {}).get("rendered", {})
                                values["rendered.data"] = rendered.get("data")
                        except httpx.HTTPError:
                            status = 0
                        local.append((kind, (time.perf_counter() - t0) * 1000, status))
            with lock:
                samples.extend(local)

        pool = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in pool:
            t.start()
        for t in pool:
            t.join()
    finally:
        server.terminate()
        server.wait(timeout=30)

    ms = sorted(s[1] for s in samples)
    errors = sum(1 for s in samples if s[2] != 200)

    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(p * len(ms)))] if ms else float("nan")

    by_kind = {}
    for kind in sorted({s[0] for s in samples}):
        k = sorted(s[1] for s in samples if s[0] == kind)
        by_kind[kind] = {
            "n": len(k),
            "p50": statistics.median(k),
            "p95": k[int(0.95 * (len(k) - 1))],
        }
    return {
        "clients": clients,
        "seconds": seconds,
        "workers": workers,
        "threads": threads,
        "requests": len(samples),
        "errors": errors,
        "rps": len(samples) / seconds,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "max_ms": ms[-1] if ms else float("nan"),
        "by_kind": by_kind,
    }


def markdown(result: dict, data_dir: Path) -> str:
    """The result as a BENCHMARKS.md section."""
    docs = "?"
    try:
        from etl.store import read_tables

        docs = f"{read_tables(data_dir, ('documents',))['documents'].height:,}"
    except Exception:  # noqa: BLE001 - the count is only a label
        pass
    lines = [
        "",
        "## Load test",
        "",
        f"`python bench/load.py --data {data_dir} --clients {result['clients']} "
        f"--seconds {result['seconds']:.0f}`: gunicorn ({result['workers']} workers x "
        f"{result['threads']} threads) on 127.0.0.1 over the tables of {docs} reports; "
        f"{result['clients']} clients, each looping over page views (the router callback of a "
        "random view with a random filter in the URL, then that view's chart callbacks, as "
        "real POSTs). The clients run on the same 2 cores as the server.",
        "",
        "| requests | errors | requests/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---:|---:|---:|---:|---:|---:|---:|",
        f"| {result['requests']:,} | {result['errors']} | {result['rps']:.1f} | "
        f"{result['p50_ms']:.0f} | {result['p95_ms']:.0f} | {result['p99_ms']:.0f} | "
        f"{result['max_ms']:.0f} |",
        "",
        "| callback | requests | p50 ms | p95 ms |",
        "|---|---:|---:|---:|",
    ]
    for kind, k in result["by_kind"].items():
        lines.append(f"| {kind} | {k['n']:,} | {k['p50']:.0f} | {k['p95']:.0f} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    """CLI: run the load test and print (and optionally save) the result as JSON."""
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--data", type=Path, required=True, help="a built Parquet folder")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--json", type=Path, default=None, help="also write the result here")
    p.add_argument("--append", type=Path, default=None, help="append a Markdown section here")
    args = p.parse_args()
    result = run_load(args.data, args.clients, args.seconds)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text)
    if args.append:
        with args.append.open("a", encoding="utf-8") as fh:
            fh.write(markdown(result, args.data))
    return 0 if result["errors"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
