"""Per-request DataLoaders for rooms: rooms by id, and whether the viewer follows a
streamer (``Room.isFollowingOwner`` of a whole list in one query)."""

from __future__ import annotations

import asyncio

from strawberry.dataloader import DataLoader

from app.api.context import Info
from app.api.loaders import keyed
from app.rooms import services as rooms
from app.rooms.models import Room
from app.rooms.presence import get_presence


def rooms_by_id(info: Info) -> DataLoader[int, Room | None]:
    return keyed(info, "rooms.by_id", rooms.get_rooms)


def viewer_follows(info: Info) -> DataLoader[int, bool]:
    """Streamer id -> whether the request's viewer follows them."""
    viewer = info.context.principal.user

    async def fetch(streamer_ids: list[int]) -> dict[int, bool]:
        followed = await rooms.followed_among(viewer, streamer_ids)
        return {sid: sid in followed for sid in streamer_ids}

    return keyed(info, "rooms.viewer_follows", fetch, False)


async def _viewer_counts(room_ids: list[int]) -> dict[int, int]:
    """Viewers watching each room now (0 where no presence runs: scripts and tests)."""
    try:
        presence = get_presence()
    except RuntimeError:
        return {}
    counts = await asyncio.gather(*(presence.count(room_id) for room_id in room_ids))
    return dict(zip(room_ids, counts, strict=True))


def viewer_counts(info: Info) -> DataLoader[int, int]:
    """Room id -> viewers watching it now (the rooms of a page at once)."""
    return keyed(info, "rooms.viewer_counts", _viewer_counts, 0)
