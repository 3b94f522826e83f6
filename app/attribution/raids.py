"""Raids: when a live ends, its streamer may send the room's viewers on to another live
room. Every page of the ended room moves there (a :class:`~app.rooms.events.RoomRaided`
event on the room's stream; GraphQL subscribers get it typed) and the visits it brings
are counted with the source ``raid`` (the pages arrive with ``?src=raid``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.accounts.models import User
from app.attribution.models import Raid
from app.errors import NotFound, UserError
from app.i18n import N_
from app.rooms import events
from app.rooms import services as rooms
from app.rooms.models import Room, RoomStatus
from app.rooms.presence import get_presence

#: How long after its end a room's viewers may still be raided on.
RAID_WINDOW = timedelta(minutes=30)
MAX_TARGETS = 20


def raid_path(to_room_id: int) -> str:
    """Where a raided page goes."""
    return f"/rooms/{to_room_id}?src=raid"


async def _own_ended_room(user: User | None, room_id: int) -> Room:
    room = await rooms.owned_room(
        user, room_id, N_("only the room's streamer can raid with its viewers"), "fromRoomId"
    )
    if room.status != RoomStatus.ENDED or room.ended_at is None:
        raise UserError("NOT_ENDED", "end the live first, then raid", "fromRoomId")
    if datetime.now(UTC) - room.ended_at > RAID_WINDOW:
        raise UserError("RAID_TOO_LATE", "the live ended too long ago to raid", "fromRoomId")
    return room


async def raid_targets(user: User | None, from_room_id: int) -> list[Room]:
    """The live rooms the ended room ``from_room_id`` may raid (most watched first)."""
    await _own_ended_room(user, from_room_id)
    live = await Room.filter(status=RoomStatus.LIVE).exclude(id=from_room_id).limit(200)
    presence = get_presence()
    counts = {room.id: await presence.count(room.id) for room in live}
    live.sort(key=lambda r: (-counts[r.id], -r.id))
    return live[:MAX_TARGETS]


async def raid(user: User | None, from_room_id: int, to_room_id: int) -> Raid:
    """Send the viewers of the user's ended live ``from_room_id`` to the live room
    ``to_room_id`` (once per live)."""
    room = await _own_ended_room(user, from_room_id)
    assert user is not None
    target = await Room.get_or_none(id=to_room_id)
    if target is None:
        raise NotFound("room", "toRoomId")
    if target.id == room.id:
        raise UserError("INVALID_TARGET", "raid another room", "toRoomId")
    if target.status != RoomStatus.LIVE:
        raise UserError("NOT_LIVE", "you can only raid a room that is live", "toRoomId")
    assert room.ended_at is not None
    if await Raid.exists(from_room_id=room.id, created_at__gte=room.ended_at):
        raise UserError("ALREADY_RAIDED", "this live's viewers were already sent on", None)
    viewers = await get_presence().count(room.id)
    made = await Raid.create(
        from_room_id=room.id, to_room_id=target.id, by_id=user.id, viewers=viewers
    )
    owner = await User.get(id=room.owner_id)
    await events.publish(room.id, events.RoomRaided(target.id, target.title, owner.display_name))
    return made


async def last_raid(room_id: int) -> Raid | None:
    """The raid out of ``room_id`` since its last live ended, if any."""
    room = await Room.get_or_none(id=room_id)
    if room is None or room.ended_at is None:
        return None
    return (
        await Raid.filter(from_room_id=room_id, created_at__gte=room.ended_at)
        .order_by("-id")
        .prefetch_related("to_room")
        .first()
    )
