"""Placing orders: one merchant's variants, stock reserved with a conditional decrement,
coupons checked and consumed, all in one transaction (or a savepoint of the caller's).

Other modules place orders through :func:`create_order` (see
:class:`~app.commerce.ordering.rules.OrderLine`); lines they allocated themselves
(``reserve_stock=False``, e.g. flash sales) are given back by
:func:`app.commerce.flash_sales.release_units` when the order is released.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app import signals
from app.accounts.models import User
from app.commerce import coupons
from app.commerce.config import get_config
from app.commerce.models import (
    Coupon,
    Order,
    OrderItem,
    OrderStatus,
    Product,
    ProductStatus,
    Variant,
)
from app.commerce.ordering.announcements import order_signal
from app.commerce.ordering.rules import OrderLine, check_key, check_lines, clean_shipping, now
from app.errors import NotFound, UserError
from app.rooms.models import Room


@contextlib.asynccontextmanager
async def atomic(using_db: BaseDBAsyncClient | None) -> AsyncIterator[BaseDBAsyncClient]:
    """A transaction, or a savepoint of the caller's transaction ``using_db``."""
    if using_db is not None:
        async with using_db._in_transaction() as conn:
            yield conn
    else:
        async with in_transaction() as conn:
            yield conn


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
    check_lines(lines)
    found = await _existing(buyer.id, key, using_db)
    if found is not None:
        return found
    try:
        async with atomic(using_db) as conn:
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
    product_ids = {v.product_id for v in variants.values()}
    products = {p.id: p for p in await Product.filter(id__in=list(product_ids)).using_db(conn)}
    for variant in variants.values():
        product = products[variant.product_id]
        if not variant.is_active or product.status != ProductStatus.ACTIVE:
            raise UserError(
                "UNAVAILABLE",
                "{product} ({sku}) is not for sale",
                "variantId",
                {"product": product.title, "sku": variant.sku},
            )
    merchants = {v.merchant_id for v in variants.values()}
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
        room = await Room.get_or_none(id=room_id, using_db=conn)
        if room is None or room.owner_id != merchant_id:
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
            product = products[variant.product_id]
            raise UserError(
                "OUT_OF_STOCK",
                "not enough of {product} ({sku}) left in stock",
                "quantity",
                {"product": product.title, "sku": variant.sku},
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
                product_id=variants[line.variant_id].product_id,
                title=products[variants[line.variant_id].product_id].title,
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


async def last_shipping(user: User) -> dict[str, str]:
    """The address of the user's latest order (to prefill checkout), or ``{}``."""
    order = await Order.filter(buyer_id=user.id).order_by("-id").first()
    return dict(order.shipping) if order and order.shipping else {}
