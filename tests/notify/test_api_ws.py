"""``notificationAdded`` over a real ``graphql-transport-ws`` websocket to a real uvicorn
process: a follower's socket gets the go-live (in the socket's language), a stranger's
socket gets nothing, and an anonymous socket is refused."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from app.settings import Settings
from tests.conftest import settings_env
from tests.support import STRONG_PASSWORD, WsClient, live_server, operation


async def _post(
    client: httpx.AsyncClient, file: str, name: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    if "lm_csrf" not in client.cookies:
        await client.get("/login")
    response = await client.post(
        "/graphql",
        headers={"X-CSRF-Token": client.cookies["lm_csrf"]},
        json={"query": operation(file), "operationName": name, "variables": variables or {}},
    )
    return dict(response.json())


async def _account(base: str, email: str, name: str) -> tuple[httpx.AsyncClient, dict, str]:
    """A signed-in client, its user and a READ API token's secret."""
    client = httpx.AsyncClient(base_url=base)
    reg = await _post(
        client,
        "accounts",
        "Register",
        {"input": {"email": email, "password": STRONG_PASSWORD, "displayName": name}},
    )
    assert reg["data"]["register"]["errors"] == [], reg
    token = await _post(client, "accounts", "CreateApiToken", {"name": "app", "scope": "READ"})
    return client, reg["data"]["register"]["user"], token["data"]["createApiToken"]["secret"]


async def _make_streamer(settings: Settings, email: str) -> None:
    from app.accounts.models import Role, User
    from app.db import close_db, init_db

    await init_db(settings.database_url)
    try:
        await User.filter(email=email).update(role=Role.STREAMER)
    finally:
        await close_db()


async def test_a_follower_gets_the_go_live_and_a_stranger_nothing(settings: Settings) -> None:
    with live_server(settings_env(settings)) as base:
        streamer, ann, _ = await _account(base, "ann@example.com", "Ann")
        fan, _, fan_token = await _account(base, "fan@example.com", "Fan")
        stranger, _, stranger_token = await _account(base, "stranger@example.com", "Sam")
        await _make_streamer(settings, "ann@example.com")
        followed = await _post(fan, "rooms", "FollowStreamer", {"streamerId": ann["id"]})
        assert followed["data"]["followStreamer"]["errors"] == [], followed

        fan_ws = WsClient(
            base, {"authorization": f"Bearer {fan_token}"}, {"Accept-Language": "zh-CN"}
        )
        stranger_ws = WsClient(base, {"authorization": f"Bearer {stranger_token}"})
        async with fan_ws, stranger_ws:
            added = operation("notify")
            fan_sub = await fan_ws.subscribe(added, operation_name="NotificationAdded")
            await stranger_ws.subscribe(added, operation_name="NotificationAdded")
            await asyncio.sleep(0.5)  # both subscribed to the bus

            created = await _post(streamer, "rooms", "CreateRoom", {"input": {"title": "Scarves"}})
            room = created["data"]["createRoom"]["room"]
            opened = await _post(streamer, "rooms", "OpenRoom", {"roomId": room["id"]})
            assert opened["data"]["openRoom"]["errors"] == [], opened

            message = await fan_ws.receive(timeout=20)
            assert message["type"] == "next" and message["id"] == fan_sub, message
            note = message["payload"]["data"]["notificationAdded"]
            assert note["kind"] == "GO_LIVE"
            assert note["title"] == "Ann 正在直播" and note["body"] == "Scarves"
            assert note["targetId"] == room["id"] and note["read"] is False
            with pytest.raises(TimeoutError):  # the fan-out was not for the stranger
                await stranger_ws.receive(timeout=1.5)

            # the same notification, in the list the fan reads over HTTP
            listed = await _post(fan, "notify", "Notifications")
            edges = listed["data"]["notifications"]["edges"]
            assert [e["node"]["id"] for e in edges] == [note["id"]]
            unread = await _post(stranger, "notify", "NotificationUnreadCount")
            assert unread["data"]["notificationUnreadCount"] == 0
        for client in (streamer, fan, stranger):
            await client.aclose()


async def test_an_anonymous_socket_is_refused(settings: Settings) -> None:
    with live_server(settings_env(settings)) as base:
        async with WsClient(base) as ws:
            await ws.subscribe(operation("notify"), operation_name="NotificationAdded")
            message = await ws.receive()
            errors = (
                message["payload"] if message["type"] == "error" else message["payload"]["errors"]
            )
            assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
