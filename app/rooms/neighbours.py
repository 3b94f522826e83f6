"""The live rooms before and after a room in the home feed's order (swipe / arrow keys)."""

from __future__ import annotations

from dataclasses import dataclass

from app.rooms import services as rooms

FEED_WINDOW = 200  # rooms of the feed looked at


@dataclass(frozen=True)
class Neighbours:
    previous: int | None
    next: int | None


async def live_neighbours(room_id: int) -> Neighbours:
    """The previous and next live room around ``room_id`` in the home feed's order
    (``rooms_query(status="live")``), wrapping around; a room that is not live (or is the
    only one) leads to the first other live room, or nowhere."""
    found = await rooms.rooms_query(status="live").limit(FEED_WINDOW).values_list("id", flat=True)
    ids = [int(i) for i in found]
    others = [i for i in ids if i != room_id]
    if not others:
        return Neighbours(None, None)
    if room_id not in ids:
        return Neighbours(others[-1], others[0])
    at = ids.index(room_id)
    return Neighbours(ids[(at - 1) % len(ids)], ids[(at + 1) % len(ids)])
