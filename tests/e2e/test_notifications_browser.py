"""A follower's open page hears the streamer go live: the bell's unread count rises within
2 s of the go-live request, over the page's SSE stream (no polling), and the notification
is on the notifications page, where it is marked read."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.settings import Settings
from tests.conftest import settings_env
from tests.support import ROOT, STRONG_PASSWORD, browser_login, free_port, gql, serving

STREAMER = "ann@example.com"
FAN = "fan@example.com"

LOGIN = """mutation($email: String!, $password: String!) {
  login(email: $email, password: $password) { user { id } errors { code message } }
}"""
OPEN_ROOM = """mutation($roomId: ID!) {
  openRoom(roomId: $roomId) { room { id status } errors { code message } }
}"""


@pytest.fixture
def server(settings: Settings) -> Iterator[str]:
    """The app in a subprocess, given two minutes to start on a loaded machine."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "app.asgi:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with serving(command, port, ROOT, {**os.environ, **settings_env(settings)}, 120) as url:
        yield url


async def _people(database_url: str) -> str:
    """The streamer (with a scheduled room) and a follower; the room's global id."""
    from app.accounts.models import Role
    from app.accounts.services import create_user
    from app.api.ids import encode_id
    from app.db import close_db, init_db
    from app.rooms import services as rooms

    await init_db(database_url)
    try:
        streamer = await create_user(STREAMER, STRONG_PASSWORD, "Ann", Role.STREAMER)
        fan = await create_user(FAN, STRONG_PASSWORD, "Fan", Role.VIEWER)
        await rooms.follow(fan, streamer.id)
        room = await rooms.create_room(streamer, "Spring scarves")
        return encode_id("Room", room.id)
    finally:
        await close_db()


async def _go_live(server: str, room_gid: str) -> None:
    async with httpx.AsyncClient(base_url=server, timeout=30) as client:
        logged = await gql(client, LOGIN, {"email": STREAMER, "password": STRONG_PASSWORD})
        assert not logged["data"]["login"]["errors"], logged
        opened = await gql(client, OPEN_ROOM, {"roomId": room_gid})
        assert opened["data"]["openRoom"]["room"]["status"].lower() == "live", opened


def _in_thread(coro: Any) -> Any:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_the_bell_rises_within_2_s_of_the_go_live(
    browser: Any, server: str, settings: Settings, artifacts: Path
) -> None:
    from playwright.sync_api import expect

    room_gid = _in_thread(_people(settings.database_url))
    page = browser_login(browser, server, FAN)
    page.goto(server + "/")
    bell = page.get_by_test_id("bell-count")
    expect(bell).to_have_attribute("data-count", "0")  # the stream is connected

    _in_thread(_go_live(server, room_gid))
    expect(bell).to_have_text("1", timeout=2000)
    expect(bell).to_be_visible()
    page.screenshot(path=str(artifacts / "notifications-bell.png"))

    page.get_by_test_id("bell").click()
    expect(page.get_by_test_id("notifications")).to_contain_text("Ann is live")
    page.get_by_test_id("mark-all-read").click()
    expect(page.get_by_test_id("bell-count")).to_have_attribute("data-count", "0")
    page.context.close()
