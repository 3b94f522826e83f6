"""The pinned product's live offer: what the card over the video charges, and the buy.

A room's pinned product is priced by one rule for pages and API alike: when a flash sale
of the product runs in the room now, its variant sells at the sale price (with the sale's
end and units left); otherwise every variant sells at its list price. :func:`buy_pinned`
charges what :func:`pinned_offer` shows: a variant on sale is bought through the flash
sale (its stock gate, per-buyer limit and price), any other through buy-now in the room.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.accounts.models import User
from app.commerce import cart, flash_sales, shelf
from app.commerce.live_models import FlashSale
from app.commerce.models import Order, Variant
from app.errors import NotFound, UserError


@dataclass(frozen=True)
class PinnedOffer:
    """The pinned product's card and the flash sale of it running in the room, if any."""

    card: shelf.ProductCard
    sale: FlashSale | None

    @property
    def sale_variant_id(self) -> int | None:
        return self.sale.variant_id if self.sale is not None else None

    def price_cents(self, variant: Variant) -> int:
        """What one unit of ``variant`` costs now (the flash price while its sale runs)."""
        if self.sale is not None and self.sale.variant_id == variant.id:
            return int(self.sale.price_cents)
        return int(variant.price_cents)

    def default_variant(self) -> Variant | None:
        """The variant the buy button offers first: the one on sale, else the first in
        stock."""
        for v in self.card.variants:
            if v.id == self.sale_variant_id:
                return v
        return next((v for v in self.card.variants if v.stock > 0), None)

    @property
    def buyable(self) -> bool:
        return self.sale is not None or self.card.in_stock


async def live_sale_of(
    room_id: int, product_id: int, now: datetime | None = None
) -> FlashSale | None:
    """The flash sale of ``product_id`` buyable in the room now (live, units left)."""
    for sale in await flash_sales.active_sales(room_id, now):
        if (
            sale.product_id == product_id
            and flash_sales.display_state(sale, now) == flash_sales.LIVE
        ):
            return sale
    return None


async def pinned_offer(room_id: int, now: datetime | None = None) -> PinnedOffer | None:
    """The room's pinned product priced now, or None when nothing is pinned."""
    item = await shelf.pinned_item(room_id)
    if item is None:
        return None
    card = (await shelf.product_cards([item.product_id])).get(item.product_id)
    if card is None:
        return None
    return PinnedOffer(card, await live_sale_of(room_id, item.product_id, now))


async def buy_pinned(
    user: User,
    room_id: int,
    variant_id: int,
    quantity: int,
    *,
    shipping: dict[str, Any],
    idempotency_key: str,
    now: datetime | None = None,
) -> Order:
    """Buy ``quantity`` of a variant of the room's pinned product at its live price: the
    flash price through the sale while a sale of that variant runs, else the list price
    (an order held while the buyer pays). ``NOT_PINNED`` when the variant is not the
    pinned product's; the sale's and buy-now's errors otherwise. Nothing changes on an
    error."""
    offer = await pinned_offer(room_id, now)
    if offer is None or all(v.id != variant_id for v in offer.card.variants):
        raise UserError("NOT_PINNED", "this product is no longer pinned here", "variantId")
    if not isinstance(quantity, int) or quantity < 1:
        raise UserError("INVALID_QUANTITY", "choose 1 or more", "quantity")
    if offer.sale is not None and offer.sale.variant_id == variant_id:
        return await flash_sales.buy_flash_sale(
            user,
            offer.sale.id,
            quantity,
            shipping=shipping,
            idempotency_key=idempotency_key,
            now=now,
        )
    return await cart.buy_now(
        user,
        variant_id,
        quantity,
        shipping=shipping,
        idempotency_key=idempotency_key,
        room_id=room_id,
    )


async def buy_in_room(
    user: User,
    room_id: int,
    variant_id: int,
    quantity: int,
    *,
    shipping: dict[str, Any],
    idempotency_key: str,
    coupon_code: str | None = None,
) -> Order:
    """Buy-now of a variant in a room (the API's ``buyNow`` with a room): a variant of the
    pinned product goes through :func:`buy_pinned`, so a running flash sale prices it;
    coupons do not combine with a flash sale (``COUPON_NOT_COMBINABLE``)."""
    variant = await Variant.get_or_none(id=variant_id)
    if variant is None:
        raise NotFound("variant", "variantId")
    offer = await pinned_offer(room_id)
    on_sale = offer is not None and offer.sale_variant_id == variant_id
    if on_sale and coupon_code:
        raise UserError(
            "COUPON_NOT_COMBINABLE", "coupons do not apply to a flash sale", "couponCode"
        )
    if on_sale:
        return await buy_pinned(
            user,
            room_id,
            variant_id,
            quantity,
            shipping=shipping,
            idempotency_key=idempotency_key,
        )
    return await cart.buy_now(
        user,
        variant_id,
        quantity,
        shipping=shipping,
        idempotency_key=idempotency_key,
        coupon_code=coupon_code,
        room_id=room_id,
    )
