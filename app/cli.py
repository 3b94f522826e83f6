"""The ``livemart`` command: serve, migrate, seed-demo, create-user, export-schema, ..."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from app.packaged import NotACheckout
from app.predict.cli import add_predict_commands
from app.recs.cli import add_recsys_commands
from app.settings import Settings, SettingsError, load_settings


def _serve(args: argparse.Namespace) -> int:
    import os

    import uvicorn

    # The RTMP front listens where the web server does, unless LIVEMART_RTMP_HOST says.
    os.environ.setdefault("LIVEMART_RTMP_HOST", args.host)
    settings = load_settings()  # fail early, with the variable's name
    uvicorn.run(
        "app.asgi:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers if args.workers > 1 else None,
        log_level="info",
        # X-Forwarded-For / -Proto count only from these peers (LIVEMART_TRUSTED_PROXIES):
        # a client that sends them itself is still itself, for rate limits and logs.
        proxy_headers=True,
        forwarded_allow_ips=settings.trusted_proxies or "",
    )
    return 0


async def _with_db(coro_factory):
    from app.db import close_db, init_db

    settings = load_settings()
    await init_db(settings.database_url)
    try:
        return await coro_factory(settings)
    finally:
        await close_db()


def _migrate(args: argparse.Namespace) -> int:
    from app.db import migrate

    settings = load_settings()
    applied = asyncio.run(migrate(settings.database_url))
    print(f"applied {len(applied)} migration(s)" + (f": {', '.join(applied)}" if applied else ""))
    asyncio.run(_with_db(_reference_data))
    return 0


async def _reference_data(settings: object) -> None:
    """Data every install needs (the default gift catalog); idempotent."""
    from app.gifts.services import ensure_default_gifts

    await ensure_default_gifts()


def _makemigrations(args: argparse.Namespace) -> int:
    from app.db import make_migrations

    settings = load_settings()
    name = asyncio.run(make_migrations(settings.database_url, args.name))
    print(f"created {name}" if name else "no changes")
    return 0


def _run_reporting(run: Any, report: Callable[[Any], str]) -> int:
    """Run ``run(settings)`` with the database and print ``report(result)``; an error the
    user can fix is printed instead (exit status 2)."""
    from app.errors import UserError

    try:
        result = asyncio.run(_with_db(run))
    except UserError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    print(report(result))
    return 0


def _create_user(args: argparse.Namespace) -> int:
    from app.accounts import services as accounts
    from app.accounts.models import Role

    password = args.password or getpass.getpass("Password: ")

    async def run(settings):
        return await accounts.create_user(args.email, password, args.name, Role(args.role))

    return _run_reporting(run, lambda user: f"created {user.role} {user.email} (id {user.id})")


def _ban_user(args: argparse.Namespace) -> int:
    from app.accounts import services as accounts
    from app.events import EventBus, set_bus

    async def run(settings):
        # On the deployment's bus, so every web process closes the user's websockets now.
        bus = EventBus(settings.broadcast_url, prefix=settings.ratelimit_prefix)
        await bus.connect()
        set_bus(bus)
        try:
            user = await accounts.user_by_email(args.email)
            return await accounts.set_active(user.id, args.lift)
        finally:
            set_bus(None)
            await bus.disconnect()

    done = "lifted the ban of" if args.lift else "banned"
    return _run_reporting(run, lambda user: f"{done} {user.email} (id {user.id})")


def _seed_demo(args: argparse.Namespace) -> int:
    from app.seed import seed_demo

    summary = asyncio.run(_with_db(seed_demo))
    print(summary)
    return 0


def _export_schema(args: argparse.Namespace) -> int:
    from app.api.schema import sdl
    from app.packaged import checkout_schema_file, schema_sdl

    if args.check:
        if schema_sdl() != sdl():
            print(
                "graphql/schema.graphql drifted from the code: run `livemart export-schema`",
                file=sys.stderr,
            )
            return 1
        print("graphql/schema.graphql matches the code")
        return 0
    out = Path(args.output) if args.output else checkout_schema_file()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(sdl())
    print(f"wrote {out}")
    return 0


def _run_worker(run_worker: Callable[[Settings], Coroutine[Any, Any, None]]) -> int:
    """Run a worker process until it ends or is interrupted."""
    try:
        asyncio.run(run_worker(load_settings()))
    except KeyboardInterrupt:
        pass
    return 0


def _media_worker(args: argparse.Namespace) -> int:
    from app.live_media import run_worker

    return _run_worker(run_worker)


def _notify_worker(args: argparse.Namespace) -> int:
    from app.notify.runtime import run_worker

    return _run_worker(run_worker)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="livemart", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the web server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1)
    serve.set_defaults(func=_serve)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=_migrate)
    mk = sub.add_parser("makemigrations", help="write a migration for model changes")
    mk.add_argument("--name", default="update")
    mk.set_defaults(func=_makemigrations)

    sub.add_parser("seed-demo", help="create demo users and data").set_defaults(func=_seed_demo)

    cu = sub.add_parser("create-user", help="create a user of any role")
    cu.add_argument("email")
    cu.add_argument("--name", required=True, help="display name")
    cu.add_argument(
        "--role", default="viewer", choices=["viewer", "streamer", "moderator", "admin"]
    )
    cu.add_argument("--password", help="read from the terminal when omitted")
    cu.set_defaults(func=_create_user)

    ban = sub.add_parser(
        "ban-user", help="ban a user site-wide: no login, sessions, tokens or open websockets"
    )
    ban.add_argument("email")
    ban.add_argument("--lift", action="store_true", help="lift the ban instead")
    ban.set_defaults(func=_ban_user)

    sub.add_parser(
        "media-worker", help="run the media worker alone (web: LIVEMART_MEDIA_IN_PROCESS=false)"
    ).set_defaults(func=_media_worker)
    sub.add_parser(
        "notify-worker",
        help="send notification pushes and mails alone (web: LIVEMART_NOTIFY_IN_PROCESS=false)",
    ).set_defaults(func=_notify_worker)

    ex = sub.add_parser("export-schema", help="write graphql/schema.graphql")
    ex.add_argument("--output", help="default: the checkout's graphql/schema.graphql")
    ex.add_argument(
        "--check",
        action="store_true",
        help="write nothing; fail when the packaged schema.graphql differs from the code",
    )
    ex.set_defaults(func=_export_schema)

    add_recsys_commands(sub)
    add_predict_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except SettingsError as exc:
        print(f"configuration error: {exc}", file=sys.stderr)
        return 2
    except NotACheckout as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
