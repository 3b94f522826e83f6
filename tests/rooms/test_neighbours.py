"""Swipe / arrow keys in the room go to the previous and next live room in the home feed's
order (``rooms_query(status="live")``), wrapping around."""

from __future__ import annotations

from typing import Any

from app.accounts.models import Role, User
from app.rooms.models import Room, RoomStatus
from app.rooms.neighbours import Neighbours, live_neighbours


async def _room(owner: User, title: str, peak: int, status: RoomStatus) -> int:
    room = await Room.create(
        owner_id=owner.id,
        title=title,
        status=status,
        media_state="live",  # on air: the feed lists only rooms with video
        peak_viewers=peak,
        stream_key=f"sk-{title}",
    )
    return room.id


async def test_neighbours_follow_the_home_feed_order(app: Any) -> None:
    owner = await User.create(
        email="mia@example.com", display_name="Mia", password_hash="x", role=Role.STREAMER
    )
    busy = await _room(owner, "busy", 500, RoomStatus.LIVE)
    middle = await _room(owner, "middle", 50, RoomStatus.LIVE)
    quiet = await _room(owner, "quiet", 5, RoomStatus.LIVE)
    ended = await _room(owner, "ended", 900, RoomStatus.ENDED)
    assert await live_neighbours(middle) == Neighbours(busy, quiet)
    assert await live_neighbours(quiet) == Neighbours(middle, busy)  # wraps around
    assert await live_neighbours(busy) == Neighbours(quiet, middle)
    assert await live_neighbours(ended) == Neighbours(quiet, busy)  # not live: into the feed
    await Room.filter(id__in=[busy, quiet]).update(status=RoomStatus.ENDED)
    assert await live_neighbours(middle) == Neighbours(None, None)  # the only live room
