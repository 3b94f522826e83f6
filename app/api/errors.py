"""Typed user errors, in one place for every resolver (Saleor's ``BaseMutation`` idea).

A service raises :class:`app.errors.UserError` for anything the user can fix. Resolvers do
not catch it themselves; they are declared with the decorators of this module:

- :func:`mutation`: the error becomes the payload's ``errors`` (``code``, ``field``,
  ``message``) and the payload's other fields stay null. The payload class is the resolver's
  return annotation; a payload that carries more about a refusal (``retryAfter``) defines
  ``from_user_error``.
- :func:`field`: the error becomes a GraphQL error whose extensions hold ``code`` and
  ``field`` (for queries, which have no payload).
- :func:`field` with ``missing_is_null=True``: a single object the viewer may not see, or
  that does not exist, is ``null`` (``order(id:)``, ``product(id:)``).
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec, TypeVar

import strawberry
from strawberry.types.field import StrawberryField

from app.errors import UserError
from graphql import GraphQLError

P = ParamSpec("P")
T = TypeVar("T")
_CAMEL = re.compile(r"_([a-z])")

Resolver = Callable[..., Awaitable[Any]]


@strawberry.type(description="Something the user can fix: a code, the input field and a message.")
class FieldError:
    code: str
    field: str | None
    message: str


@typing.dataclass_transform(
    order_default=False, kw_only_default=True, field_specifiers=(strawberry.field, StrawberryField)
)
def payload(cls: type[T]) -> type[T]:
    """A mutation payload type: its result fields (null when refused), then ``errors``
    (empty on success)."""
    cls.__annotations__["errors"] = list[FieldError]
    cls.errors = strawberry.field(default_factory=list)  # type: ignore[attr-defined]
    return strawberry.type(cls)


def camel(name: str | None) -> str | None:
    return None if name is None else _CAMEL.sub(lambda m: m.group(1).upper(), name)


def field_errors(exc: UserError) -> list[FieldError]:
    return [FieldError(code=exc.code, field=camel(exc.field), message=exc.message)]


def query_error(exc: UserError) -> GraphQLError:
    """A user error of a query, as a GraphQL error with a typed ``code`` and ``field``."""
    return GraphQLError(exc.message, extensions={"code": exc.code, "field": camel(exc.field)})


def _payload_class(resolver: Resolver) -> type:
    hints = typing.get_type_hints(resolver)
    payload = hints.get("return")
    if not isinstance(payload, type) or "errors" not in getattr(payload, "__annotations__", {}):
        raise TypeError(f"{resolver.__qualname__} must return a payload with an errors field")
    return payload


def failed_payload(payload: type[T], exc: UserError) -> T:
    """The payload of a refused mutation: its errors, nothing else."""
    build = getattr(payload, "from_user_error", None)
    if build is not None:
        return typing.cast(T, build(exc))
    return payload(errors=field_errors(exc))  # type: ignore[call-arg]


def payload_errors(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """Wrap a mutation resolver: a :class:`UserError` becomes its payload's errors."""
    payload: list[type] = []  # resolved on first use: annotations may name later classes

    @functools.wraps(resolver)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await resolver(*args, **kwargs)
        except UserError as exc:
            if not payload:
                payload.append(_payload_class(resolver))
            return typing.cast(T, failed_payload(payload[0], exc))

    return run


def graphql_errors(
    resolver: Callable[P, Awaitable[T]], *, missing_is_null: bool = False
) -> Callable[P, Awaitable[T]]:
    """Wrap a query resolver: a :class:`UserError` becomes a GraphQL error (or null)."""

    @functools.wraps(resolver)
    async def run(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await resolver(*args, **kwargs)
        except UserError as exc:
            if missing_is_null:
                return typing.cast(T, None)
            raise query_error(exc) from None

    return run


def mutation(resolver: Resolver | None = None, /, **options: Any) -> Any:
    """``strawberry.mutation`` whose :class:`UserError` becomes the payload's errors; used
    bare (``@mutation``) or with strawberry's options (``@mutation(description=...)``)."""

    def declare(fn: Resolver) -> Any:
        return strawberry.mutation(**options)(payload_errors(fn))

    return declare(resolver) if resolver is not None else declare


def field(
    resolver: Resolver | None = None, /, *, missing_is_null: bool = False, **options: Any
) -> Any:
    """``strawberry.field`` whose :class:`UserError` becomes a typed GraphQL error, or null
    with ``missing_is_null``; used bare or with strawberry's options."""

    def declare(fn: Resolver) -> Any:
        return strawberry.field(**options)(graphql_errors(fn, missing_is_null=missing_is_null))

    return declare(resolver) if resolver is not None else declare
