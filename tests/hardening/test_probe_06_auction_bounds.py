"""Probe finding 6: auctions took prices up to 1e10 (above GraphQL's Int and the order
limit) and bids from anyone. A viewer with no coins bid 2,147,483,647: ``minimumBid``
overflowed, the close failed and the item went UNSOLD. Bids are bounded by what an order
takes, and a bidder must hold the coins the bid costs (``app/commerce/auctions.py``)."""

from __future__ import annotations

from datetime import timedelta

from strawberry import relay

from app.accounts import services as accounts
from app.commerce import auctions
from app.commerce.live_models import Auction, AuctionState
from app.commerce.models import Order
from app.commerce.ordering.rules import MAX_UNIT_PRICE
from app.gifts import wallet
from app.gifts.coin_price import coins_for_cents
from app.gifts.models import EntryKind
from tests.hardening.world import ADDRESS, OWNER, VIEWER, World

BID = """mutation($a: ID!, $n: Int!, $s: ShippingAddressInput) {
  placeBid(auctionId: $a, amount: $n, shipping: $s) {
    auction { currentPrice minimumBid state } errors { code field } } }"""
START = """mutation($input: StartAuctionInput!) { startAuction(input: $input) {
  auction { id minimumBid } errors { code field } } }"""
AUCTION = """query($id: ID!) { node(id: $id) { ... on Auction { currentPrice minimumBid state
  leaderName } } }"""
INT_MAX = 2**31 - 1


def _pk(gid: str) -> int:
    return int(relay.GlobalID.from_id(gid).node_id)


def _codes(payload: dict[str, object]) -> list[str]:
    return [e["code"] for e in payload["errors"]]  # type: ignore[index, union-attr]


async def test_a_bidder_without_coins_cannot_bid(world: World) -> None:
    auction_id = await world.new_auction()
    broke = await world.make_user("broke")
    world.sessions["broke"] = await accounts.start_session(broke)
    body = await world.gql("broke", BID, {"a": auction_id, "n": 5000, "s": ADDRESS})
    payload = body["data"]["placeBid"]
    assert _codes(payload) == ["INSUFFICIENT_COINS"] and payload["auction"] is None
    found = await Auction.get(id=_pk(auction_id))
    assert found.leader_id is None and found.bid_count == 0  # type: ignore[attr-defined]
    short_by_one = coins_for_cents(5000) - 1  # a bid of $50.00 at the coin rate, less a coin
    assert coins_for_cents(4999) <= short_by_one
    await wallet.credit(
        broke.id, short_by_one, EntryKind.TOPUP, "probe", from_system=wallet.SYSTEM_EXTERNAL
    )
    short = await world.gql("broke", BID, {"a": auction_id, "n": 5000, "s": ADDRESS})
    assert _codes(short["data"]["placeBid"]) == ["INSUFFICIENT_COINS"]
    enough = await world.gql("broke", BID, {"a": auction_id, "n": 4999, "s": ADDRESS})
    assert enough["data"]["placeBid"]["errors"] == []


async def test_a_frozen_wallet_cannot_bid(world: World) -> None:
    auction_id = await world.new_auction()
    await wallet.set_frozen(world.users[VIEWER].id)
    body = await world.gql(VIEWER, BID, {"a": auction_id, "n": 200, "s": ADDRESS})
    assert _codes(body["data"]["placeBid"]) == ["WALLET_FROZEN"]


async def test_the_int_max_bid_is_refused_and_the_auction_still_sells(world: World) -> None:
    auction_id = await world.new_auction()
    rich = world.users[VIEWER]
    await wallet.credit(
        rich.id, 4 * INT_MAX, EntryKind.TOPUP, "probe-rich", from_system=wallet.SYSTEM_EXTERNAL
    )
    for amount in (INT_MAX, MAX_UNIT_PRICE + 1):
        body = await world.gql(VIEWER, BID, {"a": auction_id, "n": amount, "s": ADDRESS})
        assert _codes(body["data"]["placeBid"]) == ["BID_TOO_HIGH"], amount
    top = await world.gql(VIEWER, BID, {"a": auction_id, "n": MAX_UNIT_PRICE, "s": ADDRESS})
    assert top["data"]["placeBid"]["errors"] == []
    shown = await world.gql(VIEWER, AUCTION, {"id": auction_id})
    assert "errors" not in shown, shown
    assert shown["data"]["node"]["minimumBid"] <= INT_MAX
    # The close makes the winner's order at that price: the item is SOLD, not UNSOLD.
    pk = _pk(auction_id)
    closes_at = (await Auction.get(id=pk)).ends_at + timedelta(seconds=1)
    closed = await auctions.close_auction(pk, now=closes_at)
    assert closed is not None and closed.state == AuctionState.SOLD
    order = await Order.get(id=closed.order_id)  # type: ignore[attr-defined]
    assert order.total_cents >= MAX_UNIT_PRICE


async def test_start_prices_and_increments_are_bounded_by_the_order_limit(world: World) -> None:
    base = {"roomId": world.room_id, "variantId": world.variant_id}
    for start, step, code in (
        (MAX_UNIT_PRICE + 1, 10, "INVALID_PRICE"),
        (INT_MAX, 10, "INVALID_PRICE"),
        (100, MAX_UNIT_PRICE + 1, "INVALID_INCREMENT"),
    ):
        input_ = {**base, "startPrice": start, "increment": step}
        body = await world.gql(OWNER, START, {"input": input_})
        assert _codes(body["data"]["startAuction"]) == [code], (start, step)
    ok = await world.gql(
        OWNER, START, {"input": {**base, "startPrice": MAX_UNIT_PRICE, "increment": 1}}
    )
    assert ok["data"]["startAuction"]["errors"] == []
    assert ok["data"]["startAuction"]["auction"]["minimumBid"] == MAX_UNIT_PRICE
