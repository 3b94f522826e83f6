"""Errors a user can cause. Services raise :class:`UserError`; interfaces render it.

GraphQL mutations turn it into a typed ``{code, field, message}`` entry in the payload;
pages show ``message`` next to ``field``. Nothing is changed when one is raised.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class UserError(Exception):
    code: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        return self.message


class NotFound(UserError):
    def __init__(self, what: str = "object", field: str | None = None) -> None:
        super().__init__("NOT_FOUND", f"{what} not found", field)


class PermissionDenied(UserError):
    def __init__(self, message: str = "you are not allowed to do this") -> None:
        super().__init__("FORBIDDEN", message, None)


class AuthRequired(UserError):
    def __init__(self) -> None:
        super().__init__("UNAUTHENTICATED", "log in first", None)
