"""The room's bottom sheet for buying the pinned product without leaving the stream.

``GET /rooms/{id}/sheet`` renders the sheet (variant, quantity, the saved address, the ways
to pay, cheaper first) into ``#sheet-body`` over the playing video; ``POST`` places the
order at the pinned product's live price (:func:`app.commerce.pinned.buy_pinned`: the
flash price while a sale of it runs) and pays it in the same tap, with coins or a card,
answering "You got it!" in the sheet. Without JavaScript both render as a page of their
own and a paid order redirects to it. Every refusal comes back in the sheet (422) and
changes nothing.
"""

from __future__ import annotations

import uuid
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.commerce import orders, pinned
from app.commerce.models import Order, Variant
from app.errors import UserError
from app.gifts import wallet
from app.i18n import _
from app.payments.cards import APPROVED_TEST_CARD, normalize_card
from app.rooms import services as rooms
from app.rooms.models import Room
from web.forms import checked_form, field, is_htmx, load_user
from web.live_commerce import ADDRESS_KEYS, pinned_sale_view
from web.templating import render

MAX_SHEET_QUANTITY = 10
PAY_METHODS = ("coins", "card")


def _int(value: str | None, default: int = -1) -> int:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else default


async def _room_or_404(request: Request) -> Room:
    try:
        return await rooms.get_room(int(request.path_params["room_id"]))
    except UserError:
        raise HTTPException(404, "This room does not exist.") from None


def _max_quantity(offer: pinned.PinnedOffer, variant: Variant) -> int:
    if offer.sale is not None and offer.sale.variant_id == variant.id:
        return max(1, min(MAX_SHEET_QUANTITY, offer.sale.per_user_limit, offer.sale.remaining))
    return max(1, min(MAX_SHEET_QUANTITY, variant.stock))


async def sheet_context(
    room: Room, user: User | None, values: dict[str, str], key: str = ""
) -> dict[str, Any]:
    """What the sheet shows for the chosen ``variant_id`` and ``quantity`` in ``values``:
    the live unit price, the total, its price in coins and the ways to pay, cheaper first."""
    offer = await pinned.pinned_offer(room.id)
    ctx: dict[str, Any] = {"room": room, "offer": offer, "values": values, "key": key}
    if offer is None:
        return ctx
    chosen = _int(values.get("variant_id"))
    variant = next((v for v in offer.card.variants if v.id == chosen), None)
    variant = variant or offer.default_variant() or offer.card.variants[0]
    quantity = min(max(1, _int(values.get("quantity"), 1)), _max_quantity(offer, variant))
    unit = offer.price_cents(variant)
    total = unit * quantity
    coins = orders.coins_for(total, variant.currency)
    balance = await wallet.balance_of(user.id) if user else 0
    address = (await orders.last_shipping(user)) if user else {}
    ctx.update(
        card=offer.card,
        sale=pinned_sale_view(offer),
        variant=variant,
        on_sale=offer.sale_variant_id == variant.id,
        quantity=quantity,
        quantities=range(1, _max_quantity(offer, variant) + 1),
        unit_cents=unit,
        total_cents=total,
        currency=variant.currency,
        coins=coins,
        coins_value=orders.coins_cash_value(coins, variant.currency),
        balance=balance,
        methods=orders.payment_methods(total, variant.currency, balance),
        address=address,
        approved_card=APPROVED_TEST_CARD,
        key=key or uuid.uuid4().hex,
    )
    return ctx


def _sheet(request: Request, ctx: dict[str, Any], status: int = 200) -> Response:
    name = "rooms/sheet.html" if is_htmx(request) else "rooms/sheet_page.html"
    return render(request, name, ctx, status)


async def sheet(request: Request) -> Response:
    """GET /rooms/{id}/sheet?variant_id=&quantity=: the bottom sheet."""
    user = await load_user(request)
    room = await _room_or_404(request)
    values = {k: request.query_params.get(k, "")[:12] for k in ("variant_id", "quantity")}
    return _sheet(request, await sheet_context(room, user, values))


def _posted_address(form: Any) -> dict[str, str] | None:
    address = {k: field(form, k, 200) for k in ADDRESS_KEYS}
    return address if any(address.values()) else None


async def _pay(user: User, order: Order, method: str, card: str, key: str) -> None:
    if method == "coins":
        await orders.pay_with_coins(user, order.id, f"{key}:pay")
    else:
        await orders.start_card_payment(user, order.id, card)


async def buy(request: Request) -> Response:
    """POST /rooms/{id}/sheet (variant_id, quantity, pay=coins|card, card_number, an
    address when none is saved, idempotency_key): order and pay in one tap."""
    form = await checked_form(request)
    user = await load_user(request)
    room = await _room_or_404(request)
    if user is None:
        return RedirectResponse(f"/login?next=/rooms/{room.id}", status_code=303)
    values = {k: field(form, k, 200) for k in (*ADDRESS_KEYS, "variant_id", "quantity")}
    key = field(form, "idempotency_key", 64) or uuid.uuid4().hex
    method = field(form, "pay", 8)
    card = field(form, "card_number", 30)
    ctx = await sheet_context(room, user, values, key)

    def refused(message: str, need_address: bool = False) -> Response:
        return _sheet(request, {**ctx, "error": message, "need_address": need_address}, 422)

    if ctx["offer"] is None:
        return refused(_("Nothing is pinned right now."))
    if method not in PAY_METHODS:
        return refused(_("Choose how to pay."))
    address = _posted_address(form) or ctx["address"] or None
    if address is None:
        return refused(_("Where should we ship it?"), need_address=True)
    if _int(values["variant_id"]) != ctx["variant"].id:
        return refused(_("This option is no longer available here."))
    if _int(values["quantity"], 1) != ctx["quantity"]:
        return refused(_("Choose 1 to %(max)s.", max=len(ctx["quantities"])))
    try:
        if method == "card":
            normalize_card(card)
        elif ctx["balance"] < ctx["coins"]:
            raise UserError(
                "INSUFFICIENT_COINS",
                "you need {coins} coins and have {have}: pay by card or top up",
                "coins",
                {"coins": ctx["coins"], "have": ctx["balance"]},
            )
        order = await pinned.buy_pinned(
            user,
            room.id,
            ctx["variant"].id,
            ctx["quantity"],
            shipping=address,
            idempotency_key=key,
        )
    except UserError as exc:
        return refused(exc.message, need_address=exc.code == "INVALID_ADDRESS")
    try:
        await _pay(user, order, method, card, key)
    except UserError as exc:
        return refused(
            _(
                "Your order is held for you, but the payment failed: %(reason)s",
                reason=exc.message,
            )
        )
    if not is_htmx(request):
        return RedirectResponse(f"/orders/{order.id}", status_code=303)
    done = {
        "room": room,
        "done": True,
        "order": await orders.get_order(user, order.id),
        "card": ctx["card"],
        "quantity": ctx["quantity"],
        "method": method,
        "coins": orders.coins_for(order.total_cents, order.currency),
    }
    return render(request, "rooms/sheet.html", done)


routes = [
    Route("/rooms/{room_id:int}/sheet", sheet, methods=["GET"]),
    Route("/rooms/{room_id:int}/sheet", buy, methods=["POST"]),
]
