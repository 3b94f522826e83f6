"""Recommendations on the pages: "Recommended for you" on the home page, "More like this"
on the product page (loaded by htmx from ``/recs/products/{id}/similar``), "Rooms you may
like" on the room page (a room panel), and the ``/for-you`` page.

Recommendations never break a page: if the recommender fails, the section is left out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from app.accounts.models import User
from app.commerce import images
from app.commerce.models import Product
from app.errors import UserError
from app.recs import service as recs
from app.rooms.models import Room
from app.rooms.services import get_room
from app.rooms.viewer_state import ViewerState
from web.commerce import money
from web.forms import load_user
from web.templating import render

log = logging.getLogger("livemart.web.recs")

HOME_PRODUCTS = 8
HOME_ROOMS = 4
SIMILAR = 6
ROOM_PANEL_ROOMS = 4
FOR_YOU_PRODUCTS = 24
FOR_YOU_ROOMS = 12


@dataclass(frozen=True)
class ProductCard:
    product: Product
    thumb_url: str | None
    price: str


async def product_cards(products: list[Product]) -> list[ProductCard]:
    """Title, price and first thumbnail of each product (one query for the images)."""
    found = await images.images_for_products([p.id for p in products]) if products else {}
    return [
        ProductCard(
            p,
            found[p.id][0].thumb_url if found.get(p.id) else None,
            money(p.price_cents, p.currency),
        )
        for p in products
    ]


async def _safely(what: str, call: Any, default: Any) -> Any:
    try:
        return await call
    except UserError:
        raise
    except Exception:
        log.exception("recommendations for %s failed", what)
        return default


async def home_context(user: User | None) -> dict[str, Any]:
    """The home page's "Recommended for you" (or "Trending" when logged out) data."""
    products = await _safely("home", recs.recommended_products(user, HOME_PRODUCTS), [])
    rooms = await _safely("home", recs.recommended_rooms(user, HOME_ROOMS), [])
    return {"recs_products": await product_cards(products), "recs_rooms": rooms}


async def _rooms_beside(room: Room, user: User | None) -> list[Room]:
    """Other rooms for this viewer, beside the room they are in."""
    found = await _safely("room", recs.recommended_rooms(user, ROOM_PANEL_ROOMS + 1), [])
    return [r for r in found if r.id != room.id][:ROOM_PANEL_ROOMS]


async def room_panel_shared(room: Room) -> dict[str, Any]:
    """Other rooms for anonymous viewers (trending), part of the cached room page."""
    return {"recs_rooms": await _rooms_beside(room, None), "recs_deferred": False}


async def room_panel_personal(
    request: Request, room: Room, user: User, shared: dict[str, Any], state: ViewerState
) -> dict[str, Any]:
    """A signed-in viewer's rooms load after first paint (``/rooms/{id}/recs``)."""
    return {"recs_rooms": [], "recs_deferred": True}


async def room_panel_fragment(request: Request) -> Response:
    """GET /rooms/{id}/recs: the signed-in viewer's "Rooms you may like" (htmx, on load)."""
    user = await load_user(request)
    try:
        room = await get_room(int(request.path_params["room_id"]))
    except UserError:
        raise HTTPException(404, "This room does not exist.") from None
    ctx = {"recs_rooms": await _rooms_beside(room, user), "recs_deferred": False}
    return render(request, "recs/_room_panel.html", ctx)


async def similar_fragment(request: Request) -> Response:
    """GET /recs/products/{id}/similar: the product page's "More like this" fragment."""
    user = await load_user(request)
    try:
        found = await recs.similar_products(int(request.path_params["product_id"]), user, SIMILAR)
    except UserError:
        raise HTTPException(404, "This product does not exist.") from None
    return render(request, "recs/_similar.html", {"recs_products": await product_cards(found)})


async def for_you(request: Request) -> Response:
    """GET /for-you: more recommendations, products and rooms."""
    user = await load_user(request)
    products = await _safely("for-you", recs.recommended_products(user, FOR_YOU_PRODUCTS), [])
    rooms = await _safely("for-you", recs.recommended_rooms(user, FOR_YOU_ROOMS), [])
    ctx = {"recs_products": await product_cards(products), "recs_rooms": rooms}
    return render(request, "recs/for_you.html", ctx)


routes = [
    Route("/for-you", for_you, name="for_you"),
    Route("/recs/products/{product_id:int}/similar", similar_fragment, name="recs_similar"),
    Route("/rooms/{room_id:int}/recs", room_panel_fragment, name="recs_room_panel"),
]
