"""SQLite shared by several processes: a read-then-write transaction waits its turn.

A second ``sqlite3`` connection on its own thread stands for the other process (a media
worker, a second server, the CLI): SQLite's locking is per connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest
from tortoise import Tortoise
from tortoise.transactions import in_transaction

from app.db import close_db, init_db
from tests.conftest import TEST_DB

pytestmark = pytest.mark.skipif(
    TEST_DB != "sqlite", reason="SQLite's locking: runs in the SQLite pass"
)


async def test_read_then_write_transaction_waits_for_another_writer(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    await init_db(f"sqlite://{path}")
    try:
        await Tortoise.get_connection("default").execute_script(
            "CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
            "INSERT INTO counter VALUES (1, 0);"
        )
        other_failed: list[Exception] = []

        def other_process() -> None:
            try:
                with sqlite3.connect(path, timeout=20) as db:
                    db.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
            except sqlite3.Error as exc:
                other_failed.append(exc)

        other = threading.Thread(target=other_process)
        async with in_transaction() as tx:
            rows = await tx.execute_query_dict("SELECT n FROM counter WHERE id = 1")
            other.start()
            # The other writer gets its chance to commit in between (with a deferred BEGIN
            # it would, and this transaction's write would fail with "database is locked").
            await asyncio.sleep(0.3)
            await tx.execute_query("UPDATE counter SET n = ? WHERE id = 1", [rows[0]["n"] + 10])
        await asyncio.to_thread(other.join, 20)
        assert other_failed == []
        final = await Tortoise.get_connection("default").execute_query_dict(
            "SELECT n FROM counter WHERE id = 1"
        )
        assert final[0]["n"] == 11  # both writes, neither lost
    finally:
        await close_db()


@pytest.mark.parametrize(
    ("query", "timeout"), [("", 20_000), ("?busy_timeout=60000", 60_000)], ids=["default", "url"]
)
async def test_connection_waits_for_locks(tmp_path: Path, query: str, timeout: int) -> None:
    """WAL and a busy timeout; URL query parameters are pragmas."""
    await init_db(f"sqlite://{tmp_path / 'db.sqlite3'}{query}")
    try:
        conn = Tortoise.get_connection("default")
        assert (await conn.execute_query_dict("PRAGMA busy_timeout"))[0]["timeout"] == timeout
        assert (await conn.execute_query_dict("PRAGMA journal_mode"))[0]["journal_mode"] == "wal"
    finally:
        await close_db()
