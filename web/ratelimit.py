"""The write limit for page POSTs (see :mod:`app.api.ratelimit_ext`): an ASGI middleware
that answers 429 with ``Retry-After`` once a browser session (or, anonymous, an address)
posts more than ``settings.write_limit`` times in 10 seconds.

``/graphql`` counts its mutations itself; the payment provider's webhook is not a user.
"""

from __future__ import annotations

import hashlib
import math

from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.ratelimit_ext import write_limiter
from app.auth import SESSION_COOKIE
from app.i18n import _

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
EXEMPT = ("/graphql", "/webhooks/")


class PageWriteLimit:
    """429 for page writes over the limit; everything else passes through."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            self.limit <= 0
            or scope["type"] != "http"
            or scope["method"] not in WRITES
            or scope["path"].startswith(EXEMPT)
        ):
            await self.app(scope, receive, send)
            return
        conn = HTTPConnection(scope)
        session = conn.cookies.get(SESSION_COOKIE)
        if session:
            key = "session:" + hashlib.sha256(session.encode()).hexdigest()[:32]
        else:
            key = f"ip:{conn.client.host if conn.client else 'unknown'}"
        wait = await write_limiter(scope["app"], self.limit).take(key)
        if wait:
            seconds = math.ceil(wait)
            response = PlainTextResponse(
                _("Too many requests: try again in %(n)s s.", n=seconds),
                status_code=429,
                headers={"Retry-After": str(seconds)},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
