"""The home page as a live feed: live rooms with refreshing thumbnails, viewer counts and a
muted preview, categories, upcoming lives with "Remind me", recent replays, followed
streamers, and search for rooms and products."""

from __future__ import annotations

import time

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.accounts import services as accounts
from app.commerce import catalog
from app.errors import UserError
from app.rooms import replays, schedule
from app.rooms import services as rooms
from app.rooms.presence import get_presence
from web import recs as recs_pages
from web.forms import checked_form, field, is_htmx, load_user
from web.templating import render

# The live thumbnails' URLs carry a time bucket of this many seconds (the media worker
# rewrites thumb.jpg every 5 s): browsers and caches fetch each bucket once, and
# static/js/feed.js moves the bucket on while the page is open.
THUMB_BUCKET_S = 5


def thumb_bucket(now: float | None = None) -> int:
    """The current thumbnail time bucket."""
    return int((now if now is not None else time.time()) // THUMB_BUCKET_S)


async def home(request: Request) -> Response:
    user = await load_user(request)
    q = request.query_params.get("q", "")[:80]
    category = request.query_params.get("category", "")[:40].strip().lower()
    if category and category not in rooms.CATEGORIES:
        category = ""
    live = await rooms.rooms_query(
        status="live", category=category or None, search=q or None
    ).limit(24)
    upcoming = await schedule.upcoming(12, category or None) if not q else []
    followed = await rooms.live_followed(user) if user else []
    found = await catalog.products_query(search=q).limit(12) if q else []
    presence = get_presence()
    viewers = {room.id: await presence.count(room.id) for room in [*followed, *live]}
    ctx = {
        "live": live,
        "upcoming": upcoming,
        "reminded": await schedule.reminded_rooms(user, [r.id for r in upcoming]),
        "replays": await replays.recent_replays(8) if not q and not category else [],
        "followed": followed,
        "q": q,
        "category": category,
        "categories": rooms.CATEGORIES,
        "viewers": viewers,
        "thumb_bucket": thumb_bucket(),
        "thumb_bucket_s": THUMB_BUCKET_S,
        "products": await recs_pages.product_cards(list(found)),
    }
    ctx.update(await recs_pages.home_context(user))
    ctx["new_account"] = accounts.is_new_account(user) if user else False
    return render(request, "home.html", ctx)


async def remind(request: Request) -> Response:
    """POST /rooms/{id}/remind (``action=remind|forget``): the viewer's reminder of a
    scheduled live. htmx swaps the button; without JavaScript the page reloads."""
    form = await checked_form(request)
    user = await load_user(request)
    room_id = int(request.path_params["room_id"])
    back = field(form, "next", 200)
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    if user is None:
        to = f"/login?next={back}"
        if is_htmx(request):
            return HTMLResponse("", headers={"HX-Redirect": to})
        return RedirectResponse(to, status_code=303)
    try:
        room = await rooms.get_room(room_id)
    except UserError:
        raise HTTPException(404, "This room does not exist.") from None
    error = ""
    try:
        if field(form, "action", 10) == "forget":
            await schedule.forget_reminder(user, room.id)
        else:
            await schedule.remind_me(user, room.id)
    except UserError as exc:
        error = exc.message
    if not is_htmx(request):
        if error:
            raise HTTPException(422, error)
        return RedirectResponse(back, status_code=303)
    reminded = await schedule.reminded_rooms(user, [room.id])
    return render(
        request,
        "home/_remind.html",
        {"room": room, "reminded": reminded, "remind_error": error, "next": back},
        422 if error else 200,
    )


routes = [
    Route("/", home, name="home"),
    Route("/rooms/{room_id:int}/remind", remind, methods=["POST"]),
]
