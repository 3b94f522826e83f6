"""The SQLite search migration: it indexes rows that exist before it runs, and its triggers
follow inserts, renames and deletes (PostgreSQL needs no backfill: its indexes are on the
tables themselves)."""

from __future__ import annotations

import asyncio
import importlib.util
import sqlite3
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import TEST_DB

pytestmark = pytest.mark.skipif(TEST_DB != "sqlite", reason="the FTS5 index is SQLite's")

MIGRATIONS = Path(__file__).parents[2] / "migrations" / "sqlite" / "models"


def _migration() -> ModuleType:
    (path,) = MIGRATIONS.glob("*_search.py")
    spec = importlib.util.spec_from_file_location("search_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _indexed(con: sqlite3.Connection) -> list[tuple[int, str]]:
    return con.execute('SELECT rowid, "title" FROM "search_index" ORDER BY rowid').fetchall()


def test_existing_rows_are_indexed_and_triggers_follow_changes(database_url: str) -> None:
    migration = _migration()
    upgrade = asyncio.run(migration.upgrade(None))
    downgrade = asyncio.run(migration.downgrade(None))
    con = sqlite3.connect(database_url.removeprefix("sqlite://"))
    try:
        con.executescript(downgrade)  # the database as it was before the migration
        con.execute(
            "INSERT INTO users (email, display_name, password_hash, role, is_active, created_at)"
            " VALUES ('old@example.com', 'Old Streamer', 'x', 'streamer', 1, '2026-01-01')"
        )
        con.execute(
            "INSERT INTO products (merchant_id, title, description, status, currency,"
            " price_cents, sold_count, created_at, updated_at)"
            " VALUES (1, 'Old sneakers', '', 'active', 'USD', 100, 0, '2026-01-01', '2026-01-01')"
        )
        con.commit()

        con.executescript(upgrade)
        assert _indexed(con) == [(1 * 4 + 2, "Old sneakers"), (1 * 4 + 3, "Old Streamer")]

        con.execute("UPDATE products SET title = 'New boots' WHERE id = 1")
        con.execute("UPDATE users SET display_name = 'New Name' WHERE id = 1")
        assert _indexed(con) == [(6, "New boots"), (7, "New Name")]
        con.execute("DELETE FROM products WHERE id = 1")
        assert _indexed(con) == [(7, "New Name")]
    finally:
        con.close()
