"""The analytics runtime, started with the app: the recorder listens to the signals, a
loop flushes it every ``analytics.flush_seconds`` (5) and scans for fraud every
``analytics.scan_seconds`` (300; 0: never); the last flush runs on shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from app.analytics import fraud
from app.analytics.recorder import Recorder, set_recorder
from app.settings import Settings
from app.tasks import RetryLog, cancel_and_wait

log = logging.getLogger("livemart.analytics")


async def _loop(recorder: Recorder, flush_every: float, scan_every: float) -> None:
    loop = asyncio.get_running_loop()
    next_scan = loop.time() + scan_every if scan_every > 0 else None
    failures = RetryLog(log, "analytics flush")

    async def step() -> None:
        nonlocal next_scan
        await recorder.sample()
        await recorder.flush()
        if next_scan is not None and loop.time() >= next_scan:
            next_scan = loop.time() + scan_every
            await fraud.scan()

    while True:
        await asyncio.sleep(flush_every)
        await failures.attempt(step)


@contextlib.asynccontextmanager
async def analytics_runtime(settings: Settings) -> AsyncIterator[Recorder]:
    """Background service: record signals, flush every ``Settings.analytics_flush_seconds``,
    scan for fraud every ``Settings.analytics_scan_seconds`` (0: never); flush on shutdown."""
    recorder = Recorder()
    set_recorder(recorder)
    recorder.connect()
    task = asyncio.create_task(
        _loop(
            recorder,
            settings.analytics_flush_seconds,
            settings.analytics_scan_seconds,
        )
    )
    try:
        yield recorder
    finally:
        await cancel_and_wait(task)
        recorder.disconnect()
        try:
            await recorder.flush()
        except Exception:
            log.exception("analytics: the last flush failed")
        set_recorder(None)
