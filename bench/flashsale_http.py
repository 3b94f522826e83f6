"""The flash-sale storm through the real HTTP service (a part of ``bench.flashsale``).

Two ``livemart serve`` processes on a scratch PostgreSQL database and the Redis bus (so
the stock gate is in Redis, shared by both); 1,000 buyers holding API tokens, 200 of them
tapping twice with another key, all send ``buyFlashSale`` at once, alternating between the
two servers. Every buyer's connection is open before the sale starts (they are watching
the room), so the figures are the service's answers, not connection set-up. The client is
a few lines of raw HTTP/1.1 on asyncio streams: on a 2-core machine a heavier client would
take the servers' CPU.

The floor of the same run: the same storm shape (as many connections, all at once) against
``GET /healthz``. With ``--profile``, py-spy samples the first server during the storm and
the top frames go to the results.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from bench.joinstorm import (
    REDIS_URL,
    ROOT,
    Processes,
    _free_port,
    _machine_busy,
    _scratch_database,
    _wait_healthy,
    prepare,
    units_sold,
)

BUYERS = 1000
UNITS = 100
DOUBLE_TAP_EVERY = 5  # every fifth buyer taps twice: 200 double taps
TIMEOUT_S = 60.0
# The servers' asyncpg pool size per process (``?maxsize=``); unset: Tortoise's default (5),
# what ``LIVEMART_DATABASE_URL=postgres://…`` gets.
POOL = os.environ.get("LIVEMART_BENCH_POOL", "")
SHIPPING = {
    "name": "Bench Buyer",
    "line1": "1 Market Street",
    "city": "Lisbon",
    "postalCode": "1000-001",
    "country": "PT",
}
BUY = (
    "mutation Buy($saleId: ID!, $shipping: ShippingAddressInput!, $key: String!) {"
    " buyFlashSale(saleId: $saleId, shipping: $shipping, idempotencyKey: $key) {"
    " order { id status } errors { code field message } } }"
)
START = (
    "mutation Start($input: StartFlashSaleInput!) {"
    " startFlashSale(input: $input) { sale { id remaining } errors { code message } } }"
)


def _post(port: int, body: dict[str, Any], token: str) -> bytes:
    data = json.dumps(body).encode()
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + data


def _get(port: int, path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = None
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if length is not None:
        return status, await reader.readexactly(length)
    if chunked:
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                return status, body
            body += await reader.readexactly(size)
            await reader.readexactly(2)
    return status, await reader.read()


async def burst(targets: list[tuple[int, bytes]]) -> dict[str, Any]:
    """Open one connection per request, then send them all at once; per request the
    seconds from its send to its whole answer, its status and body."""
    conns = await asyncio.gather(*(asyncio.open_connection("127.0.0.1", p) for p, _ in targets))
    go = asyncio.Event()
    results: list[tuple[float, int, bytes]] = [(0.0, 0, b"")] * len(targets)

    async def one(i: int, raw: bytes, reader: asyncio.StreamReader, writer: Any) -> None:
        await go.wait()
        began = time.perf_counter()
        try:
            writer.write(raw)
            status, body = await asyncio.wait_for(_read_response(reader), TIMEOUT_S)
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
            status, body = 0, type(exc).__name__.encode()
        results[i] = (time.perf_counter() - began, status, body)
        writer.close()

    tasks = [
        asyncio.create_task(one(i, raw, r, w))
        for i, ((_, raw), (r, w)) in enumerate(zip(targets, conns, strict=True))
    ]
    await asyncio.sleep(0.2)  # every task waits at the start line
    started = time.perf_counter()
    go.set()
    await asyncio.gather(*tasks)
    seconds = time.perf_counter() - started
    latencies = sorted(r[0] for r in results)
    return {
        "requests": len(targets),
        "seconds": round(seconds, 3),
        "answers_per_s": round(len(targets) / seconds, 1),
        "latency_ms_p50": round(statistics.median(latencies) * 1000, 1),
        "latency_ms_p99": round(latencies[max(0, int(len(latencies) * 0.99) - 1)] * 1000, 1),
        "latency_ms_max": round(latencies[-1] * 1000, 1),
        "_results": results,
    }


def _answer(status: int, body: bytes) -> str:
    """won / a user error's code / error:<what>."""
    if status != 200:
        return f"error:http {status} {body[:40]!r}"
    try:
        payload = json.loads(body)["data"]["buyFlashSale"]
    except (ValueError, KeyError, TypeError):
        return f"error:{body[:60]!r}"
    if payload["errors"]:
        return payload["errors"][0]["code"]
    return "won" if payload["order"] else "error:no order"


async def _start_sale(port: int, token: str, variant_gid: str, room_gid: str, units: int) -> str:
    import httpx

    body = {
        "query": START,
        "variables": {
            "input": {
                "roomId": room_gid,
                "variantId": variant_gid,
                "priceCents": 999,
                "quantity": units,
                "perUserLimit": 1,
                "durationSeconds": 600,
            }
        },
    }
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"http://127.0.0.1:{port}/graphql",
            json=body,
            headers={"Authorization": f"Bearer {token}"},
        )
    started = response.json()["data"]["startFlashSale"]
    if started["errors"]:
        raise RuntimeError(f"could not start the sale: {started['errors']}")
    return str(started["sale"]["id"])


async def _storm(
    ports: list[int], setup: Any, units: int, profile_pid: int | None, logs: Path
) -> dict[str, Any]:
    # Warm both servers (first GraphQL request imports and builds things).
    warm = [(p, _get(p, "/healthz")) for p in ports for _ in range(20)]
    await burst(warm)
    floor = await burst(
        [(ports[i % 2], _get(ports[i % 2], "/healthz")) for i in range(_attempts(setup))]
    )
    sale_gid = await _start_sale(
        ports[0], setup.streamer_token, setup.variant_gid, setup.room_gid, units
    )
    attempts = []  # a double tap goes out right behind the buyer's first tap
    for i, token in enumerate(setup.buyer_tokens):
        attempts.append((token, f"a{i}"))
        if i % DOUBLE_TAP_EVERY == 0:
            attempts.append((token, f"b{i}"))
    targets = []
    for i, (token, key) in enumerate(attempts):
        port = ports[i % 2]
        body = {"query": BUY, "variables": {"saleId": sale_gid, "shipping": SHIPPING, "key": key}}
        targets.append((port, _post(port, body, token)))
    spy = _start_profile(profile_pid, logs) if profile_pid else None
    busy0 = _machine_busy()
    figures = await burst(targets)
    busy1 = _machine_busy()
    profile = _stop_profile(spy, logs) if spy else None
    answers = Counter(_answer(s, b) for _, s, b in figures.pop("_results"))
    floor.pop("_results")
    return {
        "storm": {**figures, "answers": dict(sorted(answers.items()))},
        "floor_healthz": floor,
        "machine_busy_during_storm": round(
            (busy1[0] - busy0[0]) / max(1e-9, busy1[1] - busy0[1]), 2
        ),
        "profile": profile,
    }


def _attempts(setup: Any) -> int:
    buyers = len(setup.buyer_tokens)
    return buyers + len(range(0, buyers, DOUBLE_TAP_EVERY))


def _start_profile(pid: int, logs: Path) -> subprocess.Popen[bytes] | None:
    spy = Path(sys.executable).with_name("py-spy")
    if not spy.exists():
        return None
    out = logs / "profile.txt"
    proc = subprocess.Popen(
        [
            str(spy),
            "record",
            "--format",
            "raw",
            "--rate",
            "250",
            "--nonblocking",
            "-o",
            str(out),
            "--pid",
            str(pid),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(1.0)  # py-spy attaches
    return proc


def _stop_profile(proc: subprocess.Popen[bytes], logs: Path) -> dict[str, Any] | None:
    proc.send_signal(signal.SIGINT)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(30)
    out = logs / "profile.txt"
    if not out.exists():
        return None
    keep = os.environ.get("LIVEMART_BENCH_PROFILE_OUT")  # keep py-spy's stacks (flame graphs)
    if keep:
        Path(keep).write_text(out.read_text())
    return top_frames(out.read_text())


def top_frames(collapsed: str, count: int = 15) -> dict[str, Any]:
    """Inclusive and self shares of the functions in py-spy's collapsed stacks (only
    samples in which the process was not idle in the event loop's select)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        frames = [_function(f) for f in stack.split(";")]
        if frames[-1].startswith("select (selectors") or frames[-1].startswith("_run_once"):
            continue  # idle
        samples = int(n)
        total += samples
        for name in set(frames):
            inclusive[name] += samples
        own[frames[-1]] += samples

    def share(counts: Counter[str]) -> list[str]:
        return [f"{100 * n / total:5.1f}% {name}" for name, n in counts.most_common(count)]

    # Inclusive: the work, not the layers every request passes through (server, ASGI
    # middleware, the GraphQL view and executor wrappers).
    layers = ("uvicorn/", "starlette/", "asyncio/", "contextlib", "app/cli.py", "app/asgi.py")
    layers += ("app/security_headers.py", "web/ratelimit.py", "app/api/view.py")
    layers += ("strawberry/asgi/", "strawberry/http/", "strawberry/utils/", "graphql/execution/")
    layers += ("<frozen", "livemart")
    work = Counter(
        {k: v for k, v in inclusive.items() if not k.split(" (", 1)[-1].startswith(layers)}
    )
    return {"busy_samples": total, "inclusive": share(work), "self": share(own)}


def _function(frame: str) -> str:
    """``name (/path/to/site-packages/lib/file.py:123)`` → ``name (lib/file.py)``; the
    app's own files keep ``app/`` or ``web/``."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "lib/python3.11/", f"{ROOT}/", "/app/", "/web/"):
        if marker in where:
            kept = marker.strip("/") + "/" if marker in ("/app/", "/web/") else ""
            where = kept + where.split(marker, 1)[1]
            break
    return f"{name} ({where})"


def run(
    code: Path | None = None, profile: bool = False, buyers: int = BUYERS, units: int = UNITS
) -> dict[str, Any]:
    """The storm on a scratch database; ``code``: serve another checkout of the app (the
    before figures of a change)."""
    with (
        _scratch_database() as database_url,
        tempfile.TemporaryDirectory(prefix="flashsale-") as tmp,
    ):
        setup = asyncio.run(prepare(database_url, buyers, units))
        logs = Path(tmp)
        ports = [_free_port(), _free_port()]
        env = {
            "LIVEMART_DATABASE_URL": database_url + (f"?maxsize={POOL}" if POOL else ""),
            "LIVEMART_BROADCAST_URL": REDIS_URL,
            "LIVEMART_RATELIMIT_PREFIX": f"flashbench-{uuid.uuid4().hex[:10]}",
            "LIVEMART_SECRET_KEY": "bench-secret-key-0123456789",
            "LIVEMART_VAR_DIR": str(logs / "var"),
            "LIVEMART_MEDIA_IN_PROCESS": "false",  # no media worker: nothing is streamed
        }
        if code is not None:
            env["PYTHONPATH"] = str(code)
        servers = Processes(env, logs)
        livemart = str(Path(sys.executable).with_name("livemart"))
        try:
            procs = [
                servers.start(f"web{i}", [livemart, "serve", "--port", str(port)])
                for i, port in enumerate(ports)
            ]
            for i, (port, proc) in enumerate(zip(ports, procs, strict=True)):
                try:
                    asyncio.run(_wait_healthy(f"http://127.0.0.1:{port}", proc))
                except RuntimeError:
                    print(servers.tail(f"web{i}", 30), file=sys.stderr)
                    raise
            spied = procs[0].pid if profile else None
            figures = asyncio.run(_storm(ports, setup, units, spied, logs))
        finally:
            servers.stop()
        sold = asyncio.run(units_sold(database_url, setup.room_id, units))
    storm, floor = figures["storm"], figures["floor_healthz"]
    answered = sum(n for a, n in storm["answers"].items() if not a.startswith("error"))
    return {
        "code": str(code) if code else str(ROOT),
        "buyers": buyers,
        "double_taps": len(range(0, buyers, DOUBLE_TAP_EVERY)),
        "units": units,
        "web_processes": 2,
        "pool_size_per_process": int(POOL) if POOL else "default (5)",
        **figures,
        "sold": sold,
        "every_buyer_answered": answered == storm["requests"],
        "ratio_healthz_to_storm_answers_per_s": round(
            floor["answers_per_s"] / storm["answers_per_s"], 2
        ),
        "goals": {
            "answers_per_s >= 1000": storm["answers_per_s"] >= 1000,
            "p99 < 250 ms": storm["latency_ms_p99"] < 250,
            "sold exactly the stock": sold["orders"] == units and sold["sale_remaining"] == 0,
            "0 oversold, 0 buyers with two": sold["oversold"] == 0 and sold["buyers_with_two"] == 0,
        },
        "load_average_1m": round(os.getloadavg()[0], 2),
    }
