"""The buyer's cart, buy-now and checkout (which splits a cart into one order per
merchant and currency, placed together or not at all)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app import signals
from app.accounts.models import User
from app.commerce import coupons, shelf
from app.commerce.models import Cart, CartItem, Coupon, Order, Product, ProductStatus, Variant
from app.commerce.orders import (
    MAX_QUANTITY,
    OrderLine,
    check_key,
    clean_shipping,
    create_order,
    items_for_orders,
    order_signal,
)
from app.errors import NotFound, UserError
from app.rooms.models import Room

MAX_CART_ITEMS = 50


@dataclass(frozen=True)
class CartLine:
    """A cart item with its variant and product (for pages and the API)."""

    item: CartItem
    variant: Variant
    product: Product

    @property
    def line_total_cents(self) -> int:
        return self.item.quantity * self.variant.price_cents


async def _cart_id(user: User) -> int:
    cart, _ = await Cart.get_or_create(user_id=user.id)
    return cart.id


async def cart_lines(user: User) -> list[CartLine]:
    """The user's cart, oldest item first (three queries whatever its size)."""
    cart = await Cart.get_or_none(user_id=user.id)
    if cart is None:
        return []
    items = await CartItem.filter(cart_id=cart.id).order_by("id")
    variants = {v.id: v for v in await Variant.filter(id__in=[i.variant_id for i in items])}
    products = {
        p.id: p for p in await Product.filter(id__in={v.product_id for v in variants.values()})
    }
    return [
        CartLine(i, variants[i.variant_id], products[variants[i.variant_id].product_id])
        for i in items
        if i.variant_id in variants
    ]


async def add_to_cart(
    user: User, variant_id: int, quantity: int = 1, room_id: int | None = None
) -> CartItem:
    """Add ``quantity`` of a variant (added to what the cart holds, at most 99)."""
    if not isinstance(quantity, int) or not 1 <= quantity <= MAX_QUANTITY:
        raise UserError("INVALID_QUANTITY", "add 1 to {max}", "quantity", {"max": MAX_QUANTITY})
    variant = await Variant.get_or_none(id=variant_id).prefetch_related("product")
    if variant is None:
        raise NotFound("variant", "variantId")
    if not variant.is_active or variant.product.status != ProductStatus.ACTIVE:
        raise UserError("UNAVAILABLE", "this item is not for sale", "variantId")
    if variant.merchant_id == user.id:
        raise UserError("OWN_PRODUCT", "you cannot buy your own products", "variantId")
    if room_id is not None and not await Room.filter(id=room_id).exists():
        raise NotFound("room", "roomId")
    cart_id = await _cart_id(user)
    try:
        item = await _add(cart_id, variant.id, quantity, room_id)
    except IntegrityError:
        # The same item was added concurrently: add to it.
        item = await _add(cart_id, variant.id, quantity, room_id)
    await signals.emit(
        "cart.added",
        product_id=variant.product_id,
        variant_id=variant.id,
        user_id=user.id,
        quantity=quantity,
        room_id=room_id,
    )
    return item


async def _add(cart_id: int, variant_id: int, quantity: int, room_id: int | None) -> CartItem:
    async with in_transaction() as conn:
        item = await CartItem.filter(cart_id=cart_id, variant_id=variant_id).using_db(conn).first()
        if item is None:
            if await CartItem.filter(cart_id=cart_id).using_db(conn).count() >= MAX_CART_ITEMS:
                raise UserError(
                    "CART_FULL", "a cart holds at most {max} items", None, {"max": MAX_CART_ITEMS}
                )
            item = await CartItem.create(
                cart_id=cart_id,
                variant_id=variant_id,
                quantity=quantity,
                room_id=room_id,
                using_db=conn,
            )
        else:
            changes: dict[str, Any] = {"quantity": F("quantity") + quantity}
            if room_id is not None:
                changes["room_id"] = room_id
            await CartItem.filter(id=item.id).using_db(conn).update(**changes)
            await (
                CartItem.filter(id=item.id, quantity__gt=MAX_QUANTITY)
                .using_db(conn)
                .update(quantity=MAX_QUANTITY)
            )
            item = await CartItem.get(id=item.id, using_db=conn)
    return item


async def set_cart_quantity(user: User, variant_id: int, quantity: int) -> None:
    """Set an item's quantity (0 removes it)."""
    if not isinstance(quantity, int) or not 0 <= quantity <= MAX_QUANTITY:
        raise UserError("INVALID_QUANTITY", "choose 0 to {max}", "quantity", {"max": MAX_QUANTITY})
    cart_id = await _cart_id(user)
    query = CartItem.filter(cart_id=cart_id, variant_id=variant_id)
    if quantity == 0:
        await query.delete()
    elif not await query.update(quantity=quantity):
        raise NotFound("cart item", "variantId")


async def remove_from_cart(user: User, variant_id: int) -> None:
    cart_id = await _cart_id(user)
    await CartItem.filter(cart_id=cart_id, variant_id=variant_id).delete()


async def buy_now(
    user: User,
    variant_id: int,
    quantity: int,
    *,
    shipping: dict[str, Any],
    idempotency_key: str,
    coupon_code: str | None = None,
    room_id: int | None = None,
) -> Order:
    """Place an order for one variant straight away."""
    order = await create_order(
        user,
        [OrderLine(variant_id=variant_id, quantity=quantity, source="buy_now")],
        shipping=shipping,
        coupon_code=coupon_code or None,
        idempotency_key=idempotency_key,
        room_id=room_id,
    )
    await _announce_checkout(order)
    return order


async def _announce_checkout(order: Order) -> None:
    """ "N people are buying": tell the room's shelf about a checkout placed in it."""
    if order.room_id is None:
        return
    for item in (await items_for_orders([order.id]))[order.id]:
        shelf.checkout_started(order.room_id, item.product_id, order.buyer_id)


async def checkout(
    user: User,
    *,
    shipping: dict[str, Any],
    idempotency_key: str,
    coupon_code: str | None = None,
) -> list[Order]:
    """Turn the cart into orders, one per merchant (and currency), all or none; the cart
    is emptied of what was ordered. A coupon applies to the order of its merchant.
    A retry with the same key returns the first orders."""
    key = check_key(idempotency_key)
    address = clean_shipping(shipping)
    if len(key) > 70:
        raise UserError(
            "INVALID_IDEMPOTENCY_KEY", "use a key of at most 70 characters", "idempotencyKey"
        )
    earlier = await Order.filter(buyer_id=user.id, idempotency_key__startswith=f"{key}#").order_by(
        "id"
    )
    if earlier:
        return earlier
    lines = await cart_lines(user)
    if not lines:
        raise UserError("EMPTY_CART", "your cart is empty", None)
    groups: dict[tuple[int, str], list[CartLine]] = defaultdict(list)
    for line in lines:
        groups[(line.variant.merchant_id, line.variant.currency)].append(line)
    coupon_group: tuple[int, str] | None = None
    if coupon_code:
        code = coupons.normalize_code(coupon_code, "couponCode")
        owners = await Coupon.filter(code=code, merchant_id__in=[m for m, _ in groups]).values_list(
            "merchant_id", flat=True
        )
        matching = [g for g in sorted(groups) if g[0] in set(owners)]
        if not matching:
            raise UserError("COUPON_NOT_FOUND", "this coupon code does not exist", "couponCode")
        coupon_group = matching[0]
    orders: list[Order] = []
    async with in_transaction() as conn:
        for n, group in enumerate(sorted(groups)):
            group_lines = groups[group]
            # The live room the items were added in, when they agree on one.
            rooms = {line.item.room_id for line in group_lines} - {None}
            room_id = rooms.pop() if len(rooms) == 1 else None
            if room_id is not None:
                owner = (
                    await Room.filter(id=room_id).using_db(conn).values_list("owner_id", flat=True)
                )
                if not owner or owner[0] != group[0]:
                    room_id = None
            order = await create_order(
                user,
                [
                    OrderLine(
                        variant_id=line.variant.id, quantity=line.item.quantity, source="cart"
                    )
                    for line in group_lines
                ],
                shipping=address,
                coupon_code=coupon_code if group == coupon_group else None,
                idempotency_key=f"{key}#{n + 1}",
                room_id=room_id,
                using_db=conn,
            )
            orders.append(order)
        await CartItem.filter(id__in=[line.item.id for line in lines]).using_db(conn).delete()
    for order in orders:
        await _announce_checkout(order)
        await signals.emit("order.created", **await order_signal(order), source="cart")
    return orders
