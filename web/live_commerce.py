"""Live-commerce pages: the room's shelf panel (pinned product, flash sale, auction), the
viewer's buy / bid posts, and the streamer's shelf console.

The panel's live parts are swapped by SSE fragments (``events/product.pinned.html``,
``flash_sale.html``, ``auction.html``, ...). A pin event only says which product: its
fragment loads the card from ``/rooms/{id}/pinned`` once.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app import signals
from app.accounts.models import User
from app.commerce import auctions, catalog, flash_sales, orders, pinned, shelf
from app.commerce.live_models import Auction, FlashSale
from app.commerce.models import Order
from app.errors import UserError
from app.i18n import N_, _
from app.predict import service as predict
from app.rooms import services as rooms
from app.rooms.models import Room
from app.rooms.viewer_state import ViewerState
from web.forms import checked_form, field, is_htmx, load_user
from web.page_keys import FRESH_KEY
from web.templating import render

log = logging.getLogger("livemart.web.live_commerce")

ADDRESS_KEYS = ("name", "line1", "line2", "city", "region", "postal_code", "country", "phone")
AMOUNT_RE = re.compile(r"^\d{1,9}(\.\d{1,2})?$")


# -- helpers -----------------------------------------------------------------------------


def parse_amount(text: str) -> int:
    """``"12.5"`` → 1250 minor units, or a user error."""
    text = (text or "").strip().replace(",", "")
    if not AMOUNT_RE.match(text):
        raise UserError("INVALID_AMOUNT", "enter an amount like 12.50", "amount")
    try:
        return int(Decimal(text) * 100)
    except InvalidOperation:
        raise UserError("INVALID_AMOUNT", "enter an amount like 12.50", "amount") from None


def _int(value: str | None, default: int = -1) -> int:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else default


def _posted_address(form: Any) -> dict[str, str] | None:
    address = {k: field(form, k, 200) for k in ADDRESS_KEYS}
    return address if any(address.values()) else None


async def _room_or_404(request: Request) -> Room:
    try:
        return await rooms.get_room(int(request.path_params["room_id"]))
    except UserError:
        raise HTTPException(404, "This room does not exist.") from None


def _login(request: Request, to: str) -> Response:
    target = f"/login?next={to}"
    if is_htmx(request):
        return HTMLResponse("", headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _sale_views(sales: list[FlashSale], user: User | None) -> list[dict[str, Any]]:
    """What the sale box shows: the ``flash_sale`` event data plus title, limit, ..."""
    mine = await flash_sales.bought_by(user, [s.id for s in sales])
    cards = await shelf.product_cards(list({s.product_id for s in sales}))
    views = []
    for sale in sales:
        card = cards.get(sale.product_id)
        views.append(
            {
                **flash_sales.sale_event(sale).as_dict(),
                "title": card.product.title if card else "",
                "currency": sale.currency,
                "limit": sale.per_user_limit,
                "quantity": sale.quantity,
                "returned": sale.returned,
                "mine": mine.get(sale.id, 0),
                "key": uuid.uuid4().hex,
            }
        )
    return views


async def _auction_views(found: list[Auction]) -> list[dict[str, Any]]:
    """What the auction box shows: the ``auction`` event data plus title, minimum bid, ..."""
    cards = await shelf.product_cards(list({a.product_id for a in found}))
    views = []
    for auction in found:
        card = cards.get(auction.product_id)
        views.append(
            {
                **(await auctions.auction_event(auction)).as_dict(),
                "title": card.product.title if card else "",
                "currency": auction.currency,
                "minimum": auctions.minimum_bid(auction),
                "increment": auction.increment,
                "bid_count": auction.bid_count,
                "order_id": auction.order_id,
                "bids": await auctions.recent_bids(auction.id, 5),
            }
        )
    return views


def pinned_sale_view(offer: pinned.PinnedOffer | None) -> dict[str, Any] | None:
    """What the pinned card shows of a flash sale of the pinned product running now."""
    if offer is None or offer.sale is None:
        return None
    sale = offer.sale
    return {
        **flash_sales.sale_event(sale).as_dict(),
        "variant_id": sale.variant_id,
        "currency": sale.currency,
        "list_price": next(
            (v.price_cents for v in offer.card.variants if v.id == sale.variant_id), None
        ),
    }


async def pinned_context(room_id: int) -> dict[str, Any]:
    """The pinned card's keys: the card (``shelf_pinned``) and its running flash sale
    (``shelf_pinned_sale``), priced by :func:`app.commerce.pinned.pinned_offer`."""
    offer = await pinned.pinned_offer(room_id)
    return {
        "shelf_pinned": offer.card if offer else None,
        "shelf_pinned_sale": pinned_sale_view(offer),
    }


# -- the room panel ------------------------------------------------------------------------


async def shelf_shared(room: Room) -> dict[str, Any]:
    """What every viewer's shelf panel shows alike (keys prefixed ``shelf_``): the
    anonymous view. Idempotency keys are :data:`web.page_keys.FRESH_KEY`, replaced by a
    fresh key in each response; ``shelf_impressions`` are the products shown."""
    items = await shelf.room_shelf_query(room.id)
    cards = await shelf.product_cards([i.product_id for i in items])
    sales = await flash_sales.active_sales(room.id)
    live = await auctions.live_auctions(room.id)
    shown = [c.product for c in cards.values()]
    shown += [
        c.product
        for c in (
            await shelf.product_cards([s.product_id for s in sales] + [a.product_id for a in live])
        ).values()
    ]
    return {
        "shelf_labels": {str(p.id): {"title": p.title, "currency": p.currency} for p in shown},
        "shelf_items": [cards[i.product_id] for i in items if i.product_id in cards],
        "shelf_key": FRESH_KEY,
        "shelf_sales": [{**v, "key": FRESH_KEY} for v in await _sale_views(sales, None)],
        "shelf_auctions": await _auction_views(live),
        "shelf_is_seller": False,
        "shelf_impressions": sorted({p.id for p in shown}),
    }


async def pinned_shared(room: Room) -> dict[str, Any]:
    """The pinned card over the video (the same for every viewer; its idempotency key is
    :data:`web.page_keys.FRESH_KEY`)."""
    return {**(await pinned_context(room.id)), "shelf_key": FRESH_KEY}


async def shelf_personal(
    request: Request, room: Room, user: User, shared: dict[str, Any], state: ViewerState
) -> dict[str, Any]:
    """The signed-in viewer's part of the shelf: units they bought in each sale, whether
    they sell here, and the shelf in the order of their predicted purchase probability."""
    sales = shared["shelf_sales"]
    items: list[shelf.ProductCard] = shared["shelf_items"]
    by_id = {card.product.id: card for card in items}
    ranked = await predict.rank_for_viewer(user.id, list(by_id))
    return {
        "shelf_sales": [{**s, "mine": state.bought.get(s["sale_id"], 0)} for s in sales],
        "shelf_is_seller": user.id == room.owner_id,
        "shelf_items": [by_id[i] for i in ranked],
    }


async def emit_impressions(shared: dict[str, Any], room: Room, user: User | None) -> None:
    """``product.impression`` for each product the page shows (buffered listeners)."""
    for product_id in shared.get("shelf_impressions", ()):
        await signals.emit(
            "product.impression",
            product_id=product_id,
            user_id=user.id if user else None,
            room_id=room.id,
        )


async def pinned_card(request: Request) -> Response:
    """GET /rooms/{id}/pinned: the pinned product's card (loaded by the pin fragment)."""
    await load_user(request)
    room = await _room_or_404(request)
    ctx = {"room": room, **(await pinned_context(room.id)), "shelf_key": uuid.uuid4().hex}
    return render(request, "live_commerce/_pinned.html", ctx)


async def buy_now(request: Request) -> Response:
    """POST /rooms/{id}/buy (variant_id): count a checkout started ("N people are buying"),
    then on to the checkout form for that variant in this room."""
    form = await checked_form(request)
    user = await load_user(request)
    room = await _room_or_404(request)
    variant_id = _int(field(form, "variant_id", 12))
    if user is None:
        return _login(request, f"/rooms/{room.id}")
    try:
        variant = await catalog.get_variant(variant_id)
    except UserError:
        raise HTTPException(404, "This product does not exist.") from None
    shelf.checkout_started(room.id, variant.product_id, user.id)
    target = f"/checkout?variant_id={variant.id}&quantity=1&room_id={room.id}"
    if is_htmx(request):
        return HTMLResponse("", headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


async def _address_for(user: User, form: Any) -> dict[str, str] | None:
    posted = _posted_address(form)
    if posted is not None:
        return posted
    last = await orders.last_shipping(user)
    return last or None


def _result(
    request: Request,
    room: Room,
    message: str,
    *,
    ok: bool,
    status: int = 200,
    order_id: int | None = None,
    need_address: bool = False,
    action: str = "",
    form: Any = None,
) -> Response:
    if not is_htmx(request):
        if ok and order_id is not None:
            return RedirectResponse(f"/orders/{order_id}", status_code=303)
        if ok:
            return RedirectResponse(f"/rooms/{room.id}", status_code=303)
    ctx = {
        "room": room,
        "ok": ok,
        "message": message,
        "order_id": order_id,
        "need_address": need_address,
        "action": action,
        "values": {
            k: field(form, k, 200) for k in (*ADDRESS_KEYS, "quantity", "amount", "variant_id")
        }
        if form is not None
        else {},
        "key": field(form, "idempotency_key", 80) if form is not None else "",
    }
    return render(request, "live_commerce/_result.html", ctx, status)


def _refused(
    request: Request, room: Room, message: str, action: str, form: Any, need_address: bool = False
) -> Response:
    """The form back with ``message`` (422); ``need_address`` asks for a shipping address."""
    return _result(
        request,
        room,
        message,
        ok=False,
        status=422,
        need_address=need_address,
        action=action,
        form=form,
    )


def _ask_address(request: Request, room: Room, action: str, form: Any) -> Response:
    return _refused(request, room, _("Where should we ship it?"), action, form, need_address=True)


async def _place_order(
    request: Request,
    room: Room,
    user: User,
    form: Any,
    action: str,
    place: Callable[[dict[str, str], str], Awaitable[Order]],
    done: str,
) -> Response:
    """The buy buttons' common part: ask for a shipping address when none is known, place
    the order with ``place(address, idempotency_key)``, answer ``done`` or the refusal."""
    address = await _address_for(user, form)
    if address is None:
        return _ask_address(request, room, action, form)
    try:
        order = await place(address, field(form, "idempotency_key", 80) or uuid.uuid4().hex)
    except UserError as exc:
        bad_address = exc.code == "INVALID_ADDRESS"
        return _refused(request, room, exc.message, action, form, need_address=bad_address)
    return _result(request, room, done, ok=True, order_id=order.id)


async def buy_flash_sale(request: Request) -> Response:
    """POST /rooms/{id}/flash-sales/{sale_id}/buy."""
    form = await checked_form(request)
    user = await load_user(request)
    room = await _room_or_404(request)
    if user is None:
        return _login(request, f"/rooms/{room.id}")
    sale_id = int(request.path_params["sale_id"])
    action = f"/rooms/{room.id}/flash-sales/{sale_id}/buy"

    async def buy(address: dict[str, str], idempotency_key: str) -> Order:
        sale = await flash_sales.get_room_sale(room.id, sale_id)
        quantity = _int(field(form, "quantity", 4), 1)
        return await flash_sales.buy_flash_sale(
            user, sale.id, quantity, shipping=address, idempotency_key=idempotency_key
        )

    done = _("You got it! Pay within the time limit to keep it.")
    return await _place_order(request, room, user, form, action, buy, done)


async def quick_buy(request: Request) -> Response:
    """POST /rooms/{id}/quick-buy (variant_id, quantity, idempotency_key): the pinned
    product's buy without JavaScript (the bottom sheet is :mod:`web.buy_sheet`): the order
    is placed at the live price (the flash price while a sale of it runs; held while the
    buyer pays) with the buyer's last address, or an address form comes back first."""
    form = await checked_form(request)
    user = await load_user(request)
    room = await _room_or_404(request)
    if user is None:
        return _login(request, f"/rooms/{room.id}")
    variant_id = _int(field(form, "variant_id", 12))
    action = f"/rooms/{room.id}/quick-buy"

    async def buy(address: dict[str, str], idempotency_key: str) -> Order:
        return await pinned.buy_pinned(
            user,
            room.id,
            variant_id,
            _int(field(form, "quantity", 4), 1),
            shipping=address,
            idempotency_key=idempotency_key,
        )

    done = _("Ordered! It is yours once you pay, within the time limit.")
    return await _place_order(request, room, user, form, action, buy, done)


async def place_bid(request: Request) -> Response:
    """POST /rooms/{id}/auctions/{auction_id}/bid."""
    form = await checked_form(request)
    user = await load_user(request)
    room = await _room_or_404(request)
    if user is None:
        return _login(request, f"/rooms/{room.id}")
    auction_id = int(request.path_params["auction_id"])
    action = f"/rooms/{room.id}/auctions/{auction_id}/bid"
    try:
        auction = await auctions.get_room_auction(room.id, auction_id)
        await auctions.place_bid(
            user,
            auction.id,
            parse_amount(field(form, "amount", 20)),
            shipping=_posted_address(form),
        )
    except UserError as exc:
        need = exc.code in ("SHIPPING_REQUIRED", "INVALID_ADDRESS")
        return _refused(request, room, exc.message, action, form, need_address=need)
    return _result(request, room, _("You are the highest bidder."), ok=True)


# -- the streamer's console ------------------------------------------------------------------


async def _console_room(request: Request) -> tuple[User, Room] | Response:
    user = await load_user(request)
    room = await _room_or_404(request)
    if user is None:
        return _login(request, f"/studio/rooms/{room.id}/shelf")
    try:
        shelf.require_room_seller(user, room)
    except UserError:
        raise HTTPException(403, "Only the room's streamer can manage its shelf.") from None
    return user, room


async def _console_context(user: User, room: Room) -> dict[str, Any]:
    products = await catalog.merchant_products(await User.get(id=room.owner_id))
    variants = await catalog.variants_for_products([p.id for p in products])
    items = await shelf.room_shelf_query(room.id)
    on_shelf = {i.product_id: i for i in items}
    by_id = {p.id: p for p in products}
    sales = await flash_sales.room_sales_query(room.id).limit(20)
    found = await auctions.room_auctions_query(room.id).limit(20)
    return {
        "room": room,
        "products": products,
        "variants": variants,
        "shelf": [(i, by_id.get(i.product_id)) for i in items],
        "on_shelf": on_shelf,
        "sales": await _sale_views(list(sales), None),
        "auctions": await _auction_views(list(found)),
        "errors": {},
        "notice": None,
    }


async def console(request: Request) -> Response:
    """GET /studio/rooms/{id}/shelf (POST adds a product to the shelf)."""
    found = await _console_room(request)
    if isinstance(found, Response):
        return found
    user, room = found
    if request.method == "POST":
        form = await checked_form(request)
        return await _console_action(
            request,
            user,
            room,
            lambda: shelf.add_to_shelf(user, room.id, _int(field(form, "product_id", 12))),
            N_("Added to the shelf."),
        )
    return render(request, "live_commerce/console.html", await _console_context(user, room))


async def _console_action(
    request: Request, user: User, room: Room, action: Any, notice: str
) -> Response:
    try:
        await action()
    except UserError as exc:
        ctx = await _console_context(user, room)
        ctx["errors"] = {exc.field or "form": exc.message}
        return render(request, "live_commerce/console.html", ctx, 422)
    done = notice.replace(" ", "+")
    return RedirectResponse(f"/studio/rooms/{room.id}/shelf?done={done}", status_code=303)


async def console_post(request: Request) -> Response:
    """POST /studio/rooms/{id}/shelf/{action}: pin, remove, flash-sale, end-sale, auction."""
    found = await _console_room(request)
    if isinstance(found, Response):
        return found
    user, room = found
    form = await checked_form(request)
    what = request.path_params["action"]

    def num(name: str, default: int = -1) -> int:
        return _int(field(form, name, 12), default)

    if what == "pin":
        product_id = num("product_id", 0) or None

        async def run() -> Any:
            return await shelf.pin_product(user, room.id, product_id)

        notice = N_("Pinned.") if product_id else N_("Unpinned.")
    elif what == "remove":

        async def run() -> Any:
            return await shelf.remove_from_shelf(user, room.id, num("product_id"))

        notice = N_("Removed from the shelf.")
    elif what == "flash-sale":

        async def run() -> Any:
            return await flash_sales.start_flash_sale(
                user,
                room.id,
                num("variant_id"),
                price_cents=parse_amount(field(form, "price", 20)),
                quantity=num("quantity"),
                per_user_limit=num("per_user_limit", 1),
                duration_seconds=num("duration_seconds", 300),
            )

        notice = N_("Flash sale started.")
    elif what == "end-sale":

        async def run() -> Any:
            return await flash_sales.end_flash_sale(user, num("sale_id"))

        notice = N_("Flash sale ended.")
    elif what == "auction":

        async def run() -> Any:
            return await auctions.start_auction(
                user,
                room.id,
                num("variant_id"),
                start_price=parse_amount(field(form, "start_price", 20)),
                increment=parse_amount(field(form, "increment", 20)),
                duration_seconds=num("duration_seconds", 120),
                extension_seconds=num("extension_seconds", 15),
            )

        notice = N_("Auction started.")
    else:
        raise HTTPException(404, "Unknown action.")
    return await _console_action(request, user, room, run, notice)


routes = [
    Route("/rooms/{room_id:int}/pinned", pinned_card),
    Route("/rooms/{room_id:int}/buy", buy_now, methods=["POST"]),
    Route("/rooms/{room_id:int}/quick-buy", quick_buy, methods=["POST"]),
    Route("/rooms/{room_id:int}/flash-sales/{sale_id:int}/buy", buy_flash_sale, methods=["POST"]),
    Route("/rooms/{room_id:int}/auctions/{auction_id:int}/bid", place_bid, methods=["POST"]),
    Route(
        "/studio/rooms/{room_id:int}/shelf", console, methods=["GET", "POST"], name="studio_shelf"
    ),
    Route("/studio/rooms/{room_id:int}/shelf/{action:str}", console_post, methods=["POST"]),
]
