"""Orders: placing them (stock reserved), paying (coins or card), shipping, delivering,
completing, cancelling, refunding and expiring.

States::

    pending ──pay──► paid ──ship──► shipped ──deliver──► delivered ──complete──► completed
       │                 └───────────────┴──── refund ─────┴──────────────┘──► refunded
       ├──cancel──► cancelled
       └──expire──► expired        (unpaid past ``expires_at``: :func:`expire_unpaid_orders`)

Every transition is one conditional ``UPDATE orders SET status = … WHERE id = … AND
status IN (…)`` inside the transaction that does its side effects, so a transition
happens at most once however requests race, and an invalid one is a typed user error
that changes nothing. Stock is taken with ``UPDATE … SET stock = stock - n WHERE stock >=
n`` when an order is placed and given back when it is cancelled, expires or is refunded.

Other modules place orders through :func:`create_order` (see :class:`OrderLine`) and may
register :func:`on_release` hooks to give back units they allocated themselves
(``reserve_stock=False`` lines, e.g. flash sales) when an order is cancelled, expires or
is refunded.

Coins: an order costs :func:`coins_for` its total (one coin per minor unit); paying moves
them buyer → merchant in the coin ledger (:mod:`app.gifts.wallet`), a refund reverses
that transfer in the same transaction as the restock.
"""

from __future__ import annotations

import contextlib
import logging
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from app import signals
from app.accounts.models import Role, User
from app.commerce import coupons
from app.commerce.config import get_config
from app.commerce.models import (
    Coupon,
    Order,
    OrderItem,
    OrderStatus,
    Payment,
    PaymentStatus,
    Product,
    ProductStatus,
    Variant,
    WebhookEvent,
)
from app.commerce.payments import (
    CHARGE_SUCCEEDED,
    get_card_provider,
    normalize_card,
    parse_event,
    verify_signature,
)
from app.errors import NotFound, PermissionDenied, UserError
from app.gifts import wallet
from app.gifts.models import EntryKind
from app.rooms import events
from app.rooms.models import Room
from app.text import one_line

log = logging.getLogger("livemart.commerce.orders")

MAX_LINES = 50
MAX_QUANTITY = 99
MAX_UNIT_PRICE = 100_000_000
SOURCE_RE = re.compile(r"^(buy_now|cart|flash_sale:\d+|auction:\d+|[a-z_]{1,20}(:\d+)?)$")
TRACKING_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{3,63}$")
REFUNDABLE = (
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)
FINAL = (OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REFUNDED)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class OrderLine:
    """One line of an order to place."""

    variant_id: int
    quantity: int
    unit_price: int | None = None  # override (flash sale / auction price); None = variant price
    source: str = "buy_now"  # "buy_now" | "cart" | "flash_sale:<id>" | "auction:<id>"
    reserve_stock: bool = True  # False when the caller already allocated the units


# Hooks run inside the transaction that cancels, expires or refunds an order:
# ``await hook(order, items, reason, connection)`` with reason "cancelled" / "expired" /
# "refunded". Items with ``reserved=True`` are restocked here already.
ReleaseHook = Callable[[Order, list[OrderItem], str, BaseDBAsyncClient], Awaitable[None]]
_release_hooks: list[ReleaseHook] = []


def on_release(hook: ReleaseHook) -> ReleaseHook:
    """Register ``hook`` (usable as a decorator); registering twice is harmless."""
    if hook not in _release_hooks:
        _release_hooks.append(hook)
    return hook


def coins_for(total_cents: int, currency: str) -> int:
    """Coins an order of ``total_cents`` costs: one coin per minor unit."""
    return int(total_cents)


# --- validation --------------------------------------------------------------------------


ADDRESS_FIELDS = {
    "name": (2, 80, True),
    "line1": (3, 120, True),
    "line2": (0, 120, False),
    "city": (2, 80, True),
    "region": (0, 80, False),
    "postal_code": (2, 16, True),
    "country": (2, 2, True),
    "phone": (0, 32, False),
}


def clean_shipping(shipping: dict[str, Any] | None) -> dict[str, str]:
    """A shipping address: name, line1, line2?, city, region?, postal_code, country
    (ISO 3166 alpha-2), phone?. Unknown keys are dropped."""
    if not isinstance(shipping, dict):
        raise UserError("INVALID_ADDRESS", "enter a shipping address", "shipping")
    cleaned: dict[str, str] = {}
    for name, (low, high, required) in ADDRESS_FIELDS.items():
        raw = shipping.get(name) or ""
        value = one_line(str(raw))
        if not value and not required:
            continue
        if name == "country" and (len(value) != 2 or not value.isalpha()):
            raise UserError("INVALID_ADDRESS", "use a two-letter country code", "country")
        if not low <= len(value) <= high:
            label = name.replace("_", " ")
            raise UserError(
                "INVALID_ADDRESS", f"enter a valid {label} ({low}–{high} characters)", name
            )
        cleaned[name] = value
    cleaned["country"] = cleaned["country"].upper()
    return cleaned


def check_key(key: str, field: str = "idempotencyKey") -> str:
    """A client idempotency key: 1–80 printable characters."""
    key = (key or "").strip()
    if not 1 <= len(key) <= 80 or not key.isprintable():
        raise UserError(
            "INVALID_IDEMPOTENCY_KEY", "send an idempotency key of 1 to 80 characters", field
        )
    return key


def _check_lines(lines: list[OrderLine]) -> None:
    if not lines:
        raise UserError("EMPTY_ORDER", "add something to buy", "lines")
    if len(lines) > MAX_LINES:
        raise UserError("TOO_MANY_LINES", f"an order has at most {MAX_LINES} lines", "lines")
    for line in lines:
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= MAX_QUANTITY:
            raise UserError("INVALID_QUANTITY", f"buy 1 to {MAX_QUANTITY} of an item", "quantity")
        if line.unit_price is not None and (
            not isinstance(line.unit_price, int) or not 1 <= line.unit_price <= MAX_UNIT_PRICE
        ):
            raise UserError("INVALID_PRICE", "the unit price is not valid", "unitPrice")
        if not SOURCE_RE.match(line.source or ""):
            raise UserError("INVALID_SOURCE", "unknown order source", "source")


@contextlib.asynccontextmanager
async def _atomic(using_db: BaseDBAsyncClient | None) -> AsyncIterator[BaseDBAsyncClient]:
    """A transaction, or a savepoint of the caller's transaction ``using_db``."""
    if using_db is not None:
        async with using_db._in_transaction() as conn:
            yield conn
    else:
        async with in_transaction() as conn:
            yield conn


# --- placing orders --------------------------------------------------------------------


async def _existing(buyer_id: int, key: str, using_db: Any = None) -> Order | None:
    return await Order.filter(buyer_id=buyer_id, idempotency_key=key).using_db(using_db).first()


async def create_order(
    buyer: User,
    lines: list[OrderLine],
    *,
    shipping: dict[str, Any],
    coupon_code: str | None = None,
    idempotency_key: str,
    room_id: int | None = None,
    using_db: BaseDBAsyncClient | None = None,
) -> Order:
    """Place a pending order of one merchant's variants, reserving their stock.

    ``using_db``: a Tortoise transaction client to run inside the caller's transaction
    (this function then works in a savepoint of it). A retry with the same
    ``idempotency_key`` returns the first order (whatever the lines). The order holds its
    stock until it is paid or :func:`expire_unpaid_orders` expires it.

    Errors (nothing changes): ``EMPTY_ORDER``, ``INVALID_QUANTITY``, ``INVALID_ADDRESS``,
    ``NOT_FOUND`` (variant), ``UNAVAILABLE``, ``MIXED_MERCHANTS``, ``MIXED_CURRENCIES``,
    ``OWN_PRODUCT``, ``INVALID_ROOM``, ``OUT_OF_STOCK``, ``COUPON_*``.
    """
    key = check_key(idempotency_key)
    address = clean_shipping(shipping)
    _check_lines(lines)
    found = await _existing(buyer.id, key, using_db)
    if found is not None:
        return found
    try:
        async with _atomic(using_db) as conn:
            order = await _place(conn, buyer, lines, address, coupon_code, key, room_id)
    except IntegrityError:
        # A request with the same key committed first: answer with its order.
        found = await _existing(buyer.id, key, using_db)
        if found is not None:
            return found
        raise UserError("CONFLICT", "the order could not be placed; try again", None) from None
    if using_db is None:  # in a caller's transaction, the caller emits after its commit
        await signals.emit("order.created", **await order_signal(order), source=lines[0].source)
    return order


async def _place(
    conn: BaseDBAsyncClient,
    buyer: User,
    lines: list[OrderLine],
    address: dict[str, str],
    coupon_code: str | None,
    key: str,
    room_id: int | None,
) -> Order:
    ids = {line.variant_id for line in lines}
    variants = {v.id: v for v in await Variant.filter(id__in=list(ids)).using_db(conn)}
    missing = ids - variants.keys()
    if missing:
        raise NotFound("variant", "variantId")
    product_ids = {v.product_id for v in variants.values()}  # type: ignore[attr-defined]
    products = {p.id: p for p in await Product.filter(id__in=list(product_ids)).using_db(conn)}
    for variant in variants.values():
        product = products[variant.product_id]  # type: ignore[attr-defined]
        if not variant.is_active or product.status != ProductStatus.ACTIVE:
            raise UserError(
                "UNAVAILABLE", f"{product.title} ({variant.sku}) is not for sale", "variantId"
            )
    merchants = {v.merchant_id for v in variants.values()}  # type: ignore[attr-defined]
    if len(merchants) != 1:
        raise UserError("MIXED_MERCHANTS", "an order holds the products of one merchant", "lines")
    merchant_id = merchants.pop()
    if merchant_id == buyer.id:
        raise UserError("OWN_PRODUCT", "you cannot buy your own products", "variantId")
    currencies = {v.currency for v in variants.values()}
    if len(currencies) != 1:
        raise UserError("MIXED_CURRENCIES", "an order is paid in one currency", "lines")
    currency = currencies.pop()
    if room_id is not None:
        room = await Room.get_or_none(id=room_id).using_db(conn)
        if room is None or room.owner_id != merchant_id:  # type: ignore[attr-defined]
            raise UserError("INVALID_ROOM", "this room does not sell these products", "roomId")
    subtotal = sum(
        line.quantity
        * (
            line.unit_price
            if line.unit_price is not None
            else variants[line.variant_id].price_cents
        )
        for line in lines
    )
    coupon: Coupon | None = None
    discount = 0
    if coupon_code:
        coupon = await coupons.find_coupon(merchant_id, coupon_code, conn)
        discount = await coupons.check_coupon(
            coupon,
            buyer_id=buyer.id,
            subtotal_cents=subtotal,
            currency=currency,
            room_id=room_id,
            using_db=conn,
        )
    # Take the stock, in variant order so that two orders never wait on each other.
    for line in sorted(lines, key=lambda item: item.variant_id):
        if not line.reserve_stock:
            continue
        taken = (
            await Variant.filter(id=line.variant_id, stock__gte=line.quantity)
            .using_db(conn)
            .update(stock=F("stock") - line.quantity)
        )
        if not taken:
            variant = variants[line.variant_id]
            product = products[variant.product_id]  # type: ignore[attr-defined]
            raise UserError(
                "OUT_OF_STOCK",
                f"not enough of {product.title} ({variant.sku}) left in stock",
                "quantity",
            )
    order = await Order.create(
        buyer_id=buyer.id,
        merchant_id=merchant_id,
        room_id=room_id,
        status=OrderStatus.PENDING,
        currency=currency,
        subtotal_cents=subtotal,
        discount_cents=discount,
        total_cents=subtotal - discount,
        coupon_id=coupon.id if coupon else None,
        shipping=address,
        idempotency_key=key,
        expires_at=now() + get_config().order_ttl,
        using_db=conn,
    )
    await OrderItem.bulk_create(
        [
            OrderItem(
                order_id=order.id,
                variant_id=line.variant_id,
                product_id=variants[line.variant_id].product_id,  # type: ignore[attr-defined]
                title=products[variants[line.variant_id].product_id].title,  # type: ignore[attr-defined]
                sku=variants[line.variant_id].sku,
                quantity=line.quantity,
                unit_price_cents=(
                    line.unit_price
                    if line.unit_price is not None
                    else variants[line.variant_id].price_cents
                ),
                source=line.source,
                reserved=line.reserve_stock,
            )
            for line in lines
        ],
        using_db=conn,
    )
    if coupon is not None:
        await coupons.consume(coupon, buyer.id, order, discount, conn)
    return order


# --- reading ---------------------------------------------------------------------------


def _is_admin(user: User) -> bool:
    return user.role == Role.ADMIN


async def get_order(user: User, order_id: int) -> Order:
    """An order its buyer, its merchant or an admin may see (NOT_FOUND for others)."""
    order = await Order.get_or_none(id=order_id)
    if order is None or not (
        order.buyer_id == user.id  # type: ignore[attr-defined]
        or order.merchant_id == user.id  # type: ignore[attr-defined]
        or _is_admin(user)
    ):
        raise NotFound("order", "orderId")
    return order


async def _buyer_order(user: User, order_id: int) -> Order:
    order = await get_order(user, order_id)
    if order.buyer_id != user.id:  # type: ignore[attr-defined]
        raise PermissionDenied("only the buyer can do this")
    return order


async def _merchant_order(user: User, order_id: int) -> Order:
    order = await get_order(user, order_id)
    if order.merchant_id != user.id and not _is_admin(user):  # type: ignore[attr-defined]
        raise PermissionDenied("only the merchant can do this")
    return order


def _status_filter(query: QuerySet[Order], status: str | None) -> QuerySet[Order]:
    if status:
        try:
            query = query.filter(status=OrderStatus(status.lower()))
        except ValueError:
            raise UserError("INVALID_STATUS", "unknown order status", "status") from None
    return query


def buyer_orders_query(user: User, status: str | None = None) -> QuerySet[Order]:
    """The buyer's orders, newest first."""
    return _status_filter(Order.filter(buyer_id=user.id), status).order_by("-created_at", "-id")


def merchant_orders_query(user: User, status: str | None = None) -> QuerySet[Order]:
    """The merchant's orders (sales), newest first."""
    return _status_filter(Order.filter(merchant_id=user.id), status).order_by("-created_at", "-id")


async def room_order_count(room_id: int) -> int:
    """Orders placed in a room that still stand (not cancelled, expired or refunded)."""
    gone = (OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REFUNDED)
    return await Order.filter(room_id=room_id).exclude(status__in=gone).count()


async def items_for_orders(order_ids: list[int]) -> dict[int, list[OrderItem]]:
    found: dict[int, list[OrderItem]] = {oid: [] for oid in order_ids}
    for item in await OrderItem.filter(order_id__in=list(order_ids)).order_by("id"):
        found.setdefault(item.order_id, []).append(item)  # type: ignore[attr-defined]
    return found


async def payments_for_orders(order_ids: list[int]) -> dict[int, list[Payment]]:
    found: dict[int, list[Payment]] = {oid: [] for oid in order_ids}
    for payment in await Payment.filter(order_id__in=list(order_ids)).order_by("id"):
        found.setdefault(payment.order_id, []).append(payment)  # type: ignore[attr-defined]
    return found


async def get_orders(ids: list[int]) -> dict[int, Order]:
    return {o.id: o for o in await Order.filter(id__in=list(ids))}


# --- transitions -----------------------------------------------------------------------

_VERBS = {
    "pay": "pay",
    "cancel": "cancel",
    "ship": "ship",
    "deliver": "mark as delivered",
    "complete": "complete",
    "refund": "refund",
}


def invalid_transition(action: str, status: str, expired: bool = False) -> UserError:
    status = str(getattr(status, "value", status))
    if action == "pay" and (expired or status == OrderStatus.EXPIRED):
        return UserError("ORDER_EXPIRED", "this order expired; place it again", "orderId")
    if action == "pay" and status not in FINAL:
        return UserError("ALREADY_PAID", "this order is already paid", "orderId")
    if action == "refund" and status == OrderStatus.REFUNDED:
        return UserError("INVALID_TRANSITION", "this order was already refunded", "orderId")
    return UserError(
        "INVALID_TRANSITION",
        f"cannot {_VERBS.get(action, action)} an order that is {status}",
        "orderId",
    )


async def _transition(
    order: Order,
    action: str,
    sources: tuple[OrderStatus, ...],
    target: OrderStatus,
    conn: BaseDBAsyncClient,
    **changes: Any,
) -> None:
    """Move ``order`` from one of ``sources`` to ``target`` or raise (changing nothing)."""
    at = now()
    query = Order.filter(id=order.id, status__in=list(sources))
    if action == "pay":
        query = query.filter(expires_at__gt=at)
    updated = await query.using_db(conn).update(status=target, updated_at=at, **changes)
    if not updated:
        current = await Order.get(id=order.id).using_db(conn)
        expired = current.status == OrderStatus.PENDING and current.expires_at <= at
        raise invalid_transition(action, current.status, expired)
    order.status = target
    for name, value in changes.items():
        setattr(order, name, value)


async def _items(order: Order, conn: BaseDBAsyncClient) -> list[OrderItem]:
    return await OrderItem.filter(order_id=order.id).using_db(conn).order_by("variant_id")


async def _restock(items: list[OrderItem], conn: BaseDBAsyncClient) -> None:
    for item in items:
        if item.reserved:
            await (
                Variant.filter(id=item.variant_id)
                .using_db(conn)
                .update(  # type: ignore[attr-defined]
                    stock=F("stock") + item.quantity
                )
            )


async def _count_sold(items: list[OrderItem], sign: int, conn: BaseDBAsyncClient) -> None:
    per_product: dict[int, int] = {}
    for item in items:
        pid = item.product_id  # type: ignore[attr-defined]
        per_product[pid] = per_product.get(pid, 0) + item.quantity
    for pid in sorted(per_product):
        quantity = per_product[pid]
        query = Product.filter(id=pid)
        if sign < 0:
            query = query.filter(sold_count__gte=quantity)
        await query.using_db(conn).update(sold_count=F("sold_count") + sign * quantity)


async def _release(order: Order, reason: str, conn: BaseDBAsyncClient) -> list[OrderItem]:
    """Give back what an order held: its reserved stock, its coupon use, hooks' units."""
    items = await _items(order, conn)
    await _restock(items, conn)
    await coupons.release(order, conn)
    for hook in list(_release_hooks):
        await hook(order, items, reason, conn)
    return items


ANNOUNCED_SOURCES = ("buy_now", "cart")


async def order_signal(order: Order, products: bool = True) -> dict[str, Any]:
    """The keyword arguments of the ``order.*`` signals (see :mod:`app.signals`)."""
    data: dict[str, Any] = {
        "order_id": order.id,
        "user_id": order.buyer_id,  # type: ignore[attr-defined]
        "merchant_id": order.merchant_id,  # type: ignore[attr-defined]
        "room_id": order.room_id,  # type: ignore[attr-defined]
        "total_cents": order.total_cents,
        "currency": order.currency,
    }
    if products:
        rows = await OrderItem.filter(order_id=order.id).values_list("product_id", flat=True)
        data["product_ids"] = sorted(set(rows))
    return data


async def _announce_paid(order: Order) -> None:
    """``product.bought`` in the order's room, after the payment committed (flash sales
    and auctions announce their own purchases)."""
    if order.room_id is None:  # type: ignore[attr-defined]
        return
    buyer = await User.get_or_none(id=order.buyer_id)  # type: ignore[attr-defined]
    name = buyer.display_name if buyer else "someone"
    for item in await OrderItem.filter(order_id=order.id, source__in=ANNOUNCED_SOURCES):
        await events.publish(
            order.room_id,  # type: ignore[attr-defined]
            events.PRODUCT_BOUGHT,
            {"product_id": item.product_id, "user_name": name, "quantity": item.quantity},  # type: ignore[attr-defined]
        )


async def cancel_order(actor: User, order_id: int) -> Order:
    """Cancel an unpaid order (its buyer, merchant or an admin); the stock goes back.
    A paid order is refunded instead (:func:`refund_order`)."""
    order = await get_order(actor, order_id)
    async with in_transaction() as conn:
        await _transition(
            order,
            "cancel",
            (OrderStatus.PENDING,),
            OrderStatus.CANCELLED,
            conn,
            cancelled_at=now(),
        )
        await _release(order, "cancelled", conn)
    await signals.emit(
        "order.cancelled",
        order_id=order.id,
        user_id=order.buyer_id,  # type: ignore[attr-defined]
        room_id=order.room_id,  # type: ignore[attr-defined]
    )
    return await Order.get(id=order.id)


async def expire_unpaid_orders(at: datetime | None = None, batch: int = 200) -> int:
    """Expire pending orders whose ``expires_at`` passed, giving their stock and coupon
    uses back; returns how many expired. The app runs this every few seconds."""
    at = at or now()
    expired = 0
    while True:
        ids = (
            await Order.filter(status=OrderStatus.PENDING, expires_at__lte=at)
            .order_by("expires_at", "id")
            .limit(batch)
            .values_list("id", flat=True)
        )
        if not ids:
            return expired
        for order_id in ids:
            try:
                async with in_transaction() as conn:
                    updated = (
                        await Order.filter(
                            id=order_id, status=OrderStatus.PENDING, expires_at__lte=at
                        )
                        .using_db(conn)
                        .update(status=OrderStatus.EXPIRED, cancelled_at=at, updated_at=at)
                    )
                    if not updated:
                        continue
                    order = await Order.get(id=order_id).using_db(conn)
                    await _release(order, "expired", conn)
                expired += 1
                await signals.emit(
                    "order.cancelled",
                    order_id=order.id,
                    user_id=order.buyer_id,  # type: ignore[attr-defined]
                    room_id=order.room_id,  # type: ignore[attr-defined]
                )
            except Exception:
                log.exception("could not expire order %s", order_id)
        if len(ids) < batch:
            return expired


async def ship_order(merchant: User, order_id: int, tracking: str) -> Order:
    """The merchant ships a paid order with a tracking number."""
    order = await _merchant_order(merchant, order_id)
    tracking = " ".join((tracking or "").split())
    if not TRACKING_RE.match(tracking):
        raise UserError(
            "INVALID_TRACKING", "a tracking number is 4 to 64 letters and digits", "tracking"
        )
    async with in_transaction() as conn:
        await _transition(
            order,
            "ship",
            (OrderStatus.PAID,),
            OrderStatus.SHIPPED,
            conn,
            tracking_number=tracking,
            shipped_at=now(),
        )
    return await Order.get(id=order.id)


async def mark_delivered(actor: User, order_id: int) -> Order:
    """The merchant (or an admin) marks a shipped order delivered."""
    order = await _merchant_order(actor, order_id)
    async with in_transaction() as conn:
        await _transition(
            order,
            "deliver",
            (OrderStatus.SHIPPED,),
            OrderStatus.DELIVERED,
            conn,
            delivered_at=now(),
        )
    return await Order.get(id=order.id)


async def complete_order(actor: User, order_id: int) -> Order:
    """The buyer (or an admin) confirms a delivered order: it is completed."""
    order = await get_order(actor, order_id)
    if order.buyer_id != actor.id and not _is_admin(actor):  # type: ignore[attr-defined]
        raise PermissionDenied("only the buyer can confirm receipt")
    async with in_transaction() as conn:
        await _transition(
            order,
            "complete",
            (OrderStatus.DELIVERED,),
            OrderStatus.COMPLETED,
            conn,
            completed_at=now(),
        )
    return await Order.get(id=order.id)


async def refund_order(actor: User, order_id: int) -> Order:
    """The merchant (or an admin) refunds a paid order in full: the stock goes back, the
    coins go back to the buyer (a reversing ledger transfer) or the card is refunded.

    Errors: ``INVALID_TRANSITION`` (not paid, or already refunded), ``INSUFFICIENT_COINS``
    (the merchant no longer holds the coins); nothing changes then.
    """
    order = await _merchant_order(actor, order_id)
    async with in_transaction() as conn:
        at = now()
        await _transition(order, "refund", REFUNDABLE, OrderStatus.REFUNDED, conn, refunded_at=at)
        items = await _release(order, "refunded", conn)
        await _count_sold(items, -1, conn)
        payment = (
            await Payment.filter(order_id=order.id, status=PaymentStatus.SUCCEEDED)
            .using_db(conn)
            .first()
        )
        if payment is not None:
            if payment.provider == "coins" and payment.coins > 0:
                txid = payment.provider_ref.removeprefix("coins:")
                await wallet.reverse(
                    txid, f"refund:order:{order.id}", kind=EntryKind.REFUND, connection=conn
                )
            elif payment.provider == "card":
                await get_card_provider().refund(payment)
            await (
                Payment.filter(id=payment.id)
                .using_db(conn)
                .update(status=PaymentStatus.REFUNDED, refunded_at=at, updated_at=at)
            )
    await signals.emit("order.refunded", **await order_signal(order, products=False))
    return await Order.get(id=order.id)


# --- payments --------------------------------------------------------------------------


def _check_payable(order: Order) -> None:
    if order.status != OrderStatus.PENDING or order.expires_at <= now():
        raise invalid_transition("pay", order.status, order.expires_at <= now())


async def pay_with_coins(user: User, order_id: int, idempotency_key: str) -> Order:
    """Pay a pending order with coins: buyer → merchant in the ledger, in the same
    transaction as pending → paid. A retry with the same key returns the paid order.

    Errors: ``ORDER_EXPIRED``, ``ALREADY_PAID``, ``INVALID_TRANSITION``,
    ``INSUFFICIENT_COINS``, ``WALLET_FROZEN``; nothing changes then.
    """
    key = check_key(idempotency_key)
    order = await _buyer_order(user, order_id)
    if order.status != OrderStatus.PENDING:
        earlier = await Payment.filter(
            order_id=order.id, provider="coins", idempotency_key=key
        ).exists()
        if earlier:
            return order
    _check_payable(order)
    coins = coins_for(order.total_cents, order.currency)
    try:
        async with in_transaction() as conn:
            at = now()
            await _transition(
                order,
                "pay",
                (OrderStatus.PENDING,),
                OrderStatus.PAID,
                conn,
                paid_at=at,
                payment_method="coins",
            )
            ref = f"coins:free:{order.id}"
            if coins > 0:
                transfer = await wallet.transfer(
                    user.id,
                    order.merchant_id,  # type: ignore[attr-defined]
                    coins,
                    EntryKind.ORDER_PAYMENT,
                    f"order:{order.id}",
                    f"order:{order.id}:coins",
                    connection=conn,
                )
                ref = f"coins:{transfer.transaction_id}"
            await Payment.create(
                order_id=order.id,
                provider="coins",
                provider_ref=ref,
                amount_cents=order.total_cents,
                currency=order.currency,
                coins=coins,
                status=PaymentStatus.SUCCEEDED,
                idempotency_key=key,
                using_db=conn,
            )
            await _count_sold(await _items(order, conn), 1, conn)
    except UserError as exc:
        if (
            exc.code == "ALREADY_PAID"
            and await Payment.filter(
                order_id=order.id, provider="coins", idempotency_key=key
            ).exists()
        ):
            return await Order.get(id=order.id)
        raise
    await _announce_paid(order)
    await signals.emit("order.paid", **await order_signal(order))
    return await Order.get(id=order.id)


async def start_card_payment(user: User, order_id: int, card_number: str) -> Payment:
    """Start paying a pending order by card: a pending payment the provider settles by
    webhook (the order turns paid when ``charge.succeeded`` arrives). While a charge is in
    flight, starting again returns it instead of charging twice.

    Errors: ``INVALID_CARD``, ``ORDER_EXPIRED``, ``ALREADY_PAID``, ``INVALID_TRANSITION``.
    """
    digits = normalize_card(card_number)
    order = await _buyer_order(user, order_id)
    _check_payable(order)
    in_flight = await Payment.filter(
        order_id=order.id, provider="card", status=PaymentStatus.PENDING
    ).first()
    if in_flight is not None:
        return in_flight
    provider = get_card_provider()
    payment = await Payment.create(
        order_id=order.id,
        provider="card",
        provider_ref=provider.new_charge_id(),
        amount_cents=order.total_cents,
        currency=order.currency,
        status=PaymentStatus.PENDING,
        card_last4=digits[-4:],
    )
    await provider.charge(payment, digits)
    return payment


@dataclass(frozen=True)
class WebhookResult:
    """What a webhook delivery did: ``paid``, ``failed``, ``refunded`` (paid too late: the
    charge was refunded), ``duplicate`` (seen before) or ``ignored`` (nothing to do)."""

    outcome: str
    order_id: int | None = None


async def handle_payment_webhook(body: bytes, signature: str) -> WebhookResult:
    """Process a signed provider event once, however often it is delivered.

    Errors: ``INVALID_SIGNATURE``, ``INVALID_PAYLOAD`` (nothing is recorded).
    """
    if not verify_signature(body, signature):
        raise UserError("INVALID_SIGNATURE", "the signature does not match", None)
    event = parse_event(body)
    data = event["data"]
    paid: Order | None = None
    try:
        async with in_transaction() as conn:
            await WebhookEvent.create(
                provider="card",
                event_id=event["id"],
                type=event["type"],
                payload=event,
                using_db=conn,
            )
            payment = (
                await Payment.filter(provider="card", provider_ref=data["charge_id"])
                .using_db(conn)
                .first()
            )
            if payment is None or (payment.amount_cents, payment.currency) != (
                data["amount_cents"],
                data["currency"],
            ):
                log.warning("payment event %s for an unknown charge", event["id"])
                return WebhookResult("ignored")
            result, paid = await _apply_charge_event(event, payment, conn)
    except IntegrityError:
        if await WebhookEvent.filter(event_id=event["id"]).exists():
            return WebhookResult("duplicate")
        raise
    if paid is not None:
        await _announce_paid(paid)
        await signals.emit("order.paid", **await order_signal(paid))
    return result


async def _apply_charge_event(
    event: dict[str, Any], payment: Payment, conn: BaseDBAsyncClient
) -> tuple[WebhookResult, Order | None]:
    at = now()
    order_id = payment.order_id  # type: ignore[attr-defined]
    if event["type"] != CHARGE_SUCCEEDED:
        failed = (
            await Payment.filter(id=payment.id, status=PaymentStatus.PENDING)
            .using_db(conn)
            .update(
                status=PaymentStatus.FAILED,
                failure_reason=str(event["data"].get("failure_reason") or "declined")[:200],
                updated_at=at,
            )
        )
        return WebhookResult("failed" if failed else "ignored", order_id), None
    settled = (
        await Payment.filter(id=payment.id, status=PaymentStatus.PENDING)
        .using_db(conn)
        .update(status=PaymentStatus.SUCCEEDED, updated_at=at)
    )
    if not settled:
        return WebhookResult("ignored", order_id), None
    # The charge was started while the order could be paid: accept it while the order
    # still holds its stock (pending), even if its time ran out a moment ago.
    updated = (
        await Order.filter(id=order_id, status=OrderStatus.PENDING)
        .using_db(conn)
        .update(status=OrderStatus.PAID, paid_at=at, payment_method="card", updated_at=at)
    )
    order = await Order.get(id=order_id).using_db(conn)
    if not updated:
        # Cancelled, expired or paid otherwise meanwhile: give the money back.
        await get_card_provider().refund(payment)
        await (
            Payment.filter(id=payment.id)
            .using_db(conn)
            .update(status=PaymentStatus.REFUNDED, refunded_at=at, updated_at=at)
        )
        return WebhookResult("refunded", order_id), None
    await _count_sold(await _items(order, conn), 1, conn)
    return WebhookResult("paid", order_id), order


def new_idempotency_key() -> str:
    """A fresh key for forms (put in a hidden field so a double submit is harmless)."""
    return uuid.uuid4().hex


async def last_shipping(user: User) -> dict[str, str]:
    """The address of the user's latest order (to prefill checkout), or ``{}``."""
    order = await Order.filter(buyer_id=user.id).order_by("-id").first()
    return dict(order.shipping) if order and order.shipping else {}
