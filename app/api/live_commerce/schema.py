"""Live-commerce queries and mutations: the room shelf and pinning, flash sales, auctions.

Amounts are integers in minor units (cents) of the variant's currency.
"""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

import strawberry

from app.api import errors
from app.api.commerce.schema import ShippingAddressInput
from app.api.commerce.types import OrderType
from app.api.context import Info
from app.api.ids import decode_id
from app.api.live_commerce.types import (
    AuctionType,
    BidType,
    FlashSaleType,
    ShelfItemType,
)
from app.api.pagination import Connection, paginate
from app.commerce import auctions, flash_sales, shelf
from app.rooms.services import get_room

T = TypeVar("T")


@errors.payload
class ShelfItemPayload:
    item: ShelfItemType | None = None


@errors.payload
class RemoveFromShelfPayload:
    ok: bool = False


@errors.payload
class PinProductPayload:
    item: ShelfItemType | None = strawberry.field(
        default=None, description="The pinned item (null after unpinning)."
    )


@errors.payload
class FlashSalePayload:
    sale: FlashSaleType | None = None


@errors.payload
class BuyFlashSalePayload:
    order: OrderType | None = strawberry.field(
        default=None, description="A pending order at the sale price: pay it before it expires."
    )
    sale: FlashSaleType | None = None


@errors.payload
class AuctionPayload:
    auction: AuctionType | None = None


@errors.payload
class PlaceBidPayload:
    auction: AuctionType | None = None
    bid: BidType | None = None


@strawberry.input
class StartFlashSaleInput:
    room_id: strawberry.ID
    variant_id: strawberry.ID
    price_cents: int = strawberry.field(description="The sale price per unit (minor units).")
    quantity: int = strawberry.field(description="Units offered: taken from stock now.")
    per_user_limit: int = 1
    duration_seconds: int = 300
    starts_at: datetime | None = strawberry.field(default=None, description="Default: now.")


@strawberry.input
class StartAuctionInput:
    room_id: strawberry.ID
    variant_id: strawberry.ID
    start_price: int = strawberry.field(description="The lowest first bid (minor units).")
    increment: int = strawberry.field(description="Each next bid is at least this much higher.")
    duration_seconds: int = 120
    extension_seconds: int = strawberry.field(
        default=15, description="A bid this close to the end extends it by as much."
    )


@strawberry.type
class Query:
    @errors.field(description="The products shown in a room, in shelf order.")
    async def room_shelf(
        self, info: Info, room_id: strawberry.ID, first: int = 50, after: str | None = None
    ) -> Connection[ShelfItemType]:
        room = await get_room(decode_id(room_id, "Room", "roomId"))
        query = shelf.room_shelf_query(room.id)
        return await paginate(query, first, after, ShelfItemType.from_model)

    @errors.field(description="A room's flash sales, newest first (by default not ended).")
    async def flash_sales(
        self,
        info: Info,
        room_id: strawberry.ID,
        include_ended: bool = False,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[FlashSaleType]:
        room = await get_room(decode_id(room_id, "Room", "roomId"))
        query = flash_sales.room_sales_query(room.id, include_ended)
        return await paginate(query, first, after, FlashSaleType.from_model)

    @errors.field(missing_is_null=True)
    async def flash_sale(self, info: Info, id: strawberry.ID) -> FlashSaleType | None:
        return FlashSaleType.from_model(await flash_sales.get_sale(decode_id(id, "FlashSale")))

    @errors.field(missing_is_null=True)
    async def auction(self, info: Info, id: strawberry.ID) -> AuctionType | None:
        return AuctionType.from_model(await auctions.get_auction(decode_id(id, "Auction")))

    @errors.field(description="A room's auctions, newest first.")
    async def auctions(
        self, info: Info, room_id: strawberry.ID, first: int = 20, after: str | None = None
    ) -> Connection[AuctionType]:
        room = await get_room(decode_id(room_id, "Room", "roomId"))
        query = auctions.room_auctions_query(room.id)
        return await paginate(query, first, after, AuctionType.from_model)


@strawberry.type
class Mutation:
    @errors.mutation(description="Show one of your products in your room (idempotent).")
    async def add_to_shelf(
        self, info: Info, room_id: strawberry.ID, product_id: strawberry.ID
    ) -> ShelfItemPayload:
        user = info.context.principal.require_user()
        item = await shelf.add_to_shelf(
            user,
            decode_id(room_id, "Room", "roomId"),
            decode_id(product_id, "Product", "productId"),
        )
        return ShelfItemPayload(item=ShelfItemType.from_model(item))

    @errors.mutation(description="Take a product off the room's shelf.")
    async def remove_from_shelf(
        self, info: Info, room_id: strawberry.ID, product_id: strawberry.ID
    ) -> RemoveFromShelfPayload:
        user = info.context.principal.require_user()
        await shelf.remove_from_shelf(
            user,
            decode_id(room_id, "Room", "roomId"),
            decode_id(product_id, "Product", "productId"),
        )
        return RemoveFromShelfPayload(ok=True)

    @errors.mutation(
        description="Pin a shelf product for every viewer (productId null unpins); one at a time."
    )
    async def pin_product(
        self, info: Info, room_id: strawberry.ID, product_id: strawberry.ID | None = None
    ) -> PinProductPayload:
        user = info.context.principal.require_user()
        item = await shelf.pin_product(
            user,
            decode_id(room_id, "Room", "roomId"),
            decode_id(product_id, "Product", "productId") if product_id else None,
        )
        return PinProductPayload(item=ShelfItemType.from_model(item) if item else None)

    @errors.mutation(description="Start a flash sale in your room (units leave stock now).")
    async def start_flash_sale(self, info: Info, input: StartFlashSaleInput) -> FlashSalePayload:
        user = info.context.principal.require_user()
        sale = await flash_sales.start_flash_sale(
            user,
            decode_id(input.room_id, "Room", "roomId"),
            decode_id(input.variant_id, "Variant", "variantId"),
            price_cents=input.price_cents,
            quantity=input.quantity,
            per_user_limit=input.per_user_limit,
            duration_seconds=input.duration_seconds,
            starts_at=input.starts_at,
        )
        return FlashSalePayload(sale=FlashSaleType.from_model(sale))

    @errors.mutation(description="End a flash sale now; unsold units go back to stock.")
    async def end_flash_sale(self, info: Info, sale_id: strawberry.ID) -> FlashSalePayload:
        user = info.context.principal.require_user()
        sale = await flash_sales.end_flash_sale(user, decode_id(sale_id, "FlashSale", "saleId"))
        return FlashSalePayload(sale=FlashSaleType.from_model(sale))

    @errors.mutation(
        description=(
            "Buy from a flash sale: a pending order at the sale price. Sold out, ended, not "
            "started and over-the-limit are errors that change nothing; retrying with the "
            "same idempotencyKey returns the same order."
        )
    )
    async def buy_flash_sale(
        self,
        info: Info,
        sale_id: strawberry.ID,
        shipping: ShippingAddressInput,
        idempotency_key: str,
        quantity: int = 1,
    ) -> BuyFlashSalePayload:
        sid = decode_id(sale_id, "FlashSale", "saleId")
        user = info.context.principal.require_user()
        order = await flash_sales.buy_flash_sale(
            user,
            sid,
            quantity,
            shipping=shipping.to_dict(),
            idempotency_key=idempotency_key,
        )
        sale = await flash_sales.get_sale(sid)
        return BuyFlashSalePayload(
            order=OrderType.from_model(order), sale=FlashSaleType.from_model(sale)
        )

    @errors.mutation(description="Auction one unit of a variant in your room.")
    async def start_auction(self, info: Info, input: StartAuctionInput) -> AuctionPayload:
        user = info.context.principal.require_user()
        auction = await auctions.start_auction(
            user,
            decode_id(input.room_id, "Room", "roomId"),
            decode_id(input.variant_id, "Variant", "variantId"),
            start_price=input.start_price,
            increment=input.increment,
            duration_seconds=input.duration_seconds,
            extension_seconds=input.extension_seconds,
        )
        return AuctionPayload(auction=AuctionType.from_model(auction))

    @errors.mutation(
        description=(
            "Bid on an auction (minor units). shipping is where the item goes if you win; "
            "without it your latest address is used."
        )
    )
    async def place_bid(
        self,
        info: Info,
        auction_id: strawberry.ID,
        amount: int,
        shipping: ShippingAddressInput | None = None,
    ) -> PlaceBidPayload:
        user = info.context.principal.require_user()
        auction, bid = await auctions.place_bid(
            user,
            decode_id(auction_id, "Auction", "auctionId"),
            amount,
            shipping=shipping.to_dict() if shipping else None,
        )
        return PlaceBidPayload(auction=AuctionType.from_model(auction), bid=BidType.from_model(bid))
