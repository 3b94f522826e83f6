"""The panels of the room page, in one list: the pinned product over the video; chat beside
the video (over its lower part on a phone); the coupon drop, the shelf, gifts and
recommended rooms under it.

A panel is a template included in ``rooms/room.html`` in one of the slots
(``side``: beside the video; ``below``: under the video; ``overlay``: over the video).
Its context comes in two parts, both defined by the domain's page module:

* ``shared(room)``: what every viewer sees alike, i.e. the anonymous view. It is built once
  per room for all viewers and cached briefly (``web.page_cache``), so it must not depend
  on the request; per-response values are placeholders (``web.page_keys``).
* ``personal(request, room, user, shared, state)``: the keys a signed-in viewer sees
  differently (balance, mute state, units bought), laid over the shared ones; ``state`` is
  the viewer's facts read for all panels in one statement (``app.rooms.viewer_state``).

SSE fragments live in ``web/templates/events/<event type>.html`` and are rendered with
``{"data": <the typed room event>, "event": <its envelope>, "room": room, "user": viewer,
"can_moderate": bool}`` (see ``app.rooms.events`` and ``web.sse``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import Any

from starlette.requests import Request

from app.accounts.models import User
from app.rooms.models import Room
from app.rooms.viewer_state import ViewerState, viewer_state
from web import chat, commerce, gifts, live_commerce, recs

SharedContext = Callable[[Room], Awaitable[dict[str, Any]]]
PersonalContext = Callable[
    [Request, Room, User, dict[str, Any], ViewerState], Awaitable[dict[str, Any]]
]


@dataclass(frozen=True)
class Panel:
    template: str
    shared: SharedContext
    personal: PersonalContext | None = None
    slot: str = "side"
    #: The whole template differs from viewer to viewer: the signed-in page's shell (one
    #: rendering per room, ``web.rooms``) leaves it to each viewer. Otherwise only the parts
    #: the template marks ``{{ personal(...) }}`` are the viewer's own.
    per_viewer: bool = False
    #: ``personal`` gives every signed-in viewer the same keys: the shell is rendered with them.
    signed_in_alike: bool = False


# In page order within each slot.
ROOM_PANELS: tuple[Panel, ...] = (
    Panel("rooms/panels/pinned.html", live_commerce.pinned_shared, slot="overlay"),
    Panel(
        "rooms/panels/coupon.html",
        commerce.coupon_panel_shared,
        slot="below",
        per_viewer=True,  # the streamer's note or the viewer's claim button
    ),
    Panel(
        "rooms/panels/shelf.html",
        live_commerce.shelf_shared,
        live_commerce.shelf_personal,
        slot="below",
    ),
    Panel(chat.PANEL, chat.chat_shared, chat.chat_personal, slot="side", per_viewer=True),
    Panel("rooms/panels/gifts.html", gifts.gifts_shared, gifts.gifts_personal, slot="below"),
    Panel(
        "recs/_room_panel.html",
        recs.room_panel_shared,
        recs.room_panel_personal,
        "below",
        signed_in_alike=True,  # loaded after first paint
    ),
)


async def shared_context(room: Room) -> dict[str, Any]:
    """Every panel's shared context, merged."""
    merged: dict[str, Any] = {}
    for panel in ROOM_PANELS:
        merged.update(await panel.shared(room))
    return merged


async def personal_context(
    request: Request,
    room: Room,
    user: User,
    shared: dict[str, Any],
    state: ViewerState | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every panel's keys for the signed-in ``user``, merged, and ``following`` (the
    viewer's own facts come from one query, or ``state`` when read with the session:
    ``app.rooms.viewer_state.session_viewer``); and, apart, those of them that every
    signed-in viewer gets alike (``Panel.signed_in_alike``)."""
    sales = [s["sale_id"] for s in shared.get("shelf_sales", ())]
    if state is None:
        state = await viewer_state(user.id, room.id, room.owner_id, sales)
    else:  # units of the sales the page shows only
        bought = {sale: units for sale, units in state.bought.items() if sale in sales}
        state = replace(state, bought=bought)
    merged: dict[str, Any] = {"following": state.following}
    alike: dict[str, Any] = {}
    for panel in ROOM_PANELS:
        if panel.personal is not None:
            keys = await panel.personal(request, room, user, shared, state)
            merged.update(keys)
            if panel.signed_in_alike:
                alike.update(keys)
    return merged, alike
