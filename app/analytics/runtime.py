"""The analytics runtime, started with the app: the recorder listens to the signals, a
loop flushes it every ``analytics.flush_seconds`` (5) and scans for fraud every
``analytics.scan_seconds`` (300; 0: never); the last flush runs on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable

from app.analytics import fraud
from app.analytics.recorder import Recorder, set_recorder
from app.settings import Settings
from app.tasks import recording

log = logging.getLogger("livemart.analytics")


def _step(recorder: Recorder, scan_every: float) -> Callable[[], Awaitable[None]]:
    """One round of the loop: sample, flush, and scan for fraud when it is time."""
    loop = asyncio.get_running_loop()
    next_scan = loop.time() + scan_every if scan_every > 0 else None

    async def step() -> None:
        nonlocal next_scan
        await recorder.sample()
        await recorder.flush()
        if next_scan is not None and loop.time() >= next_scan:
            next_scan = loop.time() + scan_every
            await fraud.scan()

    return step


@contextlib.asynccontextmanager
async def analytics_runtime(settings: Settings) -> AsyncIterator[Recorder]:
    """Background service: record signals, flush every ``Settings.analytics_flush_seconds``,
    scan for fraud every ``Settings.analytics_scan_seconds`` (0: never); flush on shutdown."""
    recorder = Recorder()
    async with recording(
        recorder,
        name="analytics",
        logger=log,
        every=settings.analytics_flush_seconds,
        install=set_recorder,
        step=_step(recorder, settings.analytics_scan_seconds),
    ):
        yield recorder
