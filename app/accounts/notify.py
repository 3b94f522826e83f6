"""Account notifications on the event bus.

- ``user:<id>``: what happened to an account, for its owner (``accountEvents``).
- :data:`CREDENTIALS_CHANNEL`: one channel for every account, telling each process that a
  user's credentials changed (a token revoked, a logout, a new password, a ban), so its open
  websockets check theirs again and close when they no longer hold. One channel means one
  subscription per process, however many users are connected.
"""

from __future__ import annotations

import logging

from app.events import bus as event_bus

log = logging.getLogger("livemart.accounts")


CREDENTIALS_CHANNEL = "accounts:credentials"
CREDENTIALS_CHANGED = "credentials_changed"


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


async def credentials_changed(user_id: int, reason: str) -> None:
    """Tell every process that ``user_id``'s credentials changed (``reason``: logout,
    token_revoked, password_changed, password_reset or banned)."""
    try:
        bus = event_bus.get_bus()
    except RuntimeError:
        return
    try:
        await bus.emit(
            CREDENTIALS_CHANNEL, CREDENTIALS_CHANGED, {"user": user_id, "reason": reason}
        )
    except Exception:
        log.exception("could not publish %s for user %s", reason, user_id)
