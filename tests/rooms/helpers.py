"""Shared set-up for room tests."""

from __future__ import annotations

import httpx

from app.accounts.models import Role, User
from tests.support import op, register


async def streamer_client(client: httpx.AsyncClient, email: str = "mia@example.com") -> User:
    """Register ``email`` on ``client`` and make them a streamer."""
    await register(client, email, "Mia")
    await User.filter(email=email).update(role=Role.STREAMER)
    return await User.get(email=email)


async def live_room(client: httpx.AsyncClient, title: str = "Sneaker drop") -> dict:
    created = await op(
        client, "rooms", "CreateRoom", {"input": {"title": title, "category": "fashion"}}
    )
    room = created["data"]["createRoom"]["room"]
    opened = await op(client, "rooms", "OpenRoom", {"roomId": room["id"]})
    assert opened["data"]["openRoom"]["errors"] == []
    return {**room, **opened["data"]["openRoom"]["room"]}
