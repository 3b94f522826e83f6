"""Typed user errors in mutation payloads, and helpers to produce them."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry

from app.errors import UserError

T = TypeVar("T")
_CAMEL = re.compile(r"_([a-z])")


@strawberry.type(description="Something the user can fix: a code, the input field and a message.")
class FieldError:
    code: str
    field: str | None
    message: str


def camel(name: str | None) -> str | None:
    return None if name is None else _CAMEL.sub(lambda m: m.group(1).upper(), name)


def field_errors(exc: UserError) -> list[FieldError]:
    return [FieldError(code=exc.code, field=camel(exc.field), message=exc.message)]


async def attempt(action: Callable[[], Awaitable[T]]) -> tuple[T | None, list[FieldError]]:
    """Run a service call; a :class:`UserError` becomes payload errors."""
    try:
        return await action(), []
    except UserError as exc:
        return None, field_errors(exc)
