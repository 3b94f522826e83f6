"""Live-commerce models: a room's shelf, flash sales and their claims, auctions and bids.

Imported into :mod:`app.commerce.models` (one Tortoise app), so they can point at
``models.Product``, ``models.Variant`` and ``models.Order``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

__all__ = [
    "Auction",
    "AuctionState",
    "Bid",
    "FlashSale",
    "FlashSaleClaim",
    "FlashSaleState",
    "PinMoment",
    "ShelfItem",
]


class ShelfItem(Model):
    """A product shown in a room. At most one item of a room is pinned at a time."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="shelf_items", on_delete=fields.CASCADE
    )
    room_id: int
    product: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Product", related_name="shelf_items", on_delete=fields.CASCADE
    )
    product_id: int
    position = fields.IntField(default=0)
    pinned = fields.BooleanField(default=False)
    pinned_at = fields.DatetimeField(null=True)
    added_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "shelf_items"
        unique_together = (("room", "product"),)
        ordering = ("position", "id")


class PinMoment(Model):
    """The room's pinned product from ``at`` on (``product`` None: nothing pinned).

    One row per pin or unpin, written in the pin's transaction: the timeline a replay
    follows to show what was pinned at each moment of a live."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="pin_moments", on_delete=fields.CASCADE
    )
    room_id: int
    product: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Product", related_name="pin_moments", null=True, on_delete=fields.SET_NULL
    )
    product_id: int | None
    at = fields.DatetimeField()

    class Meta:
        table = "pin_moments"
        indexes = (("room_id", "at"),)


class FlashSaleState(StrEnum):
    LIVE = "live"  # created; buyable between starts_at and ends_at
    ENDED = "ended"  # over; unsold units went back to the variant's stock


class FlashSale(Model):
    """A limited quantity of one variant at a sale price for a short window.

    ``quantity`` units are taken from the variant's stock when the sale is created;
    ``remaining`` counts down with each purchase (a conditional update) and goes back to
    stock when the sale ends (``returned`` records how many).
    """

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="flash_sales", on_delete=fields.CASCADE
    )
    room_id: int
    product: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Product", related_name="flash_sales", on_delete=fields.CASCADE
    )
    product_id: int
    variant: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Variant", related_name="flash_sales", on_delete=fields.CASCADE
    )
    variant_id: int
    created_by: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="flash_sales_created", on_delete=fields.CASCADE
    )
    created_by_id: int
    price_cents = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField(db_index=True)
    quantity = fields.IntField()
    remaining = fields.IntField()
    per_user_limit = fields.IntField(default=1)
    returned = fields.IntField(default=0)
    state = fields.CharEnumField(FlashSaleState, max_length=8, default=FlashSaleState.LIVE)
    created_at = fields.DatetimeField(auto_now_add=True)
    ended_at = fields.DatetimeField(null=True)

    class Meta:
        table = "flash_sales"


class FlashSaleClaim(Model):
    """One unit a buyer bought in a sale. ``n`` is the buyer's slot (1..per_user_limit):
    the unique ``(sale, user, n)`` makes the per-user limit hold under concurrency."""

    id = fields.IntField(primary_key=True)
    sale: fields.ForeignKeyRelation[FlashSale] = fields.ForeignKeyField(
        "models.FlashSale", related_name="claims", on_delete=fields.CASCADE
    )
    sale_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="flash_sale_claims", on_delete=fields.CASCADE
    )
    user_id: int
    n = fields.IntField()
    order: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Order", related_name="flash_sale_claims", null=True, on_delete=fields.SET_NULL
    )
    order_id: int | None
    idempotency_key = fields.CharField(max_length=100, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "flash_sale_claims"
        unique_together = (("sale", "user", "n"),)


class AuctionState(StrEnum):
    LIVE = "live"  # taking bids until ends_at
    SOLD = "sold"  # closed with a winner, who has an order to pay
    UNSOLD = "unsold"  # closed without a bid; the unit went back to stock
    RELEASED = "released"  # the winner's order was cancelled; the unit went back to stock


class Auction(Model):
    """One unit of a variant auctioned during a live, with anti-sniping.

    The unit leaves the variant's stock when the auction starts. ``current_price`` is
    the leading bid (the start price until the first bid); ``version`` changes with every
    accepted bid so concurrent bids are compare-and-set updates.
    """

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="auctions", on_delete=fields.CASCADE
    )
    room_id: int
    product: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Product", related_name="auctions", on_delete=fields.CASCADE
    )
    product_id: int
    variant: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Variant", related_name="auctions", on_delete=fields.CASCADE
    )
    variant_id: int
    seller: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="auctions_selling", on_delete=fields.CASCADE
    )
    seller_id: int
    currency = fields.CharField(max_length=3)
    start_price = fields.BigIntField()
    increment = fields.BigIntField()
    current_price = fields.BigIntField()
    leader: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="auctions_leading", null=True, on_delete=fields.SET_NULL
    )
    leader_id: int | None
    bid_count = fields.IntField(default=0)
    version = fields.IntField(default=0)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField(db_index=True)
    extension_seconds = fields.IntField(default=15)
    state = fields.CharEnumField(AuctionState, max_length=10, default=AuctionState.LIVE)
    order: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Order", related_name="auctions", null=True, on_delete=fields.SET_NULL
    )
    order_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "auctions"


class Bid(Model):
    """An accepted bid."""

    id = fields.IntField(primary_key=True)
    auction: fields.ForeignKeyRelation[Auction] = fields.ForeignKeyField(
        "models.Auction", related_name="bids", on_delete=fields.CASCADE
    )
    auction_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="bids", on_delete=fields.CASCADE
    )
    user_id: int
    amount = fields.BigIntField()
    # Where the item goes if this bid wins (the winner's order is placed with it).
    shipping: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "bids"
