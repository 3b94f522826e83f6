"""The flash-sale and auction closer, started with the app: it announces flash sales that
start, ends those whose time is up and closes due auctions, once per tick
(``Settings.closer_tick_seconds``, 1 s). On shutdown no coalesced sale update or
"N people are buying" count outlives the app.

:func:`stock_gate_runtime` points the flash-sale stock gate at the bus's Redis (or this
process) and rebuilds every live sale's gate from the database when the app starts: the
reconcile after a crash between a gate take and its settle."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from app.commerce import auctions, flash_sales, shelf, stock_gate
from app.settings import Settings
from app.tasks import cancel_and_wait

log = logging.getLogger("livemart.commerce.closer")

TICK_SECONDS = 1.0
TASK_NAME = "livemart: flash-sale and auction closer"


async def tick_forever(interval: float) -> None:
    """Announce flash sales that start, end those whose time is up, close due auctions."""
    since = flash_sales.utcnow()
    while True:
        await asyncio.sleep(interval)
        try:
            now = flash_sales.utcnow()
            await flash_sales.announce_started(since, now)
            since = now
            await flash_sales.end_due_sales(now)
            await auctions.close_due_auctions(now)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("closing due flash sales / auctions failed")


@contextlib.asynccontextmanager
async def closer_runtime(settings: Settings) -> AsyncIterator[None]:
    """Run the closer until the app stops."""
    shelf.buying.reset()
    ticker = asyncio.create_task(tick_forever(settings.closer_tick_seconds), name=TASK_NAME)
    try:
        yield
    finally:
        await cancel_and_wait(ticker)
        flash_sales.updates.cancel()
        shelf.buying.reset()


@contextlib.asynccontextmanager
async def stock_gate_runtime(settings: Settings) -> AsyncIterator[None]:
    """Gate flash-sale stock in the bus's Redis (or this process) while the app runs; the
    gates of live sales are rebuilt from the database first."""
    stock_gate.configure(settings.broadcast_url, settings.ratelimit_prefix, by_app=True)
    try:
        rebuilt = await flash_sales.reconcile_gates()
        if rebuilt:
            log.info("rebuilt the stock gate of %d flash sale(s) from the database", rebuilt)
        yield
    finally:
        await stock_gate.close()
        stock_gate.configure()
