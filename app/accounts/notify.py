"""Account notifications on the event bus (channel ``user:<id>``)."""

from __future__ import annotations

import logging

from app.events import bus as event_bus

log = logging.getLogger("livemart.accounts")


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


async def notify(user_id: int, type: str, detail: str | None = None) -> None:
    """Publish an account event when the bus runs (the CLI runs without one)."""
    try:
        bus = event_bus.get_bus()
    except RuntimeError:
        return
    try:
        await bus.emit(user_channel(user_id), type, {"detail": detail})
    except Exception:
        log.exception("could not publish %s for user %s", type, user_id)
