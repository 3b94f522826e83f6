"""``roomEvents`` through a real websocket to real uvicorn processes."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from typing import Any

import httpx
import pytest
import websockets

from app.settings import Settings
from tests.conftest import REDIS_URL, redis_available, settings_env, unavailable
from tests.support import STRONG_PASSWORD, WsClient, live_server, operation


async def _post(client: httpx.AsyncClient, name: str, variables: dict[str, Any]) -> dict:
    if "lm_csrf" not in client.cookies:
        await client.get("/login")
    response = await client.post(
        "/graphql",
        headers={"X-CSRF-Token": client.cookies["lm_csrf"]},
        json={
            "query": operation("rooms") + operation("accounts").split("subscription")[0],
            "operationName": name,
            "variables": variables,
        },
    )
    return response.json()


async def _streamer_with_live_room(
    base: str, email: str = "live@example.com"
) -> tuple[httpx.AsyncClient, dict]:
    from tortoise import Tortoise

    client = httpx.AsyncClient(base_url=base)
    reg = await _post(
        client,
        "Register",
        {"input": {"email": email, "password": STRONG_PASSWORD, "displayName": "Streamer"}},
    )
    assert reg["data"]["register"]["errors"] == [], reg
    del Tortoise  # the server owns the DB; promote through the CLI-free SQL path below
    return client, reg["data"]["register"]["user"]


async def _promote_and_open(settings: Settings, client: httpx.AsyncClient, email: str) -> dict:
    from app.accounts.models import Role, User
    from app.db import close_db, init_db

    await init_db(settings.database_url)
    try:
        await User.filter(email=email).update(role=Role.STREAMER)
    finally:
        await close_db()
    created = await _post(client, "CreateRoom", {"input": {"title": "Live now"}})
    room = created["data"]["createRoom"]["room"]
    opened = await _post(client, "OpenRoom", {"roomId": room["id"]})
    assert opened["data"]["openRoom"]["errors"] == []
    return room


async def _next_of(ws: WsClient, typename: str, timeout: float = 10.0) -> dict:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        left = deadline - asyncio.get_running_loop().time()
        message = await ws.receive(max(left, 0.01))
        assert message["type"] == "next", message
        event = message["payload"]["data"]["roomEvents"]
        if event["__typename"] == typename:
            return event


async def test_like_burst_and_viewer_count_reach_subscriber(settings: Settings) -> None:
    with live_server(settings_env(settings)) as base:
        client, _ = await _streamer_with_live_room(base)
        room = await _promote_and_open(settings, client, "live@example.com")
        async with WsClient(base) as ws:
            await ws.subscribe(operation("rooms"), {"roomId": room["id"]}, "RoomEvents")
            viewers = await _next_of(ws, "ViewerCountEvent")
            assert viewers["count"] == 1
            for _ in range(5):
                await _post(client, "LikeRoom", {"roomId": room["id"], "count": 2})
            total = 0
            while total < 10:
                burst = await _next_of(ws, "LikeBurstEvent")
                total = burst["total"]
            assert total == 10
            await _post(client, "EndRoom", {"roomId": room["id"]})
            status = await _next_of(ws, "RoomStatusEvent")
            assert status["status"] == "ended"
        await client.aclose()


async def test_unknown_room_and_bad_frames(settings: Settings) -> None:
    from app.api.ids import encode_id

    with live_server(settings_env(settings)) as base:
        async with WsClient(base) as ws:
            await ws.subscribe(operation("rooms"), {"roomId": encode_id("Room", 999)}, "RoomEvents")
            message = await ws.receive()
            assert message["type"] == "error"
            assert message["payload"][0]["extensions"]["code"] == "NOT_FOUND"
            await ws.subscribe("subscription { roomEvents(roomId: 1) { nope } }")
            message = await ws.receive()
            assert message["type"] == "error"
            await ws.ws.send("this is not json")
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.ws.recv()
            assert closed.value.rcvd.code == 4400
        async with websockets.connect(
            base.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
        ) as raw:
            await raw.send(
                json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{a}"}})
            )
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await raw.recv()
            assert closed.value.rcvd.code == 4401


@pytest.fixture
def redis_settings(settings: Settings) -> Settings:
    if not redis_available():
        unavailable("Redis is not reachable on 127.0.0.1:6379")
    return replace(settings, broadcast_url=REDIS_URL)


async def test_two_processes_on_redis(redis_settings: Settings) -> None:
    env = settings_env(redis_settings)
    with live_server(env) as base_a, live_server(env) as base_b:
        client, _ = await _streamer_with_live_room(base_a, "two@example.com")
        room = await _promote_and_open(redis_settings, client, "two@example.com")
        async with WsClient(base_b) as ws_b, WsClient(base_a) as ws_a:
            await ws_b.subscribe(operation("rooms"), {"roomId": room["id"]}, "RoomEvents")
            await ws_a.subscribe(operation("rooms"), {"roomId": room["id"]}, "RoomEvents")
            # Viewer counts add up across both processes.
            seen = 0
            while seen < 2:
                seen = (await _next_of(ws_b, "ViewerCountEvent"))["count"]
            await _post(client, "LikeRoom", {"roomId": room["id"], "count": 7})
            burst = await _next_of(ws_b, "LikeBurstEvent")
            assert burst["total"] == 7
        await client.aclose()


async def test_vanished_clients_leave_no_viewers(settings: Settings) -> None:
    with live_server(settings_env(settings)) as base:
        client, _ = await _streamer_with_live_room(base, "gone@example.com")
        room = await _promote_and_open(settings, client, "gone@example.com")
        sockets = []
        for _ in range(20):
            ws = WsClient(base)
            await ws.__aenter__()
            await ws.subscribe(operation("rooms"), {"roomId": room["id"]}, "RoomEvents")
            sockets.append(ws)
        async with WsClient(base) as watcher:
            await watcher.subscribe(operation("rooms"), {"roomId": room["id"]}, "RoomEvents")
            count = 0
            while count != 21:
                count = (await _next_of(watcher, "ViewerCountEvent"))["count"]
            for ws in sockets:  # drop the TCP connections without a close handshake
                ws.ws.transport.abort()
            while count != 1:
                count = (await _next_of(watcher, "ViewerCountEvent"))["count"]
            assert count == 1
        await client.aclose()
