"""Errors raised by the recommender package."""

from __future__ import annotations

from collections.abc import Hashable


class RecsysError(Exception):
    """Base class of the errors this package raises on purpose."""


class UnknownId(RecsysError, KeyError):
    """An id the model has never seen.  A ``KeyError``, so ``except KeyError`` works too."""

    kind = "id"

    def __init__(self, value: Hashable) -> None:
        super().__init__(value)
        self.value = value

    def __str__(self) -> str:
        return f"unknown {self.kind}: {self.value!r}"


class UnknownItem(UnknownId):
    """An item id that is not in the model (a product added after the last training)."""

    kind = "item"


class UnknownUser(UnknownId):
    """A user id that is not in the model."""

    kind = "user"


class NoModel(RecsysError, FileNotFoundError):
    """A model store holds no saved model yet."""
