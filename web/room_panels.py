"""Panels of the room page, contributed by each domain (chat, gifts, shelf, ...).

A panel is a template included in ``rooms/room.html`` in one of the slots
(``side``: beside the video; ``below``: under the video; ``overlay``: over the video),
with the context its async function returns. SSE fragments live in
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

PanelContext = Callable[[Request, Room, User | None], Awaitable[dict[str, Any]]]


@dataclass(frozen=True)
class Panel:
    template: str
    context: PanelContext
    slot: str = "side"
    order: int = 50


PANELS: list[Panel] = []


def register(template: str, context: PanelContext, slot: str = "side", order: int = 50) -> None:
    """Add a panel to the room page (idempotent per template)."""
    if any(p.template == template for p in PANELS):
        return
    PANELS.append(Panel(template, context, slot, order))
    PANELS.sort(key=lambda p: p.order)


async def panel_context(request: Request, room: Room, user: User | None) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for panel in PANELS:
        merged.update(await panel.context(request, room, user))
    return merged
