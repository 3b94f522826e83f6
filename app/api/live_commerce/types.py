"""GraphQL types for live commerce: shelf items, flash sales, auctions and bids."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from app.api.accounts.loaders import user_loader
from app.api.commerce import loaders
from app.api.commerce.types import (
    OrderType,
    ProductType,
    VariantType,
    load_product,
    load_variant,
)
from app.api.context import Info
from app.api.live_commerce import loaders as live_loaders
from app.api.mapping import from_model, public_nodes
from app.api.rooms.types import RoomType, load_room
from app.commerce import auctions, flash_sales, shelf
from app.commerce.live_models import Auction, AuctionState, Bid, FlashSale, ShelfItem


async def _product_of(root: Any, info: Info) -> ProductType | None:
    """The shelf item's, sale's or auction's product (if the viewer may see it)."""
    return await load_product(info, root._product_id)


async def _variant_of(root: Any, info: Info) -> VariantType | None:
    return await load_variant(info, root._variant_id)


async def _room_of(root: Any, info: Info) -> RoomType | None:
    return await load_room(info, root._room_id)


@strawberry.type(name="ShelfItem", description="A product shown in a room; one may be pinned.")
class ShelfItemType(relay.Node):
    id: relay.NodeID[int]
    position: int
    pinned: bool
    pinned_at: datetime | None
    added_at: datetime
    _product_id: strawberry.Private[int]
    _room_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, item: ShelfItem) -> ShelfItemType:
        return from_model(cls, item)

    product = strawberry.field(resolver=_product_of)

    room = strawberry.field(resolver=_room_of)

    resolve_nodes = public_nodes(shelf.get_items)


@strawberry.enum(name="FlashSaleState")
class FlashSaleStateEnum(Enum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    SOLD_OUT = "sold_out"
    ENDED = "ended"


@strawberry.type(
    name="FlashSale",
    description="A limited quantity of one variant at a sale price for a short window.",
)
class FlashSaleType(relay.Node):
    id: relay.NodeID[int]
    state: FlashSaleStateEnum = strawberry.field(description="As a buyer sees it right now.")
    price_cents: int
    currency: str
    starts_at: datetime
    ends_at: datetime
    quantity: int = strawberry.field(description="Units offered (taken from stock at start).")
    remaining: int
    per_user_limit: int
    returned: int = strawberry.field(description="Unsold units given back to stock at the end.")
    created_at: datetime
    ended_at: datetime | None
    _product_id: strawberry.Private[int]
    _variant_id: strawberry.Private[int]
    _room_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, sale: FlashSale) -> FlashSaleType:
        return from_model(cls, sale, state=FlashSaleStateEnum(flash_sales.display_state(sale)))

    @strawberry.field(description="Seconds until the end (0 when over).")
    def seconds_left(self) -> int:
        left = (self.ends_at - flash_sales.utcnow()).total_seconds()
        return max(0, int(left))

    product = strawberry.field(resolver=_product_of)

    variant = strawberry.field(resolver=_variant_of)

    room = strawberry.field(resolver=_room_of)

    @strawberry.field(description="Units the viewer holds in this sale.")
    async def viewer_bought(self, info: Info) -> int:
        return await live_loaders.viewer_bought(info).load(self.id)

    resolve_nodes = public_nodes(flash_sales.get_sales)


AuctionStateEnum = AuctionState
strawberry.enum(AuctionStateEnum, name="AuctionState")


@strawberry.type(name="Bid", description="An accepted bid.")
class BidType:
    amount: int
    created_at: datetime
    _user_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, bid: Bid) -> BidType:
        return from_model(cls, bid)

    @strawberry.field
    async def bidder_name(self, info: Info) -> str | None:
        user = await user_loader(info).load(self._user_id)
        return user.display_name if user else None


@strawberry.type(
    name="Auction",
    description="One unit auctioned during a live; late bids extend the end (anti-sniping).",
)
class AuctionType(relay.Node):
    id: relay.NodeID[int]
    state: AuctionStateEnum
    currency: str
    start_price: int
    increment: int
    current_price: int = strawberry.field(
        description="The leading bid (the start price until the first bid)."
    )
    minimum_bid: int = strawberry.field(description="The lowest bid accepted next.")
    bid_count: int
    starts_at: datetime
    ends_at: datetime
    extension_seconds: int = strawberry.field(
        description="A bid this close to the end pushes the end back by as much."
    )
    closed_at: datetime | None
    _product_id: strawberry.Private[int]
    _variant_id: strawberry.Private[int]
    _room_id: strawberry.Private[int]
    _seller_id: strawberry.Private[int]
    _leader_id: strawberry.Private[int | None]
    _order_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, auction: Auction) -> AuctionType:
        return from_model(
            cls,
            auction,
            state=AuctionStateEnum(auction.state),
            minimum_bid=auctions.minimum_bid(auction),
        )

    @strawberry.field(description="Seconds until the end (0 when over).")
    def seconds_left(self) -> int:
        if self.state != AuctionStateEnum.LIVE:
            return 0
        return max(0, int((self.ends_at - auctions.utcnow()).total_seconds()))

    @strawberry.field(description="The leading bidder's display name.")
    async def leader_name(self, info: Info) -> str | None:
        if self._leader_id is None:
            return None
        user = await user_loader(info).load(self._leader_id)
        return user.display_name if user else None

    @strawberry.field(description="Whether the viewer leads (or won).")
    def viewer_is_leader(self, info: Info) -> bool:
        me = info.context.principal.user
        return me is not None and me.id == self._leader_id

    @strawberry.field(description="The winner's order: only the winner and the seller see it.")
    async def order(self, info: Info) -> OrderType | None:
        me = info.context.principal.user
        if self._order_id is None or me is None or me.id not in (self._leader_id, self._seller_id):
            return None
        found = await loaders.orders_by_id(info).load(self._order_id)
        return OrderType.from_model(found) if found else None

    @strawberry.field(description="The latest bids, newest first.")
    async def bids(self, info: Info, first: int = 10) -> list[BidType]:
        first = max(0, min(first, 50))
        return [BidType.from_model(b) for b in await auctions.recent_bids(self.id, first)]

    product = strawberry.field(resolver=_product_of)

    variant = strawberry.field(resolver=_variant_of)

    room = strawberry.field(resolver=_room_of)

    resolve_nodes = public_nodes(auctions.get_auctions)
