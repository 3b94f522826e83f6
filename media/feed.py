"""`MediaFeed`: live bytes from a publisher on their way into FFmpeg's stdin.

An ingest (RTMP, browser) writes *units* into the feed: the container header once
(`set_init`), then chunks of media, some of them marked as sync points (an FLV video
keyframe tag, a WebM cluster). The supervisor attaches each FFmpeg process's stdin.

A freshly attached process is given the header first, then media from the next sync
point on, so a restarted FFmpeg decodes cleanly mid-stream. Media arriving while no
process is attached (FFmpeg restarting) is dropped: it is live, there is no catching up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

logger = logging.getLogger("media.feed")


class MediaFeed:
    """A restartable byte pipe from one publisher to the current FFmpeg process."""

    def __init__(self, *, drain_timeout_s: float = 10.0) -> None:
        self._init = b""
        self._writer: asyncio.StreamWriter | None = None
        self._synced = False
        self._closed = False
        self._drain_timeout_s = drain_timeout_s
        self._changed = asyncio.Event()
        self._attached = asyncio.Event()
        self.on_stall: Callable[[], None] | None = None
        self.bytes_in = 0
        self.bytes_out = 0
        self.first_sync_at: float | None = None  # wall clock of the first sync unit delivered

    # -- publisher side ---------------------------------------------------------------

    @property
    def closed(self) -> bool:
        """True once the publisher has finished (until `reopen`)."""
        return self._closed

    def set_init(self, data: bytes) -> None:
        """Set the container header every newly attached process must receive first."""
        self._init = bytes(data)

    async def write(self, data: bytes, *, sync: bool = False) -> None:
        """Send a unit of media; `sync` marks a point a decoder can start from."""
        if self._closed:
            raise RuntimeError("feed is closed")
        self.bytes_in += len(data)
        writer = self._writer
        if writer is None:
            return
        if not self._synced:
            if not sync:
                return
            data = self._init + data
            self._synced = True
            if self.first_sync_at is None:
                self.first_sync_at = time.time()
        await self._send(writer, data)

    async def close(self) -> None:
        """The publisher is done: end FFmpeg's input so it finishes its files."""
        if self._closed:
            return
        self._closed = True
        writer, self._writer = self._writer, None
        self._attached.clear()
        if writer is not None:
            await _close_writer(writer)
        self._changed.set()

    def reopen(self) -> None:
        """A publisher is back for the same room: accept media again."""
        self._closed = False
        self._init = b""
        self._synced = False
        self._writer = None
        self._attached.clear()
        self.first_sync_at = None
        self._changed.set()

    # -- supervisor side --------------------------------------------------------------

    def attach(self, writer: asyncio.StreamWriter) -> None:
        """Route media into a new FFmpeg stdin (header first, from the next sync point)."""
        self._writer = writer
        self._synced = False
        self.first_sync_at = None
        if self._closed:
            writer.close()
        self._attached.set()

    def detach(self) -> None:
        """Forget the current process (it exited); media is dropped until the next attach."""
        self._writer = None
        self._synced = False
        self._attached.clear()

    @property
    def attached(self) -> bool:
        """True while an FFmpeg process is reading this feed."""
        return self._writer is not None

    async def wait_attached(self, timeout: float | None = None) -> bool:
        """Wait until a process is attached; False if `timeout` passed first."""
        try:
            await asyncio.wait_for(self._attached.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def wait_changed(self, timeout: float | None = None) -> None:
        """Wait until the feed is closed or reopened (or `timeout` passes)."""
        self._changed.clear()
        try:
            await asyncio.wait_for(self._changed.wait(), timeout)
        except TimeoutError:
            pass

    # -- internals --------------------------------------------------------------------

    async def _send(self, writer: asyncio.StreamWriter, data: bytes) -> None:
        try:
            writer.write(data)
            await asyncio.wait_for(writer.drain(), self._drain_timeout_s)
            self.bytes_out += len(data)
        except (BrokenPipeError, ConnectionResetError, RuntimeError) as exc:
            logger.info("ffmpeg stdin closed (%s); dropping media until restart", exc)
            if self._writer is writer:
                self.detach()
        except TimeoutError:
            logger.warning("ffmpeg stopped reading its input for %ss", self._drain_timeout_s)
            if self._writer is writer:
                self.detach()
            if self.on_stall is not None:
                self.on_stall()


async def _close_writer(writer: asyncio.StreamWriter) -> None:
    """Close FFmpeg's stdin, ignoring a process that already went away."""
    try:
        writer.close()
        await asyncio.wait_for(writer.wait_closed(), 5)
    except (BrokenPipeError, ConnectionResetError, TimeoutError, RuntimeError):
        pass
