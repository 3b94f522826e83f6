"""The ASGI application, composed in one place: the routes (health, ``/graphql`` over HTTP
and websocket, the pages) and the runtimes that run beside the requests.

This is the composition root: nothing registers itself by being imported, and no other
module of ``app`` imports this one or ``web``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from functools import partial

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute

from app.accounts.token_use import token_use_runtime
from app.analytics.runtime import analytics_runtime
from app.api.view import GraphQLApp
from app.api.ws import GraphQLWebSocket
from app.attribution.runtime import attribution_runtime
from app.commerce.closer import closer_runtime, stock_gate_runtime
from app.commerce.runtime import commerce_runtime
from app.db import close_db, init_db
from app.demo_chatter import demo_chatter_runtime
from app.events import EventBus, set_bus
from app.events.changes import changes_runtime
from app.i18n.middleware import LocaleMiddleware
from app.live_media import media_runtime, stop_room_stream
from app.notify.runtime import notify_runtime
from app.payments.runtime import payments_runtime
from app.predict.service import predict_runtime
from app.profiles.updater import profiles_runtime
from app.ratelimit import rate_limits_runtime
from app.recs.runtime import recs_runtime
from app.rooms.runtime import rooms_runtime
from app.security_headers import SecurityHeaders
from app.settings import Settings, load_settings
from app.tasks import BoundedExit
from web.hls_serving import HlsFront
from web.ratelimit import PageWriteLimit
from web.routes import http_error, page_routes
from web.templating import templates

log = logging.getLogger("livemart")


@dataclass(frozen=True)
class Runtime:
    """A long-running part of the app: ``start(settings)`` is entered when the app starts
    (in list order) and left when it stops (in reverse)."""

    name: str
    start: Callable[[Settings], AbstractAsyncContextManager[object]]


def app_runtimes() -> list[Runtime]:
    """What runs beside the requests, in start order."""
    return [
        # limits counted in memory, or in Redis (shared by every process) when the bus is
        Runtime("rate limits", rate_limits_runtime),
        # other processes' changes to public data, for this process's caches
        Runtime("public-data changes", changes_runtime),
        # presence, likes; after a room ends, the media worker stops its stream
        Runtime("rooms", partial(rooms_runtime, on_room_ended=(stop_room_stream,))),
        Runtime("media", media_runtime),  # the in-process media worker (when configured)
        Runtime("token use", token_use_runtime),  # API tokens' last_used_at, written behind
        Runtime("payments outbox", payments_runtime),  # refunds sent after their commit
        Runtime("analytics recorder", analytics_runtime),
        Runtime("attribution recorder", attribution_runtime),  # visits, sources, invites
        Runtime("order expiry", commerce_runtime),
        Runtime("recommender", recs_runtime),  # interaction log, scheduled training
        Runtime("profiles", profiles_runtime),  # interest portraits, folded in batches
        Runtime("purchase prediction", predict_runtime),  # trained beside the recommender
        Runtime("flash-sale stock gate", stock_gate_runtime),  # rebuilt from the database
        Runtime("flash-sale and auction closer", closer_runtime),
        # signals → notifications (in bulk), the bells, pushes and mails (when in process)
        Runtime("notifications", notify_runtime),
        Runtime("demo chatter", demo_chatter_runtime),  # `make run` only (off by default)
    ]


def app_routes(settings: Settings, graphql: GraphQLApp) -> list[BaseRoute]:
    """Every route of the app."""
    return [
        Route("/healthz", healthz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", GraphQLWebSocket(graphql.schema, settings)),
        *page_routes(),
    ]


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app. Settings default to the environment (``LIVEMART_*``).

    ``app.state.runtimes`` lists what the lifespan starts; ``app.state.running`` names
    those up at the moment."""
    settings = settings or load_settings()
    runtimes = app_runtimes()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await init_db(settings.database_url)
        bus = EventBus(settings.broadcast_url, prefix=settings.ratelimit_prefix)
        await bus.connect()
        set_bus(bus)
        app.state.bus = bus
        try:
            async with contextlib.AsyncExitStack() as stack:
                await _start(runtimes, settings, stack, app.state.running)
                yield
        finally:
            await bus.disconnect()
            set_bus(None)
            await close_db()

    https = settings.public_url.startswith("https")
    app = Starlette(
        debug=settings.debug,
        routes=app_routes(settings, GraphQLApp(settings)),
        lifespan=lifespan,
        middleware=[
            # GET /hls/… of cached files, before everything a segment does not need
            Middleware(HlsFront, root=settings.hls_dir, https=https),
            Middleware(SecurityHeaders, https=https),
            Middleware(LocaleMiddleware),  # the request's language and time zone
            Middleware(PageWriteLimit, limit=settings.write_limit),
        ],
        exception_handlers={HTTPException: http_error},
    )
    app.state.settings = settings
    # Templates are read once per process (no stat of each one on every render) unless
    # LIVEMART_DEBUG: then an edited template shows on the next request.
    templates.env.auto_reload = settings.debug
    app.state.runtimes = runtimes
    app.state.running = []
    return app


async def _start(
    runtimes: Sequence[Runtime],
    settings: Settings,
    stack: contextlib.AsyncExitStack,
    running: list[str],
) -> None:
    """Enter each runtime on ``stack``; ``running`` names those up (until each stops)."""
    for runtime in runtimes:
        await stack.enter_async_context(BoundedExit(runtime.name, runtime.start(settings)))
        running.append(runtime.name)
        stack.callback(running.remove, runtime.name)
