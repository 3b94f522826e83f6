"""The attribution runtime, started with the app: the recorder listens to paid orders and
follows, and a loop flushes it every ``analytics_flush_seconds``; the last flush runs on
shutdown."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from app.attribution.recorder import AttributionRecorder, set_recorder
from app.settings import Settings
from app.tasks import recording

log = logging.getLogger("livemart.attribution")


@contextlib.asynccontextmanager
async def attribution_runtime(settings: Settings) -> AsyncIterator[AttributionRecorder]:
    """Background service: buffer visits, attribute follows and orders, flush them every
    ``Settings.analytics_flush_seconds``; flush on shutdown."""
    recorder = AttributionRecorder(reward_cents=settings.invite_reward_cents)
    async with recording(
        recorder,
        name="attribution",
        logger=log,
        every=settings.analytics_flush_seconds,
        install=set_recorder,
    ):
        yield recorder
