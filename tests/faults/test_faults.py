"""Faults: Redis connections dropped during a live room, PostgreSQL connections killed
mid-session, and a thousand websocket clients vanishing at once."""

from __future__ import annotations

import asyncio
import json
import subprocess
from dataclasses import replace

import httpx
import pytest

from app.settings import Settings
from tests.conftest import REDIS_URL, TEST_DB, redis_available, settings_env
from tests.rooms.test_room_events_ws import (
    _next_of,
    _post,
    _promote_and_open,
    _streamer_with_live_room,
)
from tests.support import WsClient, live_server, operation, register


def _redis_cli(*args: str) -> str:
    return subprocess.run(["redis-cli", *args], capture_output=True, text=True, timeout=10).stdout


async def test_redis_connections_dropped_during_a_live_room(settings: Settings) -> None:
    if not redis_available():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    env = settings_env(replace(settings, broadcast_url=REDIS_URL))
    with live_server(env) as base:
        client, _ = await _streamer_with_live_room(base, "redisfault@example.com")
        room = await _promote_and_open(settings, client, "redisfault@example.com")
        async with WsClient(base) as ws:
            await ws.subscribe(operation("rooms"), {"roomId": room["id"]}, "RoomEvents")
            await _post(client, "LikeRoom", {"roomId": room["id"], "count": 1})
            assert (await _next_of(ws, "LikeBurstEvent"))["total"] == 1

            # Every Redis client (the server's publisher and its pub/sub listener) is cut.
            assert "ERR" not in _redis_cli("CLIENT", "KILL", "TYPE", "pubsub")
            _redis_cli("CLIENT", "KILL", "TYPE", "normal")

            # The server keeps answering, reconnects, and events flow again.
            total = 1
            deadline = asyncio.get_running_loop().time() + 20
            while True:
                result = await _post(client, "LikeRoom", {"roomId": room["id"], "count": 1})
                assert result["data"]["likeRoom"]["errors"] == []
                try:
                    burst = await _next_of(ws, "LikeBurstEvent", timeout=1.5)
                    total = burst["total"]
                    break
                except (TimeoutError, AssertionError):
                    assert asyncio.get_running_loop().time() < deadline, "events never resumed"
            assert total >= 2
            health = await client.get("/healthz")
            assert health.status_code == 200
        await client.aclose()


async def test_postgres_connections_killed_mid_session(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    if TEST_DB != "postgres":
        pytest.skip("runs in the PostgreSQL pass")
    import asyncpg

    await register(client, "pgfault@example.com", "Pat")
    dbname = settings.database_url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(settings.database_url.rsplit("/", 1)[0] + "/postgres")
    try:
        killed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = $1 AND pid <> pg_backend_pid()",
            dbname,
        )
    finally:
        await admin.close()
    assert killed >= 1
    query = {"query": "{ viewer { displayName } }"}
    headers = {"X-CSRF-Token": client.cookies["lm_csrf"]}
    # Each pooled connection that was killed can surface once (a busy machine may not have
    # noticed them all yet): as a clear, retryable answer or a masked error, never a
    # traceback; a client that retries gets through within a few tries.
    for _ in range(5):
        answer = await client.post("/graphql", json=query, headers=headers)
        if answer.status_code == 503:
            assert "retry" in answer.text
            continue
        body = answer.json()
        if "errors" in body:
            assert body["errors"][0]["message"] == "Internal server error."
            continue
        assert body["data"]["viewer"]["displayName"] == "Pat"
        break
    else:
        raise AssertionError("still failing after 5 tries")


async def test_a_thousand_websocket_clients_vanish(settings: Settings) -> None:
    import websockets

    with live_server(settings_env(settings)) as base:
        client, _ = await _streamer_with_live_room(base, "crowd@example.com")
        room = await _promote_and_open(settings, client, "crowd@example.com")
        url = base.replace("http://", "ws://") + "/graphql"
        subscribe = json.dumps(
            {
                "id": "1",
                "type": "subscribe",
                "payload": {
                    "query": "subscription($r: ID!) { roomEvents(roomId: $r) { __typename } }",
                    "variables": {"r": room["id"]},
                },
            }
        )

        async def viewer() -> websockets.ClientConnection:
            ws = await websockets.connect(
                url, subprotocols=["graphql-transport-ws"], open_timeout=60, ping_interval=None
            )
            await ws.send('{"type":"connection_init"}')
            await ws.recv()
            await ws.send(subscribe)
            return ws

        crowd: list[websockets.ClientConnection] = []
        for _ in range(10):
            crowd += await asyncio.gather(*(viewer() for _ in range(100)))
        async with WsClient(base) as watcher:
            await watcher.subscribe(operation("rooms"), {"roomId": room["id"]}, "RoomEvents")
            count = 0
            deadline = asyncio.get_running_loop().time() + 30
            while count != 1001:
                count = (await _next_of(watcher, "ViewerCountEvent", timeout=30))["count"]
                assert asyncio.get_running_loop().time() < deadline
            for ws in crowd:  # all at once, no close handshake
                ws.transport.abort()
            while count != 1:
                count = (await _next_of(watcher, "ViewerCountEvent", timeout=30))["count"]
        await client.aclose()
