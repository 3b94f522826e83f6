"""Typed payloads and the JSON ``data`` of their envelopes (``app.events.payload``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar

import pytest

from app.events import Event
from app.events.payload import Catalog, Payload, PayloadError
from app.rooms import events as ev
from tests.api.test_room_event_types import _sample


@pytest.mark.parametrize("cls", list(ev.CATALOG), ids=lambda c: c.type)
def test_every_room_event_survives_the_wire(cls: type[Payload]) -> None:
    event = _sample(cls)
    envelope = ev.envelope(12, event)
    received = Event.decode(envelope.encoded)  # another process reads the Redis message
    assert json.loads(envelope.encoded).keys() == {"type", "id", "room_id", "ts", "data"}
    assert received.type == cls.type and received.room_id == "12"
    assert ev.payload_of(received) == event


def test_the_wire_format_is_the_documented_envelope() -> None:
    """What older processes publish (and read) stays readable: the data is plain JSON."""
    text = json.dumps(
        {
            "type": "user.muted",
            "id": "abc",
            "room_id": "4",
            "ts": 1.5,
            "data": {"user_id": 9, "until": "2026-03-01T10:30:00+00:00"},
        }
    )
    assert ev.payload_of(Event.decode(text)) == ev.UserMuted(
        user_id=9, until=datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    )
    board = ev.LeaderboardChanged(entries=(ev.LeaderboardRow(1, "Ann", 30),))
    assert board.to_data() == {"entries": [{"user_id": 1, "user_name": "Ann", "coins": 30}]}
    unmuted = ev.UserMuted(user_id=9)
    assert unmuted.to_data() == {"user_id": 9, "until": None}


def test_times_keep_their_offset_and_naive_ones_are_read_as_utc() -> None:
    plus_two = datetime(2026, 3, 1, 12, tzinfo=timezone(timedelta(hours=2)))
    sale = ev.FlashSaleChanged(
        sale_id=1, product_id=2, state="live", price=100, remaining=3, ends_at=plus_two
    )
    assert ev.FlashSaleChanged.from_data(sale.to_data()).ends_at == plus_two
    naive = {**sale.to_data(), "ends_at": "2026-03-01T10:00:00"}
    assert ev.FlashSaleChanged.from_data(naive).ends_at == datetime(2026, 3, 1, 10, tzinfo=UTC)


def test_keys_a_newer_publisher_adds_are_ignored_and_optional_ones_default() -> None:
    assert ev.ViewerCount.from_data({"count": 3, "peak": 5, "regions": {"eu": 3}}) == (
        ev.ViewerCount(count=3, peak=5)
    )
    assert ev.ChatMessageDeleted.from_data({"message_id": 4}) == ev.ChatMessageDeleted(4)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([1, 2], "expected an object"),
        ({"count": 1}, "peak is missing"),
        ({"count": "1", "peak": 1}, "count: expected an integer"),
        ({"count": True, "peak": 1}, "count: expected an integer"),
        ({"count": 1.0, "peak": 1}, "count: expected an integer"),
        ({"count": None, "peak": 1}, "count: expected an integer"),
    ],
)
def test_data_that_does_not_fit_is_refused_whole(data: Any, message: str) -> None:
    with pytest.raises(PayloadError, match=message):
        ev.ViewerCount.from_data(data)


def test_nested_and_time_fields_are_checked_too() -> None:
    with pytest.raises(PayloadError, match=r"entries\[0\]: coins is missing"):
        ev.LeaderboardChanged.from_data({"entries": [{"user_id": 1, "user_name": "A"}]})
    with pytest.raises(PayloadError, match="entries: expected a list"):
        ev.LeaderboardChanged.from_data({"entries": "A"})
    with pytest.raises(PayloadError, match="until: 'tomorrow' is not an ISO 8601 time"):
        ev.UserMuted.from_data({"user_id": 1, "until": "tomorrow"})
    with pytest.raises(PayloadError, match="pinned: expected true or false"):
        ev.ProductPinned.from_data({"product_id": 1, "pinned": 1})


def test_unknown_types_are_not_room_events() -> None:
    assert ev.CATALOG.load("room.renamed", {"title": "x"}) is None
    assert ev.payload_of(Event.create("room.renamed", {"title": "x"}, 1)) is None
    assert ev.payload_of(Event.create(ev.VIEWERS, {"count": "x", "peak": 1}, 1)) is None


def test_events_are_frozen() -> None:
    event = ev.LikeBurst(count=1, total=2)
    with pytest.raises(AttributeError):
        event.count = 5  # type: ignore[misc]


def test_a_catalog_refuses_duplicate_types_and_fields_it_cannot_carry() -> None:
    @dataclass(frozen=True, slots=True)
    class Again(Payload):
        type: ClassVar[str] = ev.LIKE_BURST
        n: int

    @dataclass(frozen=True, slots=True)
    class Loose(Payload):
        type: ClassVar[str] = "loose"
        extra: dict[str, Any]

    @dataclass(frozen=True, slots=True)
    class Untyped(Payload):
        n: int

    with pytest.raises(ValueError, match="unique type"):
        Catalog(ev.LikeBurst, Again)
    with pytest.raises(TypeError, match="unsupported payload field type"):
        Catalog(Loose)
    with pytest.raises(ValueError, match="unique type"):
        Catalog(Untyped)
