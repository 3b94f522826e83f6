"""Commerce pages: product pages, cart and checkout, the buyer's orders, the merchant's
catalog, orders and coupons; plus the payment webhook and the uploaded-images mount.

Forms that place or pay orders carry a fresh idempotency key in a hidden field, so a
double submit is harmless. Images are posted as multipart to
``/studio/products/{id}/images`` (the API takes base64: ``uploadProductImage``).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from app import signals
from app.accounts import services as accounts
from app.accounts.models import User
from app.auth import CSRF_FIELD, CSRF_HEADER, csrf_ok
from app.commerce import cart, catalog, coupons, images, orders, pinned
from app.commerce.models import Order, OrderStatus
from app.errors import UserError
from app.gifts import wallet
from app.i18n import _
from app.i18n.formatting import format_money
from app.payments.cards import APPROVED_TEST_CARD, DECLINED_TEST_CARD
from app.payments.webhooks import SIGNATURE_HEADER
from app.rooms import services as rooms
from app.rooms.models import Room
from web.chat import error_status
from web.forms import checked_form, field, is_htmx, load_user
from web.templating import render

ADDRESS_KEYS = ("name", "line1", "line2", "city", "region", "postal_code", "country", "phone")
MAX_WEBHOOK_BYTES = 64 * 1024
LIST_LIMIT = 100


def money(cents: int, currency: str = "USD") -> str:
    """``$12.34`` in English, ``US$12.34`` in Chinese (the viewer's locale)."""
    return format_money(cents, currency)


def _value(enum_value: object) -> str:
    return str(getattr(enum_value, "value", enum_value))


def _page(
    request: Request, name: str, ctx: dict[str, Any] | None = None, status: int = 200
) -> Response:
    values = {"money": money, "status_of": _value, **(ctx or {})}
    return render(request, name, values, status)


def _int(value: str | None, default: int = -1) -> int:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else default


def _login(request: Request, to: str | None = None) -> Response:
    target = "/login?next=" + quote(to or request.url.path, safe="/")
    if is_htmx(request):
        return HTMLResponse("", headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


def _errors(exc: UserError) -> dict[str, str]:
    return {exc.field or "form": exc.message}


# --- product page ---------------------------------------------------------------------------


async def product_page(request: Request) -> Response:
    user = await load_user(request)
    try:
        product = await catalog.get_product(int(request.path_params["product_id"]), user)
    except UserError:
        raise HTTPException(404, "This product does not exist.") from None
    variants = (await catalog.variants_for_products([product.id]))[product.id]
    ctx = {
        "product": product,
        "variants": variants,
        "images": (await images.images_for_products([product.id]))[product.id],
        "merchant": await accounts.get_user(product.merchant_id),
        "room_id": _int(request.query_params.get("room"), 0) or product.room_id,
        "is_owner": user is not None and user.id == product.merchant_id,
        "notice": request.query_params.get("added") and _("Added to your cart."),
    }
    if not ctx["notice"]:  # not the page shown again after adding to the cart
        await signals.emit(
            "product.clicked",
            product_id=product.id,
            user_id=user.id if user else None,
            room_id=ctx["room_id"] or None,
        )
    return _page(request, "commerce/product.html", ctx)


# --- cart and checkout --------------------------------------------------------------------


async def _cart_context(user: User) -> dict[str, Any]:
    lines = await cart.cart_lines(user)
    totals: dict[str, int] = {}
    for line in lines:
        totals[line.variant.currency] = totals.get(line.variant.currency, 0) + line.line_total_cents
    return {"lines": lines, "totals": totals}


async def cart_page(request: Request) -> Response:
    user = await load_user(request)
    if user is None:
        return _login(request)
    return _page(request, "commerce/cart.html", await _cart_context(user))


async def _cart_refused(request: Request, user: User, exc: UserError) -> Response:
    """The cart page again with the refusal's errors (422)."""
    ctx = await _cart_context(user)
    ctx["errors"] = _errors(exc)
    return _page(request, "commerce/cart.html", ctx, 422)


async def cart_add(request: Request) -> Response:
    form = await checked_form(request)
    user = await load_user(request)
    variant_id = _int(field(form, "variant_id", 12))
    back = field(form, "back", 200)
    if user is None:
        return _login(request, back if back.startswith("/") else "/cart")
    room_id = _int(field(form, "room_id", 12), 0) or None
    try:
        await cart.add_to_cart(user, variant_id, _int(field(form, "quantity", 4), 1), room_id)
    except UserError as exc:
        return await _cart_refused(request, user, exc)
    return RedirectResponse("/cart", status_code=303)


async def cart_update(request: Request) -> Response:
    form = await checked_form(request)
    user = await load_user(request)
    if user is None:
        return _login(request, "/cart")
    try:
        await cart.set_cart_quantity(
            user, _int(field(form, "variant_id", 12)), _int(field(form, "quantity", 4), 0)
        )
    except UserError as exc:
        return await _cart_refused(request, user, exc)
    return RedirectResponse("/cart", status_code=303)


async def buy_now_start(request: Request) -> Response:
    """POST /checkout/start — the product page's "Buy now": on to the checkout form."""
    form = await checked_form(request)
    variant_id = _int(field(form, "variant_id", 12), 0)
    quantity = _int(field(form, "quantity", 4), 1)
    room_id = _int(field(form, "room_id", 12), 0)
    target = f"/checkout?variant_id={variant_id}&quantity={quantity}"
    if room_id:
        target += f"&room_id={room_id}"
    if await load_user(request) is None:
        return _login(request, target)
    return RedirectResponse(target, status_code=303)


async def _checkout_context(
    request: Request, user: User, values: dict[str, str] | None = None
) -> dict[str, Any]:
    source = values or dict(request.query_params)
    variant_id = _int(source.get("variant_id"), 0)
    ctx: dict[str, Any] = {
        "key": orders.new_idempotency_key(),
        "address": values or await orders.last_shipping(user),
        "coupon_code": (values or {}).get("coupon_code", ""),
        "errors": {},
    }
    if variant_id:
        quantity = max(1, _int(source.get("quantity"), 1))
        try:
            variant = await catalog.get_variant(variant_id)
            product = await catalog.get_product(variant.product_id, user)
        except UserError:
            raise HTTPException(404, "This product does not exist.") from None
        room_id = _int(source.get("room_id"), 0)
        # In a room the pinned product sells at its live price (the flash price while a
        # sale of this variant runs): the page shows what placing the order charges.
        offer = await pinned.pinned_offer(room_id) if room_id else None
        flash = offer is not None and offer.sale_variant_id == variant.id
        unit_cents = offer.price_cents(variant) if offer is not None else variant.price_cents
        ctx.update(
            mode="buy_now",
            variant=variant,
            product=product,
            quantity=quantity,
            room_id=room_id or "",
            flash=flash,
            unit_cents=unit_cents,
            totals={variant.currency: unit_cents * quantity},
        )
    else:
        ctx.update(mode="cart", **(await _cart_context(user)))
    return ctx


async def checkout_page(request: Request) -> Response:
    user = await load_user(request)
    if user is None:
        return _login(
            request, str(request.url.path) + ("?" + request.url.query if request.url.query else "")
        )
    if request.method == "GET":
        return _page(request, "commerce/checkout.html", await _checkout_context(request, user))
    form = await checked_form(request)
    values = {
        k: field(form, k, 200)
        for k in (*ADDRESS_KEYS, "coupon_code", "variant_id", "quantity", "room_id")
    }
    shipping = {k: values[k] for k in ADDRESS_KEYS}
    key = field(form, "idempotency_key", 80)
    coupon_code = values["coupon_code"].strip() or None
    try:
        if _int(values["variant_id"], 0) and _int(values["room_id"], 0):
            placed = [  # in a room: the pinned product's live (flash) price
                await pinned.buy_in_room(
                    user,
                    _int(values["room_id"]),
                    _int(values["variant_id"]),
                    _int(values["quantity"], 1),
                    shipping=shipping,
                    idempotency_key=key,
                    coupon_code=coupon_code,
                )
            ]
        elif _int(values["variant_id"], 0):
            placed = [
                await cart.buy_now(
                    user,
                    _int(values["variant_id"]),
                    _int(values["quantity"], 1),
                    shipping=shipping,
                    idempotency_key=key,
                    coupon_code=coupon_code,
                )
            ]
        else:
            placed = await cart.checkout(
                user, shipping=shipping, idempotency_key=key, coupon_code=coupon_code
            )
    except UserError as exc:
        ctx = await _checkout_context(request, user, values)
        ctx["errors"] = _errors(exc)
        ctx["key"] = key or ctx["key"]
        return _page(request, "commerce/checkout.html", ctx, 422)
    if len(placed) == 1:
        return RedirectResponse(f"/orders/{placed[0].id}", status_code=303)
    return RedirectResponse("/orders?placed=" + str(len(placed)), status_code=303)


# --- buyer orders ---------------------------------------------------------------------------


async def _with_items(found: list[Order]) -> list[dict[str, Any]]:
    items = await orders.items_for_orders([o.id for o in found])
    return [{"order": o, "items": items.get(o.id, [])} for o in found]


async def orders_page(request: Request) -> Response:
    user = await load_user(request)
    if user is None:
        return _login(request)
    found = await orders.buyer_orders_query(user).limit(LIST_LIMIT)
    placed = _int(request.query_params.get("placed"), 0)
    ctx = {
        "rows": await _with_items(found),
        "notice": _("Placed %(n)s orders: pay each below.", n=placed) if placed else None,
    }
    return _page(request, "commerce/orders.html", ctx)


async def _order_context(user: User, order: Order) -> dict[str, Any]:
    oid = order.id
    coins = orders.coins_for(order.total_cents, order.currency)
    balance = await wallet.balance_of(user.id)
    return {
        "order": order,
        "items": (await orders.items_for_orders([oid]))[oid],
        "payments": (await orders.payments_for_orders([oid]))[oid],
        "is_buyer": order.buyer_id == user.id,
        "payable": order.status == OrderStatus.PENDING and order.expires_at > orders.now(),
        "coins": coins,
        "coins_value": orders.coins_cash_value(coins, order.currency),
        "pay_methods": orders.payment_methods(order.total_cents, order.currency, balance),
        "balance": balance,
        "pay_key": orders.new_idempotency_key(),
        "approved_card": APPROVED_TEST_CARD,
        "declined_card": DECLINED_TEST_CARD,
        "errors": {},
        "notice": None,
    }


async def _order_or_404(request: Request, user: User) -> Order:
    try:
        return await orders.get_order(user, int(request.path_params["order_id"]))
    except UserError:
        raise HTTPException(404, "This order does not exist.") from None


async def order_page(request: Request) -> Response:
    user = await load_user(request)
    if user is None:
        return _login(request)
    order = await _order_or_404(request, user)
    ctx = await _order_context(user, order)
    ctx["notice"] = {
        "paid": _("Paid. Thank you!"),
        "card": _("Payment started: waiting for the card provider."),
        "cancelled": _("Order cancelled."),
        "completed": _("Thanks for confirming."),
    }.get(request.query_params.get("done", ""))
    return _page(request, "commerce/order.html", ctx)


async def order_status(request: Request) -> Response:
    """The order's status line (htmx polls it while a card payment is in flight)."""
    user = await load_user(request)
    if user is None:
        return _login(request)
    order = await _order_or_404(request, user)
    return _page(request, "commerce/_order_status.html", await _order_context(user, order))


async def order_action(request: Request) -> Response:
    """POST /orders/{id}/{action}: pay-coins, pay-card, cancel, complete."""
    form = await checked_form(request)
    user = await load_user(request)
    if user is None:
        return _login(request)
    order = await _order_or_404(request, user)
    action = request.path_params["action"]
    try:
        if action == "pay-coins":
            await orders.pay_with_coins(user, order.id, field(form, "idempotency_key", 80))
            done = "paid"
        elif action == "pay-card":
            await orders.start_card_payment(user, order.id, field(form, "card_number", 40))
            done = "card"
        elif action == "cancel":
            await orders.cancel_order(user, order.id)
            done = "cancelled"
        elif action == "complete":
            await orders.complete_order(user, order.id)
            done = "completed"
        else:
            raise HTTPException(404, "Unknown action.")
    except UserError as exc:
        ctx = await _order_context(user, await orders.get_order(user, order.id))
        ctx["errors"] = _errors(exc)
        return _page(request, "commerce/order.html", ctx, error_status(exc))
    return RedirectResponse(f"/orders/{order.id}?done={done}", status_code=303)


# --- merchant studio: catalog ---------------------------------------------------------------


async def _studio_products_context(user: User) -> dict[str, Any]:
    products = await catalog.merchant_products(user)
    ids = [p.id for p in products]
    return {
        "products": products,
        "variants": await catalog.variants_for_products(ids, active_only=False),
        "images": await images.images_for_products(ids),
        "rooms": await rooms.rooms_query(owner_id=user.id).limit(LIST_LIMIT),
        "currencies": catalog.SUPPORTED_CURRENCIES,
        "errors": {},
        "notice": None,
        "error_product": None,
    }


async def _studio_user(request: Request, refusal: str) -> User | None:
    """The logged-in streamer, or ``None`` when logged out (send them to log in); anyone
    else gets a 403 saying ``refusal``."""
    user = await load_user(request)
    if user is not None and not user.is_streamer:
        raise HTTPException(403, refusal)
    return user


async def studio_products(request: Request) -> Response:
    user = await _studio_user(
        request, _("Only streamers sell products. Ask an admin to upgrade you.")
    )
    if user is None:
        return _login(request)
    if request.method == "GET":
        ctx = await _studio_products_context(user)
        ctx["notice"] = {"image": _("Image uploaded.")}.get(request.query_params.get("done", ""))
        return _page(request, "commerce/studio_products.html", ctx)
    form = await checked_form(request)
    action = field(form, "action", 40)
    product_id = _int(field(form, "product_id", 12))
    try:
        if action == "create_product":
            await catalog.create_product(
                user,
                field(form, "title", 200),
                field(form, "description", 6000),
                currency=field(form, "currency", 3) or "USD",
                room_id=_int(field(form, "room_id", 12), 0) or None,
            )
            notice = _("Product created: add a variant to sell it.")
        elif action == "add_variant":
            options: dict[str, str] = {}
            for pair in field(form, "options", 600).split(","):
                name, _sep, value = pair.partition("=")
                if name.strip():
                    options[name.strip()] = value.strip()
            await catalog.add_variant(
                user,
                product_id,
                field(form, "sku", 80),
                _parse_price(field(form, "price", 20)),
                stock=_int(field(form, "stock", 10), 0),
                options=options,
            )
            notice = _("Variant added.")
        elif action == "update_stock":
            await catalog.update_stock(
                user, _int(field(form, "variant_id", 12)), stock=_int(field(form, "stock", 10))
            )
            notice = _("Stock updated.")
        elif action == "set_status":
            await catalog.update_product(user, product_id, status=field(form, "status", 12))
            notice = _("Product updated.")
        else:
            raise UserError("INVALID_ACTION", "unknown action", None)
    except UserError as exc:
        ctx = await _studio_products_context(user)
        ctx["errors"] = _errors(exc)
        ctx["error_product"] = product_id
        return _page(request, "commerce/studio_products.html", ctx, error_status(exc))
    ctx = await _studio_products_context(user)
    ctx["notice"] = notice
    return _page(request, "commerce/studio_products.html", ctx)


def _digits(text: str) -> bool:
    """ASCII digits only (``"²".isdigit()`` is true, and ``int("²")`` fails)."""
    return text.isascii() and text.isdigit()


def _parse_price(text: str) -> int:
    """``12.34`` → 1234 (minor units)."""
    text = text.strip().replace(",", "")
    whole, _sep, frac = text.partition(".")
    if not _digits(whole) or (frac and (not _digits(frac) or len(frac) > 2)):
        raise UserError("INVALID_PRICE", "enter a price like 12.99", "price")
    return int(whole) * 100 + int((frac + "00")[:2])


async def upload_image(request: Request) -> Response:
    """POST /studio/products/{id}/images — multipart ``image`` (validated by content)."""
    user = await load_user(request)
    if user is None:
        return _login(request, "/studio/products")
    length = request.headers.get("content-length")
    limit = images.MAX_UPLOAD_BYTES + 64 * 1024
    if length and _digits(length) and int(length) > limit:
        raise HTTPException(413, "Images are limited to 8 MB.")
    form = await request.form(max_files=1, max_fields=10)
    submitted = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not csrf_ok(
        request, str(submitted) if submitted else None, request.app.state.settings.secret_key
    ):
        raise HTTPException(
            403, "Your form expired or came from another site. Reload the page and try again."
        )
    upload = form.get("image")
    product_id = int(request.path_params["product_id"])
    try:
        if upload is None or isinstance(upload, str):
            raise UserError("INVALID_IMAGE", "choose an image to upload", "image")
        data = await upload.read(images.MAX_UPLOAD_BYTES + 1)
        await images.add_product_image(user, product_id, data)
    except UserError as exc:
        ctx = await _studio_products_context(user)
        ctx["errors"] = _errors(exc)
        ctx["error_product"] = product_id
        return _page(request, "commerce/studio_products.html", ctx, error_status(exc))
    finally:
        await form.close()
    return RedirectResponse("/studio/products?done=image", status_code=303)


# --- merchant studio: orders and coupons ----------------------------------------------------


async def studio_orders(request: Request) -> Response:
    user = await _studio_user(request, _("Only streamers sell products."))
    if user is None:
        return _login(request)
    status = request.query_params.get("status") or None
    errors: dict[str, str] = {}
    notice = None
    code = 200
    if request.method == "POST":
        form = await checked_form(request)
        action = field(form, "action", 20)
        order_id = _int(field(form, "order_id", 12))
        try:
            if action == "ship":
                await orders.ship_order(user, order_id, field(form, "tracking", 80))
                notice = _("Order #%(id)s shipped.", id=order_id)
            elif action == "deliver":
                await orders.mark_delivered(user, order_id)
                notice = _("Order #%(id)s delivered.", id=order_id)
            elif action == "refund":
                await orders.refund_order(user, order_id)
                notice = _("Order #%(id)s refunded.", id=order_id)
            elif action == "cancel":
                await orders.cancel_order(user, order_id)
                notice = _("Order #%(id)s cancelled.", id=order_id)
            else:
                raise UserError("INVALID_ACTION", "unknown action", None)
        except UserError as exc:
            errors = {"form": f"Order #{order_id}: {exc.message}"}
            code = error_status(exc)
    try:
        found = await orders.merchant_orders_query(user, status).limit(LIST_LIMIT)
    except UserError:
        found = await orders.merchant_orders_query(user).limit(LIST_LIMIT)
    ctx = {
        "rows": await _with_items(found),
        "errors": errors,
        "notice": notice,
        "status": status or "",
        "statuses": [s.value for s in OrderStatus],
    }
    return _page(request, "commerce/studio_orders.html", ctx, code)


async def studio_coupons(request: Request) -> Response:
    user = await _studio_user(request, _("Only streamers create coupons."))
    if user is None:
        return _login(request)
    errors: dict[str, str] = {}
    notice = None
    code = 200
    if request.method == "POST":
        form = await checked_form(request)
        action = field(form, "action", 20)
        try:
            if action == "create":
                kind = field(form, "kind", 10)
                raw = field(form, "amount", 20)
                amount = _parse_price(raw) if kind == "fixed" else _int(raw)
                max_uses = _int(field(form, "max_uses", 10), 0) or None
                await coupons.create_coupon(
                    user,
                    field(form, "code", 40),
                    kind,
                    amount,
                    currency=field(form, "currency", 3) or "USD",
                    min_spend_cents=_parse_price(field(form, "min_spend", 20) or "0"),
                    max_uses=max_uses,
                    per_user_limit=_int(field(form, "per_user_limit", 4), 1),
                    room_id=_int(field(form, "room_id", 12), 0) or None,
                )
                notice = _("Coupon created.")
            elif action == "drop":
                coupon = await coupons.drop_coupon(
                    user,
                    _int(field(form, "room_id", 12)),
                    _int(field(form, "coupon_id", 12)),
                    _int(field(form, "first_n", 8)),
                    _int(field(form, "duration", 8), 0) or None,
                )
                notice = _(
                    "Dropped %(code)s for the first %(n)s viewers.",
                    code=coupon.code,
                    n=coupon.drop_limit,
                )
            else:
                raise UserError("INVALID_ACTION", "unknown action", None)
        except UserError as exc:
            errors = _errors(exc)
            code = error_status(exc)
    ctx = {
        "coupons": await coupons.merchant_coupons(user),
        "rooms": await rooms.rooms_query(owner_id=user.id).limit(LIST_LIMIT),
        "live_rooms": await rooms.rooms_query(owner_id=user.id, status="live").limit(LIST_LIMIT),
        "currencies": catalog.SUPPORTED_CURRENCIES,
        "errors": errors,
        "notice": notice,
    }
    return _page(request, "commerce/studio_coupons.html", ctx, code)


async def coupon_panel_shared(room: Room) -> dict[str, Any]:
    """The room page's coupon panel: the running drop (``coupon.drop`` event data)."""
    return {"coupon_drops": await coupons.room_drops(room.id)}


async def claim_coupon(request: Request) -> Response:
    """POST /coupons/{id}/claim — answers a small status fragment (htmx) or redirects."""
    await checked_form(request)
    user = await load_user(request)
    if user is None:
        return _login(request, "/")
    try:
        claim = await coupons.claim_coupon(user, int(request.path_params["coupon_id"]))
        coupon = await coupons.get_coupon(claim.coupon_id)
        text, ok, status = _("Claimed %(code)s: use it at checkout.", code=coupon.code), True, 200
    except UserError as exc:
        text, ok, status = exc.message, False, 422
    if not is_htmx(request):
        return RedirectResponse("/cart", status_code=303)
    return _page(request, "commerce/_claim.html", {"text": text, "ok": ok}, status)


# --- webhook and uploads ------------------------------------------------------------------


async def payment_webhook(request: Request) -> Response:
    """POST /webhooks/payments — a signed provider event (see app.payments.webhooks)."""
    length = request.headers.get("content-length")
    if length and _digits(length) and int(length) > MAX_WEBHOOK_BYTES:
        return JSONResponse({"ok": False, "error": "TOO_LARGE"}, status_code=413)
    body = await request.body()
    if len(body) > MAX_WEBHOOK_BYTES:
        return JSONResponse({"ok": False, "error": "TOO_LARGE"}, status_code=413)
    try:
        result = await orders.handle_payment_webhook(
            body, request.headers.get(SIGNATURE_HEADER, "")
        )
    except UserError as exc:
        status = 401 if exc.code == "INVALID_SIGNATURE" else 400
        return JSONResponse({"ok": False, "error": exc.code}, status_code=status)
    return JSONResponse({"ok": True, "result": result.outcome})


class UploadFiles:
    """Serves ``<var_dir>/uploads`` (the folder of the running app's settings)."""

    def __init__(self) -> None:
        self._apps: dict[Path, StaticFiles] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        directory = Path(scope["app"].state.settings.var_dir) / "uploads"
        app = self._apps.get(directory)
        if app is None:
            with contextlib.suppress(OSError):
                directory.mkdir(parents=True, exist_ok=True)
            app = self._apps[directory] = StaticFiles(directory=str(directory), check_dir=False)
        await app(scope, receive, send)


routes: list[BaseRoute] = [
    Route("/products/{product_id:int}", product_page, name="product"),
    Route("/cart", cart_page, name="cart"),
    Route("/cart/add", cart_add, methods=["POST"]),
    Route("/cart/update", cart_update, methods=["POST"]),
    Route("/checkout", checkout_page, methods=["GET", "POST"], name="checkout"),
    Route("/checkout/start", buy_now_start, methods=["POST"]),
    Route("/orders", orders_page, name="orders"),
    Route("/orders/{order_id:int}", order_page, name="order"),
    Route("/orders/{order_id:int}/status", order_status),
    Route("/orders/{order_id:int}/{action:str}", order_action, methods=["POST"]),
    Route("/studio/products", studio_products, methods=["GET", "POST"], name="studio_products"),
    Route("/studio/products/{product_id:int}/images", upload_image, methods=["POST"]),
    Route("/studio/orders", studio_orders, methods=["GET", "POST"], name="studio_orders"),
    Route("/studio/coupons", studio_coupons, methods=["GET", "POST"], name="studio_coupons"),
    Route("/coupons/{coupon_id:int}/claim", claim_coupon, methods=["POST"]),
    Route("/webhooks/payments", payment_webhook, methods=["POST"]),
    Mount("/media/uploads", app=UploadFiles(), name="uploads"),
]
