"""Open websockets follow their credentials: a socket's identity is checked again whenever
its user's credentials change anywhere (a token revoked, a logout, a new password, a
site-wide ban), and closed (4401, or 4403 for a ban) when they no longer hold.

Every process subscribes once to the accounts' credentials channel (see
:mod:`app.accounts.notify`), however many sockets it holds, while it holds any signed-in
socket; each event names a user, and only that user's sockets check again.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

from app.accounts.notify import CREDENTIALS_CHANNEL
from app.events import get_bus

log = logging.getLogger("livemart.ws")

CLOSE_UNAUTHORIZED = 4401
CLOSE_FORBIDDEN = 4403


class Watched(Protocol):
    """A connection whose credentials belong to ``user_id``."""

    @property
    def user_id(self) -> int | None: ...

    async def recheck(self, reason: str) -> bool: ...


class CredentialWatch:
    """This process's one subscription to credential changes, and the sockets it serves."""

    def __init__(self) -> None:
        self.by_user: dict[int, set[Watched]] = {}
        self.task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        self.pending: set[asyncio.Task[bool]] = set()

    async def watch(self, conn: Watched) -> None:
        """Follow ``conn``'s user; returns once this process is subscribed."""
        if conn.user_id is None:
            return
        loop = asyncio.get_running_loop()
        if self.task is not None and self.task.get_loop() is not loop:
            self.by_user.clear()  # left over from an event loop that is gone (tests)
            self.task = None
        self.by_user.setdefault(conn.user_id, set()).add(conn)
        if self.task is None or self.task.done():
            self.ready = asyncio.Event()
            self.task = asyncio.create_task(self._run())
        await self.ready.wait()

    def unwatch(self, conn: Watched) -> None:
        for user_id, conns in list(self.by_user.items()):
            conns.discard(conn)
            if not conns:
                del self.by_user[user_id]
        if not self.by_user and self.task is not None:
            self.task.cancel()
            self.task = None

    async def _run(self) -> None:
        while True:
            try:
                async with get_bus().subscribe(CREDENTIALS_CHANNEL) as events:
                    self.ready.set()
                    async for event in events:
                        self._dispatch(event.data.get("user"), str(event.data.get("reason")))
                log.warning("credential watch fell behind the bus; resubscribing")
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("credential watch failed; resubscribing")
                self.ready.set()
                await asyncio.sleep(0.5)

    def _dispatch(self, user_id: object, reason: str) -> None:
        if not isinstance(user_id, int):
            return
        for conn in tuple(self.by_user.get(user_id, ())):
            task = asyncio.create_task(conn.recheck(reason))
            self.pending.add(task)
            task.add_done_callback(self.pending.discard)


watch = CredentialWatch()
