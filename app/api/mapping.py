"""Mapping models to GraphQL types without hand-copied field lists.

- :func:`from_model` builds a strawberry type from a model object: each field of the type
  (a private ``_merchant_id`` included, read from ``merchant_id``) takes the model's
  attribute of the same name unless given as a keyword.
- :func:`public_nodes` and :func:`visible_nodes` give a Relay type its ``resolve_nodes``
  from a service's batch lookup (``{pk: model}``); the service decides what the viewer may
  see, the type only maps it.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

from app.accounts.models import User
from app.api.context import Info
from app.api.ids import in_order, int_ids

T = TypeVar("T")
PublicFetch = Callable[[list[int]], Awaitable[Mapping[int, Any]]]
ViewerFetch = Callable[[list[int], User | None], Awaitable[Mapping[int, Any]]]


@functools.cache
def _init_fields(cls: Any) -> tuple[tuple[str, str], ...]:
    """``(field, model attribute)`` of each init field of ``cls`` (read once per class: a
    page of 20 products maps ~100 objects)."""
    fields = dataclasses.fields(cls)
    return tuple((f.name, f.name.lstrip("_")) for f in fields if f.init)


def from_model(cls: type[T], model: Any, **given: Any) -> T:
    """``cls`` with every init field read from ``model`` (``_x`` from ``x``) or ``given``."""
    values = {
        name: given[name] if name in given else getattr(model, attribute)
        for name, attribute in _init_fields(cast(Any, cls))
    }
    return cls(**values)


def _mapper(cls: Any) -> Callable[[Any], Any]:
    return getattr(cls, "from_model", None) or (lambda model: from_model(cls, model))


def public_nodes(fetch: PublicFetch) -> Any:
    """A ``resolve_nodes`` classmethod over ``fetch(ids) -> {pk: model}`` (anyone sees)."""

    async def resolve_nodes(
        cls: Any, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        found = await fetch(int_ids(node_ids))
        return in_order(node_ids, found, _mapper(cls))

    return classmethod(resolve_nodes)


def visible_nodes(fetch: ViewerFetch) -> Any:
    """A ``resolve_nodes`` classmethod over ``fetch(ids, viewer) -> {pk: model}``: the
    service's visibility rule decides which objects the viewer gets."""

    async def resolve_nodes(
        cls: Any, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        found = await fetch(int_ids(node_ids), info.context.principal.user)
        return in_order(node_ids, found, _mapper(cls))

    return classmethod(resolve_nodes)
