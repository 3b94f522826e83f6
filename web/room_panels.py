"""The panels of the room page, in one list: chat beside the video; the coupon drop, the
shelf, gifts and recommended rooms under it.

A panel is a template included in ``rooms/room.html`` in one of the slots
(``side``: beside the video; ``below``: under the video; ``overlay``: over the video),
with the context its async function returns; each domain's page module defines its
panel's template and context, and this list places them. SSE fragments live in
``web/templates/events/<event type>.html`` and are rendered with
``{"data": <the typed room event>, "event": <its envelope>, "room": room, "user": viewer,
"can_moderate": bool}`` (see ``app.rooms.events`` and ``web.sse``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from app.accounts.models import User
from app.rooms.models import Room
from web import chat, commerce, gifts, live_commerce, recs

PanelContext = Callable[[Request, Room, User | None], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Panel:
    template: str
    context: PanelContext
    slot: str = "side"


# In page order within each slot.
ROOM_PANELS: tuple[Panel, ...] = (
    Panel("rooms/panels/coupon.html", commerce.coupon_panel_context, slot="below"),
    Panel("rooms/panels/shelf.html", live_commerce.shelf_context, slot="below"),
    Panel(chat.PANEL, chat.chat_context, slot="side"),
    Panel("rooms/panels/gifts.html", gifts.gifts_context, slot="below"),
    Panel("recs/_room_panel.html", recs.room_panel_context, slot="below"),
)


async def panel_context(request: Request, room: Room, user: User | None) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for panel in ROOM_PANELS:
        merged.update(await panel.context(request, room, user))
    return merged
