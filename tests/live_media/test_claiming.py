"""The media worker's claiming pass (`app.live_media.claim_once`): a stream whose room is
still ``scheduled`` is starting (a camera publish opens the room only after FFmpeg took
its first media) and keeps running; a stream whose room ended elsewhere is stopped."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app import live_media
from app.accounts import services as accounts
from app.accounts.models import Role
from app.rooms import services as rooms
from app.rooms.models import RoomStatus
from app.settings import Settings
from media.sources import TestPattern
from media.worker import MediaWorker
from tests.support import STRONG_PASSWORD

pytestmark = pytest.mark.media


async def test_a_starting_stream_survives_and_an_ended_room_stops(
    app: object, settings: Settings
) -> None:
    owner = await accounts.register("claim@example.com", STRONG_PASSWORD, "Cy", Role.STREAMER)
    room = await rooms.create_room(owner, "Starting up")
    assert room.status == RoomStatus.SCHEDULED
    worker = MediaWorker(live_media.media_settings(replace(settings, ladder="180p:200k:64k")))
    await worker.start()
    try:
        await worker.start_room(room.id, TestPattern())

        await live_media.claim_once(worker)  # the room is not live yet: still starting
        assert worker.status(room.id) not in (None, "ended")

        await rooms.open_room(owner, room.id)
        await live_media.claim_once(worker)
        assert worker.status(room.id) not in (None, "ended")

        await rooms.end_room(owner, room.id)  # ended by another process: no hook here
        await live_media.claim_once(worker)
        assert worker.room(room.id) is None  # stopped and forgotten
    finally:
        await worker.close()
