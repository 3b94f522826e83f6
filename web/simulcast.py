"""The studio's simulcast page: where a streamer's lives are copied to.

| route | who |
| --- | --- |
| ``GET /studio/simulcast`` | streamers |
| ``POST /studio/simulcast`` (``action``: add, enable, disable, remove) | streamers |
| ``GET /studio/simulcast/status`` | streamers: the status list alone (htmx, every 5 s) |

The full address (with its stream key) is typed once and never shown again: the page
shows the hint with the key hidden. Forms work without JavaScript.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.errors import PermissionDenied, UserError
from app.rooms.services import require_streamer
from app.simulcast import services as simulcast
from web.forms import checked_form, field, load_user
from web.templating import render

NOTICES = {
    "add": "Destination added: your next live (or this one, within seconds) is copied there.",
    "enable": "Destination turned on.",
    "disable": "Destination turned off.",
    "remove": "Destination removed.",
}


async def _streamer(request: Request) -> User | Response:
    user = await load_user(request)
    if user is None:
        return RedirectResponse(f"/login?next={request.url.path}", 303)
    try:
        require_streamer(user)
    except PermissionDenied as exc:
        raise HTTPException(403, exc.message) from None
    return user


async def _context(user: User, **more: Any) -> dict[str, Any]:
    return {
        "destinations": await simulcast.destinations(user),
        "max_destinations": simulcast.MAX_DESTINATIONS,
        **more,
    }


async def _act(request: Request, user: User, action: str, form: Any) -> None:
    if action == "add":
        settings = request.app.state.settings
        await simulcast.add_destination(
            user,
            field(form, "name", 200),
            field(form, "url", 2000),
            settings.secret_key,
            allow_private=settings.simulcast_private_destinations,
        )
        return
    raw = field(form, "destination_id", 20)
    if not raw.isdigit():
        raise UserError("NOT_FOUND", "simulcast destination not found", "destinationId")
    if action in ("enable", "disable"):
        await simulcast.set_enabled(user, int(raw), action == "enable")
    elif action == "remove":
        await simulcast.remove_destination(user, int(raw))
    else:
        raise UserError("UNKNOWN_ACTION", "unknown action", "action")


async def simulcast_page(request: Request) -> Response:
    """GET/POST /studio/simulcast: the streamer's destinations, their status, add/remove."""
    form = await checked_form(request) if request.method == "POST" else None
    found = await _streamer(request)
    if isinstance(found, Response):
        return found
    user = found
    if form is None:
        return render(request, "studio/simulcast.html", await _context(user))
    action = field(form, "action", 20)
    try:
        await _act(request, user, action, form)
    except UserError as exc:
        ctx = await _context(
            user, error=exc.message, error_field=exc.field, draft_name=field(form, "name", 200)
        )
        return render(
            request, "studio/simulcast.html", ctx, 404 if exc.code == "NOT_FOUND" else 422
        )
    return render(request, "studio/simulcast.html", await _context(user, notice=NOTICES[action]))


async def simulcast_status(request: Request) -> Response:
    """GET /studio/simulcast/status: the destinations' statuses (the studio refreshes it)."""
    found = await _streamer(request)
    if isinstance(found, Response):
        return found
    return render(request, "studio/_simulcast_status.html", await _context(found))


routes = [
    Route("/studio/simulcast", simulcast_page, methods=["GET", "POST"], name="simulcast"),
    Route("/studio/simulcast/status", simulcast_status, name="simulcast_status"),
]
