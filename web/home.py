"""The home page: live now (with viewer counts), upcoming, followed streamers, search for
rooms and products."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.commerce import catalog
from app.rooms import services as rooms
from app.rooms.presence import get_presence
from web import recs as recs_pages
from web.forms import load_user
from web.templating import render


async def home(request: Request) -> Response:
    user = await load_user(request)
    q = request.query_params.get("q", "")[:80]
    live = await rooms.rooms_query(status="live", search=q or None).limit(24)
    upcoming = await rooms.rooms_query(status="scheduled", search=q or None).limit(12)
    followed = await rooms.live_followed(user) if user else []
    found = await catalog.products_query(search=q).limit(12) if q else []
    presence = get_presence()
    viewers = {room.id: await presence.count(room.id) for room in [*followed, *live]}
    ctx = {
        "live": live,
        "upcoming": upcoming,
        "followed": followed,
        "q": q,
        "viewers": viewers,
        "products": await recs_pages.product_cards(list(found)),
    }
    ctx.update(await recs_pages.home_context(user))
    return render(request, "home.html", ctx)


routes = [Route("/", home, name="home")]
