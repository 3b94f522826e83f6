"""Auctions: bids, anti-sniping, concurrent bids, closing with an order for the winner."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from app.commerce import auctions, orders
from app.commerce.live_models import Auction, AuctionState, Bid
from app.commerce.models import Order, OrderItem, OrderStatus, Variant
from app.errors import UserError
from tests.live_commerce.conftest import Shop, make_user, make_users


async def _snapshot(auction_id: int) -> tuple:
    a = await Auction.get(id=auction_id)
    return (
        a.current_price,
        a.leader_id,
        a.ends_at,
        a.version,
        a.bid_count,
        a.state,
        await Bid.filter(auction_id=auction_id).count(),
    )


async def _auction(shop: Shop, increment: int = 100, **timing: Any) -> Auction:
    """An auction of the shop's variant, from 1,000 coins up by ``increment``."""
    return await auctions.start_auction(
        shop.seller, shop.room.id, shop.variant.id, 1000, increment, **timing
    )


async def test_bids_rules_and_typed_errors_change_nothing(shop: Shop, shipping) -> None:
    now = auctions.utcnow()
    auction = await _auction(shop, duration_seconds=300, extension_seconds=20, now=now)
    assert (await Variant.get(id=shop.variant.id)).stock == 99
    alice = await make_user("alice@example.com", "Alice")
    bob = await make_user("bob@example.com", "Bob")
    nobody = await make_user("nobody@example.com", "Nobody")

    async def bid(user, amount, at=now, ship=shipping) -> str:
        try:
            await auctions.place_bid(user, auction.id, amount, shipping=ship, now=at)
        except UserError as exc:
            return exc.code
        return "OK"

    start = await _snapshot(auction.id)
    assert await bid(alice, 999) == "BID_TOO_LOW"
    assert await bid(shop.seller, 5000) == "OWN_AUCTION"
    assert await bid(nobody, 2000, ship=None) == "SHIPPING_REQUIRED"
    assert await bid(alice, 2000, ship={"name": "x"}) == "INVALID_ADDRESS"
    assert await _snapshot(auction.id) == start
    assert await bid(alice, 1000) == "OK"  # the start price itself is a valid first bid
    assert await bid(bob, 1099) == "BID_TOO_LOW"  # needs the increment now
    assert await bid(bob, 1100) == "OK"
    after = await _snapshot(auction.id)
    assert after[:2] == (1100, bob.id)
    assert await bid(alice, 1150) == "BID_TOO_LOW"
    assert await bid(alice, 5000, at=now + timedelta(seconds=301)) == "AUCTION_ENDED"
    assert await _snapshot(auction.id) == after
    # Bob's address is remembered: he may bid again without one.
    assert await bid(alice, 1200) == "OK"
    assert await bid(bob, 1300, ship=None) == "OK"


async def test_anti_sniping_extends_the_end(shop: Shop, shipping) -> None:
    now = auctions.utcnow()
    auction = await _auction(shop, duration_seconds=60, extension_seconds=15, now=now)
    alice = await make_user("alice@example.com", "Alice")
    ends = (await Auction.get(id=auction.id)).ends_at
    # Early bid: no extension.
    await auctions.place_bid(
        alice, auction.id, 1000, shipping=shipping, now=now + timedelta(seconds=10)
    )
    assert (await Auction.get(id=auction.id)).ends_at == ends
    # A bid 5 s before the end pushes it back by 15 s.
    bob = await make_user("bob@example.com", "Bob")
    await auctions.place_bid(
        bob, auction.id, 1100, shipping=shipping, now=ends - timedelta(seconds=5)
    )
    extended = (await Auction.get(id=auction.id)).ends_at
    assert extended == ends + timedelta(seconds=15)
    # At the old end it is still open: not due, and bids are accepted.
    assert await auctions.close_due_auctions(ends + timedelta(seconds=1)) == []
    await auctions.place_bid(
        alice, auction.id, 1200, shipping=shipping, now=ends + timedelta(seconds=1)
    )
    assert (await Auction.get(id=auction.id)).ends_at == extended + timedelta(seconds=15)


async def test_concurrent_bids_one_winner_per_price(shop: Shop, shipping) -> None:
    auction = await _auction(shop, duration_seconds=300)
    bidders = await make_users(20, "bidder")
    results = await asyncio.gather(
        *(auctions.place_bid(u, auction.id, 1000, shipping=shipping) for u in bidders),
        return_exceptions=True,
    )
    won = [r for r in results if not isinstance(r, BaseException)]
    assert len(won) == 1
    assert all(
        isinstance(r, UserError) and r.code == "BID_TOO_LOW"
        for r in results
        if isinstance(r, BaseException)
    )
    # Everyone raising by a different amount: the final price is the highest bid.
    amounts = [1100 + 100 * i for i in range(20)]
    results = await asyncio.gather(
        *(
            auctions.place_bid(u, auction.id, a, shipping=shipping)
            for u, a in zip(bidders, amounts, strict=True)
        ),
        return_exceptions=True,
    )
    final = await Auction.get(id=auction.id)
    assert final.current_price == max(amounts)
    assert final.leader_id == bidders[-1].id
    bids = await Bid.filter(auction_id=auction.id).order_by("id").values_list("amount", flat=True)
    assert list(bids) == sorted(bids), "accepted bids always go up"
    assert final.bid_count == len(bids)


async def test_close_gives_the_winner_an_order(shop: Shop, shipping) -> None:
    now = auctions.utcnow()
    auction = await _auction(shop, increment=250, duration_seconds=30, now=now)
    alice = await make_user("alice@example.com", "Alice")
    await auctions.place_bid(alice, auction.id, 1500, shipping=shipping, now=now)
    assert await auctions.close_due_auctions(now + timedelta(seconds=29)) == []
    closed = await auctions.close_due_auctions(now + timedelta(seconds=30))
    assert [a.id for a in closed] == [auction.id]
    sold = await Auction.get(id=auction.id)
    assert sold.state == AuctionState.SOLD
    order = await Order.get(id=sold.order_id)
    assert (order.buyer_id, order.status, order.total_cents, order.room_id) == (
        alice.id,
        OrderStatus.PENDING,
        1500,
        shop.room.id,
    )
    assert order.shipping["city"] == "Lisbon"
    item = await OrderItem.get(order_id=order.id)
    assert (item.source, item.reserved, item.unit_price_cents) == (
        f"auction:{auction.id}",
        False,
        1500,
    )
    assert (await Variant.get(id=shop.variant.id)).stock == 99
    # Closing again does nothing; bidding after the close is a typed error.
    assert await auctions.close_due_auctions(now + timedelta(seconds=60)) == []
    bob = await make_user("bob@example.com", "Bob")
    with pytest.raises(UserError) as err:
        await auctions.place_bid(bob, auction.id, 5000, shipping=shipping)
    assert err.value.code == "AUCTION_ENDED"
    # The winner walks away: the unit goes back to stock, once.
    await orders.cancel_order(alice, order.id)
    assert (await Auction.get(id=auction.id)).state == AuctionState.RELEASED
    assert (await Variant.get(id=shop.variant.id)).stock == 100


async def test_no_bids_returns_the_unit(shop: Shop) -> None:
    now = auctions.utcnow()
    auction = await _auction(shop, duration_seconds=10, now=now)
    assert (await Variant.get(id=shop.variant.id)).stock == 99
    closed = await auctions.close_auction(auction.id, now + timedelta(seconds=10))
    assert closed is not None and closed.state == AuctionState.UNSOLD
    assert (await Variant.get(id=shop.variant.id)).stock == 100
    assert await Order.all().count() == 0


async def test_start_needs_stock(shop: Shop) -> None:
    await Variant.filter(id=shop.variant.id).update(stock=0)
    with pytest.raises(UserError) as err:
        await _auction(shop)
    assert err.value.code == "INSUFFICIENT_STOCK"
    assert await Auction.all().count() == 0
