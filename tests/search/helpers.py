"""A small catalog for the search tests: streamers, rooms (live and ended), products."""

from __future__ import annotations

from app.accounts.models import User
from app.rooms import services as rooms
from app.rooms.models import Room
from app.search.service import Hit
from tests.commerce.helpers import live_room, make_merchant


async def room_in(owner: User, title: str, category: str = "general", live: bool = True) -> Room:
    room = await rooms.create_room(owner, title, category)
    if live:
        return await live_room_of(owner, room.id)
    return await Room.get(id=room.id)


async def live_room_of(owner: User, room_id: int) -> Room:
    return await rooms.open_room(owner, room_id)


async def ended_room(owner: User, title: str) -> Room:
    room = await live_room(owner, title)
    return await rooms.end_room(owner, room.id)


async def streamer(n: int, name: str | None = None) -> User:
    return await make_merchant(f"streamer{n}@example.com", name or f"Streamer {n}")


def titles(hits: list[Hit]) -> list[str]:
    return [hit.title for hit in hits]
