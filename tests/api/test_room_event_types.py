"""The ``RoomEvent`` GraphQL types resolve from the event alone.

The shared fan-out (``app.api.ws``) executes each event once per distinct operation and
sends the same frame to every subscriber of it, so no field of a ``RoomEvent`` member may
read ``info`` (who is asking) or the database. These tests hold every type of the union
to that, including types added later: the samples are built from the dataclasses of
``app.rooms.events``, the selections from the schema.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from datetime import UTC, datetime
from typing import Any

import pytest
import strawberry
from graphql.execution import Executor, execute_subscription_event
from strawberry.types.base import StrawberryList, StrawberryOptional
from tortoise.connection import ConnectionHandler

from app.api.rooms import events as api_events
from app.api.schema import schema
from app.api.ws import SharedContext
from app.events import Event
from app.rooms import events as ev
from app.settings import Settings
from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLUnionType,
    parse,
)


def _sample_value(hint: Any, index: int) -> Any:
    origin = typing.get_origin(hint)
    if origin is types.UnionType or origin is typing.Union:
        (kind,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _sample_value(kind, index)
    if origin is tuple:
        return (_sample_value(typing.get_args(hint)[0], index),)
    if dataclasses.is_dataclass(hint):
        return _sample(hint)  # type: ignore[arg-type]
    if hint is datetime:
        return datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    if hint is bool:
        return True
    if hint is int:
        return 40 + index
    if hint is float:
        return 1.5
    if hint is str:
        return f"text-{index}"
    raise AssertionError(f"no sample for {hint!r}")


def _sample(cls: type) -> Any:
    hints = typing.get_type_hints(cls)
    return cls(
        **{f.name: _sample_value(hints[f.name], i) for i, f in enumerate(dataclasses.fields(cls))}
    )


def _union() -> GraphQLUnionType:
    union = schema._schema.get_type("RoomEvent")
    assert isinstance(union, GraphQLUnionType)
    return union


def _named(type_: Any) -> Any:
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_


def _selection(obj: GraphQLObjectType) -> str:
    """Every field of ``obj``, nested objects included."""
    parts = []
    for name, field in obj.fields.items():
        inner = _named(field.type)
        parts.append(
            f"{name} {{ {_selection(inner)} }}" if isinstance(inner, GraphQLObjectType) else name
        )
    return " ".join(parts)


def _strawberry_types() -> list[type]:
    """The strawberry classes of the union's members and the object types they nest."""
    found: list[type] = []
    pending = [m for m in typing.get_args(typing.get_args(api_events.RoomEvent)[0])]
    while pending:
        cls = pending.pop()
        if cls in found:
            continue
        found.append(cls)
        for field in cls.__strawberry_definition__.fields:
            inner = field.type
            while isinstance(inner, StrawberryOptional | StrawberryList):
                inner = inner.of_type
            if hasattr(inner, "__strawberry_definition__"):
                pending.append(inner)
    return found


def test_every_room_event_has_a_graphql_type_and_every_member_an_event() -> None:
    produced = {
        type(api_events.to_graphql(ev.envelope(1, _sample(cls)))).__name__ for cls in ev.CATALOG
    }
    assert produced == {t.name for t in _union().types}


@pytest.mark.parametrize("cls", _strawberry_types(), ids=lambda c: c.__name__)
def test_ids_are_global_ids(cls: type) -> None:
    """An ``ID`` field of a room event is an opaque global ID, never a raw primary key."""
    for field in cls.__strawberry_definition__.fields:
        inner = field.type
        while isinstance(inner, StrawberryOptional):
            inner = inner.of_type
        if inner is strawberry.ID:
            assert field.python_name in api_events.GLOBAL_IDS, f"{cls.__name__}.{field.name}"


@pytest.mark.parametrize("cls", _strawberry_types(), ids=lambda c: c.__name__)
def test_no_room_event_field_has_a_resolver_that_reads_info(cls: type) -> None:
    for field in cls.__strawberry_definition__.fields:
        resolver = field.base_resolver
        if resolver is None:
            continue  # a plain attribute of the object built from the event
        assert resolver.info_parameter is None, f"{cls.__name__}.{field.name} reads info"
        params = inspect.signature(resolver.wrapped_func).parameters
        assert "info" not in params, f"{cls.__name__}.{field.name} takes info"
        assert not inspect.iscoroutinefunction(resolver.wrapped_func), (
            f"{cls.__name__}.{field.name} awaits something: room event fields are plain data"
        )


class _NobodysContext:
    """A context that fails on any use: a field resolving from the event never touches it."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"a RoomEvent field read info.context.{name}")


@pytest.fixture
def database_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    def closed(self: ConnectionHandler, alias: str) -> Any:
        raise AssertionError(f"a RoomEvent field opened the database ({alias})")

    monkeypatch.setattr(ConnectionHandler, "get", closed)


@pytest.mark.usefixtures("database_closed")
@pytest.mark.parametrize("cls", list(ev.CATALOG), ids=lambda c: c.type)
@pytest.mark.parametrize("context", ["nobody", "shared"])
async def test_every_event_executes_from_the_event_alone(cls: type, context: str) -> None:
    fragments = " ".join(
        f"... on {member.name} {{ __typename {_selection(member)} }}" for member in _union().types
    )
    document = parse(f"subscription($r: ID!) {{ roomEvents(roomId: $r) {{ {fragments} }} }}")
    context_value = _NobodysContext() if context == "nobody" else SharedContext(Settings())
    executor = Executor.build(schema._schema, document, None, context_value, {"r": "x"})
    assert not isinstance(executor, list), executor

    payload = _sample(cls)
    envelope = ev.envelope(7, payload)
    # the way it arrives from another process: decoded from the wire
    value = api_events.to_graphql(Event.decode(envelope.encoded))
    assert value is not None
    result = execute_subscription_event(executor.build_per_event_executor(value))
    if inspect.isawaitable(result):
        result = await result
    assert result.errors is None, result.errors
    data = result.data["roomEvents"]
    assert data["eventId"] == envelope.id
    assert data["at"] == datetime.fromtimestamp(envelope.ts, UTC).isoformat()
    assert data["__typename"] == type(value).__name__


def test_ids_and_times_come_from_the_typed_event() -> None:
    event = ev.envelope(
        3,
        ev.AuctionChanged(
            auction_id=9,
            product_id=None,
            state="live",
            current_price=1200,
            leader_name=None,
            ends_at=datetime(2026, 5, 1, 12, tzinfo=UTC),
        ),
    )
    value = api_events.to_graphql(event)
    assert isinstance(value, api_events.AuctionEvent)
    assert value.auction_id == strawberry.ID(api_events.encode_id("Auction", 9))
    assert value.product_id is None and value.leader_name is None
    assert value.ends_at == datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_unknown_and_malformed_events_from_the_wire_are_skipped() -> None:
    assert api_events.to_graphql(Event.create("room.renamed", {"title": "x"}, 1)) is None
    assert api_events.to_graphql(Event.create(ev.VIEWERS, {"count": "many"}, 1)) is None
    assert api_events.to_graphql(Event.create(ev.VIEWERS, {"count": 3}, 1)) is None  # no peak
    assert api_events.to_graphql(Event.create(ev.LEADERBOARD, {"entries": [{}]}, 1)) is None
    assert (
        api_events.to_graphql(Event.create(ev.USER_MUTED, {"user_id": 1, "until": "soon"}, 1))
        is None
    )
