"""Shared set-up for the chat and moderation tests: users, live rooms, logged-in clients,
and a recorder of a room's bus events."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.api.ids import encode_id
from app.chat import services as chat
from app.events import Event
from app.moderation import services as moderation
from app.rooms.models import Room
from app.rooms.services import create_room, open_room
from tests.support import STRONG_PASSWORD, collecting, register


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """Empty in-memory rate limits around each test (user ids repeat across tests); the
    chat and moderation conftests use it."""
    chat.reset_rate_limits()
    moderation.REPORT_LIMIT.reset()
    yield
    chat.reset_rate_limits()
    moderation.REPORT_LIMIT.reset()


async def make_user(email: str, name: str = "Tester", role: Role = Role.VIEWER) -> User:
    return await accounts.create_user(email, STRONG_PASSWORD, name, role)


async def live_room(streamer: User, title: str = "Live sale") -> Room:
    """A live room, created and opened the way a streamer does it."""
    room = await create_room(streamer, title)
    return await open_room(streamer, room.id)


async def login_as(
    client: httpx.AsyncClient, email: str, name: str, role: Role = Role.VIEWER
) -> User:
    """Register ``email`` through the API (the client is now logged in) with ``role``."""
    result = await register(client, email, name)
    assert result["errors"] == [], result
    await User.filter(email=email).update(role=role)
    return await User.get(email=email)


def gid(type_name: str, pk: int) -> str:
    return encode_id(type_name, pk)


class Recorder:
    """Collects the events of one room channel."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def of(self, type: str) -> list[Event]:
        return [e for e in self.events if e.type == type]

    async def wait_for(self, type: str, count: int = 1, timeout: float = 5.0) -> list[Event]:
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.of(type)) < count:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no {type} event; got {[e.type for e in self.events]}")
            await asyncio.sleep(0.02)
        return self.of(type)


@contextlib.asynccontextmanager
async def recording(room_id: int) -> AsyncIterator[Recorder]:
    """Record ``room:<id>`` events while the block runs."""
    recorder = Recorder()
    async with collecting(f"room:{room_id}", recorder.events):
        yield recorder


def errors_of(payload: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload["errors"]]
