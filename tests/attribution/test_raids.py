"""Raids through the service: who may raid, which rooms, once per live, and the typed
event every page and subscriber of the ended room receives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.api.rooms.events import RoomRaidedEvent, to_graphql
from app.attribution import raids
from app.attribution.models import Raid
from app.errors import UserError
from app.rooms import events as ev
from app.rooms import services as rooms
from app.rooms.models import Room
from tests.commerce.helpers import live_room, make_merchant, make_user, room_events


async def codes(coro: object) -> str:
    with pytest.raises(UserError) as found:
        await coro  # type: ignore[misc]
    return found.value.code


async def test_a_streamer_raids_another_live_room_once_after_the_live_ends(app: object) -> None:
    maya = await make_merchant("maya@example.com", "Maya")
    leo = await make_merchant("leo@example.com", "Leo")
    mine = await live_room(maya, "Maya's live")
    theirs = await live_room(leo, "Leo's live")
    assert await codes(raids.raid(maya, mine.id, theirs.id)) == "NOT_ENDED"
    await rooms.end_room(maya, mine.id)
    assert [r.id for r in await raids.raid_targets(maya, mine.id)] == [theirs.id]
    viewer = await make_user("viewer@example.com", "Viewer")
    assert await codes(raids.raid(viewer, mine.id, theirs.id)) == "FORBIDDEN"
    assert await codes(raids.raid(None, mine.id, theirs.id)) == "UNAUTHENTICATED"
    assert await codes(raids.raid(maya, mine.id, mine.id)) == "INVALID_TARGET"
    assert await codes(raids.raid(maya, mine.id, theirs.id + 99)) == "NOT_FOUND"
    scheduled = await rooms.create_room(leo, "Later")
    assert await codes(raids.raid(maya, mine.id, scheduled.id)) == "NOT_LIVE"
    async with room_events(mine.id) as log:
        made = await raids.raid(maya, mine.id, theirs.id)
    assert (made.from_room_id, made.to_room_id, made.by_id) == (mine.id, theirs.id, maya.id)
    [data] = log.of(ev.ROOM_RAIDED)
    assert data == {"to_room_id": theirs.id, "to_title": "Leo's live", "from_name": "Maya"}
    [envelope] = [e for e in log.events if e.type == ev.ROOM_RAIDED]
    typed = to_graphql(envelope)
    assert isinstance(typed, RoomRaidedEvent) and typed.to_title == "Leo's live"
    assert await codes(raids.raid(maya, mine.id, theirs.id)) == "ALREADY_RAIDED"
    assert (await raids.last_raid(mine.id)) is not None
    assert raids.raid_path(theirs.id) == f"/rooms/{theirs.id}?src=raid"
    # long after the end, no more raids
    await Raid.all().delete()
    await Room.filter(id=mine.id).update(ended_at=datetime.now(UTC) - timedelta(hours=2))
    assert await codes(raids.raid(maya, mine.id, theirs.id)) == "RAID_TOO_LATE"
