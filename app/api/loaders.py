"""Per-request DataLoaders: one query per kind of object per request, however many rows a
list shows (no N+1). Each domain keeps its loaders in ``app/api/<domain>/loaders.py``,
built with :func:`keyed` over a service's batch lookup.

A page resolver (``products``, ``rooms``) loads, in one step, what its nodes' fields will
ask the loaders for (:func:`connection_node_fields` says which fields the document selects),
and those fields read the loaded values with :func:`now_or_later`: the value itself when
the loader holds it, so graphql-core completes the whole page synchronously (no coroutine,
future and gather per field and row: computing a 20-product page was ~30 ms of CPU, most
of it the asynchronous machinery of ~200 awaited fields), an awaitable otherwise (a field
outside a prefetched page still batches through the loader as before). The SQL is the same
statements: the same loaders, the same keys, one batch each.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from typing import Any

from strawberry.dataloader import DataLoader
from strawberry.types.nodes import SelectedField, Selection

from app.api.context import Info

Fetch = Callable[[list[Any]], Awaitable[dict[Any, Any]]]


def keyed(info: Info, name: str, fetch: Fetch, default: Any = None) -> DataLoader[Any, Any]:
    """The request's loader ``name``: ``fetch(keys)`` answers ``{key: value}`` for a batch
    of keys; a key it leaves out loads as ``default`` (called when callable: ``list``)."""

    async def load(keys: list[Any]) -> list[Any]:
        found = await fetch(list(keys))
        return [found.get(key, default() if callable(default) else default) for key in keys]

    return info.context.loader(name, lambda: DataLoader(load_fn=load))


def _identity(value: Any) -> Any:
    return value


def now_or_later(
    loader: DataLoader[Any, Any], key: Any, convert: Callable[[Any], Any] = _identity
) -> Any:
    """``convert`` of the loader's value for ``key``: the value itself when the loader has
    it already (a page prefetched it), else an awaitable of it (for a sync resolver: graphql-
    core awaits what a resolver returns when it is awaitable)."""
    future = loader.load(key)
    if future.done():  # type: ignore[attr-defined]
        return convert(future.result())  # type: ignore[attr-defined]

    async def later() -> Any:
        return convert(await future)

    return later()


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    """The fields of a selection, through fragments and inline fragments."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        else:
            yield from _fields(selection.selections)


def connection_node_fields(info: Info) -> set[str]:
    """The GraphQL names of the fields the document selects on the nodes of the connection
    that ``info``'s field returns (under ``edges { node }`` and ``nodes``)."""
    names: set[str] = set()
    for field in info.selected_fields:
        for part in _fields(field.selections):
            if part.name == "nodes":
                names.update(f.name for f in _fields(part.selections))
            elif part.name == "edges":
                for edge in _fields(part.selections):
                    if edge.name == "node":
                        names.update(f.name for f in _fields(edge.selections))
    return names


async def load_all(*batches: Awaitable[Any]) -> None:
    """Wait for several loaders' ``load_many`` at once (each still one batch)."""
    for batch in batches:  # the loaders dispatch together on the first await
        await batch
