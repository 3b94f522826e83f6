"""Commerce's background machinery, started with the app: it takes the app's settings
(secret key, uploads folder, order TTL) and expires unpaid orders periodically."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from app.commerce.config import configure
from app.commerce.orders import expire_unpaid_orders
from app.settings import Settings
from app.tasks import RetryLog, cancel_and_wait

log = logging.getLogger("livemart.commerce")

TASK_NAME = "livemart: order expiry"


async def sweep_forever(interval: float) -> None:
    """Run :func:`expire_unpaid_orders` every ``interval`` seconds."""
    failures = RetryLog(log, "expiring unpaid orders")
    while True:
        await asyncio.sleep(interval)
        count = await failures.attempt(expire_unpaid_orders)
        if count:
            log.info("expired %d unpaid order(s)", count)


@contextlib.asynccontextmanager
async def commerce_runtime(settings: Settings) -> AsyncIterator[None]:
    config = configure(settings)
    config.uploads_dir.mkdir(parents=True, exist_ok=True)
    sweeper = asyncio.create_task(sweep_forever(config.sweep_interval), name=TASK_NAME)
    try:
        yield
    finally:
        await cancel_and_wait(sweeper)
