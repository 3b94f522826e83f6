"""Fixtures: a migrated database per test (SQLite or PostgreSQL), the app and clients.

``LIVEMART_TEST_DB`` picks ``sqlite`` (default) or ``postgres`` (a fresh database per run on
127.0.0.1:5432); ``LIVEMART_TEST_BROADCAST`` picks ``memory`` (default) or ``redis``.
Tests that need a missing service skip with the reason, except under ``CI=true`` (set by
``.ci/run``): there a missing PostgreSQL or Redis fails the run at its start.
"""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

import httpx
import pytest

from app.settings import Settings, load_settings

TEST_DB = os.environ.get("LIVEMART_TEST_DB", "sqlite")
TEST_BROADCAST = os.environ.get("LIVEMART_TEST_BROADCAST", "memory")
PG_ADMIN_URL = os.environ.get("LIVEMART_TEST_PG", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("LIVEMART_TEST_REDIS", "redis://127.0.0.1:6379/0")
#: Under CI nothing may pass by skipping: a missing service is a failure.
CI = os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


# Suites that touch neither the database nor the event bus: the PostgreSQL + Redis pass
# leaves them out (``-m "not nodb"``), they have run in the first pass.
NO_DB_SUITES = ("tests/recsys/",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(NO_DB_SUITES):
            item.add_marker(pytest.mark.nodb)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def postgres_available() -> bool:
    return _reachable("127.0.0.1", 5432)


def redis_available() -> bool:
    return _reachable("127.0.0.1", 6379)


def unavailable(reason: str) -> NoReturn:
    """A service this test needs is missing: skip, or fail under ``CI=true``."""
    if CI:
        pytest.fail(f"{reason} (CI=true: a missing service fails instead of skipping)")
    pytest.skip(reason)


def pytest_sessionstart(session: pytest.Session) -> None:
    """Under CI, both passes need PostgreSQL and Redis (some first-pass tests use them too):
    stop at once, naming what is missing, instead of skipping a pass."""
    if not CI:
        return
    missing = [
        name
        for name, up in (
            ("PostgreSQL on 127.0.0.1:5432", postgres_available),
            ("Redis on 127.0.0.1:6379", redis_available),
        )
        if not up()
    ]
    if missing:
        pytest.exit(f"CI=true and {' and '.join(missing)} not reachable", returncode=3)


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL + "/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def run_async(coro: Any) -> Any:
    """Run a coroutine to completion in a fresh thread (safe beside Playwright's loop)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """argon2id at its lowest cost for the suite's in-process users (as Django's test
    settings swap in a fast hasher): the recommended parameters cost ~50 ms of CPU a hash,
    a sizeable share of the whole suite. Servers the tests start keep the real ones."""
    from argon2 import PasswordHasher

    from app.accounts import passwords

    real = passwords._hasher
    passwords._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    passwords._hasher = real


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated once per run with the real aerich migrations."""
    from app.db import migrate

    if TEST_DB == "postgres":
        if not postgres_available():
            unavailable("PostgreSQL is not reachable on 127.0.0.1:5432")
        name = f"livemart_test_{uuid.uuid4().hex[:10]}"
        run_async(_pg_admin(f'CREATE DATABASE "{name}"'))
        url = f"{PG_ADMIN_URL}/{name}"
        run_async(migrate(url))
        yield url
        run_async(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite://{path}"
        run_async(migrate(url))
        yield str(path)


@pytest.fixture(scope="session")
def broadcast_url() -> str:
    if TEST_BROADCAST == "redis":
        if not redis_available():
            unavailable("Redis is not reachable on 127.0.0.1:6379")
        return REDIS_URL
    return "memory://"


async def _truncate_url(url: str) -> None:
    """Empty every table but aerich's and restart the sequences the last test used.

    TRUNCATE costs about 3 ms a table whether or not it holds rows (new files for the
    table and its indexes), so only the tables that hold rows are truncated: two cheap
    probes instead of truncating all ~40 tables twice per test.
    """
    import asyncpg

    conn = await asyncpg.connect(url)
    try:
        tables = [
            r["tablename"]
            for r in await conn.fetch(
                "SELECT tablename FROM pg_tables"
                " WHERE schemaname = 'public' AND tablename <> 'aerich'"
            )
        ]
        if not tables:
            return
        probe = " UNION ALL ".join(
            f'SELECT {n} AS n WHERE EXISTS (SELECT 1 FROM "{table}")'
            for n, table in enumerate(tables)
        )
        filled = [tables[r["n"]] for r in await conn.fetch(probe)]
        used = await conn.fetch(
            "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public'"
            " AND last_value IS NOT NULL AND sequencename NOT LIKE 'aerich%'"
        )
        statements = [f'ALTER SEQUENCE "{r["sequencename"]}" RESTART' for r in used]
        if filled:
            statements.append(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in filled) + " RESTART IDENTITY CASCADE"
            )
        if statements:
            await conn.execute("; ".join(statements))
    finally:
        await conn.close()


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> str:
    """An empty, migrated database for this test."""
    if TEST_DB == "postgres":
        run_async(_truncate_url(database_template))
        return database_template
    path = tmp_path / "test.db"
    shutil.copy(database_template, path)
    return f"sqlite://{path}"


@pytest.fixture
def settings(database_url: str, broadcast_url: str, tmp_path: Path) -> Settings:
    base = load_settings(
        {
            "LIVEMART_VAR_DIR": str(tmp_path / "var"),
            "LIVEMART_SECRET_KEY": "test-secret-key-0123456789",
        }
    )
    return replace(
        base,
        database_url=database_url,
        broadcast_url=broadcast_url,
        media_in_process=False,
        rtmp_port=0,
        ratelimit_prefix=f"test-{uuid.uuid4().hex[:12]}",  # runs sharing a Redis never meet
        room_watchers_per_ip=10_000,  # crowd tests connect a thousand sockets from 127.0.0.1
        push_private_endpoints=True,  # the tests' push service listens on 127.0.0.1
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a subprocess load these settings."""
    return {
        "LIVEMART_DATABASE_URL": settings.database_url,
        "LIVEMART_BROADCAST_URL": settings.broadcast_url,
        "LIVEMART_VAR_DIR": str(settings.var_dir),
        "LIVEMART_SECRET_KEY": settings.secret_key,
        "LIVEMART_MEDIA_IN_PROCESS": "true" if settings.media_in_process else "false",
        "LIVEMART_RTMP_PORT": str(settings.rtmp_port),
        "LIVEMART_RATELIMIT_PREFIX": settings.ratelimit_prefix,
        "LIVEMART_ROOM_WATCHERS_PER_IP": str(settings.room_watchers_per_ip),
        "LIVEMART_PUSH_PRIVATE_ENDPOINTS": "true" if settings.push_private_endpoints else "false",
    }


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[object]:
    """The app with its lifespan running (DB, event bus); an empty database."""
    from app.asgi import create_app

    application = create_app(settings)
    lifespan = application.router.lifespan_context(application)
    await lifespan.__aenter__()
    try:
        if TEST_DB == "postgres":  # again once the app is up: it starts on empty tables
            await _truncate_url(settings.database_url)
        yield application
    finally:
        await _shut_down(lifespan)


async def _shut_down(lifespan: Any, within: float = 60) -> None:
    """Leave the app's lifespan; a shutdown that hangs fails the test with every task's stack
    instead of stalling the run."""
    exiting = asyncio.ensure_future(lifespan.__aexit__(None, None, None))
    done, _ = await asyncio.wait({exiting}, timeout=within)
    if done:
        exiting.result()
        return
    stacks = io.StringIO()
    for task in asyncio.all_tasks():
        task.print_stack(limit=12, file=stacks)
    exiting.cancel()
    pytest.fail(f"the app did not shut down in {within:.0f} s; tasks:\n{stacks.getvalue()}")


@pytest.fixture
async def client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def other_client(app: object) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c
