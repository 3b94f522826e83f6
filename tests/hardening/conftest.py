"""Hardening fixtures: the fixture world, and fresh in-memory rate limits per test
(user ids repeat across tests, the limiters live in the process)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from app.chat import services as chat
from app.moderation import services as moderation
from app.rooms import likes
from tests.hardening.world import World, build_world


def reset_limits() -> None:
    chat.reset_rate_limits()
    moderation.REPORT_LIMIT.reset()
    likes._requests.reset()


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    reset_limits()
    yield
    reset_limits()


@pytest.fixture
async def world(app: Any, client: httpx.AsyncClient, settings: Any) -> World:
    return await build_world(client, settings.secret_key)
