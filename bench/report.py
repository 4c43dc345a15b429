"""BENCHMARKS.md from the results of bench/run.py: one table per section, targets met or missed."""

from __future__ import annotations

import re
import statistics
from typing import Any

# ---- targets ----------------------------------------------------------------------------------


def _median(values: list[float]) -> float:
    """Median (NaN when empty)."""
    return statistics.median(values) if values else float("nan")


def _verdict(
    value: float | None, limit: float, unit: str, what: str, detail: str = ""
) -> dict[str, str]:
    """A target row: met, or missed by how much."""
    if value is None:
        return {"target": what, "measured": "not measured in this run", "result": "—"}
    shown = f"{value:,.2f} {unit}".replace(" ×", "×") + (f" ({detail})" if detail else "")
    if value < limit:
        spare = f"{limit - value:,.2f} {unit}".replace(" ×", "×")
        return {"target": what, "measured": shown, "result": f"**met** ({spare} to spare)"}
    over = f"{value - limit:,.2f} {unit}".replace(" ×", "×")
    return {
        "target": what,
        "measured": shown,
        "result": f"**missed** by {over} ({value / limit:,.2f} times the target)",
    }


def _wall(r: dict[str, Any]) -> float:
    """Median wall time of a size's full builds."""
    return _median([f["wall"] for f in r["full"]])


def _internal(r: dict[str, Any]) -> float:
    """Median of what a size's full builds report as their own time (build() to publish)."""
    return _median([f["internal"] or float("nan") for f in r["full"]])


def targets(sizes: dict[int, dict[str, Any]]) -> list[dict[str, str]]:
    """The issue's targets against what was measured (medians where a step was repeated)."""
    r500, r5k, r50k = sizes.get(500), sizes.get(5000), sizes.get(50000)
    rows = [
        _verdict(
            _wall(r500) if r500 else None,
            2.0,
            "s",
            "500 reports: full build, start-up included, < 2 s",
        ),
        _verdict(
            _wall(r50k) if r50k else None,
            45.0,
            "s",
            "50,000 reports: full build with both cores < 45 s",
        ),
        _verdict(
            _wall(r50k) / r50k["floor_s"] if r50k and r50k["floor_s"] else None,
            30.0,
            "×",
            "50,000 reports: build / floor < 30×",
            f"{_wall(r50k):.1f} s / {r50k['floor_s']:.2f} s" if r50k else "",
        ),
        _verdict(
            _median(r5k["noop"]) if r5k else None, 0.5, "s", "5,000 reports: no-op re-run < 0.5 s"
        ),
    ]
    big = sizes[max(sizes)] if sizes else None
    if big and big["add_one"] and big["full"]:
        share = _wall(big) / big["n"]
        added = _median([a["wall"] for a in big["add_one"]])
        noop = _median(big["noop"])
        parsed = sorted({a["parsed"] for a in big["add_one"] if a["parsed"] is not None})
        tables = (big.get("tables") or {}).get("total")
        files = (
            f"; of it the table files alone (one file per table): {tables['rerun_s']:.2f} s "
            f"as a re-run makes them, {tables['whole_s']:.2f} s if all were rewritten whole"
            if tables
            else ""
        )
        rows.append(
            _verdict(
                (added - noop) / share,
                2.0,
                "reports",
                f"{big['n']:,} reports: one added report costs about one report (re-run minus "
                "no-op re-run, in units of one report's share of the full build, < 2)",
                f"{added:.2f} s − {noop:.2f} s, one report = {share * 1000:.1f} ms; "
                f"files parsed: {', '.join(map(str, parsed))}{files}",
            )
        )
    return rows


def _why_missed(rows: list[dict[str, str]], sizes: dict[int, dict[str, Any]]) -> list[str]:
    """Why a missed build target is missed (what the measurements above show)."""
    L: list[str] = []
    added = next((r for r in rows if "one added report" in r["target"]), None)
    if added and "missed" in added["result"]:
        big = sizes[max(sizes)]
        tables = (big.get("tables") or {}).get("total")
        L += [
            "",
            "**Why one added report costs more than one report.** Parsing and extracting the "
            "report itself takes about a millisecond. The rest is what a re-run in a fresh "
            "process pays once any file changed: importing Polars and the "
            "extractor and compiling its patterns for the one file, reading the previous "
            "build's list of files and deciding which file gives each document, and making the "
            "table files. DESIGN.md's table contract is *one Parquet file per table*, so every "
            "changed table is a new file: the build copies the unchanged row groups of the "
            "previous file as bytes and encodes only the ones the change falls into"
            + (
                f" ({tables['rerun_s']:.2f} s here, against {tables['whole_s']:.2f} s to "
                "rewrite every table whole)"
                if tables
                else ""
            )
            + ". Costing about one report would need a build that stays running between "
            "reports (a watcher holding the tables in memory) or one file per document, which "
            "the table contract rules out.",
        ]
    return L


def _fmt(x: float | None, digits: int = 2) -> str:
    """A number with thousands separators, or a dash."""
    return "—" if x is None else f"{x:,.{digits}f}"


def _table(header: list[str], rows: list[list[Any]], left: int = 1) -> list[str]:
    """A Markdown table: the first `left` columns left-aligned, numbers right-aligned."""
    aligns = ["---" if i < left else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(aligns) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return lines


def sizes_of(res: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The per-size results keyed by report count (JSON keys are strings)."""
    return {int(n): r for n, r in sorted(res["sizes"].items(), key=lambda kv: int(kv[0]))}


def render_markdown(res: dict[str, Any]) -> str:
    """BENCHMARKS.md from the results of a run (as bench/out/results.json holds them)."""
    m, cfg = res["machine"], res["settings"]
    sizes = sizes_of(res)
    L: list[str] = ["# Benchmarks", ""]
    L += [
        "Written by `bench/run.py` (issue 7); do not edit by hand. Reproduce with:",
        "",
        "```sh",
        res["command"],
        "```",
        "",
        f"{'**Quick run** (small sizes only). ' if res['quick'] else ''}"
        "Inputs are SYNTHETIC demo corpora (`python -m etl demo --docs N --seed "
        f"{cfg['seed']}`: Markdown, plain text and official XML, each with a `.meta.json` and a "
        "`.truth.json` sidecar), cached in `bench/out/`. Every build runs as a subprocess "
        "(`python -m etl build … --quiet`), so wall times include Python start-up and imports. "
        "The page cache is warm (the corpus was just written or read).",
        "",
        "## Machine",
        "",
    ]
    L += _table(
        ["", ""],
        [
            ["CPU", f"{m['cpu']} ({m['cores']} cores)"],
            ["RAM", f"{m['ram_gib']} GiB"],
            ["OS", m["os"]],
            ["Python / Polars / PyArrow", f"{m['python']} / {m['polars']} / {m['pyarrow']}"],
            ["Date", m["date"]],
            [
                "Code",
                f"commit {m['commit']}{' + uncommitted changes in etl/' if m['etl_dirty'] else ''}, "
                f"extractor fingerprint `{m['etl_fingerprint']}` (builds ran a copy of etl/ "
                "taken at the start"
                + ("; etl/ was edited during the run" if m.get("etl_changed") else "")
                + ")",
            ],
            ["Load average (start → end)", f"{m['load_start']} → {m.get('load_end', '?')}"],
            ["Run time", f"{res['seconds'] / 60:.1f} min"],
            [
                "Waiting for a quiet machine",
                f"{m.get('quiet_waited_s', 0)} s in all; measured while busy "
                f"{m.get('quiet_gave_up', 0)} time(s)",
            ],
        ],
        left=2,
    )
    L += [
        "",
        "The machine is shared (other engineers' tests and CI run on the same 2 cores). Before "
        f"each measurement the script waits (up to {cfg['quiet_wait_s']:.0f} s) until other processes "
        f"use less than {cfg['quiet_pct']:.0f} % of the CPUs. *others' CPU* is the share of all cores "
        "used by other processes during a measurement (/proc/stat minus the measured process "
        "tree): above ~10 % the wall times are pessimistic, and *CPU s* (the tree's own CPU "
        "time) is the steadier number to compare.",
        "",
        "## Full build",
        "",
        "`python -m etl build --corpus C --out FRESH --full --quiet` (default `--jobs 0`: one "
        "worker per core). Peak memory is the sum over the process tree (build, forkserver, "
        "workers), polled every 50 ms with psutil: RSS counts pages shared by the forked "
        "workers once per process, PSS shares them out (the truer total).",
        "",
    ]
    rows = []
    for r in sizes.values():
        wall, internal = _wall(r), _internal(r)
        rows.append(
            [
                f"{r['n']:,}",
                f"{r['input_mb']:.1f} (+{r['sidecar_mb']:.1f} sidecars)",
                f"{wall:.2f}"
                + (
                    f" (median of {len(r['full'])}, best {min(f['wall'] for f in r['full']):.2f})"
                    if len(r["full"]) > 1
                    else ""
                ),
                f"{internal:.2f}",
                f"{r['n'] / wall:,.0f}",
                f"{r['input_mb'] / wall:.2f}",
                _fmt(max((f["peak_rss_mb"] or 0) for f in r["full"]), 0),
                _fmt(max((f["peak_pss_mb"] or 0) for f in r["full"]), 0),
                _fmt(max((f["tree_cpu"] or 0) for f in r["full"]), 1),
                _pct_str(max((f["others_cpu"] or 0) for f in r["full"])),
            ]
        )
    L += _table(
        [
            "reports",
            "input MB",
            "wall s",
            "build's own s",
            "reports/s",
            "MB/s",
            "peak RSS MB",
            "peak PSS MB",
            "CPU s",
            "others' CPU (max)",
        ],
        rows,
    )
    L += [
        "",
        "*build's own s* is what the build reports (from `build()` entry to publish); the rest "
        "of the wall time is interpreter start-up, imports and exit.",
        "",
        "## Floor",
        "",
        "The least any extractor could take: list the corpus, read every input file, decode it "
        f"and run one compiled regular expression (`{cfg['floor_re']}`, case-insensitive) over "
        "it, in one process, warm cache (one unmeasured pass first; best of 2–3 passes).",
        "",
    ]
    rows = []
    for r in sizes.values():
        wall, internal = _wall(r), _internal(r)
        rows.append(
            [
                f"{r['n']:,}",
                f"{r['floor_s']:.3f}",
                f"{r['input_mb'] / r['floor_s']:,.0f}",
                f"{wall:.2f}",
                f"{wall / r['floor_s']:.0f}×",
                f"{internal / r['floor_s']:.0f}×",
            ]
        )
    L += _table(
        [
            "reports",
            "floor s",
            "floor MB/s",
            "build wall s",
            "build / floor",
            "build's own / floor",
        ],
        rows,
    )
    L += [
        "",
        "## Incremental",
        "",
        "On the output of the full build: a re-run with nothing changed (5 runs), then three "
        "times a re-run after adding one report (a copy of a generated report under the next "
        "free number, its number changed in the text and sidecar, so its content hash is new). "
        "*One report's share* is the full build's wall time divided by the number of reports.",
        "",
        "A no-op re-run stats every input and its sidecar and compares one digest of them with "
        "the previous build's; it reads no table and imports neither Polars nor the extractor. "
        "A re-run with changes parses only new content and rewrites only the tables that "
        "change: each stays one Parquet file, made of the previous file's row groups, copied as "
        "bytes where no row changes, and of the few row groups the change falls into, encoded "
        "anew (a table that does not change is a hard link to the previous build's file).",
        "",
    ]
    rows = []
    for r in sizes.values():
        wall = _wall(r)
        share = wall / r["n"]
        add = [a["wall"] for a in r["add_one"]]
        add_cpu = [a["tree_cpu"] for a in r["add_one"] if a.get("tree_cpu") is not None]
        tables = (r.get("tables") or {}).get("total") or {}
        rows.append(
            [
                f"{r['n']:,}",
                f"{_median(r['noop']):.2f} ({min(r['noop']):.2f}–{max(r['noop']):.2f})",
                f"{_median(add):.2f} ({min(add):.2f}–{max(add):.2f})",
                _fmt(_median(add_cpu)) if add_cpu else "—",
                ", ".join(str(a["parsed"]) for a in r["add_one"]),
                f"{share * 1000:.1f} ms",
                f"{(_median(add) - _median(r['noop'])) / share:,.0f}×",
                _fmt(tables.get("rerun_s")),
                _fmt(tables.get("whole_s")),
                _fmt(max((a["peak_pss_mb"] or 0) for a in r["add_one"]), 0),
                f"{r['remove_added']['wall']:.2f}" if r["remove_added"] else "—",
            ]
        )
    L += _table(
        [
            "reports",
            "no-op s (median, range)",
            "one added s (median, range)",
            "one added: CPU s",
            "files parsed",
            "one report's share",
            "(added − no-op) / share",
            "table files: re-run s",
            "table files: all whole s",
            "added: peak PSS MB",
            "3 added removed s",
        ],
        rows,
    )
    L += [
        "",
        "*Table files* (`bench/profile_build.py tables`, on the same build, in one process, the "
        "tables one after another): what one document more costs the table files alone, "
        "*re-run*: made as a re-run makes them (spliced; a table under 2 MB written whole), "
        "and *all whole*: every table read and written again (what keeping one file per table "
        "costs without splicing). The build makes them in threads, at once. The rest of "
        "*(added − no-op)* is start-up that a no-op run does not need (Polars, the extractor's "
        "modules and patterns for the one file parsed), reading the previous build's file list "
        "and deciding which file gives each document.",
    ]
    jobs = res.get("jobs")
    L += ["", "## Parallel parsing", ""]
    if jobs:
        j1, j2 = jobs["jobs1"], jobs["jobs2"]
        speed = j1["wall"] / j2["wall"] if j2["wall"] else float("nan")
        L += [f"Full build of {jobs['n']:,} reports with `--jobs 1` and `--jobs 2`.", ""]
        L += _table(
            ["jobs", "wall s", "build's own s", "CPU s", "peak PSS MB", "others' CPU", "speed-up"],
            [
                [
                    str(k),
                    f"{j['wall']:.2f}",
                    _fmt(j["internal"]),
                    _fmt(j["tree_cpu"], 1),
                    _fmt(j["peak_pss_mb"], 0),
                    _pct_str(j["others_cpu"]),
                    "1.00×" if k == 1 else f"{speed:.2f}×",
                ]
                for k, j in ((1, j1), (2, j2))
            ],
        )
    else:
        L.append("Not measured in this run.")
    L += ["", "## Targets (issue 7)", ""]
    rows = targets(sizes)
    L += _table(
        ["target", "measured", "result"],
        [[t["target"], t["measured"], t["result"]] for t in rows],
        left=3,
    )
    L += _why_missed(rows, sizes)
    L += _profile_markdown(res.get("profile"))
    L += _dashboard_markdown(res)
    L += ["", "## Corpora", ""]
    L += _table(
        ["reports", "input files", "input MB", "sidecar MB", "generated in"],
        [
            [
                f"{r['n']:,}",
                f"{r['files']:,}",
                f"{r['input_mb']:.1f}",
                f"{r['sidecar_mb']:.1f}",
                f"{r['generated_s']:.1f} s" if r["generated_s"] else "cached",
            ]
            for r in sizes.values()
        ],
    )
    return "\n".join(L) + "\n"


def _pct_str(x: float | None) -> str:
    """A share as a percentage, or a dash."""
    return "—" if x is None else f"{x * 100:.0f} %"


# the order in which etl.build runs its phases (labels of bench/profile_build.py, shortened)
PHASE_ORDER = (
    "code fingerprint",
    "scan corpus",
    "stat every file",
    "read previous _files.parquet",
    "read previous tables",
    "hashes known",
    "hash new",
    "parse + extract, worker pool",
    "parse + extract, in this process",
    "  rows → DataFrame",
    "choose documents",
    "assemble tables",
    "new build dir",
    "table files",
    "  splice ",
    "  link ",
    "  write ",
    "write ",
    "publish",
)


def _stem(label: str) -> str:
    """A phase label without its counts ("write topics.parquet (581,623 rows)" → no counts)."""
    return label.split(" (")[0]


def _phase_rank(stem: str) -> tuple[int, str]:
    """Sort key: the phase's place in the build, then its name."""
    for i, start in enumerate(PHASE_ORDER):
        if stem.startswith(start):
            return i, stem
    return len(PHASE_ORDER), stem


def _profile_markdown(prof: dict[str, Any] | None) -> list[str]:
    """The 'where the time goes' section."""
    L = ["", "## Where the time goes", ""]
    if not prof or not prof.get("full"):
        return L + ["Not measured in this run."]
    full = prof["full"]
    L += [
        f"`bench/profile_build.py phases`: one full build of {prof['n']:,} reports run in-process "
        "with timers around the functions `etl.build` calls (etl/ itself is not changed), then "
        "the same after adding one report. Phases in the order the build runs them; a ↳ row is "
        "part of the row above.",
        "",
    ]
    add = prof.get("add_one") or {}
    full_by = {_stem(p["label"]): p for p in full["phases"]}
    add_by = {_stem(p["label"]): p for p in add.get("phases", [])}
    stems = sorted({*full_by, *add_by}, key=_phase_rank)
    rows = []
    for stem in stems:
        f, a = full_by.get(stem), add_by.get(stem)
        label = (f or a or {"label": stem})["label"]
        rows.append(
            [
                label.replace("  ", "↳ ", 1) if label.startswith("  ") else label,
                f"{f['seconds']:.2f}" if f else "—",
                f"{f['seconds'] / full['build_seconds'] * 100:.0f} %" if f else "",
                f"{a['seconds']:.2f}" if a else "—",
            ]
        )
    rows.append(
        ["other (not timed)", f"{full['other_seconds']:.2f}", "", _fmt(add.get("other_seconds"))]
    )
    rows.append(
        [
            "**build() total**",
            f"**{full['build_seconds']:.2f}**",
            "100 %",
            _fmt(add.get("build_seconds")),
        ]
    )
    L += _table(["phase", "full build s", "share", "one added s"], rows)
    pool = prof.get("pool") or {}
    L += [
        "",
        f"Worker pool: first result after {full.get('pool_first_result_seconds', 0):.2f} s; "
        f"workers used {full.get('workers_cpu_seconds', 0):.1f} CPU s, the main process "
        f"{full.get('pool_main_cpu_seconds', 0):.1f} CPU s while they ran (receiving and "
        f"unpickling rows) and {full.get('main_cpu_seconds', 0):.1f} CPU s in all. Starting a "
        f"pool like the build's (forkserver, same preload, {pool.get('jobs', '?')} workers) "
        f"takes {_fmt(pool.get('start_seconds'))} s.",
    ]
    sample = prof.get("sample")
    if sample:
        L += [
            "",
            f"### Per file (sample of {sample['files']:,} of {sample['of_files']:,} files, one process)",
            "",
            f"`bench/profile_build.py sample`: `process_file` on every k-th file. "
            f"{sample['ms_per_file']:.2f} CPU ms per file without instrumentation "
            f"({sample['input_bytes'] / sample['files'] / 1024:.1f} KB per file on average)"
            + (
                f", {sample['ms_per_file_chunk']:.2f} CPU ms as a worker's whole task (read, hash, "
                "parse, extract, rows → Arrow frames, in chunks as the build sends them)"
                if sample.get("ms_per_file_chunk")
                else ""
            )
            + "; the stage timers below add a little.",
            "",
        ]
        L += _table(
            ["stage", "CPU ms per file", "calls"],
            [
                [
                    s["label"].replace("  ", "↳ ", 1)
                    if s["label"].startswith("  ")
                    else s["label"],
                    f"{s['ms_per_file']:.3f}",
                    f"{s['calls']:,}",
                ]
                for s in sample["stages"]
            ],
        )
        L += [
            "",
            "cProfile, own time by owner (C functions such as `re.Pattern.search` count for the regex engine):",
            "",
        ]
        L += _table(
            ["owner", "share of own time"],
            [[a["area"], f"{a['share'] * 100:.1f} %"] for a in sample["areas"][:12]],
        )
        L += ["", "Functions with the most own time:", ""]
        L += _table(
            ["function", "where", "calls", "own s", "cumulative s"],
            [
                [
                    f"`{f['function']}`",
                    f["where"],
                    f"{f['calls']:,}",
                    f"{f['tottime']:.3f}",
                    f"{f['cumtime']:.3f}",
                ]
                for f in sample["top_tottime"][:15]
            ],
            left=2,
        )
    return L


DASH_P95_MS = 100.0  # issue 7: every callback's p95
FIGURE_MB = 1.0  # … no figure over 1 MB of JSON
SERVER_GIB = 1.0  # … the server under 1 GiB at 50,000 reports


def dashboard_targets(res: dict[str, Any]) -> list[dict[str, str]]:
    """The dashboard's targets of issue 7 against what was measured."""
    calls = [r for r in res.get("dashboard") or [] if r["kind"] == "callback"]
    mem = res.get("memory")
    n = res.get("dashboard_n") or 0
    rows = []
    if calls:
        worst = max(calls, key=lambda r: r["p95_ms"])
        over = [r["what"] for r in calls if r["p95_ms"] >= DASH_P95_MS]
        rows.append(
            _verdict(
                worst["p95_ms"],
                DASH_P95_MS,
                "ms",
                f"{n:,} reports: every callback's p95 < {DASH_P95_MS:.0f} ms",
                f"slowest: {worst['what']}"
                + (f"; over: {', '.join(over)}" if len(over) > 1 else ""),
            )
        )
        figs = [r for r in calls if r.get("figure_kb_max")]
        if figs:
            big = max(figs, key=lambda r: r["figure_kb_max"])
            rows.append(
                _verdict(
                    big["figure_kb_max"] / 1024,
                    FIGURE_MB,
                    "MB",
                    f"{n:,} reports: no figure over {FIGURE_MB:.0f} MB of JSON",
                    f"largest: {big['what']}",
                )
            )
    else:
        rows.append(_verdict(None, DASH_P95_MS, "ms", "every callback's p95 < 100 ms"))
    rows.append(
        _verdict(
            mem["peak_process_rss_mib"] / 1024 if mem else None,
            SERVER_GIB,
            "GiB",
            f"{n:,} reports: peak memory (RSS) of a dashboard server process < {SERVER_GIB:.0f} GiB",
            "the largest gunicorn worker; each holds its own copy of the tables" if mem else "",
        )
    )
    rows.append(
        _verdict(
            mem["peak_pss_mib"] / 1024 if mem else None,
            SERVER_GIB,
            "GiB",
            f"{n:,} reports: peak memory of the whole server (`make serve`: master and workers "
            f"together; PSS, which counts pages the processes share once) < {SERVER_GIB:.0f} GiB",
            (
                f"{mem['workers']} workers; RSS summed over the processes (shared pages such as "
                f"the Polars library counted in each): {mem['peak_rss_mib'] / 1024:.2f} GiB"
            )
            if mem
            else "",
        )
    )
    return rows


def _memory_markdown(res: dict[str, Any]) -> list[str]:
    """The server's peak memory."""
    mem, notes = res.get("memory"), res.get("notes") or {}
    L = ["", "### Server memory", ""]
    if not mem:
        return L + [f"Not measured: {notes.get('memory', 'not run')}."]
    command = re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", mem["command"])
    L += [
        f"`{command}` (as `make serve`) on the same tables. {mem['clients']} concurrent "
        f"clients open every view and POST every URL-driven callback with {mem['queries']} "
        "varied URLs, then download every chart's CSV (of all rows); psutil polls the whole "
        "process tree (master and workers) every 0.1 s. RSS is summed over the processes; PSS "
        "counts pages shared between them once.",
        "",
    ]
    L += _table(
        ["what", "MiB"],
        [
            [
                "server tree after start, before the tables load (RSS)",
                f"{mem['idle_rss_mib']:,.0f}",
            ],
            ["peak of the tree, RSS summed", f"{mem['peak_rss_mib']:,.0f}"],
            ["peak of the tree, PSS summed", f"{mem['peak_pss_mib']:,.0f}"],
            [
                "peak of the largest single process (a worker), RSS",
                f"{mem['peak_process_rss_mib']:,.0f}",
            ],
        ],
    )
    L += [
        "",
        f"{mem['requests']:,} requests ({mem['errors']} errors) in {mem['seconds']:.0f} s, "
        f"{mem['processes']} processes.",
    ]
    return L


def _dashboard_markdown(res: dict[str, Any]) -> list[str]:
    """The dashboard section: callbacks and first render."""
    rows: list[dict] = res.get("dashboard") or []
    n, notes, calls_per = res.get("dashboard_n") or 0, res.get("notes") or {}, res["settings"]
    L = ["", "## Dashboard", ""]
    if not rows:
        why = notes.get("dashboard", "not run")
        return L + [f"Not measured yet: {why}."]
    setup = [r for r in rows if r["kind"] == "setup"]
    calls = [r for r in rows if r["kind"] == "callback"]
    browser = [r for r in rows if r["kind"] == "browser"]
    L += [
        f"On the tables of the {n:,}-report build. Callbacks are POSTed in-process to Dash's "
        "`/_dash-update-component` through Flask's test client, like the browser does: "
        f"{calls_per['dash_calls']} varied URLs each (period, meeting types, topics, language, grain, "
        "measure, focus topic, country, search words, meeting, document, heatmap cell), one "
        "warm-up call first. Times include Dash's dispatch and JSON encoding; sizes are the "
        "response body and its largest `figure`.",
        "",
    ]
    run = res.get("dashboard_run")
    if run:
        dirty = " plus uncommitted changes to dashboard/" if run.get("dashboard_dirty") else ""
        L += [
            f"Measured on its own with `{run['command']}` on {run['date']} (commit "
            f"{run['commit']}{dirty}; load average {run['load_start']} → {run['load_end']}); "
            "the sections above are from the last full run.",
            "",
        ]
    L += _table(
        ["target", "measured", "result"],
        [[t["target"], t["measured"], t["result"]] for t in dashboard_targets(res)],
        left=3,
    )
    L += [""]
    L += _table(["step", "ms"], [[r["what"], f"{r['ms']:,.0f}"] for r in setup])
    L += [""]
    L += _table(
        [
            "callback",
            "view",
            "calls",
            "median ms",
            "p95 ms",
            "max ms",
            "response KB median / max",
            "figure KB median / max",
        ],
        [
            [
                r["what"],
                r["view"],
                str(r["calls"]) + (f" ({r['errors']} errors)" if r["errors"] else ""),
                f"{r['median_ms']:,.1f}",
                f"{r['p95_ms']:,.1f}",
                f"{r['max_ms']:,.1f}",
                f"{r['response_kb_median']:,.1f} / {r['response_kb_max']:,.1f}",
                f"{_fmt(r['figure_kb_median'], 1)} / {_fmt(r['figure_kb_max'], 1)}",
            ]
            for r in calls
        ],
        left=2,
    )
    L += _memory_markdown(res)
    L += ["", "### First render in headless Chromium", ""]
    if not browser:
        L.append(f"Not measured: {notes.get('browser', 'not run')}.")
        return L
    L += [
        "`gunicorn --workers 2 dashboard.wsgi:server` (as `make serve`), Chromium headless via "
        "selenium, 1280×1000. Time from navigation start until every visible chart of the view "
        "has traces and every visible grid has rows, with no Dash callback in flight "
        "(`performance.now()` in the page). A warm visit is a new navigation once both gunicorn "
        "workers have loaded the tables.",
        "",
    ]
    L += _table(
        ["what", "view", "ms"],
        [
            [r["what"], r["view"] or "—", "timed out" if r["ms"] < 0 else f"{r['ms']:,.0f}"]
            for r in browser
        ],
        left=2,
    )
    if notes.get("browser"):
        L += ["", f"Note: {notes['browser']}."]
    return L
