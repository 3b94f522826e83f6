"""Changes to public data, for the caches that hold it (the GraphQL result cache).

A service that commits a change readers of public data must see (a product's title or
price, a variant, an image, a room's title or status, a pin, a flash sale, a coupon drop,
an auction) calls :func:`announce` after the commit. That bumps this process's
:func:`generation` at once (the next request here sees the change) and publishes a small
event on the ``changes`` bus channel; :func:`changes_runtime` subscribes to that channel
once per process and bumps the generation for changes made in other processes (on Redis).

A cache stores an entry with the generation it read at the start of the request and
serves it only while the generation is unchanged, so an answer computed while a change
was being committed is never kept.

High-rate room events (chat, likes, viewer counts, gifts, purchases) announce nothing:
counters in cached answers may lag by the cache's time-to-live.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator

from app.events.bus import Event, get_bus
from app.settings import Settings
from app.tasks import cancel_and_wait

log = logging.getLogger("livemart.events")

CHANNEL = "changes"
# This process, so it does not count its own announcements twice.
_ORIGIN = f"{os.getpid()}-{id(object())}"
_generation = 0
_listening = False


def listening() -> bool:
    """Whether :func:`changes_runtime` listens for other processes' changes."""
    return _listening


def generation() -> int:
    """The count of public-data changes this process has heard of."""
    return _generation


def bump() -> None:
    """Note a change (in this process only)."""
    global _generation
    _generation += 1


async def announce(kind: str, **ids: int | str | None) -> None:
    """A committed change of public data: caches here drop what they hold now, and
    every other process is told over the bus. Never raises (a lost bus must not undo a
    committed change; other processes then catch up within their caches' lifetime)."""
    bump()
    try:
        bus = get_bus()
    except RuntimeError:
        return
    try:
        await bus.publish(CHANNEL, Event.create(kind, {"origin": _ORIGIN, **ids}))
    except Exception:
        log.exception("could not announce the change %s", kind)


@contextlib.asynccontextmanager
async def changes_runtime(settings: Settings) -> AsyncIterator[None]:
    """Listen for other processes' changes while the app runs."""
    global _listening
    bus = get_bus()
    ready = asyncio.Event()

    async def listen() -> None:
        while True:
            async with bus.subscribe(CHANNEL) as changes:
                ready.set()
                async for event in changes:
                    if event.data.get("origin") != _ORIGIN:
                        bump()
            # the listener fell behind and was dropped: changes may be missed, so
            # everything cached is dropped too, then listen again
            bump()
            await asyncio.sleep(0.1)

    task = asyncio.create_task(listen())
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(ready.wait(), 5)
    _listening = True
    try:
        yield
    finally:
        _listening = False
        await cancel_and_wait(task)
