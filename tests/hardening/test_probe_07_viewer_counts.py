"""Probe finding 7: every ``roomEvents`` subscription counted as a viewer (6 anonymous
sockets x 50 subscriptions showed 301 viewers, and the peak orders the room list). A room
counts distinct viewers now (a user, or an anonymous browser / socket), at most one per
socket, and one client address may hold at most ``LIVEMART_ROOM_WATCHERS_PER_IP`` room
subscriptions."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import replace
from typing import Any

import httpx
import pytest

from app.accounts.models import Role, User
from app.api.ids import encode_id
from app.rooms.models import Room, RoomStatus
from app.rooms.presence import Presence, TooManyWatchers
from app.settings import Settings
from tests.conftest import settings_env
from tests.support import WsClient, live_server

ROOM_EVENTS = """subscription($r: ID!) { roomEvents(roomId: $r) {
  __typename ... on ViewerCountEvent { count } } }"""
ROOM = "query($id: ID!) { node(id: $id) { ... on Room { viewerCount peakViewers } } }"


# --- the rule, in one process ------------------------------------------------------------


async def test_one_viewer_however_many_handles() -> None:
    presence = Presence(per_ip=100)
    async with contextlib.AsyncExitStack() as stack:
        for _ in range(50):  # one socket's fifty subscriptions
            await stack.enter_async_context(presence.watching(1, None, "socket:a", "10.0.0.1"))
        assert presence.local_count(1) == 1
        for _ in range(3):  # a user on three sockets and a page
            await stack.enter_async_context(presence.watching(1, 7, None, "10.0.0.2"))
        await stack.enter_async_context(presence.watching(1, 7))
        assert presence.local_count(1) == 2
        await stack.enter_async_context(presence.watching(1, None, "socket:b", "10.0.0.1"))
        assert presence.local_count(1) == 3
    assert presence.local_count(1) == 0


async def test_an_address_holds_at_most_per_ip_subscriptions() -> None:
    presence = Presence(per_ip=5)
    async with contextlib.AsyncExitStack() as stack:
        for i in range(5):
            await stack.enter_async_context(presence.watching(1, None, f"socket:{i}", "10.0.0.9"))
        with pytest.raises(TooManyWatchers) as refused:
            await stack.enter_async_context(presence.watching(2, None, "socket:x", "10.0.0.9"))
        assert refused.value.code == "TOO_MANY_SUBSCRIPTIONS"
        assert presence.local_count(2) == 0 and presence.local_count(1) == 5
        # Other addresses, and pages (no address), are not affected.
        await stack.enter_async_context(presence.watching(2, None, "socket:y", "10.0.0.10"))
        await stack.enter_async_context(presence.watching(2, None, "browser:z"))
        assert presence.local_count(2) == 2
    # Closed subscriptions give their slots back.
    async with presence.watching(1, None, "socket:again", "10.0.0.9"):
        assert presence.local_count(1) == 1


# --- over the websocket ------------------------------------------------------------------


async def _counts_until(ws: WsClient, sub_ids: set[str], want: int) -> list[int]:
    """Every viewer count the subscriptions ``sub_ids`` receive until each has seen
    ``want``; errors fail the test."""
    seen: list[int] = []
    waiting = set(sub_ids)
    while waiting:
        message = await ws.receive(15)
        assert message["type"] == "next", message
        count = message["payload"]["data"]["roomEvents"].get("count")
        if count is not None and message["id"] in sub_ids:
            seen.append(count)
            if count == want:
                waiting.discard(message["id"])
    return seen


async def test_sockets_and_subscriptions_from_one_address(app: Any, settings: Settings) -> None:
    owner = await User.create(
        email="p7@example.com", display_name="Streamer", password_hash="x", role=Role.STREAMER
    )
    room = await Room.create(
        owner_id=owner.id,
        title="Probe 7",
        status=RoomStatus.LIVE,
        stream_key="sk_" + secrets.token_urlsafe(12),
    )
    room_id = encode_id("Room", room.id)
    variables = {"r": room_id}
    env = settings_env(replace(settings, room_watchers_per_ip=8))
    with live_server(env) as base:
        async with WsClient(base) as crowd, WsClient(base) as watcher, WsClient(base) as late:
            ids = {await crowd.subscribe(ROOM_EVENTS, variables) for _ in range(5)}
            await watcher.subscribe(ROOM_EVENTS, variables)
            # Two sockets watch: five subscriptions on one of them are still one viewer.
            seen = await _counts_until(crowd, ids, 2)
            assert max(seen) <= 2, seen
            # 6 of this address's 8 slots are taken: one of three more is refused (the
            # socket starts its subscriptions concurrently, so which one is not fixed).
            late_ids = {await late.subscribe(ROOM_EVENTS, variables) for _ in range(3)}
            refused: set[str] = set()
            counted: set[str] = set()
            while len(refused) + len(counted) < len(late_ids):
                message = await late.receive(15)
                if message["type"] == "error":
                    assert message["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
                    refused.add(message["id"])
                elif message["payload"]["data"]["roomEvents"].get("count") == 3:
                    counted.add(message["id"])
            assert len(refused) == 1 and refused | counted == late_ids, (refused, counted)
            async with httpx.AsyncClient(base_url=base) as http:
                body = (
                    await http.post("/graphql", json={"query": ROOM, "variables": {"id": room_id}})
                ).json()
            assert body["data"]["node"] == {"viewerCount": 3, "peakViewers": 3}
