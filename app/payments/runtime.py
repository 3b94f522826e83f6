"""The payments runtime, started with the app: sends the outbox's due rows every few
seconds (``Settings.payments_outbox_seconds``, ``LIVEMART_PAYMENTS_OUTBOX_SECONDS``) and
closes the backend (its pending callbacks) at shutdown."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from app.payments import get_payments
from app.settings import Settings
from app.tasks import RetryLog, cancel_and_wait

log = logging.getLogger("livemart.payments")


async def drain_forever(interval: float) -> None:
    """Send the outbox's due rows every ``interval`` seconds."""
    failures = RetryLog(log, "sending the payment outbox")
    while True:
        sent = await failures.attempt(lambda: get_payments().send_outbox())
        if sent:
            log.info("sent %d payment outbox row(s)", sent)
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def payments_runtime(settings: Settings) -> AsyncIterator[None]:
    interval = settings.payments_outbox_seconds
    drainer = asyncio.create_task(drain_forever(interval))
    try:
        yield
    finally:
        await cancel_and_wait(drainer)
        await get_payments().close()
