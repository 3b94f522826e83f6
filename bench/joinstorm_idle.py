"""What an idle viewer's SSE stream costs a web process in memory.

``python -m bench.joinstorm_idle [--streams 1000]``: one ``livemart serve`` on a fresh
PostgreSQL database (``bench.joinstorm``'s) and Redis, a live room; the room's SSE stream
(``/rooms/<id>/events``) is opened by ``--streams`` anonymous viewers (each its own
connection and ``lm_csrf`` cookie, read by ``bench.joinstorm_viewers.SseStream``'s bare
protocol) after a warm-up round of 50 opened and closed; the process's RSS
before and with them open gives the memory per idle stream (goal: under 50 KB). Writes
``bench/results/joinstorm_idle.json`` (``--output`` elsewhere).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.joinstorm import (
    RESULTS,
    Processes,
    _child_setup,
    _free_port,
    _logs_dir,
    _proc,
    _scratch_database,
    _wait_healthy,
    prepare,
    stack_env,
)

GOAL_KB = 50.0
WARM_UP = 50


class _Idle(asyncio.Protocol):
    """One idle viewer: a GET of the stream, then read and forget."""

    def __init__(self, request: bytes, connected: asyncio.Future[None]) -> None:
        self.request = request
        self.connected = connected
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)  # type: ignore[union-attr]

    def data_received(self, data: bytes) -> None:
        if b": connected" in data and not self.connected.done():
            self.connected.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.connected.done():
            self.connected.set_exception(ConnectionError("closed before connected"))


async def _open(base: str, room_id: int, streams: int) -> list[_Idle]:
    """``streams`` idle viewers, each connected (its ``: connected`` read)."""
    loop = asyncio.get_running_loop()
    url = urlsplit(base)
    gate = asyncio.Semaphore(50)

    async def one() -> _Idle:
        async with gate:
            cookie = f"lm_csrf={secrets.token_urlsafe(24)}"
            request = (
                f"GET /rooms/{room_id}/events HTTP/1.1\r\nHost: {url.netloc}\r\n"
                f"Accept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
            ).encode()
            connected: asyncio.Future[None] = loop.create_future()
            _, idle = await loop.create_connection(
                lambda: _Idle(request, connected), url.hostname, url.port
            )
            await asyncio.wait_for(connected, 60)
            return idle

    return list(await asyncio.gather(*(one() for _ in range(streams))))


def _close(idle: list[_Idle]) -> None:
    for viewer in idle:
        if viewer.transport is not None:
            viewer.transport.close()


async def _measure(base: str, room_id: int, pid: int, streams: int) -> dict[str, Any]:
    # a few first: the process's pools and caches grow once (a round as big as the measured
    # one would leave its freed memory in RSS for the measured round to reuse)
    _close(await _open(base, room_id, WARM_UP))
    await asyncio.sleep(3)
    before = _proc(pid)["rss_mb"]
    began = time.monotonic()
    idle = await _open(base, room_id, streams)
    opened_s = time.monotonic() - began
    await asyncio.sleep(3)
    held = _proc(pid)["rss_mb"]
    _close(idle)
    per_stream_kb = round(1024 * (held - before) / streams, 1)
    return {
        "streams": streams,
        "rss_mb_before": round(before, 1),
        "rss_mb_with_streams": round(held, 1),
        "per_idle_stream_kb": per_stream_kb,
        "goal_kb": GOAL_KB,
        "goal_met": per_stream_kb < GOAL_KB,
        "opened_in_s": round(opened_s, 1),
    }


def run(streams: int) -> dict[str, Any]:
    """Start one web process on a fresh database, measure, tear down."""
    _child_setup()
    port = _free_port()
    with (
        tempfile.TemporaryDirectory(prefix="livemart-joinstorm-idle-") as tmp,
        _scratch_database() as db,
    ):
        setup = asyncio.run(prepare(db, 0, 1))
        stack = Processes(stack_env(db, Path(tmp), "joinstormidle"), _logs_dir(Path(tmp)))
        try:
            serve = [sys.executable, "-m", "app.cli", "serve", "--port", str(port)]
            web = stack.start("web", serve)
            base = f"http://127.0.0.1:{port}"
            asyncio.run(_wait_healthy(base, web))
            result = asyncio.run(_measure(base, setup.room_id, web.pid, streams))
        finally:
            stack.stop()
    return {**result, "load_before": [round(x, 2) for x in os.getloadavg()]}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench.joinstorm_idle", description=__doc__)
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--output", type=Path, default=RESULTS / "joinstorm_idle.json")
    args = parser.parse_args(argv or [])
    result = run(args.streams)
    print(
        f"{result['streams']} idle SSE streams: RSS {result['rss_mb_before']} → "
        f"{result['rss_mb_with_streams']} MB, {result['per_idle_stream_kb']} KB each "
        f"(goal < {GOAL_KB:g} KB: {'met' if result['goal_met'] else 'NOT met'}); "
        f"load average {result['load_before']}"
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    return result


if __name__ == "__main__":
    main(sys.argv[1:])
