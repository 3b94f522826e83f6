"""`RoomSupervisor`: keeps one room's FFmpeg running for as long as its source lives.

* Reports ``starting`` → ``live`` → (``reconnecting`` → ``live``)* → ``ended`` through an
  async `on_status(room_id, status, info)` callback (the app maps these to the room's
  status and events).
* A crashed FFmpeg is restarted with exponential backoff; the new run appends to the
  same playlists (``EXT-X-DISCONTINUITY``), so players keep going.
* A pipe source whose publisher stops gets `grace_s` seconds to come back
  (``reconnecting``) before the room is ``ended``.
* At the end the replay recording is finalised (VOD playlist with ``EXT-X-ENDLIST``).
* Helpers prune stale segments and remove old room directories.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from media.config import MediaSettings, check_room_id
from media.feed import MediaFeed
from media.playlist import read_media_playlist
from media.publish import PRIVATE_VARIANT, PUBLIC_VARIANT, PlaylistPublisher
from media.replay import REPLAY_DIR, ReplayRecorder
from media.sources import Source
from media.transcoder import THUMBNAIL, Transcoder, TranscoderError

logger = logging.getLogger("media.supervisor")

Status = Literal["starting", "live", "reconnecting", "ended"]
StatusCallback = Callable[[str, Status, dict[str, Any]], Awaitable[None]]

SEGMENT_SUFFIXES = (".ts", ".m4s", ".tmp")
LIVE_FOR_RESET_S = 30.0  # a run that stayed live this long resets the backoff


class RoomSupervisor:
    """Runs, watches and restarts the transcoder of one room."""

    def __init__(
        self,
        settings: MediaSettings,
        room_id: str | int,
        source: Source,
        *,
        on_status: StatusCallback | None = None,
    ) -> None:
        self.settings = settings
        self.room_id = check_room_id(room_id)
        self.room_dir = settings.room_dir(self.room_id)
        self.source = source
        self.on_status = on_status
        self.session = new_session_id()
        self.feed: MediaFeed | None = MediaFeed() if source.is_pipe else None
        self.recorder = (
            ReplayRecorder(self.room_dir, session=self.session) if settings.record_replay else None
        )
        self.publisher = PlaylistPublisher(self.room_dir)
        self.status: Status | None = None
        self.generation = 0
        self.transcoder: Transcoder | None = None
        self.restarts = 0
        self.ended_info: dict[str, Any] | None = None
        self.waiting_for_publisher = False
        self._resumed = False
        self._stop = asyncio.Event()
        self._stop_reason = "stopped"
        self._task: asyncio.Task[None] | None = None
        self._seen: set[str] = set()
        self._last_prune = 0.0

    # -- public -----------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """True until the room has ended."""
        return self._task is not None and not self._task.done()

    @property
    def has_publisher(self) -> bool:
        """True while a pipe source has a connected publisher."""
        return self.feed is not None and not self.feed.closed and self.running

    async def start(self) -> None:
        """Prepare the room directory and start supervising (returns at once)."""
        if self._task is not None:
            raise RuntimeError("supervisor already started")
        await asyncio.to_thread(prepare_room_dir, self.room_dir)
        self._task = asyncio.create_task(self._run(), name=f"media-room-{self.room_id}")

    async def stop(self, reason: str = "stopped") -> dict[str, Any] | None:
        """End the room: FFmpeg finishes its files, the replay is finalised."""
        self._stop_reason = reason
        self._stop.set()
        if self.feed is not None:
            await self.feed.close()
        transcoder = self.transcoder
        if transcoder is not None and transcoder.running:
            if self.feed is not None:  # EOF first: FFmpeg flushes the last segment
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(transcoder.wait(), self.settings.stop_timeout_s)
            await transcoder.stop()
        if self._task is asyncio.current_task():
            return self.ended_info  # called back from the room's own end (see `wait`)
        try:  # the end is bounded too: a status callback that hangs must not hold a shutdown
            return await asyncio.wait_for(self.wait(), self.settings.stop_timeout_s * 2)
        except TimeoutError:
            logger.warning("room %s: did not end within %ss; cancelling it", self.room_id,
                           self.settings.stop_timeout_s * 2)  # fmt: skip
            if self._task is not None:
                self._task.cancel()
                await asyncio.wait({self._task}, timeout=1.0)
            return self.ended_info

    async def wait(self) -> dict[str, Any] | None:
        """Wait for the room to end; returns the ``ended`` info.

        Called from the supervisor's own task (an ``on_status("ended")`` callback that
        ends the room, whose room-ended hook stops this supervisor) it returns at once:
        waiting there would be the task waiting for itself, forever (a server that had
        ended an RTMP live then hung on SIGTERM, on this very wait).
        """
        task = self._task
        if task is not None and task is not asyncio.current_task():
            await asyncio.shield(task)
        return self.ended_info

    @property
    def can_resume(self) -> bool:
        """True when the publisher has left but the room has not ended yet."""
        return self.feed is not None and self.feed.closed and self.running

    def resume(self, source: Source) -> MediaFeed:
        """A publisher is back before the grace period ran out: reopen the feed for it."""
        if self.feed is None or not self.can_resume:
            raise RuntimeError("room is not waiting for a publisher")
        self.source = source
        self._resumed = True
        self.feed.reopen()
        return self.feed

    # -- the loop ---------------------------------------------------------------------

    async def _run(self) -> None:
        reason = "source_ended"
        delay = self.settings.backoff_initial_s
        failures = 0
        await self._set_status("starting")
        try:
            while True:
                if self.feed is not None and self.feed.closed:
                    if not await self._wait_for_publisher():
                        reason = self._stop_reason if self._stop.is_set() else "publisher_gone"
                        break
                    delay, failures = self.settings.backoff_initial_s, 0
                self._resumed = False
                went_live_at, code = await self._run_once()
                if self._stop.is_set():
                    reason = self._stop_reason
                    break
                if self.feed is None and code == 0:
                    break  # a file or test pattern came to its end
                if self.feed is not None and (self.feed.closed or self._resumed):
                    self._resumed = False
                    continue  # the publisher left (or is already back): see the loop's top
                live_long = went_live_at is not None and time.time() - went_live_at > 5
                failures = 0 if live_long else failures + 1
                if failures >= self.settings.max_failures:
                    reason = "failed"
                    break
                if went_live_at and time.time() - went_live_at > LIVE_FOR_RESET_S:
                    delay = self.settings.backoff_initial_s
                await self._set_status(
                    "reconnecting", reason="crashed", returncode=code, delay_s=delay,
                    error=self.transcoder.error_summary() if self.transcoder else "",
                )  # fmt: skip
                self.restarts += 1
                if await self._sleep_or_stop(delay):
                    reason = self._stop_reason
                    break
                delay = min(delay * 2, self.settings.backoff_max_s)
        except Exception:
            logger.exception("room %s: supervisor failed", self.room_id)
            reason = "failed"
        finally:
            await self._finish(reason)

    async def _run_once(self) -> tuple[float | None, int]:
        """One FFmpeg run; returns (when it went live or None, exit status)."""
        resume = self.generation > 0
        self.generation += 1
        transcoder = Transcoder(
            self.settings, self.room_id, self.source, resume=resume, session=self.session
        )
        self.transcoder = transcoder
        if self.recorder is not None:
            self.recorder.start_generation(transcoder.top_rendition)
        self.publisher.start_run([r.name for r in transcoder.renditions])
        self._seen = self._current_segments(transcoder)
        try:
            await transcoder.start()
        except TranscoderError as exc:
            logger.error("room %s: %s", self.room_id, exc)
            return None, -1
        if self.feed is not None:
            assert transcoder.stdin is not None
            self.feed.on_stall = transcoder.kill
            self.feed.attach(transcoder.stdin)
        went_live_at = None
        exit_wait = asyncio.create_task(transcoder.wait())
        while not exit_wait.done():
            await asyncio.wait({exit_wait}, timeout=self.settings.poll_interval_s)
            if await self._poll(transcoder) and went_live_at is None:
                went_live_at = time.time()
        if self.feed is not None:
            self.feed.detach()
        await self._poll(transcoder)
        code = exit_wait.result()
        if code != 0 and not transcoder.stopping:
            logger.warning(
                "room %s: ffmpeg exited with %s: %s",
                self.room_id, code, transcoder.error_summary(),
            )  # fmt: skip
        return went_live_at, code

    async def _poll(self, transcoder: Transcoder) -> bool:
        """Publish playlists and look for new segments; the first one of a run means
        ``live``. True if there were new segments."""
        if self.feed is not None:
            self.publisher.set_capture_time(self.feed.first_sync_at)
        else:
            self.publisher.set_capture_time(transcoder.started_at)
        parsed = await asyncio.to_thread(self.publisher.sync)
        if self.recorder is not None:
            await self.recorder.poll()
        playlist = parsed.get(transcoder.top_rendition)
        if playlist is None:
            return False
        new = [s for s in playlist.segments if s.uri not in self._seen]
        if not new or self.publisher.correction_s is None:
            return False
        self._seen.update(s.uri for s in new)
        if self.status != "live":
            await self._set_status("live", **self._live_info(transcoder))
        now = time.monotonic()
        if now - self._last_prune > 30:
            self._last_prune = now
            await asyncio.to_thread(prune_room, self.room_dir, max_age_s=30)
        return True

    def _live_info(self, transcoder: Transcoder) -> dict[str, Any]:
        correction = self.publisher.correction_s
        return {
            "session": self.session,
            "generation": self.generation,
            "master": str(transcoder.master_path),
            "renditions": [r.name for r in transcoder.renditions],
            "pdt_correction_s": round(correction, 3) if correction is not None else None,
        }

    def _current_segments(self, transcoder: Transcoder) -> set[str]:
        playlist = read_media_playlist(transcoder.private_playlist(transcoder.top_rendition))
        return {s.uri for s in playlist.segments} if playlist else set()

    async def _wait_for_publisher(self) -> bool:
        """Grace period after the publisher left; True if one came back."""
        assert self.feed is not None
        await self._set_status(
            "reconnecting", reason="publisher_gone", grace_s=self.settings.grace_s
        )
        self.waiting_for_publisher = True
        deadline = time.monotonic() + self.settings.grace_s
        try:
            while self.feed.closed and not self._stop.is_set():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                await self.feed.wait_changed(timeout=min(left, 0.5))
            return not self._stop.is_set()
        finally:
            self.waiting_for_publisher = False

    async def _sleep_or_stop(self, delay: float) -> bool:
        """Sleep `delay` seconds; True if a stop was asked for meanwhile."""
        try:
            await asyncio.wait_for(self._stop.wait(), delay)
        except TimeoutError:
            return False
        return True

    async def _finish(self, reason: str) -> None:
        if self.transcoder is not None and self.transcoder.running:
            await self.transcoder.stop()
        replay = None
        if self.recorder is not None:
            with contextlib.suppress(Exception):
                await self.recorder.poll()
            replay = self.recorder.finalize()
        with contextlib.suppress(OSError):
            await asyncio.to_thread(prune_room, self.room_dir, max_age_s=0)
        self.ended_info = {
            "session": self.session,
            "reason": reason,
            "generations": self.generation,
            "restarts": self.restarts,
            "replay": str(replay) if replay else None,
            "replay_duration_s": round(self.recorder.duration_s, 3) if self.recorder else 0.0,
        }
        await self._set_status("ended", **self.ended_info)

    async def _set_status(self, status: Status, **info: Any) -> None:
        self.status = status
        logger.info("room %s: %s %s", self.room_id, status, info or "")
        if self.on_status is None:
            return
        try:
            await self.on_status(self.room_id, status, info)
        except Exception:
            logger.exception("room %s: status callback failed", self.room_id)


# -- files ---------------------------------------------------------------------------


def new_session_id() -> str:
    """A short id for one live session of a room (hex milliseconds since the epoch)."""
    return f"{int(time.time() * 1000):x}"


def prepare_room_dir(room_dir: Path) -> None:
    """Start a new session in `room_dir`: drop the old live output, keep old replays.

    An earlier ``replay/`` is renamed ``replay-<UTC time>/`` so nothing is overwritten.
    """
    room_dir.mkdir(parents=True, exist_ok=True)
    for child in room_dir.iterdir():
        if child.name == REPLAY_DIR:
            stamp = datetime.fromtimestamp(child.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%S")
            target = room_dir / f"{REPLAY_DIR}-{stamp}"
            if not target.exists():
                child.rename(target)
                continue
            shutil.rmtree(child)
        elif child.name.startswith(f"{REPLAY_DIR}-"):
            continue
        elif child.is_dir():
            shutil.rmtree(child)
        elif child.name == THUMBNAIL or child.suffix in (".m3u8", ".tmp"):
            child.unlink()


def prune_room(room_dir: Path, *, max_age_s: float = 30.0) -> int:
    """Delete segments no live playlist refers to any more (left by crashed runs).

    Only files older than `max_age_s` go (a segment being written is never touched).
    Returns the number of files removed.
    """
    removed = 0
    now = time.time()
    if not room_dir.is_dir():
        return 0
    for variant in room_dir.iterdir():
        if not variant.is_dir() or variant.name.startswith(REPLAY_DIR):
            continue
        keep: set[str] = set()
        for name in (PUBLIC_VARIANT, PRIVATE_VARIANT):  # the public one may lag a little
            playlist = read_media_playlist(variant / name)
            if playlist is not None:
                keep.update(s.uri for s in playlist.segments)
                keep.update([playlist.map_uri] if playlist.map_uri else [])
        for f in variant.iterdir():
            if f.suffix not in SEGMENT_SUFFIXES or f.name in keep:
                continue
            with contextlib.suppress(FileNotFoundError):
                if now - f.stat().st_mtime >= max_age_s:
                    f.unlink()
                    removed += 1
    return removed


def remove_old_rooms(
    output_dir: Path,
    *,
    max_age_s: float,
    active: Iterable[str] = (),
    keep_replays: bool = True,
) -> list[str]:
    """Remove the output of rooms not touched for `max_age_s` (skipping `active` ones).

    With `keep_replays` only the live renditions go and ``replay*/`` stay.
    Returns the names of the room directories cleaned.
    """
    active_set = {str(a) for a in active}
    cleaned: list[str] = []
    now = time.time()
    if not output_dir.is_dir():
        return cleaned
    for room in output_dir.iterdir():
        if not room.is_dir() or room.name in active_set:
            continue
        files = [p for p in room.rglob("*") if p.is_file()]
        newest = max((p.stat().st_mtime for p in files), default=room.stat().st_mtime)
        if now - newest < max_age_s:
            continue
        removed = False
        if keep_replays:
            for child in room.iterdir():
                if child.name.startswith(REPLAY_DIR):
                    continue
                shutil.rmtree(child) if child.is_dir() else child.unlink()
                removed = True
            if any(room.iterdir()):
                if removed:
                    cleaned.append(room.name)
                continue
        shutil.rmtree(room)
        cleaned.append(room.name)
    return cleaned
