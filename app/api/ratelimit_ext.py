"""A generic per-user write limit: every mutation field and every page POST counts.

Domains keep their own, tighter limits (chat, reports, likes, logins, top-ups); this one
caps everything else so that no write can be hammered: at most
``settings.write_limit`` writes per :data:`WINDOW` seconds per signed-in user (per client
address when anonymous), counted in the storage every process shares (:mod:`app.ratelimit`;
``0`` turns it off).

- :class:`WriteRateLimit` is the GraphQL extension: a mutation document costs one write
  per root field (aliases included) over HTTP and websockets alike; over the limit the
  operation does not run and answers a ``RATE_LIMITED`` error.
- :func:`write_limiter` gives the app's limiter, shared with the page middleware in
  :mod:`web.ratelimit`.
"""

from __future__ import annotations

import math
from collections.abc import AsyncIterator
from typing import Any

from strawberry.extensions import SchemaExtension

from app.ratelimit import RateLimiter
from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
)

WINDOW = 10


def write_limiter(app: Any, limit: int) -> RateLimiter:
    """The write limiter of this app, created on first use (its hits live in the shared
    rate-limit storage, see :mod:`app.ratelimit`)."""
    state = app.state
    limiter = getattr(state, "write_limiter", None)
    if limiter is None:
        limiter = RateLimiter("write", limit, WINDOW)
        state.write_limiter = limiter
    return limiter


def client_key(user_id: int | None, host: str | None) -> str:
    return f"user:{user_id}" if user_id is not None else f"ip:{host or 'unknown'}"


def _root_fields(selection_set: SelectionSetNode, fragments: dict[str, Any], seen: set[str]) -> int:
    count = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            count += selection.name.value != "__typename"
        elif isinstance(selection, InlineFragmentNode):
            count += _root_fields(selection.selection_set, fragments, seen)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in fragments and name not in seen:
                count += _root_fields(fragments[name].selection_set, fragments, seen | {name})
    return count


def mutation_writes(document: Any, operation_name: str | None) -> int:
    """How many mutation fields the operation to run holds (0 for queries)."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1 or operations[0].operation != OperationType.MUTATION:
        return 0
    fragments = {d.name.value: d for d in document.definitions if hasattr(d, "type_condition")}
    return _root_fields(operations[0].selection_set, fragments, set())


class WriteRateLimit(SchemaExtension):
    """Refuses a mutation operation whose writes exceed the caller's limit."""

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context.context
        document = self.execution_context.graphql_document
        settings = getattr(context, "settings", None)
        request = getattr(context, "request", None)
        limit = getattr(settings, "write_limit", 0)
        if document is not None and request is not None and limit > 0:
            writes = mutation_writes(document, self.execution_context.operation_name)
            if writes:
                user = getattr(getattr(context, "principal", None), "user", None)
                host = request.client.host if request.client else None
                key = client_key(user.id if user else None, host)
                wait = await write_limiter(request.app, limit).take(key, writes)
                if wait:
                    seconds = math.ceil(wait)
                    self.execution_context.result = ExecutionResult(
                        data=None,
                        errors=[
                            GraphQLError(
                                f"too many writes; try again in {seconds} s",
                                extensions={"code": "RATE_LIMITED", "retryAfter": seconds},
                            )
                        ],
                    )
        yield
