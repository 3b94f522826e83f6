"""Tortoise's SQLite backend, with transactions that take the write lock up front.

Tortoise opens SQLite transactions with a deferred ``BEGIN``. A transaction that reads
and then writes (a purchase reads the buyer's claims, then takes stock) fails at once
with "database is locked" (``SQLITE_BUSY_SNAPSHOT``) when another process — a second
server, a media worker, the CLI — committed in between: SQLite's busy timeout does not
apply there. ``BEGIN IMMEDIATE`` takes the write lock when the transaction starts and
waits up to the busy timeout for it, so such a transaction waits its turn instead.

Within one process Tortoise already serialises everything on its single connection, so
this only changes how processes sharing one SQLite file take turns. Selected by
`app.db.tortoise_config` (``"engine": "app.db_sqlite"``).
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    """A transaction that starts with ``BEGIN IMMEDIATE``."""

    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:  # the lock stayed taken past busy_timeout
            raise TransactionManagementError(exc) from exc


class ImmediateSqliteClient(SqliteClient):
    """`SqliteClient` whose transactions are `ImmediateTransactionWrapper`s."""

    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
