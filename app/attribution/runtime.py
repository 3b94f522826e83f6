"""The attribution runtime, started with the app: the recorder listens to paid orders and
follows, and a loop flushes it every ``analytics_flush_seconds``; the last flush runs on
shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from app.attribution.recorder import AttributionRecorder, set_recorder
from app.settings import Settings
from app.tasks import RetryLog, cancel_and_wait

log = logging.getLogger("livemart.attribution")


async def _loop(recorder: AttributionRecorder, every: float) -> None:
    failures = RetryLog(log, "attribution flush")
    while True:
        await asyncio.sleep(every)
        await failures.attempt(recorder.flush)


@contextlib.asynccontextmanager
async def attribution_runtime(settings: Settings) -> AsyncIterator[AttributionRecorder]:
    """Background service: buffer visits, attribute follows and orders, flush them every
    ``Settings.analytics_flush_seconds``; flush on shutdown."""
    recorder = AttributionRecorder(reward_cents=settings.invite_reward_cents)
    set_recorder(recorder)
    recorder.connect()
    task = asyncio.create_task(_loop(recorder, settings.analytics_flush_seconds))
    try:
        yield recorder
    finally:
        await cancel_and_wait(task)
        recorder.disconnect()
        try:
            await recorder.flush()
        except Exception:
            log.exception("attribution: the last flush failed")
        set_recorder(None)
