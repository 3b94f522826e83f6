"""The demo's moving chat: while ``LIVEMART_DEMO_CHAT_SECONDS`` is above 0 (``make run``
sets it), one of the seeded demo chatters posts a line in one of the demo's live rooms
every that many seconds, through the chat service like any viewer (filters, rate limits
and the SSE fan-out included). Off by default, and it only ever speaks as the seed's
``chatter*@demo.livemart`` users in rooms of ``@demo.livemart`` streamers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator

from app.accounts.models import User
from app.chat import services as chat
from app.errors import UserError
from app.rooms.models import Room, RoomStatus
from app.settings import Settings

log = logging.getLogger("livemart.demo")

DEMO_DOMAIN = "@demo.livemart"
CHATTER_PREFIX = "chatter"
LINES = (
    "Is this true to size?",
    "Just ordered one!",
    "What colours does it come in?",
    "Love this!",
    "How long does shipping take?",
    "Can you show the back?",
    "The flash price is so good",
    "Does it come with a warranty?",
    "Hi from Lisbon!",
    "Second one for my sister",
    "Is the material soft?",
    "Wow, sold out already?",
    "Can you pin the other one?",
    "How does it compare to last year's?",
)

_running = False


def running() -> bool:
    """Whether the runtime is up (it may be idle: the interval is 0 outside the demo)."""
    return _running


async def chat_once(rng: random.Random) -> bool:
    """Post one demo line in a live demo room; False when there is no room or chatter."""
    chatters = await User.filter(
        email__startswith=CHATTER_PREFIX, email__endswith=DEMO_DOMAIN, is_active=True
    )
    rooms = await Room.filter(status=RoomStatus.LIVE, owner__email__endswith=DEMO_DOMAIN)
    if not chatters or not rooms:
        return False
    try:
        await chat.post_message(rng.choice(chatters), rng.choice(rooms).id, rng.choice(LINES))
    except UserError as exc:  # a rate limit or slow mode: the next tick tries again
        log.debug("demo chatter skipped a line: %s", exc.message)
        return False
    return True


async def _chat_forever(interval: float) -> None:
    rng = random.Random()
    while True:
        await asyncio.sleep(interval * rng.uniform(0.5, 1.5))
        try:
            await chat_once(rng)
        except Exception:
            log.exception("demo chatter failed")


@contextlib.asynccontextmanager
async def demo_chatter_runtime(settings: Settings) -> AsyncIterator[None]:
    global _running
    task = (
        asyncio.create_task(_chat_forever(settings.demo_chat_seconds))
        if settings.demo_chat_seconds > 0
        else None
    )
    _running = True
    try:
        yield
    finally:
        _running = False
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
