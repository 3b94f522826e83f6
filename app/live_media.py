"""The bridge between rooms and the media worker (``media/``).

The worker gets the app's settings as a :class:`media.MediaSettings`, asks us whether a
stream key may publish (``authorize``: the key's room goes live), and tells us how the
stream fares (``on_status``: starting / live / reconnecting → the room's media state and a
``room.status`` event; ended → the room ends and its replay is kept). ``serve`` runs it
in-process; ``livemart media-worker`` runs it alone and claims test-pattern rooms from
the database. Beside it runs product recognition (:mod:`app.recognition.live`) for the rooms
that turned it on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.recognition.live import RecognitionLoop
from app.rooms import services as rooms
from app.rooms.models import RoomStatus
from app.settings import Settings
from app.simulcast import services as simulcast
from app.tasks import RetryLog, stop_task
from media import TEST_PATTERNS, Ladder, MediaSettings, MediaWorker, TestPattern
from media.ladder import parse_rungs

log = logging.getLogger("livemart.media")
CLAIM_INTERVAL = 2.0
CLOSE_TIMEOUT = 20.0  # ending every stream at shutdown (each FFmpeg gets stop_timeout_s)

_worker: MediaWorker | None = None


def media_settings(settings: Settings) -> MediaSettings:
    ladder = Ladder(rungs=parse_rungs(settings.ladder)) if settings.ladder else Ladder()
    return MediaSettings(
        output_dir=Path(settings.hls_dir),
        ffmpeg=settings.ffmpeg,
        ladder=ladder,
        rtmp_host=settings.rtmp_host,
        rtmp_port=settings.rtmp_port,
        allow_private_destinations=settings.simulcast_private_destinations,
    )


async def authorize(stream_key: str) -> str | None:
    """The room a stream key publishes to (going live), or None to reject it."""
    room = await rooms.go_live_with_key(stream_key)
    if room is None:
        log.warning("rejected a publisher with an unknown stream key")
        return None
    return str(room.id)


async def on_status(room_id: str, status: str, info: dict[str, Any]) -> None:
    """Follow the worker's view of a room's stream."""
    pk = int(room_id)
    if status in ("starting", "live", "reconnecting"):
        await rooms.set_media_state(pk, status)
        return
    if status == "ended":
        replay = info.get("replay")
        if replay:
            try:
                relative = str(Path(replay).relative_to(_hls_root()))
            except ValueError:
                relative = ""
            await rooms.record_replay(pk, relative, float(info.get("replay_duration_s") or 0))
        if info.get("reason") in ("source_ended", "publisher_gone", "failed"):
            room = await rooms.get_room(pk)
            if room.status == RoomStatus.LIVE:
                with contextlib.suppress(UserError):
                    await rooms.finish_room(room, str(info.get("reason")))


async def on_forward_status(
    room_id: str, destination_id: str, status: str, info: dict[str, Any]
) -> None:
    """Keep a simulcast forwarder's report on its destination (the studio shows it)."""
    detail = str(info.get("error") or info.get("reason") or "")
    await simulcast.record_status(int(destination_id), status, detail)


async def sync_simulcast(worker: MediaWorker, secret_key: str) -> None:
    """Forward each live room of this worker to its streamer's enabled destinations, and
    stop forwarding to those removed or turned off (the studio changes them any time)."""
    for key in list(worker.rooms):
        if worker.status(key) != "live":
            continue
        wanted = await simulcast.forwards_for(await rooms.get_room(int(key)), secret_key)
        for destination_id, url in wanted.items():
            await worker.forward(key, destination_id, url)
        for destination_id in set(worker.forwarding(key)) - set(wanted):
            await worker.stop_forwarding(key, destination_id)


_root: Path = Path("var/hls")


def _hls_root() -> Path:
    return _root.resolve()


async def stop_room_stream(room_id: int) -> None:
    """Stop an ended room's stream, when this process runs its worker (a room-ended hook:
    ``create_app`` hands it to the rooms runtime)."""
    if _worker is not None and _worker.room(room_id) is not None:
        await _worker.stop_room(room_id, reason="stopped")


async def start_test_source(room_id: int) -> None:
    """Stream the test pattern into a live room (no-op when it already streams)."""
    if _worker is None:
        return  # a separate `livemart media-worker` claims it
    if _worker.room(room_id) is None or _worker.status(room_id) == "ended":
        room = await rooms.get_room(room_id)
        await _worker.start_room(room_id, _test_pattern(room.media_source))


def _test_pattern(media_source: str) -> TestPattern:
    """The test source a room's ``media_source`` names (an unknown pattern: the default)."""
    pattern = rooms.test_pattern_of(media_source)
    return TestPattern(pattern=pattern if pattern in TEST_PATTERNS else "testsrc2")


def worker() -> MediaWorker | None:
    return _worker


async def claim_once(worker: MediaWorker) -> None:
    """Start the test pattern for every live test-source room, and stop the streams of
    rooms that ended elsewhere (a moderator, the streamer in another process).

    A room still ``scheduled`` keeps its stream: a camera publish starts FFmpeg on its
    first valid media and only then opens the room, so for a moment a starting stream's
    room is not live yet (stopping it there ended the stream after its first segment).
    """
    needing = {room.id: room for room in await rooms.rooms_needing_test_source()}
    wanted = set(needing)
    for room_id, room in needing.items():
        if worker.room(room_id) is None:
            await worker.start_room(room_id, _test_pattern(room.media_source))
    for key in list(worker.rooms):
        if int(key) in wanted or worker.status(key) == "ended":
            continue
        room = await rooms.get_room(int(key))
        if room.status == RoomStatus.ENDED:
            await worker.stop_room(key, reason="stopped")


async def _claim_loop(worker: MediaWorker, secret_key: str) -> None:
    failures = RetryLog(log, "claiming rooms")
    forwards = RetryLog(log, "simulcast")
    while True:
        await failures.attempt(lambda: claim_once(worker))
        await forwards.attempt(lambda: sync_simulcast(worker, secret_key))
        await asyncio.sleep(CLAIM_INTERVAL)


@contextlib.asynccontextmanager
async def media_runtime(settings: Settings) -> AsyncIterator[MediaWorker | None]:
    """Run the media worker in this process (when ``LIVEMART_MEDIA_IN_PROCESS``)."""
    global _worker, _root
    if not settings.media_in_process:
        yield None
        return
    _root = Path(settings.hls_dir)
    mw = MediaWorker(
        media_settings(settings),
        authorize=authorize,
        on_status=on_status,
        on_forward_status=on_forward_status,
    )
    await mw.start()
    _worker = mw
    claimer = asyncio.create_task(_claim_loop(mw, settings.secret_key))
    recognizer = asyncio.create_task(RecognitionLoop(mw).run())
    try:
        yield mw
    finally:  # every step is bounded: a shutdown never hangs on the media side
        await stop_task(recognizer)
        await stop_task(claimer)
        _worker = None
        try:
            await asyncio.wait_for(mw.close(), CLOSE_TIMEOUT)
        except TimeoutError:
            log.warning("the media worker did not close within %.0f s", CLOSE_TIMEOUT)


async def run_worker(settings: Settings) -> None:
    """``livemart media-worker``: the worker as its own process, until SIGINT or SIGTERM
    (then it ends its streams: FFmpeg closes its playlists and replays)."""
    from app.db import close_db, init_db
    from app.events import EventBus, set_bus

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # as uvicorn does for the web process
        loop.add_signal_handler(sig, stop.set)
    await init_db(settings.database_url)
    bus = EventBus(settings.broadcast_url, prefix=settings.ratelimit_prefix)
    await bus.connect()
    set_bus(bus)
    try:
        with rooms.room_ended_hooks(stop_room_stream):
            async with media_runtime(Settings(**{**settings.__dict__, "media_in_process": True})):
                log.info("media worker running; RTMP on port %s", settings.rtmp_port)
                await stop.wait()
                log.info("media worker stopping: ending its streams")
    finally:
        await bus.disconnect()
        set_bus(None)
        await close_db()
