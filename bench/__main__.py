"""``python -m bench``: run every benchmark, then print and write a summary table.

Each benchmark is a module ``bench.<name>`` with ``main() -> dict`` that prints its figures
and writes ``bench/results/<name>.json``. The summary takes the key figures of each result
file (a benchmark that cannot run here, e.g. without PostgreSQL, keeps its last result,
marked as earlier) and writes ``bench/results/summary.md``, the table the README shows.

    python -m bench                      # all of them (several minutes)
    python -m bench graphql_query recsys # some of them
    python -m bench --summary            # only rebuild the table from bench/results/
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"
BENCHMARKS = [
    "fanout",
    "flashsale",
    "media",
    "recsys",
    "graphql_query",
    "joinstorm",
    "roompage",
    "recognition",
    "notify",
]
WHAT = {
    "fanout": "roomEvents websocket fan-out vs a raw Starlette fan-out (one process)",
    "flashsale": "1,000 buyers (+200 double taps) for 100 flash-sale units on PostgreSQL",
    "media": "FFmpeg HLS ladder from RTMP, and glass-to-glass latency in chromium",
    "recsys": "ALS + item-kNN recommender on MovieLens-100k: training and serving",
    "graphql_query": "GraphQL products and rooms pages (20 items) in-process, with SQL counts",
    "joinstorm": "N viewers join one live room on 2 web processes + PostgreSQL + Redis + the "
    "media worker, then a flash sale",
    "roompage": "room page (anonymous, signed in) and HLS files vs the /healthz floor, SQLite + PG",
    "notify": "a go-live to 50,000 followers (in-app + Web Push to a local push service) on "
    "PostgreSQL + Redis, with the room page's rate during the fan-out",
    "recognition": "product recognition (SIFT + RANSAC) in generated video frames, 200 items",
}

Figures = list[tuple[str, str]]


def _fanout(r: dict[str, Any]) -> Figures:
    ours, raw = r["roomEvents"], r["raw"]
    return [
        (
            f"deliveries/s to {ours['subscribers']:,} subscribers (all delivered: "
            f"{ours['received'] == ours['expected']})",
            f"{ours['deliveries_per_s']:,}",
        ),
        (
            "latency p50 / p99 (ours; raw)",
            f"{ours['p50_ms']} / {ours['p99_ms']} ms; {raw['p50_ms']} / {raw['p99_ms']} ms",
        ),
        (
            "server CPU per delivery (ours; raw)",
            f"{ours['server_us_per_delivery']} µs; {raw['server_us_per_delivery']} µs",
        ),
        (
            "capacity of one process (ours; raw)",
            f"{ours['capacity_per_s']:,}/s; {raw['capacity_per_s']:,}/s",
        ),
    ]


def _flashsale(r: dict[str, Any]) -> Figures:
    rows: Figures = []
    for name, h in r.get("http", {}).items():
        storm, floor = h["storm"], h["floor_healthz"]
        rows.append(
            (
                f"HTTP, 2 processes + Redis, {name}: answers/s, p50, p99 (goal ≥ 1,000, < 250 ms)",
                f"{storm['answers_per_s']}, {storm['latency_ms_p50']} ms, "
                f"{storm['latency_ms_p99']} ms; /healthz floor {floor['answers_per_s']}/s "
                f"({h['ratio_healthz_to_storm_answers_per_s']}× the storm)",
            )
        )
    for run in r.get("runs", []):
        rows.append(
            (
                f"pool {run['pool_size']}: purchases/s, requests/s, p99",
                f"{run['purchases_per_s']}, {run['requests_per_s']}, {run['latency_ms_p99']} ms",
            )
        )
    oversold = sum(run["oversell_count"] for run in r.get("runs", []))
    rows.append(
        (
            "units oversold / buyers with two (all runs)",
            f"{oversold} / {sum(run['buyers_with_two'] for run in r.get('runs', []))}",
        )
    )
    return rows


def _media(r: dict[str, Any]) -> Figures:
    rows: Figures = []
    for run in [*r.get("runs", []), *([r["live_run"]] if r.get("live_run") else [])]:
        what = f"{run['config']} ({'+'.join(run['renditions'])})"
        if run.get("realtime_input"):  # paced like a camera: speed is 1× by construction
            rows.append(
                (
                    f"{what}, input paced in real time: CPU s per media s, time to live",
                    f"{run['cpu_s_per_media_s']}, {run['time_to_live_s']} s",
                )
            )
            continue
        rows.append(
            (
                f"{what}: realtime ×, CPU s per media s, time to live",
                f"{run['realtime_factor']}×, {run['cpu_s_per_media_s']}, {run['time_to_live_s']} s",
            )
        )
    latency = r.get("browser_latency")
    if latency:
        rows.append(
            (
                "glass-to-glass latency in chromium p50 / p95",
                f"{latency['p50_s']} / {latency['p95_s']} s",
            )
        )
    return rows


def _recsys(r: dict[str, Any]) -> Figures:
    rows: Figures = [("dataset", f"{r['dataset']} ({r['interactions']:,} interactions)")]
    for threads, timing in sorted(r.get("train_s", {}).items()):
        rows.append((f"training, {threads} OpenMP thread(s), median", f"{timing['median']} s"))
    lag = r.get("loop_lag_while_training")
    if lag:
        rows.append(
            ("event loop lag while training, p99 / max", f"{lag['p99_ms']} / {lag['max_ms']} ms")
        )
    for name in ("recommend", "similar_items"):
        s = r["serving"].get(name)
        if s:
            rows.append((f"{name} p50 / p99", f"{s['p50_ms']} / {s['p99_ms']} ms"))
    return rows


def _graphql_query(r: dict[str, Any]) -> Figures:
    floor = r.get("floor", {})
    rows: Figures = [
        (f"/healthz floor, {c} client(s): req/s", f"{rps}") for c, rps in floor.items()
    ]
    for run in r["runs"]:
        mode = f" {run['mode']}" if "mode" in run else ""
        figure = (
            f"{run['query']} page{mode}, {run['concurrency']} client(s): "
            "req/s (of floor), p50 / p99, SQL"
        )
        ratio = f" ({run['of_floor']})" if "of_floor" in run else ""
        value = f"{run['requests_per_s']}{ratio}, {run['p50_ms']} / {run['p99_ms']} ms"
        sql = run["sql_per_request"]  # None: computed once per announced change
        rows.append(
            (figure, f"{value}, " + (f"{sql} statements" if sql is not None else "once per change"))
        )
    return rows


RELOADED = "segment:HTTP 404, playlist reloaded"  # bench.joinstorm_viewers.SEGMENT_RELOADED


def _joinstorm(r: dict[str, Any]) -> Figures:
    floor, page, sse, sale = r["healthz_floor"], r["page"], r["sse"], r["flash_sale"]
    tfe, buy = sse["time_to_first_event"], sale["buy_answers"]
    procs = r["processes"]
    servers = "; ".join(
        f"{name} {procs[name]['cpu_pct']} %, {procs[name]['rss_mb_after']} MB"
        for name in ("web_a", "web_b", "media_worker")
        if name in procs
    )
    kinds = sorted(r["errors"]["by_kind"].items(), key=lambda kind: -kind[1])
    errors = ", ".join(f"{kind} {n}" for kind, n in kinds[:3]) + (", …" if kinds[3:] else "")
    return [
        (
            f"{r['viewers']:,} viewers in {r['arrival_s']:g} s, {r['buyers']:,} buy "
            f"{r['units']} units: errors",
            f"{r['errors']['total']}" + (f" ({errors})" if errors else ""),
        ),
        (
            "room page p50 / p99 (`/healthz` floor of the run: req/s, p99)",
            f"{page['p50_ms']} / {page['p99_ms']} ms ({floor['requests_per_s']}/s, "
            f"{floor['p99_ms']} ms)",
        ),
        (
            "flash sale start → SSE event p50 / p99 (viewers who got it)",
            f"{tfe['p50_ms']} / {tfe['p99_ms']} ms ({sse['got_event']}/"
            f"{sse['connected_before_sale']})",
        ),
        (
            "playlist p99 / segment p99 (segments gone, fetched again after a playlist reload)",
            f"{r['playlist']['p99_ms']} / {r['segment']['p99_ms']} ms ("
            f"{r['retried_on_a_closed_keepalive_connection'].get(RELOADED, 0)})",
        ),
        (
            "buy answers p50 / p99; sold / stock, oversold",
            f"{buy['p50_ms']} / {buy['p99_ms']} ms; {sale['sold']} / {sale['units']}, "
            f"{sale['oversold']}",
        ),
        ("CPU (% of a core) and RSS after: server processes", servers),
        (
            "peak RSS growth per SSE viewer held (an upper bound): web processes",
            ", ".join(
                f"{name} {kb} KB"
                for name, kb in r.get("peak_rss_growth_per_sse_viewer_kb", {}).items()
            ),
        ),
        (
            "CPU per viewer served: web processes; client (cores the arrival rate needs)",
            f"{r['cpu_per_viewer']['web_processes_ms']} ms; {r['cpu_per_viewer']['client_ms']} ms"
            f" ({r['cores_needed_at_the_arrival_rate']['web_processes']}; "
            f"{r['cores_needed_at_the_arrival_rate']['client']})",
        ),
        (
            "client CPU (% of a core), its event loop lag p99; machine busy during the storm "
            "(load average before)",
            f"{procs['client']['cpu_pct']} %, {procs['client']['loop_lag']['p99_ms']} ms; "
            f"{r['machine_busy_pct_during']} % of {100 * int(r['machine'].split()[1])} % "
            f"({r['load_before'][0]})",
        ),
    ]


def _roompage(r: dict[str, Any]) -> Figures:
    rows: Figures = []
    for database, result in r.get("databases", {"sqlite": r}).items():
        runs = result["runs"]
        rows += [
            (
                f"{database}, {name.replace('_', ' ')}: req/s, p99, share of the /healthz floor",
                f"{run['req_per_s']:,}, {run['p99_ms']} ms, {run['of_floor']}",
            )
            for name, run in runs.items()
            if name in ("room_anonymous", "room_signed_in", "variant_playlist", "segment")
        ]
        rows.append((f"{database}, /healthz floor (same run)", f"{result['floor_req_per_s']:,}/s"))
    return rows


def _recognition(r: dict[str, Any]) -> Figures:
    return [
        (
            f"top-1 on {r['positives']} frames with a product; false positives on "
            f"{r['negatives']} without ({r['catalog_items']} catalog items)",
            f"{r['top1_accuracy']:.1%}; {r['false_positive_rate']:.1%}",
        ),
        ("per frame, one thread: CPU p95 (wall p95)", f"{r['cpu_p95_ms']} ms ({r['p95_ms']} ms)"),
    ]


def _notify(r: dict[str, Any]) -> Figures:
    page = r["room_page"]
    n = f"{r['followers']:,}"
    return [
        (f"go-live to {n} followers: the streamer's request", f"{r['go_live_request_ms']} ms"),
        (
            "last in-app notification written / last push handed to the push service",
            f"{r['in_app_written_s']} s / {r['last_push_handed_s']} s "
            f"({r['pushes_handed']:,} pushes, {r['pushes_per_s']}/s)",
        ),
        (
            "room page during the fan-out vs without it (req/s)",
            f"{page['during_fan_out_req_per_s']} vs {page['baseline_req_per_s']} "
            f"({page['during_of_baseline']} of it)",
        ),
    ]


SUMMARIZERS: dict[str, Callable[[dict[str, Any]], Figures]] = {
    "fanout": _fanout,
    "flashsale": _flashsale,
    "media": _media,
    "recsys": _recsys,
    "graphql_query": _graphql_query,
    "joinstorm": _joinstorm,
    "roompage": _roompage,
    "recognition": _recognition,
    "notify": _notify,
}


def run(name: str) -> tuple[bool, float]:
    """Run one benchmark; (ok, seconds)."""
    started = time.perf_counter()
    print(f"== {name}: {WHAT.get(name, '')}", flush=True)
    try:
        module = importlib.import_module(f"bench.{name}")
        module.main()
    except (Exception, SystemExit):
        traceback.print_exc()
        print(f"-- {name} failed; the summary keeps its last result", flush=True)
        return False, time.perf_counter() - started
    return True, time.perf_counter() - started


def summary(fresh: dict[str, float]) -> str:
    """The markdown table of every benchmark's key figures."""
    lines = [
        f"Measured on {platform.machine()}, {os.cpu_count()} CPUs, Python "
        f"{platform.python_version()} ({time.strftime('%Y-%m-%d')}); `make bench` reruns "
        "them, figures in `bench/results/<name>.json`.",
        "",
        "| benchmark | figure | value |",
        "| --- | --- | --- |",
    ]
    for name in BENCHMARKS:
        path = RESULTS / f"{name}.json"
        if not path.exists():
            lines.append(f"| {name} | not run yet | |")
            continue
        try:
            figures = SUMMARIZERS[name](json.loads(path.read_text()))
        except (KeyError, TypeError, ValueError) as exc:
            figures = [("(result file not understood)", repr(exc)[:80])]
        label = f"**{name}**" + ("" if name in fresh or not fresh else " (earlier run)")
        for index, (figure, value) in enumerate(figures):
            lines.append(f"| {label if index == 0 else ''} | {figure} | {value} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    RESULTS.mkdir(exist_ok=True)
    only_summary = "--summary" in argv
    names = [a for a in argv if not a.startswith("--")] or BENCHMARKS
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmarks: {unknown}; choose from {BENCHMARKS}")
        return 2
    fresh: dict[str, float] = {}
    failed = []
    if not only_summary:
        for name in names:
            ok, seconds = run(name)
            if ok:
                fresh[name] = seconds
            else:
                failed.append(name)
    table = summary(fresh)
    (RESULTS / "summary.md").write_text(table)
    print()
    print(table)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
