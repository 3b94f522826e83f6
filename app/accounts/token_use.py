"""API tokens' ``last_used_at``, written behind the requests.

A request that authenticates with a token only notes the use in memory
(:meth:`TokenUse.note`); the "token use" runtime writes what was noted every
``FLUSH_SECONDS`` in one UPDATE per batch, and once more on shutdown. Before this a buyer's
first request of a flash sale waited for its own UPDATE (bench/flashsale_http).

Only the date is written behind: whether a token is valid (unknown, revoked, its user
banned) is read from the database on every request, so a revocation ends access at once.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import datetime

from tortoise.expressions import Q

from app.accounts.models import ApiToken
from app.settings import Settings
from app.tasks import recording

log = logging.getLogger("livemart.accounts")

FLUSH_SECONDS = 2.0  # how often the noted uses are written
BATCH = 500  # token ids per UPDATE (well under SQLite's limit of bound parameters)


class TokenUse:
    """Token id → when it was last used, noted by requests, written by :meth:`flush`."""

    def __init__(self) -> None:
        self._used: dict[int, datetime] = {}

    def note(self, token_id: int, at: datetime) -> None:
        """Remember that ``token_id`` was used ``at`` (the latest use wins)."""
        before = self._used.get(token_id)
        if before is None or at > before:
            self._used[token_id] = at

    def pending(self) -> int:
        return len(self._used)

    def connect(self) -> None:
        """Nothing to listen to: requests call :meth:`note`."""

    def disconnect(self) -> None:
        """See :meth:`connect`."""

    async def flush(self) -> int:
        """Write the noted uses: one UPDATE per batch of tokens, each set to the batch's
        latest use, never moving a date back (another process may have written a later one).
        Returns how many tokens were written; on failure they stay noted for the next try."""
        used, self._used = self._used, {}
        try:
            ids = sorted(used)
            for start in range(0, len(ids), BATCH):
                batch = ids[start : start + BATCH]
                await write_last_used(batch, max(used[i] for i in batch))
        except BaseException:
            for token_id, at in used.items():
                self.note(token_id, at)
            raise
        return len(used)


async def write_last_used(token_ids: list[int], at: datetime) -> None:
    """Set ``last_used_at`` of ``token_ids`` to ``at`` where it is older (one statement)."""
    older = Q(last_used_at__isnull=True) | Q(last_used_at__lt=at)
    await ApiToken.filter(older, id__in=token_ids).update(last_used_at=at)


_token_use: TokenUse | None = None


def get_token_use() -> TokenUse | None:
    """The running recorder, or ``None`` outside the app (then the use is written at once)."""
    return _token_use


def set_token_use(recorder: TokenUse | None) -> None:
    global _token_use
    _token_use = recorder


@contextlib.asynccontextmanager
async def token_use_runtime(settings: Settings) -> AsyncIterator[TokenUse]:
    """Write the noted token uses every :data:`FLUSH_SECONDS`, and on shutdown."""
    async with recording(
        TokenUse(), name="token use", logger=log, every=FLUSH_SECONDS, install=set_token_use
    ) as recorder:
        yield recorder
