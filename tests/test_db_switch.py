"""One process may use SQLite, then PostgreSQL (a test run, ``python -m bench``): Tortoise's
statement cache is keyed by connection name, so ``app.db`` forgets it when it connects."""

from __future__ import annotations

import uuid
from pathlib import Path

from app.accounts.models import Role, User
from app.db import close_db, init_db, migrate
from tests.conftest import PG_ADMIN_URL, _pg_admin, postgres_available, run_async, unavailable


async def _create_user(url: str, email: str) -> int:
    await init_db(url)
    try:
        user = await User.create(email=email, display_name="U", password_hash="x", role=Role.VIEWER)
        return await User.filter(id=user.id).count()
    finally:
        await close_db()


def test_sqlite_then_postgres_in_one_process(tmp_path: Path) -> None:
    if not postgres_available():
        unavailable("PostgreSQL is not reachable on 127.0.0.1:5432")
    sqlite_url = f"sqlite://{tmp_path / 'first.db'}"
    run_async(migrate(sqlite_url))
    assert run_async(_create_user(sqlite_url, "a@example.com")) == 1
    name = f"livemart_switch_{uuid.uuid4().hex[:8]}"
    run_async(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        pg_url = f"{PG_ADMIN_URL}/{name}"
        assert run_async(migrate(pg_url))
        assert run_async(_create_user(pg_url, "b@example.com")) == 1
    finally:
        run_async(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
