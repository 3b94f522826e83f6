"""All page routes, static files and error pages."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from app.i18n import gettext
from web import (
    accounts,
    admin,
    analytics,
    attribution,
    buy_sheet,
    chat,
    commerce,
    experiments,
    faq,
    gifts,
    home,
    live_commerce,
    marketing,
    media,
    notifications,
    preferences,
    profiles,
    replays,
    rooms,
    simulcast,
    streamer_profile,
)
from web import recs as recs_pages
from web import search as search_pages
from web.path_ids import ids_in_range
from web.templating import STATIC_DIR, render


def page_routes() -> list[BaseRoute]:
    """Every page, fragment and stream of the HTML interface, and the static files."""
    pages = [
        *home.routes,
        *accounts.routes,
        *chat.routes,
        *admin.routes,
        *experiments.routes,
        *gifts.routes,
        *rooms.routes,
        *media.routes,
        *commerce.routes,
        *live_commerce.routes,
        *buy_sheet.routes,
        *marketing.routes,
        *analytics.routes,
        *recs_pages.routes,
        *search_pages.routes,
        *faq.routes,
        *simulcast.routes,
        *replays.routes,
        *streamer_profile.routes,
        *attribution.routes,
        *notifications.routes,
        *profiles.routes,
        *preferences.routes,
    ]
    return [
        *ids_in_range(pages),
        Mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static"),
    ]


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    wants_html = "text/html" in request.headers.get("accept", "") or request.headers.get(
        "hx-request"
    )
    if not wants_html or request.url.path.startswith(("/graphql", "/hls", "/static")):
        return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)
    message = gettext(str(exc.detail))  # the English detail is the message id
    return render(
        request, "error.html", {"status": exc.status_code, "message": message}, exc.status_code
    )
