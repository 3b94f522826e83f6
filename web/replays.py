"""The replay page: the recorded live with its chat replayed at the moments it was said and
the product that was pinned at each moment, shoppable beside the video."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.commerce import catalog
from app.errors import UserError
from app.rooms import replays
from app.rooms import services as rooms
from web import recs as recs_pages
from web.forms import load_user
from web.templating import render


async def replay_page(request: Request) -> Response:
    await load_user(request)
    try:
        room = await rooms.get_room(int(request.path_params["room_id"]))
    except UserError:
        raise HTTPException(404, "This room does not exist.") from None
    session = await rooms.latest_replay(room.id)
    owner = await room.owner
    ctx: dict = {"room": room, "owner": owner, "session": session, "lines": [], "pins": []}
    if session is not None:
        origin = replays.replay_origin(session, request.app.state.settings.hls_dir)
        steps = await replays.pin_timeline(session, origin)
        found = await catalog.get_products(replays.pinned_product_ids(steps))
        cards = {c.product.id: c for c in await recs_pages.product_cards([found[i] for i in found])}
        ctx["lines"] = await replays.chat_timeline(session, origin)
        ctx["pins"] = [(s, cards.get(s.product_id) if s.product_id else None) for s in steps]
        ctx["cards"] = [cards[i] for i in replays.pinned_product_ids(steps) if i in cards]
    return render(request, "rooms/replay.html", ctx)


routes = [Route("/rooms/{room_id:int}/replay", replay_page, name="replay")]
