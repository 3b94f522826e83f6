"""Redis restarted during a live chat: two web processes share a Redis of the test's own
(stopped and started again on its own port, so the machine's Redis is left alone). While
Redis is down the servers keep answering; once it is back both reconnect by themselves
and chat posted on one reaches a subscriber on the other again. (``test_faults.py`` cuts
the connections of the machine's Redis with CLIENT KILL instead.)"""

from __future__ import annotations

import asyncio
import logging
import shutil
import subprocess
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings import Settings
from tests.conftest import _reachable, settings_env
from tests.rooms.test_room_events_ws import (
    _next_of,
    _post,
    _promote_and_open,
    _streamer_with_live_room,
)
from tests.support import (
    STRONG_PASSWORD,
    WsClient,
    eventually,
    free_port,
    live_server,
    op,
    operation,
)

REDIS_SERVER = shutil.which("redis-server")

pytestmark = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed")


def start_redis(port: int, workdir: Path) -> subprocess.Popen[bytes]:
    """A throw-away redis-server on ``port`` that keeps nothing on disk; waits for it."""
    proc = subprocess.Popen(
        [str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no", "--dir", str(workdir)],
        stdout=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while not _reachable("127.0.0.1", port):
        assert proc.poll() is None, "redis-server exited"
        assert time.monotonic() < deadline, "redis-server did not start"
        time.sleep(0.05)
    return proc


async def _chat(client: httpx.AsyncClient, room_id: str, text: str) -> Any:
    """Send a chat message; returns the payload's errors, or the GraphQL errors."""
    result = await op(client, "chat", "SendChatMessage", {"roomId": room_id, "text": text})
    data = result.get("data") or {}
    return data["sendChatMessage"]["errors"] if data else result["errors"]


async def _chat_until_heard(
    fan: httpx.AsyncClient, ws: WsClient, room_id: str, label: str, within: float = 30
) -> int:
    """Post numbered messages until the subscriber hears one (a subscription joins the
    Redis channel a moment after its frame is sent); returns how many were posted."""
    deadline = asyncio.get_running_loop().time() + within
    n = 0
    while True:
        n += 1
        assert await _chat(fan, room_id, f"{label} {n}") == []
        try:
            while True:
                event = await _next_of(ws, "ChatMessageEvent", timeout=2)
                if event["text"].startswith(label):
                    return n
        except (TimeoutError, AssertionError):
            assert asyncio.get_running_loop().time() < deadline, f"{label}: never heard"


async def test_redis_restarted_during_a_live_chat(settings: Settings, tmp_path: Path) -> None:
    port = free_port()
    env = settings_env(replace(settings, broadcast_url=f"redis://127.0.0.1:{port}/0"))
    redis = start_redis(port, tmp_path)
    try:
        with live_server(env) as web_a, live_server(env) as web_b:
            streamer, _ = await _streamer_with_live_room(web_a, "restart@example.com")
            room = await _promote_and_open(settings, streamer, "restart@example.com")
            fan = httpx.AsyncClient(base_url=web_a)
            reg = await _post(
                fan,
                "Register",
                {"input": {"email": "fan@example.com", "password": STRONG_PASSWORD,
                           "displayName": "Fan"}},
            )  # fmt: skip
            assert reg["data"]["register"]["errors"] == [], reg
            async with WsClient(web_b) as ws:
                await ws.subscribe(operation("rooms"), {"roomId": room["id"]}, "RoomEvents")
                await _chat_until_heard(fan, ws, room["id"], "before the restart")

                redis.terminate()
                redis.wait(10)
                # Redis is down: both servers still answer; a message sent now is kept in
                # the room's history (only its live delivery is missed).
                for base in (web_a, web_b):
                    assert (await streamer.get(base + "/healthz")).status_code == 200
                assert await _chat(fan, room["id"], "while Redis is down") == []
                history = await op(fan, "chat", "ChatMessages", {"roomId": room["id"]})
                texts = [e["node"]["text"] for e in history["data"]["chatMessages"]["edges"]]
                assert texts[0] == "while Redis is down"

                redis = start_redis(port, tmp_path)
                # Both servers reconnect by themselves; the subscriber on B hears A again.
                await _chat_until_heard(fan, ws, room["id"], "after the restart")
            await fan.aclose()
            await streamer.aclose()
    finally:
        redis.terminate()
        redis.wait(10)


async def test_presence_logs_a_redis_outage_once_and_its_end(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The presence loop flushes every 0.5 s: an outage is one traceback and one
    "works again" line, not a traceback per flush."""
    from app.rooms.presence import FLUSH_INTERVAL, Presence

    port = free_port()
    redis = start_redis(port, tmp_path)
    presence = Presence(f"redis://127.0.0.1:{port}/0")
    caplog.set_level(logging.INFO, logger="livemart.presence")
    await presence.start()
    try:
        await asyncio.sleep(FLUSH_INTERVAL * 2)
        redis.terminate()
        redis.wait(10)
        await asyncio.sleep(FLUSH_INTERVAL * 5)  # several flushes fail meanwhile
        redis = start_redis(port, tmp_path)

        async def recovered() -> bool:
            return "presence flush works again" in caplog.text

        await eventually(recovered, timeout=30)
    finally:
        await presence.stop()
        redis.terminate()
        redis.wait(10)
    failed = [r for r in caplog.records if "presence flush failed" in r.getMessage()]
    assert len(failed) == 1 and failed[0].exc_info is not None
    [again] = [r for r in caplog.records if "works again after" in r.getMessage()]
    assert int(again.getMessage().split("after ")[1].split()[0]) >= 2
