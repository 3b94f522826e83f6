"""The media worker follows the studio's simulcast destinations (`live_media.sync_simulcast`):
a live room is copied to an enabled destination whose status reaches the database, and a
destination turned off stops within one pass."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app import live_media
from app.accounts import services as accounts
from app.accounts.models import Role
from app.rooms import services as rooms
from app.settings import Settings
from app.simulcast import services as simulcast
from app.simulcast.models import SimulcastDestination
from media.sources import TestPattern
from media.worker import MediaWorker
from tests.media.test_simulcast import free_port, listen, stop_listener
from tests.support import STRONG_PASSWORD, eventually

pytestmark = pytest.mark.media


async def test_a_live_room_is_copied_to_its_streamers_destinations(
    app: object, settings: Settings, tmp_path: object
) -> None:
    settings = replace(settings, simulcast_private_destinations=True)  # a local listener
    owner = await accounts.register("cast@example.com", STRONG_PASSWORD, "Cas", Role.STREAMER)
    room = await rooms.open_room(owner, (await rooms.create_room(owner, "Everywhere")).id)
    port = free_port()
    url = f"rtmp://127.0.0.1:{port}/live/streamkey-{port}"
    dest = await simulcast.add_destination(
        owner, "Local ingest", url, settings.secret_key, allow_private=True
    )
    media = live_media.media_settings(replace(settings, ladder="180p:200k:64k"))
    listener = await listen(media.ffmpeg, port, settings.var_dir / "received.flv")
    worker = MediaWorker(media, on_forward_status=live_media.on_forward_status)
    await worker.start()
    try:
        await worker.start_room(room.id, TestPattern(320, 180))

        async def stream_live() -> bool:
            return worker.status(room.id) == "live"

        await eventually(stream_live, timeout=30)
        await live_media.sync_simulcast(worker, settings.secret_key)
        assert set(worker.forwarding(room.id)) == {str(dest.id)}

        async def reported_live() -> bool:
            return (await SimulcastDestination.get(id=dest.id)).status == "live"

        await eventually(reported_live, timeout=30)
        await live_media.sync_simulcast(worker, settings.secret_key)  # idempotent
        assert len(worker.forwarding(room.id)) == 1

        await simulcast.set_enabled(owner, dest.id, False)
        await live_media.sync_simulcast(worker, settings.secret_key)
        assert worker.forwarding(room.id) == {}
        assert (await SimulcastDestination.get(id=dest.id)).status == "stopped"
    finally:
        await worker.close()
        await stop_listener(listener)
