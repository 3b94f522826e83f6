"""The recognition loop the media worker runs beside its rooms.

Every ``INTERVAL_S`` it looks at the rooms the worker streams whose recognition is on, and
for each takes the newest frame of the lowest rendition (:func:`media.frames.newest_frame`)
and matches it against the owner's catalog (:mod:`media.recognition`). All of that runs in
ONE worker thread (one core at most, OpenCV single-threaded); a room whose previous sample
is still running is skipped (the worker is behind). Nothing is stored but the decision
(:class:`app.recognition.services.Decider`): the pin, or the event to the owner.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app.recognition import services
from app.rooms.models import Room, RoomStatus
from app.tasks import RetryLog
from media import MediaWorker
from media.frames import newest_frame
from media.recognition import Recognition

log = logging.getLogger("livemart.recognition")
INTERVAL_S = 2.0


class RecognitionLoop:
    """Samples and matches the worker's rooms; :meth:`tick` once, :meth:`run` forever."""

    def __init__(self, worker: MediaWorker) -> None:
        self.worker = worker
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="recognition")
        self.matchers: dict[int, services.RoomMatcher] = {}
        self.busy: set[int] = set()
        self.decider = services.Decider()
        self.skipped = 0

    def _lowest_rendition(self, room_id: int) -> str | None:
        supervisor = self.worker.room(room_id)
        transcoder = getattr(supervisor, "transcoder", None)
        renditions = getattr(transcoder, "renditions", None)
        if renditions:
            return str(renditions[-1].name)
        rungs = self.worker.settings.ladder.rungs
        return rungs[-1].name if rungs else None

    async def _matcher(self, room: Room) -> services.RoomMatcher | None:
        images, titles = await services.room_catalog(room)
        ids = frozenset(image.id for image in images)
        current = self.matchers.get(room.id)
        if current is None or current.images != ids:
            loop = asyncio.get_running_loop()
            matcher = await loop.run_in_executor(self.pool, services.build_matcher, images)
            current = services.RoomMatcher(ids, matcher, titles)
            self.matchers[room.id] = current
        current.titles = titles
        return current if len(current.matcher) else None

    def _sample(
        self, room_dir: Path, rendition: str, matcher: services.RoomMatcher
    ) -> Recognition | None:
        frame = newest_frame(room_dir, rendition, self.worker.settings.ffmpeg)
        return matcher.matcher.match(frame) if frame is not None else None

    async def tick(self) -> list[asyncio.Task[None]]:
        """Start one sample per enabled room that is not still busy with the previous one."""
        room_ids = [int(key) for key in list(self.worker.rooms)]
        if not room_ids:
            return []
        rooms = await Room.filter(
            id__in=room_ids, status=RoomStatus.LIVE, recognition__in=("offer", "auto")
        )
        for gone in set(self.matchers) - {room.id for room in rooms}:
            del self.matchers[gone]
        started = []
        for room in rooms:
            if room.id in self.busy:
                self.skipped += 1
                continue
            self.busy.add(room.id)
            started.append(asyncio.create_task(self._room(room)))
        return started

    async def _room(self, room: Room) -> None:
        try:
            rendition = self._lowest_rendition(room.id)
            matcher = await self._matcher(room)
            if rendition is None or matcher is None:
                return
            room_dir = Path(self.worker.settings.output_dir) / str(room.id)
            loop = asyncio.get_running_loop()
            found = await loop.run_in_executor(
                self.pool, self._sample, room_dir, rendition, matcher
            )
            if found is not None:
                await self.decider.decide(room, found, matcher.titles)
        except Exception:
            log.exception("recognition failed in room %s", room.id)
        finally:
            self.busy.discard(room.id)

    async def run(self) -> None:
        failures = RetryLog(log, "recognising products")
        try:
            while True:
                try:
                    await self.tick()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    failures.failed()
                else:
                    failures.succeeded()
                await asyncio.sleep(INTERVAL_S)
        finally:
            self.pool.shutdown(wait=False, cancel_futures=True)
