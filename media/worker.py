"""`MediaWorker`: the media side of livemart in one object.

It owns a `RoomSupervisor` per live room and, when `settings.rtmp_port` is set, the
RTMP front. The app wires it with two callbacks and otherwise only calls methods:

* ``authorize(stream_key) -> room_id | None`` (async): who may publish where;
* ``on_status(room_id, status, info)`` (async): ``starting`` / ``live`` /
  ``reconnecting`` / ``ended`` for the room's status and events.

``livemart media-worker`` runs one of these per process; claiming rooms in the database
is the app's business, the worker only exposes `start_room` / `stop_room`.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from media.browser_ingest import BrowserIngest
from media.config import MediaSettings, check_room_id
from media.feed import MediaFeed
from media.flv import FlvIngest, StreamInfo
from media.rtmp import AuthorizeCallback, PublishRejected, RtmpServer
from media.simulcast import ForwardCallback, Forwarder
from media.sources import FileSource, PipeSource, Source, probe_source
from media.supervisor import RoomSupervisor, StatusCallback, remove_old_rooms

logger = logging.getLogger("media.worker")


async def _deny_all(stream_key: str) -> str | None:
    return None


class MediaWorker:
    """Starts, feeds and stops rooms; optionally serves RTMP publishers.

    ::

        worker = MediaWorker(settings, authorize=by_stream_key, on_status=room_status)
        async with worker:                       # starts the RTMP front
            await worker.start_room(7, TestPattern())
            ...
    """

    def __init__(
        self,
        settings: MediaSettings,
        *,
        authorize: AuthorizeCallback | None = None,
        on_status: StatusCallback | None = None,
        on_forward_status: ForwardCallback | None = None,
    ) -> None:
        self.settings = settings
        self.authorize = authorize or _deny_all
        self.on_status = on_status
        self.on_forward_status = on_forward_status
        self.rooms: dict[str, RoomSupervisor] = {}
        self.forwarders: dict[str, dict[str, Forwarder]] = {}
        self.rtmp: RtmpServer | None = None
        self._lock = asyncio.Lock()

    # -- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Create the output directory and start the RTMP front (if configured)."""
        await asyncio.to_thread(Path(self.settings.output_dir).mkdir, parents=True, exist_ok=True)
        if self.settings.rtmp_port is not None and self.rtmp is None:
            self.rtmp = RtmpServer(
                authorize=self.authorize,
                on_publish=self._on_publish,
                host=self.settings.rtmp_host,
                port=self.settings.rtmp_port,
                app=self.settings.rtmp_app,
                publish_timeout_s=self.settings.rtmp_publish_timeout_s,
            )
            await self.rtmp.start()

    async def close(self) -> None:
        """Stop the RTMP front and end every room (replays are finalised)."""
        if self.rtmp is not None:
            await self.rtmp.close()
            self.rtmp = None
        await asyncio.gather(
            *(self.stop_room(room_id, reason="shutdown") for room_id in list(self.rooms)),
            *(self.stop_forwarding(room_id) for room_id in list(self.forwarders)),
            return_exceptions=True,
        )

    async def __aenter__(self) -> MediaWorker:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def serve_forever(self) -> None:
        """Start, then run until cancelled (``livemart media-worker``); rooms end cleanly."""
        await self.start()
        try:
            await asyncio.Event().wait()
        finally:
            await self.close()

    @property
    def rtmp_port(self) -> int | None:
        """The RTMP front's bound port (None without one)."""
        return self.rtmp.port if self.rtmp is not None else None

    # -- rooms ------------------------------------------------------------------------

    async def start_room(self, room_id: str | int, source: Source) -> RoomSupervisor:
        """Start transcoding `source` for a room; raises RuntimeError if already running.

        File sources are probed first (audio? H.264 that passthrough can copy?).
        """
        key = check_room_id(room_id)
        if isinstance(source, FileSource):
            source = await probe_source(self.settings.ffmpeg, source)
        async with self._lock:
            current = self.rooms.get(key)
            if current is not None and current.running:
                raise RuntimeError(f"room {key} is already running")
            supervisor = RoomSupervisor(self.settings, key, source, on_status=self.on_status)
            self.rooms[key] = supervisor
            await supervisor.start()
        return supervisor

    async def stop_room(
        self, room_id: str | int, *, reason: str = "stopped"
    ) -> dict[str, Any] | None:
        """End a room (publisher disconnected, replay finalised); returns the ended info."""
        await self.stop_forwarding(room_id)
        supervisor = self.rooms.get(check_room_id(room_id))
        if supervisor is None:
            return None
        info = await supervisor.stop(reason)
        if self.rooms.get(supervisor.room_id) is supervisor:
            del self.rooms[supervisor.room_id]
        return info

    def room(self, room_id: str | int) -> RoomSupervisor | None:
        """The supervisor of a room, if it has one."""
        return self.rooms.get(check_room_id(room_id))

    def status(self, room_id: str | int) -> str | None:
        """The room's last status (None if the worker does not know it)."""
        supervisor = self.room(room_id)
        return supervisor.status if supervisor else None

    def feed(self, room_id: str | int) -> MediaFeed:
        """The pipe into a room's FFmpeg (rooms started with a `PipeSource`)."""
        supervisor = self.room(room_id)
        if supervisor is None or supervisor.feed is None:
            raise KeyError(f"room {room_id} has no pipe feed")
        return supervisor.feed

    def browser_ingest(self, room_id: str | int) -> BrowserIngest:
        """An ingest for browser MediaRecorder chunks; the room starts on the first good header."""
        key = check_room_id(room_id)

        async def start(source: PipeSource) -> MediaFeed:
            return await self.open_pipe(key, source)

        return BrowserIngest(start)

    async def open_pipe(self, room_id: str | int, source: PipeSource) -> MediaFeed:
        """Start a pipe-fed room, or resume it if it waits for its publisher to come back.

        Raises `PublishRejected` when the room already has a publisher.
        """
        key = check_room_id(room_id)
        async with self._lock:
            current = self.rooms.get(key)
            if current is not None and current.running:
                if current.can_resume:
                    return current.resume(source)
                raise PublishRejected(f"room {key} already has a publisher")
            supervisor = RoomSupervisor(self.settings, key, source, on_status=self.on_status)
            self.rooms[key] = supervisor
            await supervisor.start()
        assert supervisor.feed is not None
        return supervisor.feed

    async def cleanup(
        self, *, max_age_s: float = 24 * 3600, keep_replays: bool = True
    ) -> list[str]:
        """Remove the output of rooms idle for `max_age_s` (never a running room)."""
        for key in [k for k, s in self.rooms.items() if not s.running]:
            del self.rooms[key]
        return await asyncio.to_thread(
            remove_old_rooms,
            Path(self.settings.output_dir),
            max_age_s=max_age_s,
            active=list(self.rooms),
            keep_replays=keep_replays,
        )

    # -- simulcast --------------------------------------------------------------------

    async def forward(self, room_id: str | int, destination_id: str, url: str) -> Forwarder:
        """Copy a room's live stream to an RTMP destination (see `media.simulcast`).

        Idempotent: a destination already forwarded to the same URL keeps its forwarder;
        a changed URL replaces it.
        """
        key = check_room_id(room_id)
        current = self.forwarders.get(key, {}).get(destination_id)
        if current is not None and current.running and current.url == url:
            return current
        if current is not None:
            await current.stop()
        forwarder = Forwarder(
            self.settings.ffmpeg,
            lambda: self._top_playlist(key),
            url,
            room_id=key,
            destination_id=destination_id,
            on_status=self.on_forward_status,
            backoff_initial_s=self.settings.backoff_initial_s,
            backoff_max_s=self.settings.backoff_max_s,
            allow_private=self.settings.allow_private_destinations,
        )
        self.forwarders.setdefault(key, {})[destination_id] = forwarder
        forwarder.start()
        return forwarder

    async def stop_forwarding(self, room_id: str | int, destination_id: str | None = None) -> None:
        """Stop one destination of a room, or all of them."""
        key = check_room_id(room_id)
        current = self.forwarders.get(key, {})
        ids = [destination_id] if destination_id is not None else list(current)
        stopping = [current.pop(i) for i in ids if i in current]
        if not current:
            self.forwarders.pop(key, None)
        await asyncio.gather(*(f.stop() for f in stopping), return_exceptions=True)

    def forwarding(self, room_id: str | int) -> dict[str, Forwarder]:
        """The room's forwarders by destination id."""
        return dict(self.forwarders.get(check_room_id(room_id), {}))

    def _top_playlist(self, key: str) -> Path | None:
        supervisor = self.rooms.get(key)
        if supervisor is None or supervisor.transcoder is None or supervisor.status != "live":
            return None
        return supervisor.room_dir / supervisor.transcoder.top_rendition / "index.m3u8"

    # -- RTMP -------------------------------------------------------------------------

    async def _on_publish(self, room_id: str, stream_key: str) -> FlvIngest:
        current = self.rooms.get(room_id)
        if current is not None and current.has_publisher:
            raise PublishRejected(f"room {room_id} already has a publisher")

        async def start(info: StreamInfo) -> MediaFeed:
            source = PipeSource("flv", has_audio=info.has_audio, video_codec=info.video_codec)
            return await self.open_pipe(room_id, source)

        return FlvIngest(start)
