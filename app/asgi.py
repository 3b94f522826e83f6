"""The ASGI application: pages, ``/graphql``, static files and background services."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.view import GraphQLApp
from app.api.ws import GraphQLWebSocket
from app.db import close_db, init_db
from app.events import EventBus, set_bus
from app.live_media import media_runtime
from app.payments.runtime import payments_runtime
from app.rooms.runtime import rooms_runtime
from app.settings import Settings, load_settings

log = logging.getLogger("livemart")

# Long-running services started with the app (media worker, like coalescer, ...):
# each takes the settings and returns an async context manager.
BackgroundService = Callable[[Settings], AbstractAsyncContextManager[Any]]
BACKGROUND_SERVICES: list[BackgroundService] = []

# Extra routes contributed by domains that are not pages (e.g. /hls, /webhooks).
EXTRA_ROUTES: list[Callable[[Settings], list[BaseRoute]]] = []

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), microphone=(self), geolocation=()"),
]


# Pages: scripts and styles from this origin (the vendored htmx, hls.js and our own),
# plus the small inline scripts and handlers of a few templates ('unsafe-inline': moving
# them to files or nonces is what a stricter policy needs first). Covers may be any
# http(s) image; video plays from blob: URLs (hls.js MediaSource); websockets go to this
# host. GraphiQL (/graphql) loads its own scripts and gets no policy.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https: http:; media-src 'self' blob:; worker-src 'self' blob:; "
    "connect-src 'self'{ws}; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")


class SecurityHeaders:
    """Adds security headers to every HTTP response, a Content-Security-Policy to pages,
    and HSTS when the public URL is https."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                page = dict(headers).get(b"content-type", b"").startswith(b"text/html")
                if page and not scope["path"].startswith("/graphql"):
                    if b"content-security-policy" not in present:
                        headers.append((b"content-security-policy", self._policy(scope).encode()))
                if self.https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _policy(self, scope: Scope) -> str:
        host = Headers(scope=scope).get("host", "")
        ws = f" ws://{host} wss://{host}" if HOST.match(host) else ""
        return CSP.format(ws=ws)


async def healthz(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


def create_app(settings: Settings | None = None) -> Starlette:
    """Build the app. Settings default to the environment (``LIVEMART_*``)."""
    settings = settings or load_settings()
    # Importing the page and domain modules registers their routes and services.
    from web.ratelimit import PageWriteLimit
    from web.routes import http_error, page_routes

    graphql = GraphQLApp(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await init_db(settings.database_url)
        bus = EventBus(settings.broadcast_url)
        await bus.connect()
        set_bus(bus)
        app.state.bus = bus
        try:
            async with contextlib.AsyncExitStack() as stack:
                await stack.enter_async_context(rooms_runtime(settings))
                await stack.enter_async_context(media_runtime(settings))
                await stack.enter_async_context(payments_runtime(settings))
                for service in BACKGROUND_SERVICES:
                    await stack.enter_async_context(service(settings))
                yield
        finally:
            await bus.disconnect()
            set_bus(None)
            await close_db()

    routes: list[BaseRoute] = [
        Route("/healthz", healthz),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", GraphQLWebSocket(graphql.schema, settings)),
    ]
    for extra in EXTRA_ROUTES:
        routes += extra(settings)
    routes += page_routes()
    app = Starlette(
        debug=settings.debug,
        routes=routes,
        lifespan=lifespan,
        middleware=[
            Middleware(SecurityHeaders, https=settings.public_url.startswith("https")),
            Middleware(PageWriteLimit, limit=settings.write_limit),
        ],
        exception_handlers={HTTPException: http_error},
    )
    app.state.settings = settings
    return app
