"""Where a fan-out's queued deliveries are handed once written.

The embedded default needs nothing: the rows of ``notification_deliveries`` are the queue
and the ``BATCH_WRITTEN`` bus event wakes the senders. With ``LIVEMART_NOTIFY_QUEUE=arq``
the notify runtime hands :func:`app.notify.services.notify` a dispatcher
(:func:`set_dispatch`) that enqueues arq jobs for the batch (:mod:`app.notify.jobs`).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

Dispatch = Callable[[str], Awaitable[None]]

_dispatch: Dispatch | None = None


def set_dispatch(dispatch: Dispatch | None) -> None:
    """Hand this process's dispatcher (None: the embedded queue)."""
    global _dispatch
    _dispatch = dispatch


async def dispatch(batch: str) -> None:
    """Hand the deliveries of the fan-out ``batch`` to the queue in use."""
    if _dispatch is not None:
        await _dispatch(batch)
