"""The room page's video really plays in chromium (hls.js over our /hls)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from app.settings import Settings
from tests.conftest import run_async, settings_env
from tests.e2e.conftest import keeps_playing, wait_until_playing, watch_media
from tests.support import free_port, live_server

pytestmark = pytest.mark.media


async def _live_test_room(database_url: str) -> int:
    from app.accounts.models import Role, User
    from app.db import close_db, init_db
    from app.rooms import services as rooms

    await init_db(database_url)
    try:
        user = await User.create(
            email="cam@example.com", display_name="Cam", password_hash="x", role=Role.STREAMER
        )
        room = await rooms.create_room(user, "Test pattern live")
        room = await rooms.use_test_source(user, room.id)
        return room.id
    finally:
        await close_db()


def test_room_video_plays(browser: Any, settings: Settings, artifacts: Path) -> None:
    room_id = run_async(_live_test_room(settings.database_url))
    env = settings_env(replace(settings, media_in_process=True, rtmp_port=free_port()))
    env["LIVEMART_LADDER"] = "180p:200k:64k"
    with live_server(env) as base:
        page = watch_media(browser.new_page())
        page.goto(f"{base}/rooms/{room_id}")
        wait_until_playing(page, base, room_id, past=2, timeout_s=60)
        keeps_playing(page)
        page.screenshot(path=str(artifacts / "room-playing.png"))
        page.close()
