"""Gift pages: the room's gift panel, sending a gift (htmx), and the wallet page.

Every rendered gift / top-up form carries a fresh idempotency key in a hidden field, so
a double-click or a resubmitted form is charged once.
"""

from __future__ import annotations

import secrets
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.errors import UserError
from app.gifts import services as gifts
from app.gifts import topups, wallet
from app.i18n import _
from app.payments.cards import APPROVED_TEST_CARD, DECLINED_TEST_CARD
from app.rooms import services as rooms
from app.rooms.models import Room, RoomStatus
from app.rooms.viewer_state import ViewerState
from web.forms import checked_form, field, is_htmx, load_user
from web.page_keys import FRESH_KEY
from web.templating import render

LEDGER_PAGE = 30


def new_key() -> str:
    """A fresh idempotency key for one rendered form."""
    return secrets.token_urlsafe(16)


def _int(value: str, default: int = -1) -> int:
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else default


async def _box_context(room: Room, user: User | None) -> dict[str, Any]:
    """What the gift box (buttons + balance) needs."""
    owner_id = room.owner_id
    return {
        "room": room,
        "gift_catalog": await gifts.list_gifts(),
        "gift_balance": await wallet.balance_of(user.id) if user else None,
        "gift_key": new_key(),
        "gift_can_send": user is not None
        and user.id != owner_id
        and room.status == RoomStatus.LIVE,
        "gift_own_room": user is not None and user.id == owner_id,
        "gift_live": room.status == RoomStatus.LIVE,
        "gift_notice": None,
        "gift_error": None,
    }


async def gifts_shared(room: Room) -> dict[str, Any]:
    """The room page's gift panel as every viewer sees it (the anonymous view)."""
    ctx = await _box_context(room, None)
    board = await gifts.leaderboard(room.id)
    ctx["gift_leaderboard"] = [e.as_event() for e in board]
    return ctx


async def gifts_personal(
    request: Request, room: Room, user: User, shared: dict[str, Any], state: ViewerState
) -> dict[str, Any]:
    """The signed-in viewer's gift box: their balance and a fresh idempotency key (the
    room page's box is shared by viewers alike, ``web.rooms``)."""
    owner_id = room.owner_id
    return {
        "gift_balance": state.balance,
        "gift_key": FRESH_KEY,  # a new key in each response (web.page_keys.fill)
        "gift_can_send": user.id != owner_id and room.status == RoomStatus.LIVE,
        "gift_own_room": user.id == owner_id,
    }


async def send_gift(request: Request) -> Response:
    """POST /rooms/{room_id}/gift — answers the refreshed gift box (htmx)."""
    form = await checked_form(request)
    user = await load_user(request)
    try:
        room = await rooms.get_room(int(request.path_params["room_id"]))
    except UserError:
        raise HTTPException(404, "This room does not exist.") from None
    if user is None:
        to = f"/login?next=/rooms/{room.id}"
        if is_htmx(request):
            return HTMLResponse("", headers={"HX-Redirect": to})
        return RedirectResponse(to, status_code=303)
    notice = error = None
    status = 200
    try:
        result = await gifts.send_gift(
            user,
            room.id,
            _int(field(form, "gift_id", 12)),
            _int(field(form, "quantity", 12) or "1"),
            field(form, "idempotency_key", 80),
        )
        gift = result.gift_send
        notice = _(
            "Sent %(quantity)s× %(gift)s (%(coins)s coins)",
            quantity=gift.quantity,
            gift=await _gift_name(gift.gift_id),
            coins=gift.coins,
        )
    except UserError as exc:
        error, status = exc.message, 422
    if not is_htmx(request):
        return RedirectResponse(f"/rooms/{room.id}", status_code=303)
    ctx = await _box_context(room, user)
    ctx.update(gift_notice=notice, gift_error=error)
    return render(request, "gifts/_box.html", ctx, status)


async def gift_box(request: Request) -> Response:
    """GET /rooms/{room_id}/gift — the gift box alone: the room page reloads it when the
    room's status changes (the buttons appear when it goes live, go when it ends)."""
    user = await load_user(request)
    try:
        room = await rooms.get_room(int(request.path_params["room_id"]))
    except UserError:
        raise HTTPException(404, "This room does not exist.") from None
    return render(request, "gifts/_box.html", await _box_context(room, user))


async def _gift_name(gift_id: int) -> str:
    found = await gifts.get_gifts([gift_id])
    return found[gift_id].name if gift_id in found else "gift"


async def _wallet_context(user: User, request: Request) -> dict[str, Any]:
    account = await wallet.get_wallet(user.id)
    before = _int(request.query_params.get("before", ""), 0) or None
    entries = await wallet.ledger_page(account.id, before, LEDGER_PAGE + 1)
    return {
        "wallet": account,
        "entries": entries[:LEDGER_PAGE],
        "older": entries[LEDGER_PAGE - 1].id if len(entries) > LEDGER_PAGE else None,
        "packs": topups.coin_packs(),
        "topup_key": new_key(),
        "approved_card": APPROVED_TEST_CARD,
        "declined_card": DECLINED_TEST_CARD,
        "errors": {},
        "values": {},
        "notice": None,
    }


async def wallet_page(request: Request) -> Response:
    """GET /wallet — balance, top-up form and ledger history."""
    user = await load_user(request)
    if user is None:
        return RedirectResponse("/login?next=/wallet", status_code=303)
    ctx = await _wallet_context(user, request)
    topped = _int(request.query_params.get("topped", ""), 0)
    if topped:
        ctx["notice"] = _("Added %(n)s coins to your wallet.", n=topped)
    return render(request, "gifts/wallet.html", ctx)


async def top_up(request: Request) -> Response:
    """POST /wallet/top-up — buy a coin pack (post/redirect/get on success)."""
    form = await checked_form(request)
    user = await load_user(request)
    if user is None:
        return RedirectResponse("/login?next=/wallet", status_code=303)
    values = {"pack_id": field(form, "pack_id", 40), "card_number": field(form, "card_number", 40)}
    try:
        result = await topups.top_up(
            user, values["pack_id"], values["card_number"], field(form, "idempotency_key", 80)
        )
    except UserError as exc:
        ctx = await _wallet_context(user, request)
        key = {"packId": "pack_id", "cardNumber": "card_number"}.get(exc.field or "", "form")
        ctx.update(errors={key: exc.message}, values=values)
        return render(request, "gifts/wallet.html", ctx, 422)
    return RedirectResponse(f"/wallet?topped={result.top_up.coins}", status_code=303)


routes = [
    Route("/rooms/{room_id:int}/gift", send_gift, methods=["POST"], name="send_gift"),
    Route("/rooms/{room_id:int}/gift", gift_box, methods=["GET"], name="gift_box"),
    Route("/wallet", wallet_page, name="wallet"),
    Route("/wallet/top-up", top_up, methods=["POST"], name="top_up"),
]
