"""The live-commerce GraphQL operations (graphql/operations/live_commerce.graphql)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from app.accounts.models import User
from app.api.ids import encode_id
from app.commerce import auctions as auction_service
from app.commerce.live_models import Auction
from app.commerce.models import Product, Variant
from app.rooms.models import Room
from tests.live_commerce.conftest import SHIPPING, fund_email, registered_shop
from tests.support import op, register

SHIPPING_INPUT = {
    "name": SHIPPING["name"],
    "line1": SHIPPING["line1"],
    "city": SHIPPING["city"],
    "postalCode": SHIPPING["postal_code"],
    "country": SHIPPING["country"],
}


async def _live(
    client: httpx.AsyncClient, name: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run the live_commerce operation ``name``: its root field's answer."""
    data = (await op(client, "live_commerce", name, variables))["data"]
    return data[name[0].lower() + name[1:]]


async def _buy(client: httpx.AsyncClient, sale_id: str, idempotency_key: str) -> dict[str, Any]:
    variables = {"saleId": sale_id, "shipping": SHIPPING_INPUT, "idempotencyKey": idempotency_key}
    return await _live(client, "BuyFlashSale", variables)


def _codes(payload: dict) -> list[str]:  # type: ignore[type-arg]
    return [e["code"] for e in payload["errors"]]


async def _streamer_shop(client: httpx.AsyncClient) -> tuple[User, Room, Product, Variant]:
    shop = await registered_shop(client, stock=10)
    return shop.seller, shop.room, shop.product, shop.variant


async def test_shelf_pin_sale_and_auction_round_trip(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    _, room, product, variant = await _streamer_shop(client)
    room_id, product_id = encode_id("Room", room.id), encode_id("Product", product.id)
    variant_id = encode_id("Variant", variant.id)

    added = await _live(client, "AddToShelf", {"roomId": room_id, "productId": product_id})
    assert added["errors"] == [] and added["item"]["product"]["title"] == "Silk scarf"
    pinned = await _live(client, "PinProduct", {"roomId": room_id, "productId": product_id})
    assert pinned["item"]["pinned"] is True
    shelf = (await op(other_client, "live_commerce", "RoomShelf", {"roomId": room_id}))["data"]
    assert shelf["roomShelf"]["totalCount"] == 1
    assert shelf["roomShelf"]["nodes"][0]["pinned"] is True

    # Viewers cannot run the shelf.
    await register(other_client, "bea@example.com", "Bea")
    await fund_email("bea@example.com")
    denied = await _live(other_client, "PinProduct", {"roomId": room_id, "productId": None})
    assert _codes(denied) == ["FORBIDDEN"]

    started = await _live(
        client,
        "StartFlashSale",
        {
            "input": {
                "roomId": room_id,
                "variantId": variant_id,
                "priceCents": 1500,
                "quantity": 3,
                "perUserLimit": 1,
                "durationSeconds": 120,
            }
        },
    )
    assert started["errors"] == []
    sale = started["sale"]
    assert (sale["state"], sale["remaining"], sale["product"]["title"]) == ("LIVE", 3, "Silk scarf")
    assert 100 < sale["secondsLeft"] <= 120

    bought = await _buy(other_client, sale["id"], "tap-1")
    assert bought["errors"] == []
    assert bought["order"]["status"] == "PENDING" and bought["order"]["totalCents"] == 1500
    assert bought["order"]["items"][0]["source"].startswith("flash_sale:")
    assert bought["sale"]["remaining"] == 2
    retry = await _buy(other_client, sale["id"], "tap-1")
    assert retry["order"]["id"] == bought["order"]["id"]
    again = await _buy(other_client, sale["id"], "tap-2")
    assert _codes(again) == ["PURCHASE_LIMIT"] and again["errors"][0]["field"] == "quantity"

    listed = (await op(other_client, "live_commerce", "FlashSales", {"roomId": room_id}))["data"]
    assert listed["flashSales"]["nodes"][0]["viewerBought"] == 1
    ended = (await op(client, "live_commerce", "EndFlashSale", {"saleId": sale["id"]}))["data"]
    assert ended["endFlashSale"]["sale"]["state"] == "ENDED"
    assert ended["endFlashSale"]["sale"]["returned"] == 2
    late = await _buy(other_client, sale["id"], "tap-3")
    assert _codes(late) == ["SALE_ENDED"]

    started_auction = await _live(
        client,
        "StartAuction",
        {
            "input": {
                "roomId": room_id,
                "variantId": variant_id,
                "startPrice": 1000,
                "increment": 100,
                "durationSeconds": 60,
                "extensionSeconds": 10,
            }
        },
    )
    auction = started_auction["auction"]
    assert (auction["state"], auction["minimumBid"]) == ("LIVE", 1000)
    low = await _live(other_client, "PlaceBid", {"auctionId": auction["id"], "amount": 999})
    assert _codes(low) == ["BID_TOO_LOW"]
    own = await _live(client, "PlaceBid", {"auctionId": auction["id"], "amount": 5000})
    assert _codes(own) == ["OWN_AUCTION"]
    bid = await _live(other_client, "PlaceBid", {"auctionId": auction["id"], "amount": 1000})
    assert bid["errors"] == []  # Bea's address comes from her flash-sale order
    assert (bid["auction"]["minimumBid"], bid["auction"]["leaderName"]) == (1100, "Bea")
    # Close it now: the winner's order shows on the auction, to the winner only.
    row = await Auction.get(room_id=room.id)
    await auction_service.close_auction(row.id, row.ends_at)
    seen = (await op(other_client, "live_commerce", "Auction", {"id": auction["id"]}))["data"]
    assert seen["auction"]["state"] == "SOLD"
    assert seen["auction"]["order"]["totalCents"] == 1000
    assert seen["auction"]["viewerIsLeader"] is True
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as anon:
        public = (await op(anon, "live_commerce", "Auction", {"id": auction["id"]}))["data"]
    assert public["auction"]["order"] is None and public["auction"]["bids"][0]["amount"] == 1000


async def test_anonymous_and_bad_ids_are_typed_errors(client: httpx.AsyncClient) -> None:
    _, room, product, _ = await _streamer_shop(client)
    async with httpx.AsyncClient(transport=client._transport, base_url="http://testserver") as anon:
        result = (
            await op(
                anon,
                "live_commerce",
                "AddToShelf",
                {
                    "roomId": encode_id("Room", room.id),
                    "productId": encode_id("Product", product.id),
                },
            )
        )["data"]["addToShelf"]
        assert _codes(result) == ["UNAUTHENTICATED"]
    result = await _live(
        client,
        "AddToShelf",
        {
            "roomId": encode_id("Room", room.id),
            "productId": encode_id("Room", product.id),
        },
    )
    assert _codes(result) == ["INVALID_ID"] and result["errors"][0]["field"] == "productId"
    missing = await op(client, "live_commerce", "Auction", {"id": encode_id("Auction", 999)})
    assert missing["data"]["auction"] is None


async def test_concurrent_buys_over_graphql(client: httpx.AsyncClient, app) -> None:
    _, room, _, variant = await _streamer_shop(client)
    started = await _live(
        client,
        "StartFlashSale",
        {
            "input": {
                "roomId": encode_id("Room", room.id),
                "variantId": encode_id("Variant", variant.id),
                "priceCents": 100,
                "quantity": 2,
            }
        },
    )
    sale = started["sale"]
    clients = []
    for i in range(5):
        c = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
        await register(c, f"fan{i}@example.com", f"Fan {i}")
        clients.append(c)
    results = await asyncio.gather(
        *(
            op(
                c,
                "live_commerce",
                "BuyFlashSale",
                {
                    "saleId": sale["id"],
                    "shipping": SHIPPING_INPUT,
                    "idempotencyKey": "k",
                },
            )
            for c in clients
        )
    )
    for c in clients:
        await c.aclose()
    payloads = [r["data"]["buyFlashSale"] for r in results]
    assert sum(1 for p in payloads if p["order"]) == 2
    assert sorted(_codes(p)[0] for p in payloads if p["errors"]) == ["SOLD_OUT"] * 3
