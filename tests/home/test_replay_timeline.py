"""A replay's timeline: chat lines and pins at their offsets from the recording's start."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.chat import services as chat
from app.chat.models import ChatMessage
from app.commerce import catalog, shelf
from app.commerce.models import PinMoment
from app.rooms import replays
from app.rooms import services as rooms
from app.rooms.models import LiveSession
from tests.support import STRONG_PASSWORD

pytestmark = pytest.mark.usefixtures("app")


async def make_user(email: str, name: str, role: Role = Role.VIEWER) -> User:
    return await accounts.create_user(email, STRONG_PASSWORD, name, role)


async def test_chat_and_pins_land_at_their_offsets(tmp_path: Path) -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    viewer = await make_user("v@example.com", "Vi")
    tote = await catalog.create_product(streamer, "Canvas tote", "Heavy canvas.")
    socks = await catalog.create_product(streamer, "Wool socks", "Warm.")
    for product, sku in ((tote, "TOTE"), (socks, "SOCK")):
        await catalog.add_variant(streamer, product.id, sku, 2400, stock=5)
    room = await rooms.create_room(streamer, "Bag haul", "fashion")
    for product in (tote, socks):
        await shelf.add_to_shelf(streamer, room.id, product.id)
    await shelf.pin_product(streamer, room.id, tote.id)  # pinned before the live
    await rooms.open_room(streamer, room.id)
    session = await LiveSession.get(room_id=room.id)
    start = session.started_at
    hello = await chat.post_message(viewer, room.id, "hello")
    answer = await chat.post_message(streamer, room.id, "welcome!")
    gone = await chat.post_message(viewer, room.id, "spam")
    await chat.delete_message(streamer, gone.id)
    await shelf.pin_product(streamer, room.id, socks.id)
    await shelf.pin_product(streamer, room.id, None)
    # Place each moment at a known second of the live.
    await ChatMessage.filter(id=hello.id).update(created_at=start + timedelta(seconds=3))
    await ChatMessage.filter(id=answer.id).update(created_at=start + timedelta(seconds=9.5))
    socks_pin, unpin = await PinMoment.filter(room_id=room.id, at__gte=start).order_by("id")
    await PinMoment.filter(id=socks_pin.id).update(at=start + timedelta(seconds=6))
    await PinMoment.filter(id=unpin.id).update(at=start + timedelta(seconds=12))
    await rooms.end_room(streamer, room.id)
    session = await LiveSession.get(id=session.id)
    session.ended_at = start + timedelta(seconds=20)

    origin = replays.replay_origin(session, tmp_path)  # no recording: the session's start
    assert origin == start
    lines = await replays.chat_timeline(session, origin)
    assert [(line.at, line.author, line.text, line.badge) for line in lines] == [
        (3.0, "Vi", "hello", ""),
        (9.5, "Sam", "welcome!", "streamer"),
    ]
    steps = await replays.pin_timeline(session, origin)
    assert [(s.at, s.product_id) for s in steps] == [(0.0, tote.id), (6.0, socks.id), (12.0, None)]
    assert replays.pinned_product_ids(steps) == [tote.id, socks.id]

    # With a recording, offsets count from its first segment's program date time.
    recorded = start + timedelta(seconds=2)
    playlist = tmp_path / str(room.id) / "replay" / "index.m3u8"
    playlist.parent.mkdir(parents=True)
    playlist.write_text(
        "#EXTM3U\n#EXT-X-TARGETDURATION:2\n"
        f"#EXT-X-PROGRAM-DATE-TIME:{recorded.isoformat()}\n#EXTINF:2.0,\nseg0.ts\n"
        "#EXT-X-ENDLIST\n"
    )
    session.replay_path = f"{room.id}/replay/index.m3u8"
    origin = replays.replay_origin(session, tmp_path)
    assert origin == recorded
    assert [line.at for line in await replays.chat_timeline(session, origin)] == [1.0, 7.5]
    assert [(s.at, s.product_id) for s in await replays.pin_timeline(session, origin)] == [
        (0.0, tote.id),
        (4.0, socks.id),
        (10.0, None),
    ]
    await session.save()
    assert [(r.id, s.id) for r, s in await replays.replays_of(streamer.id)] == [
        (room.id, session.id)
    ]
