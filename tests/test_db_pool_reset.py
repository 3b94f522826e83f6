"""PostgreSQL: the asyncpg pool releases connections without asyncpg's reset query (see
``app.db.keep_session``), and a transaction left open is still rolled back on release."""

from __future__ import annotations

import pytest
from tortoise import Tortoise

from app.db import keep_session, tortoise_config
from tests.conftest import TEST_DB


def test_postgres_config_skips_the_reset_query_sqlite_untouched() -> None:
    pg = tortoise_config("postgres://u:p@127.0.0.1:5432/db?minsize=2")
    credentials = pg["connections"]["default"]["credentials"]
    assert credentials["reset"] is keep_session and int(credentials["minsize"]) == 2
    lite = tortoise_config("sqlite:///tmp/x/db.sqlite3")
    assert "reset" not in lite["connections"]["default"]["credentials"]


@pytest.mark.skipif(TEST_DB != "postgres", reason="PostgreSQL runs only")
async def test_released_connections_keep_no_open_transaction(app: object) -> None:
    pool = Tortoise.get_connection("default")._pool  # type: ignore[attr-defined]
    assert pool._reset is keep_session
    async with pool.acquire() as conn:
        await conn.execute("BEGIN")
        await conn.execute("CREATE TEMP TABLE left_open (n int)")
        backend = await conn.fetchval("SELECT pg_backend_pid()")
    async with pool.acquire() as conn:
        assert not conn.is_in_transaction()
        if await conn.fetchval("SELECT pg_backend_pid()") == backend:
            # The same session: the open transaction (and its temp table) was rolled back.
            assert await conn.fetchval("SELECT to_regclass('pg_temp.left_open')") is None
