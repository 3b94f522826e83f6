"""Must-show: a chat message posted by one user reaches ``roomEvents`` subscribers, on one
process and across two uvicorn processes on the Redis backend."""

from __future__ import annotations

from dataclasses import replace

import httpx

from app.settings import Settings
from tests.conftest import REDIS_URL, redis_available, settings_env, unavailable
from tests.rooms.test_room_events_ws import (
    _next_of,
    _post,
    _promote_and_open,
    _streamer_with_live_room,
)
from tests.support import STRONG_PASSWORD, WsClient, live_server, operation


async def _send_chat(base: str, room_gid: str, text: str) -> dict:
    viewer = httpx.AsyncClient(base_url=base)
    await _post(
        viewer,
        "Register",
        {
            "input": {
                "email": "chatty@example.com",
                "password": STRONG_PASSWORD,
                "displayName": "Chatty",
            }
        },
    )
    response = await viewer.post(
        "/graphql",
        headers={"X-CSRF-Token": viewer.cookies["lm_csrf"]},
        json={
            "query": operation("chat"),
            "operationName": "SendChatMessage",
            "variables": {"roomId": room_gid, "text": text},
        },
    )
    await viewer.aclose()
    return response.json()["data"]["sendChatMessage"]


async def test_chat_message_reaches_subscriber(settings: Settings) -> None:
    with live_server(settings_env(settings)) as base:
        client, _ = await _streamer_with_live_room(base, "host@example.com")
        room = await _promote_and_open(settings, client, "host@example.com")
        async with WsClient(base) as ws:
            await ws.subscribe(operation("rooms"), {"roomId": room["id"]}, "RoomEvents")
            await _next_of(ws, "ViewerCountEvent")
            sent = await _send_chat(base, room["id"], "is the blue one in stock?")
            assert sent["errors"] == []
            event = await _next_of(ws, "ChatMessageEvent")
            assert event["text"] == "is the blue one in stock?"
            assert event["userName"] == "Chatty"
        await client.aclose()


async def test_chat_across_two_processes_on_redis(settings: Settings) -> None:
    if not redis_available():
        unavailable("Redis is not reachable on 127.0.0.1:6379")
    redis_settings = replace(settings, broadcast_url=REDIS_URL)
    env = settings_env(redis_settings)
    with live_server(env) as base_a, live_server(env) as base_b:
        client, _ = await _streamer_with_live_room(base_a, "pair@example.com")
        room = await _promote_and_open(redis_settings, client, "pair@example.com")
        async with WsClient(base_b) as ws:
            await ws.subscribe(operation("rooms"), {"roomId": room["id"]}, "RoomEvents")
            await _next_of(ws, "ViewerCountEvent")
            sent = await _send_chat(base_a, room["id"], "posted to A, read from B")
            assert sent["errors"] == []
            event = await _next_of(ws, "ChatMessageEvent")
            assert event["text"] == "posted to A, read from B"
        await client.aclose()
