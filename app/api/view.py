"""The ``/graphql`` endpoint: HTTP queries and mutations, GraphiQL on GET, and
subscriptions over ``graphql-transport-ws``, with auth by cookie, Bearer token or the
``connection_init`` payload.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import urlparse

from cross_web import HTTPException
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from app.api.context import Context
from app.api.limits import MAX_BODY_BYTES
from app.api.schema import schema as default_schema
from app.auth import (
    ANONYMOUS,
    SESSION_COOKIE,
    bearer_from,
    principal_for,
    principal_from_connection,
)
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


def _same_origin(ws: WebSocket) -> bool:
    origin = ws.headers.get("origin")
    if not origin:
        return True  # not a browser
    return urlparse(origin).netloc == ws.headers.get("host")


class GraphQLApp(GraphQL):
    """Strawberry's ASGI app with our context and authentication."""

    def __init__(self, settings: Settings, schema: Any = None) -> None:
        super().__init__(
            schema or default_schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            keep_alive=True,
            keep_alive_interval=15,
        )
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            receive = await _limited_body(scope, receive, send)
            if receive is None:
                return
        await super().__call__(scope, receive, send)

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
        self, request: Request | WebSocket, response: Response | WebSocket | None = None
    ) -> Context:
        if isinstance(request, WebSocket):
            principal = ANONYMOUS
            bearer = bearer_from(request.headers.get("authorization"))
            if bearer:
                principal = await principal_for(bearer=bearer)
            elif _same_origin(request):
                principal = await principal_for(session_secret=request.cookies.get(SESSION_COOKIE))
        else:
            try:
                principal = await principal_from_connection(
                    request, self.settings.secret_key, csrf_required=True
                )
            except Exception as exc:  # the database went away: a clear, retryable answer
                log.exception("could not authenticate a request")
                raise HTTPException(503, "Service temporarily unavailable; retry.") from exc
        return Context(request, response, self.settings, principal)

    async def on_ws_connect(self, context: Context) -> Any:  # type: ignore[override]
        """``connection_init`` may carry ``{"authorization": "Bearer …"}`` or ``{"token": …}``."""
        params = context.connection_params or {}
        raw = params.get("authorization") or params.get("Authorization")
        token = bearer_from(raw) if isinstance(raw, str) else None
        if token is None and isinstance(params.get("token"), str):
            token = params["token"]
        if token:
            principal = await principal_for(bearer=token)
            if principal.user is None:
                raise ConnectionRejectionError({"message": "invalid or revoked API token"})
            context.principal = principal
        return await super().on_ws_connect(context)
