"""The ``/graphql`` endpoint over HTTP: queries and mutations, GraphiQL on GET, with auth by
cookie (CSRF-checked) or Bearer token. Subscriptions (the websocket on the same path) are
:mod:`app.api.ws`'s.

Before Strawberry runs an operation, a persisted query's hash is turned into its document
(:mod:`app.api.persisted`), and a public query is answered from the result cache when it
can be (:mod:`app.api.result_cache`).
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qsl

from cross_web import HTTPException
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.types import ExecutionResult

from app.api.context import Context
from app.api.graphiql import graphiql_page
from app.api.limits import MAX_BODY_BYTES
from app.api.persisted import PersistedQueries, documented_operations
from app.api.result_cache import CachedResult, EncodedResponse, ResultCache, audience
from app.api.schema import schema as default_schema
from app.auth import SESSION_COOKIE, principal_from_connection
from app.events import changes
from app.settings import Settings
from graphql import GraphQLSchema

log = logging.getLogger("livemart.api")


async def _limited_body(scope: Scope, receive: Receive, send: Send) -> bytes | None:
    """Read the body up to :data:`MAX_BODY_BYTES` (answering 413 beyond); None when the
    request was answered or went away."""
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
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read already, then the connection's messages."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


# What the cache-hit shortcut answers: what Strawberry answers with application/json.
_JSON_ACCEPTS = frozenset({"", "*/*", "application/json"})


def _anonymous_request(headers: Headers) -> bool:
    """Whether the request carries no credentials (no Bearer token, no session cookie):
    :func:`principal_from_connection` would answer anonymous without a lookup."""
    if "authorization" in headers:
        return False
    return SESSION_COOKIE not in headers.get("cookie", "")


def _operation_request(scope: Scope, headers: Headers, body: bytes) -> dict[str, Any] | None:
    """A plain JSON GraphQL request's fields (POST body, or GET parameters with JSON
    ``variables`` / ``extensions``); None for anything else (Strawberry handles it)."""
    if headers.get("accept", "") not in _JSON_ACCEPTS:
        return None
    try:
        if scope["method"] == "POST":
            content_type = headers.get("content-type", "").partition(";")[0].strip()
            if content_type != "application/json":
                return None
            data = json.loads(body)
        elif scope["method"] == "GET":
            params = dict(parse_qsl(scope["query_string"].decode("latin-1")))
            data = dict(params)
            for name in ("variables", "extensions"):
                if name in params:
                    data[name] = json.loads(params[name])
        else:
            return None
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    kinds = {"query": str, "variables": dict, "operationName": str, "extensions": dict}
    for name, kind in kinds.items():
        if data.get(name) is not None and not isinstance(data[name], kind):
            return None
    return data


class GraphQLApp(GraphQL[Context, None]):
    """Strawberry's ASGI app with our context and authentication, for HTTP only."""

    def __init__(self, settings: Settings, schema: Any = None) -> None:
        # GraphiQL in development only (LIVEMART_ENV=production turns it off, with
        # introspection: app.api.limits.IntrospectionGate).
        schema = schema or default_schema
        super().__init__(
            schema,
            subscription_protocols=(),
            graphql_ide=None if settings.production else "graphiql",
        )
        self.settings = settings
        # graphql-core's schema under strawberry's (the result cache reads its operations).
        self.graphql_schema: GraphQLSchema = schema._schema
        self.results = ResultCache()
        self.persisted = PersistedQueries(documented_operations())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _limited_body(scope, receive, send)
        if body is None:
            return
        cached = self._cached_answer(scope, body)
        if cached is not None:
            await Response(cached, media_type="application/json")(scope, receive, send)
            return
        await super().__call__(scope, _replay(body, receive), send)

    def _cached_answer(self, scope: Scope, body: bytes) -> str | bytes | None:
        """The encoded cached answer of an anonymous request for a public query, without
        Strawberry's request handling (parsing the request again, the context, the
        principal lookup): what a cache hit costs is then this and the JSON of the request.
        None when the request is anything else; Strawberry then answers it as always
        (the same body and headers: tests/api/test_result_cache.py compares them)."""
        if scope["type"] != "http":
            return None
        headers = Headers(scope=scope)
        if not _anonymous_request(headers):
            return None
        data = _operation_request(scope, headers, body)
        if data is None:
            return None
        lookup = self.persisted.resolve(data.get("query"), data.get("extensions"))
        query, operation_name = lookup.query, data.get("operationName")
        if lookup.error is not None or query is None:
            return None
        if not self.results.public(self.graphql_schema, query, operation_name):
            return None
        key = self.results.key(query, operation_name, data.get("variables"), "anonymous")
        cached = self.results.get(key, count_miss=False) if key is not None else None
        if cached is None:
            return None
        if cached.response is None:
            cached.response = EncodedResponse(process_result(cached))
        return self.encode_json(cached.response)

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

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        """A cached answer's body is built once and shared by every hit."""
        if not isinstance(result, CachedResult):
            return process_result(result)
        if result.response is None:
            result.response = EncodedResponse(process_result(result))
        return result.response  # type: ignore[return-value]

    def encode_json(self, data: object) -> str | bytes:
        if not isinstance(data, EncodedResponse):
            return super().encode_json(data)
        if data.text is None:
            data.text = json.dumps(data, separators=(",", ":"))
        return data.text

    async def render_graphql_ide(self, request: Request) -> Response:
        """The vendored GraphiQL (no CDN), see :mod:`app.api.graphiql`."""
        return graphiql_page(
            request, self.settings.secret_key, self.settings.public_url.startswith("https")
        )

    def should_render_graphql_ide(self, request: Any) -> bool:
        """GraphiQL for a browser's GET without an operation (a persisted query's GET has
        its hash in ``extensions`` and no ``query``)."""
        if request.query_params.get("extensions") is not None:
            return False
        return super().should_render_graphql_ide(request)

    async def execute_single(
        self,
        request: Request,
        request_adapter: Any,
        sub_response: Any,
        context: Context,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        lookup = self.persisted.resolve(request_data.query, request_data.extensions)
        if lookup.error is not None:
            return ExecutionResult(data=None, errors=[lookup.error])
        if lookup.query != request_data.query:
            request_data = GraphQLRequestData(
                query=lookup.query,
                variables=request_data.variables,
                operation_name=request_data.operation_name,
                extensions=request_data.extensions,
                protocol=request_data.protocol,
            )
        query = request_data.query
        key = None
        if query is not None and self.results.public(
            self.graphql_schema, query, request_data.operation_name
        ):
            key = self.results.key(
                query,
                request_data.operation_name,
                request_data.variables,
                audience(context.principal),
            )
        if key is None:
            return await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        cached = self.results.get(key)
        if cached is not None:
            return cached
        generation = changes.generation()
        flight = self.results.flight(key, generation)
        if not flight.leader:
            shared = await flight.wait()
            if shared is not None:
                return shared
            result = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
            self.results.put(key, result, generation)
            return result
        computed: ExecutionResult | None = None
        try:
            computed = await super().execute_single(
                request, request_adapter, sub_response, context, root_value, request_data
            )
        finally:
            answer = flight.land(computed)
        return answer or computed

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
