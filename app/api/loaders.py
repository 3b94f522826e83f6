"""Per-request DataLoaders: one query per kind of object per request, however many rows a
list shows (no N+1). Each domain keeps its loaders in ``app/api/<domain>/loaders.py``,
built with :func:`keyed` over a service's batch lookup."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from strawberry.dataloader import DataLoader

from app.api.context import Info

Fetch = Callable[[list[Any]], Awaitable[dict[Any, Any]]]


def keyed(info: Info, name: str, fetch: Fetch, default: Any = None) -> DataLoader[Any, Any]:
    """The request's loader ``name``: ``fetch(keys)`` answers ``{key: value}`` for a batch
    of keys; a key it leaves out loads as ``default`` (called when callable: ``list``)."""

    async def load(keys: list[Any]) -> list[Any]:
        found = await fetch(list(keys))
        return [found.get(key, default() if callable(default) else default) for key in keys]

    return info.context.loader(name, lambda: DataLoader(load_fn=load))
