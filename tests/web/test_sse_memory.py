"""What an idle viewer of a live room costs the server: 1,000 SSE connections held open
against a real server process, its resident memory measured before and after (a memory
figure, not a time). The issue's budget is 50 KB per connection."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from app.accounts.models import Role, User
from app.rooms.models import Room, RoomStatus
from app.settings import Settings
from tests.conftest import settings_env
from tests.support import ROOT, free_port

VIEWERS = 1_000
BUDGET_KB = 50


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


async def _viewer(port: int, room_id: int, n: int) -> asyncio.StreamWriter:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        f"GET /rooms/{room_id}/events HTTP/1.1\r\nHost: t\r\n"
        f"Cookie: lm_csrf=viewer{n:010d}\r\n\r\n".encode()
    )
    await writer.drain()
    seen = b""
    while b": connected" not in seen:
        chunk = await asyncio.wait_for(reader.read(4096), 30)
        assert chunk, seen
        seen += chunk
    return writer


def _start_server(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "app.asgi:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    return subprocess.Popen(command, cwd=ROOT, env={**os.environ, **settings_env(settings)})


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
async def test_an_idle_sse_viewer_costs_under_50_kb(app: object, settings: Settings) -> None:
    owner = await User.create(email="s@example.com", display_name="S", password_hash="x")
    await User.filter(id=owner.id).update(role=Role.STREAMER)
    room = await Room.create(
        owner_id=owner.id,
        title="Idle crowd",
        status=RoomStatus.LIVE,
        stream_key="sk_" + secrets.token_urlsafe(8),
    )
    port = free_port()
    server = _start_server(settings, port)
    writers: list[asyncio.StreamWriter] = []
    try:
        deadline = time.monotonic() + 30
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            while True:
                try:
                    if (await client.get("/healthz")).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, "no server"
                await asyncio.sleep(0.2)
        for n in range(50):  # warm up: first-use allocations are not per connection
            writers.append(await _viewer(port, room.id, n))
        await asyncio.sleep(1)
        before = _rss_kb(server.pid)
        for start in range(0, VIEWERS, 100):
            writers += await asyncio.gather(
                *(_viewer(port, room.id, 1000 + start + i) for i in range(100))
            )
        await asyncio.sleep(1)
        per_viewer = (_rss_kb(server.pid) - before) / VIEWERS
        assert per_viewer < BUDGET_KB, f"{per_viewer:.1f} KB per idle viewer"
    finally:
        for writer in writers:
            writer.close()
        _stop(server)
