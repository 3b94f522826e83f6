"""Database set-up: the Tortoise config, start/stop, and aerich migrations.

All models live in one Tortoise app called ``models``; each domain package adds its
``models`` module to :data:`MODEL_MODULES`.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url

from app.packaged import checkout_migrations_dir, migrations_dir

MODEL_MODULES: list[str] = [
    "app.accounts.models",
    "app.rooms.models",
    "app.chat.models",
    "app.gifts.models",
    "app.moderation.models",
    "app.commerce.models",
    "app.payments.models",
    "app.recs.models",
    "app.analytics.models",
    "app.faq.models",
    "app.simulcast.models",
    "app.profiles.models",
    "app.attribution.models",
    "app.notify.models",
    "app.experiments.models",
    "aerich.models",
]
# How long an SQLite connection waits for another process's write lock (milliseconds).
SQLITE_BUSY_TIMEOUT_MS = 20_000


async def keep_session(connection: Any) -> None:
    """The asyncpg pool's reset on release, after asyncpg's own (which rolls back a
    transaction left open and drops listeners): nothing more. asyncpg's default also runs
    ``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`` - one more round trip
    per query, 16% of a profiled page load - for session state livemart never creates
    (session-level advisory locks, cursors held outside a transaction, LISTEN, SET).
    Code that creates such state must undo it itself."""


def tortoise_config(database_url: str) -> dict[str, Any]:
    """The Tortoise ORM config dict for ``database_url``."""
    connection: str | dict[str, Any] = database_url
    if database_url.startswith("sqlite://"):
        connection = expand_db_url(database_url)
        path = connection["credentials"]["file_path"]
        if path not in {":memory:", ""}:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        connection["engine"] = "app.db_sqlite"  # BEGIN IMMEDIATE transactions
        connection["credentials"].setdefault("busy_timeout", SQLITE_BUSY_TIMEOUT_MS)
    elif database_url.startswith(("postgres://", "asyncpg://")):
        connection = expand_db_url(database_url)
        connection["credentials"]["reset"] = keep_session
    return {
        "connections": {"default": connection},
        "apps": {"models": {"models": list(MODEL_MODULES), "default_connection": "default"}},
        "use_tz": True,
        "timezone": "UTC",
    }


def dialect_of(database_url: str) -> str:
    return "sqlite" if database_url.startswith("sqlite") else "postgres"


def forget_compiled_queries() -> None:
    """Drop Tortoise's compiled INSERT/UPDATE statements.

    Tortoise caches them per connection *name* ("default"), not per dialect: a process that
    used SQLite and then opens PostgreSQL (a test run, ``python -m bench``) would send
    SQLite's ``?`` placeholders to asyncpg.
    """
    from tortoise.backends.base.executor import EXECUTOR_CACHE

    EXECUTOR_CACHE.clear()


async def init_db(database_url: str) -> None:
    """Connect Tortoise (visible from every task, as uvicorn's lifespan needs)."""
    forget_compiled_queries()
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


def _aerich(database_url: str, location: Path) -> Any:
    """An aerich ``Command`` for the models on ``database_url`` with migrations in
    ``location`` (it initialises Tortoise itself, so compiled statements are forgotten)."""
    from aerich import Command

    forget_compiled_queries()
    return Command(tortoise_config(database_url), app="models", location=str(location))


async def migrate(database_url: str) -> list[str]:
    """Apply every aerich migration the database lacks; returns the applied versions.

    Aerich writes dialect-specific SQL, so each dialect has its own chain; the migrations are
    package data (:mod:`app.packaged`)."""
    with migrations_dir(dialect_of(database_url)) as location:
        if not (location / "models").is_dir():
            raise RuntimeError(f"no migrations in {location}; run `livemart makemigrations`")
        command = _aerich(database_url, location)
        async with command:
            await command.init()
            return await command.upgrade(run_in_transaction=True)


async def make_migrations(database_url: str, name: str = "update") -> str | None:
    """Generate a migration for model changes (``init`` when the chain is empty), written to
    the source checkout's top-level ``migrations/<dialect>/``."""
    location = checkout_migrations_dir(dialect_of(database_url))
    command = _aerich(database_url, location)
    async with command:
        if not (location / "models").exists():
            await command.init_db(safe=True)
            return "initial"
        await command.init()
        await command.upgrade()
        return await command.migrate(name, no_input=True)


async def pending_model_changes(database_url: str) -> str | None:
    """Name of the migration that model changes would need, or None when none is needed.

    Runs aerich offline on a scratch copy of the migrations, so nothing is written here.
    """
    from aerich.migrate import Migrate

    with migrations_dir(dialect_of(database_url)) as location, tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp) / "migrations"
        shutil.copytree(location, scratch)
        before = set((scratch / "models").glob("*.py"))
        command = _aerich(database_url, scratch)
        async with command:
            await command.init(offline=True)
            name = await command.migrate("drift", no_input=True, offline=True)
        after = set((scratch / "models").glob("*.py"))
        Migrate.upgrade_operators.clear()
        Migrate.downgrade_operators.clear()
        return name if after - before else None
