"""Count the SQL statements a task runs: for tests (N+1 checks, "refused before any work")
and benchmarks (statements per request).

    with count_queries() as sql:
        await client.post("/graphql", json=body)
    assert sql.count <= 6

Only statements of the task that entered the block, and of the tasks it starts (such as
DataLoader batches), are recorded: not those of background services running meanwhile.
The block wraps the execute methods of the default connection's class, and of its
transactions' class, while it is open.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tortoise import Tortoise

__all__ = ["QueryCounter", "count_queries"]

_EXECUTE_METHODS = ("execute_query", "execute_query_dict", "execute_insert", "execute_many")


@dataclass
class QueryCounter:
    """The SQL statements recorded by one ``count_queries`` block, in order."""

    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


_active: contextvars.ContextVar[QueryCounter | None] = contextvars.ContextVar(
    "livemart_query_counter", default=None
)


@contextlib.contextmanager
def count_queries() -> Iterator[QueryCounter]:
    """Record the SQL statements this task runs inside the block."""
    counter = QueryCounter()
    token = _active.set(counter)
    # (class, name, the method it had, what its own __dict__ held), all read before any
    # patching: a transaction class may inherit from the client class patched first.
    patched = [
        (cls, name, getattr(cls, name), cls.__dict__.get(name))
        for cls in _client_classes()
        for name in _EXECUTE_METHODS
        if getattr(cls, name, None) is not None
    ]
    for client_class, name, original, _ in patched:
        setattr(client_class, name, _counted(original))
    try:
        yield counter
    finally:
        _active.reset(token)
        for client_class, name, _, own in reversed(patched):
            if own is None:
                delattr(client_class, name)
            else:
                setattr(client_class, name, own)


def _client_classes() -> list[type]:
    """The default connection's class and that of its transactions (which is not always a
    subclass of it: Tortoise's SQLite transaction wrapper derives from the plain client)."""
    connection = Tortoise.get_connection("default")
    context = connection._in_transaction()  # builds the wrapper; starts nothing
    wrapper = getattr(context, "client", None) or getattr(context, "connection", None)
    classes = [type(connection)]
    if wrapper is not None and type(wrapper) not in classes:
        classes.append(type(wrapper))
    return classes


def _counted(method: Any) -> Any:
    async def counted(self: Any, query: str, *args: Any, **kwargs: Any) -> Any:
        active = _active.get()
        if active is not None:
            active.statements.append(query)
        return await method(self, query, *args, **kwargs)

    return counted
