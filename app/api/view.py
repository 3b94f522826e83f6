"""The ``/graphql`` endpoint over HTTP: queries and mutations, GraphiQL on GET, with auth by
cookie (CSRF-checked) or Bearer token. Subscriptions (the websocket on the same path) are
:mod:`app.api.ws`'s.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from cross_web import HTTPException
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL

from app.api.context import Context
from app.api.limits import MAX_BODY_BYTES
from app.api.schema import schema as default_schema
from app.auth import principal_from_connection
from app.settings import Settings

log = logging.getLogger("livemart.api")


async def _limited_body(scope: Scope, receive: Receive, send: Send) -> Receive | None:
    """Read the body up to :data:`MAX_BODY_BYTES` (answering 413 beyond) and return a
    ``receive`` that replays it; None when the request was answered or went away."""
    declared = Headers(scope=scope).get("content-length", "")
    too_large = PlainTextResponse("Request body too large.", status_code=413)
    digits = declared.isascii() and declared.isdigit()
    if declared and (not digits or int(declared) > MAX_BODY_BYTES):
        await too_large(scope, receive, send)
        return None
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return None
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            await too_large(scope, receive, send)
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            break
    pending = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


class GraphQLApp(GraphQL):
    """Strawberry's ASGI app with our context and authentication, for HTTP only."""

    def __init__(self, settings: Settings, schema: Any = None) -> None:
        # GraphiQL in development only (LIVEMART_ENV=production turns it off, with
        # introspection: app.api.limits.IntrospectionGate).
        super().__init__(
            schema or default_schema,
            subscription_protocols=(),
            graphql_ide=None if settings.production else "graphiql",
        )
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        replay = await _limited_body(scope, receive, send)
        if replay is not None:
            await super().__call__(scope, replay, send)

    def decode_json(self, data: str | bytes) -> object:
        """Only a JSON object (or a list, refused as a batch) is a request; nesting too deep
        for the parser is a client error like any other bad JSON."""
        try:
            value = json.loads(data)
        except RecursionError:
            raise json.JSONDecodeError("nested too deeply", "", 0) from None
        if not isinstance(value, dict | list):
            raise json.JSONDecodeError("expected a JSON object", "", 0)
        return value

    async def get_context(  # type: ignore[override]
        self, request: Request, response: Response | None = None
    ) -> Context:
        try:
            principal = await principal_from_connection(
                request, self.settings.secret_key, csrf_required=True
            )
        except Exception as exc:  # the database went away: a clear, retryable answer
            log.exception("could not authenticate a request")
            raise HTTPException(503, "Service temporarily unavailable; retry.") from exc
        return Context(request, response, self.settings, principal)
