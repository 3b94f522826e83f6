"""Live auctions: one unit of a variant, bids during the live, anti-sniping, and an
order for the winner.

* Starting an auction takes its unit from the variant's stock (a conditional decrement);
  an auction that closes without bids puts it back.
* A bid is a compare-and-set update on the auction's row: the ``WHERE`` holds the state,
  the end time and the price/version the bidder saw, so of two racing bids exactly one
  wins and the other is re-checked against the new price. A bid in the last
  ``extension_seconds`` pushes the end back by ``extension_seconds`` (anti-sniping).
* :func:`close_due_auctions` (run periodically by the app) closes auctions whose time is
  up: the leader gets a pending order at the winning price (``source="auction:<id>"``).

Bounds and the funds rule:

* Prices, increments and bids are at most :data:`MAX_PRICE`, the largest unit price an
  order line takes (``MAX_UNIT_PRICE``), so every winning bid can be ordered and every
  price (the next minimum bid included) fits a GraphQL ``Int``.
* A bidder must be able to pay: a bid needs at least as many coins as the winner's
  order would cost (``coins_for``: at the coin packs' rate) in the bidder's wallet, and a
  frozen wallet cannot bid (``INSUFFICIENT_COINS`` / ``WALLET_FROZEN``). The coins are
  checked, not held: the winner still pays the order with coins or a card.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app import signals
from app.accounts.models import User
from app.commerce import shelf
from app.commerce.live_models import Auction, AuctionState, Bid
from app.commerce.models import Order, Variant
from app.commerce.ordering import placing
from app.commerce.ordering.announcements import order_signal
from app.commerce.ordering.rules import MAX_UNIT_PRICE, OrderLine, clean_shipping, coins_for
from app.errors import NotFound, UserError
from app.gifts import wallet
from app.gifts.models import Wallet
from app.rooms import events

log = logging.getLogger("livemart.commerce.auctions")

MIN_DURATION = 5
MAX_DURATION = 24 * 3600
MAX_EXTENSION = 300
MAX_PRICE = MAX_UNIT_PRICE  # the winning bid becomes an order line's unit price
BID_RETRIES = 50


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def minimum_bid(auction: Auction) -> int:
    """The lowest acceptable next bid: the start price, then the leading bid + increment."""
    if auction.leader_id is None:
        return auction.current_price
    return auction.current_price + auction.increment


def is_open(auction: Auction, now: datetime | None = None) -> bool:
    return auction.state == AuctionState.LIVE and _aware(auction.ends_at) > (now or utcnow())


async def leader_name(auction: Auction) -> str | None:
    if auction.leader_id is None:
        return None
    user = await User.get_or_none(id=auction.leader_id)
    return user.display_name if user else None


async def auction_event(auction: Auction) -> events.AuctionChanged:
    """The ``auction`` event of ``auction`` (also what its box on a page shows)."""
    return events.AuctionChanged(
        auction_id=auction.id,
        product_id=auction.product_id,
        state=str(auction.state.value if hasattr(auction.state, "value") else auction.state),
        current_price=auction.current_price,
        leader_name=await leader_name(auction),
        ends_at=_aware(auction.ends_at),
    )


async def _publish(auction: Auction) -> None:
    await events.publish(auction.room_id, await auction_event(auction))


async def get_auction(auction_id: int) -> Auction:
    auction = await Auction.get_or_none(id=auction_id)
    if auction is None:
        raise NotFound("auction", "auctionId")
    return auction


async def get_auctions(ids: list[int]) -> dict[int, Auction]:
    return {a.id: a for a in await Auction.filter(id__in=list(ids))}


async def get_room_auction(room_id: int, auction_id: int) -> Auction:
    """An auction of room ``room_id`` (NOT_FOUND when it runs in another room)."""
    auction = await get_auction(auction_id)
    if auction.room_id != room_id:
        raise NotFound("auction", "auctionId")
    return auction


def room_auctions_query(room_id: int):
    """A room's auctions, newest first."""
    return Auction.filter(room_id=room_id).order_by("-id")


async def live_auctions(room_id: int) -> list[Auction]:
    return await Auction.filter(room_id=room_id, state=AuctionState.LIVE).order_by("ends_at")


async def recent_bids(auction_id: int, limit: int = 10) -> list[Bid]:
    query = Bid.filter(auction_id=auction_id).select_related("user")
    return await query.order_by("-id").limit(limit)


# -- starting ----------------------------------------------------------------------------


async def start_auction(
    user: User,
    room_id: int,
    variant_id: int,
    start_price: int,
    increment: int,
    duration_seconds: int = 120,
    extension_seconds: int = 15,
    now: datetime | None = None,
) -> Auction:
    """Auction one unit of a variant in the streamer's room (the unit leaves stock now)."""
    now = now or utcnow()
    room = await shelf.room_for_selling(user, room_id)
    variant = await shelf.variant_for_room(room, variant_id)
    if not 0 < start_price <= MAX_PRICE:
        raise UserError(
            "INVALID_PRICE",
            "the start price must be 1 to {max} (minor units)",
            "startPrice",
            {"max": MAX_PRICE},
        )
    if not 0 < increment <= MAX_PRICE:
        raise UserError(
            "INVALID_INCREMENT",
            "the bid increment must be 1 to {max}",
            "increment",
            {"max": MAX_PRICE},
        )
    if not MIN_DURATION <= duration_seconds <= MAX_DURATION:
        raise UserError(
            "INVALID_DURATION",
            "an auction lasts {min} seconds to {max} hours",
            "durationSeconds",
            {"min": MIN_DURATION, "max": MAX_DURATION // 3600},
        )
    if not 0 <= extension_seconds <= MAX_EXTENSION:
        raise UserError(
            "INVALID_EXTENSION",
            "the extension is 0 to {max} seconds",
            "extensionSeconds",
            {"max": MAX_EXTENSION},
        )
    await shelf.ensure_on_shelf(room.id, variant.product_id)
    async with in_transaction() as conn:
        taken = (
            await Variant.filter(id=variant.id, is_active=True, stock__gte=1)
            .using_db(conn)
            .update(stock=F("stock") - 1)
        )
        if not taken:
            raise UserError("INSUFFICIENT_STOCK", "this variant is out of stock", "variantId")
        auction = await Auction.create(
            room_id=room.id,
            product_id=variant.product_id,
            variant_id=variant.id,
            seller_id=room.owner_id,
            currency=variant.currency,
            start_price=start_price,
            increment=increment,
            current_price=start_price,
            starts_at=now,
            ends_at=now + timedelta(seconds=duration_seconds),
            extension_seconds=extension_seconds,
            using_db=conn,
        )
    await _publish(auction)
    return auction


# -- bidding -----------------------------------------------------------------------------


def _check_bid(auction: Auction, user: User, amount: int, now: datetime) -> None:
    if auction.seller_id == user.id:
        raise UserError("OWN_AUCTION", "you cannot bid on your own auction", "auctionId")
    if not is_open(auction, now):
        raise UserError("AUCTION_ENDED", "this auction has ended", "auctionId")
    least = minimum_bid(auction)
    if amount < least:
        raise UserError("BID_TOO_LOW", "bid at least {min} (minor units)", "amount", {"min": least})
    if amount > MAX_PRICE:
        raise UserError(
            "BID_TOO_HIGH", "bid at most {max} (minor units)", "amount", {"max": MAX_PRICE}
        )


async def check_funds(user: User, auction: Auction, amount: int) -> None:
    """The funds rule: a bid of ``amount`` needs that many coins (``coins_for``) in the
    bidder's wallet, which must not be frozen."""
    found = await Wallet.filter(user_id=user.id).values_list("balance", "frozen")
    balance, frozen = found[0] if found else (0, False)
    if frozen:
        raise wallet.frozen_error()
    need = coins_for(amount, auction.currency)
    if balance < need:
        error = wallet.insufficient(need, int(balance))
        raise UserError(
            error.code, "to bid {amount} {reason}", "amount", {"amount": amount, "reason": error}
        )


async def place_bid(
    user: User,
    auction_id: int,
    amount: int,
    shipping: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> tuple[Auction, Bid]:
    """Bid ``amount`` (minor units): at least the start price, then the leading bid plus
    the increment. Bids below that, on your own auction or after the end are user errors
    that change nothing, and so is a bid the bidder's coins do not cover (see the module
    docstring). Returns the updated auction and the bid.

    ``shipping`` is where the item goes if this bid wins (the winner's order is placed
    with it); without one, the address of the bidder's latest order or bid is used, and a
    bidder with neither gets ``SHIPPING_REQUIRED``.
    """
    now = now or utcnow()
    first = await get_auction(auction_id)
    _check_bid(first, user, amount, now)
    await check_funds(user, first, amount)
    if shipping:
        address = clean_shipping(shipping)
    else:
        found = await last_shipping(user)
        if found is None:
            raise UserError(
                "SHIPPING_REQUIRED",
                "add the shipping address the item goes to if you win",
                "shipping",
            )
        address = clean_shipping(found)
    for _attempt in range(BID_RETRIES):
        auction = await get_auction(auction_id)
        _check_bid(auction, user, amount, now)
        ends_at = _aware(auction.ends_at)
        extension = timedelta(seconds=auction.extension_seconds)
        if auction.extension_seconds and ends_at - now <= extension:
            ends_at = ends_at + extension
        async with in_transaction() as conn:
            won = (
                await Auction.filter(
                    id=auction.id,
                    state=AuctionState.LIVE,
                    version=auction.version,
                    current_price=auction.current_price,
                    ends_at__gt=now,
                )
                .using_db(conn)
                .update(
                    current_price=amount,
                    leader_id=user.id,
                    ends_at=ends_at,
                    version=auction.version + 1,
                    bid_count=F("bid_count") + 1,
                )
            )
            if won:
                bid = await Bid.create(
                    auction_id=auction.id,
                    user_id=user.id,
                    amount=amount,
                    shipping=address,
                    using_db=conn,
                )
        if won:
            updated = await get_auction(auction.id)
            await _publish(updated)
            if auction.leader_id is not None and auction.leader_id != user.id:
                await signals.emit(
                    "auction.outbid",
                    auction_id=auction.id,
                    room_id=auction.room_id,
                    user_id=auction.leader_id,
                    amount=amount,
                    currency=auction.currency,
                )
            return updated, bid
        # Someone else's bid (or the close) got there first: check again against it.
    raise UserError("TRY_AGAIN", "the auction is very busy; bid again", "amount")


# -- closing -----------------------------------------------------------------------------


async def _winner_shipping(auction: Auction, conn: BaseDBAsyncClient) -> dict[str, Any]:
    """The address the winner gave with their winning bid."""
    bid = (
        await Bid.filter(auction_id=auction.id, user_id=auction.leader_id)
        .using_db(conn)
        .order_by("-id")
        .first()
    )
    return dict(bid.shipping) if bid and isinstance(bid.shipping, dict) else {}


async def last_shipping(user: User) -> dict[str, Any] | None:
    """The shipping address of the user's latest order or bid, if any."""
    bid = await Bid.filter(user_id=user.id).order_by("-id").first()
    if bid is not None and bid.shipping:
        return dict(bid.shipping)
    order = await Order.filter(buyer_id=user.id).order_by("-id").first()
    if order is not None and isinstance(order.shipping, dict) and order.shipping:
        return dict(order.shipping)
    return None


async def close_auction(auction_id: int, now: datetime | None = None) -> Auction | None:
    """Close an auction whose time is up; None when it is not due or already closed.

    The leader gets a pending order at the winning bid; without bids the unit goes back
    to stock.
    """
    now = now or utcnow()
    auction = await Auction.get_or_none(id=auction_id)
    if auction is None or auction.state != AuctionState.LIVE or _aware(auction.ends_at) > now:
        return None
    try:
        closed = await _close(auction.id, now)
    except UserError as exc:
        # The winner's order could not be made (e.g. the product was withdrawn).
        log.warning("auction %s: no order for the winner: %s", auction_id, exc.message)
        closed = await _close(auction.id, now, give_up=True)
    if closed is not None:
        await _publish(closed)
    return closed


async def _close(auction_id: int, now: datetime, give_up: bool = False) -> Auction | None:
    sold: Order | None = None
    async with in_transaction() as conn:
        # Lock the row: a racing bid waits, then fails its state check.
        auction = await Auction.filter(id=auction_id).using_db(conn).select_for_update().first()
        if auction is None or auction.state != AuctionState.LIVE:
            return None
        if _aware(auction.ends_at) > now:
            return None  # a last-second bid extended it
        if auction.leader_id is None or give_up:
            await (
                Auction.filter(id=auction.id)
                .using_db(conn)
                .update(state=AuctionState.UNSOLD, closed_at=now)
            )
            await Variant.filter(id=auction.variant_id).using_db(conn).update(stock=F("stock") + 1)
        else:
            winner = await User.get(id=auction.leader_id, using_db=conn)
            order = await placing.create_order(
                winner,
                [
                    OrderLine(
                        variant_id=auction.variant_id,
                        quantity=1,
                        unit_price=auction.current_price,
                        source=f"auction:{auction.id}",
                        reserve_stock=False,
                    )
                ],
                shipping=await _winner_shipping(auction, conn),
                idempotency_key=f"auction:{auction.id}",
                room_id=auction.room_id,
                using_db=conn,
            )
            await (
                Auction.filter(id=auction.id)
                .using_db(conn)
                .update(state=AuctionState.SOLD, closed_at=now, order_id=order.id)
            )
            sold = order
    if sold is not None:  # after the commit, as orders placed in a caller's transaction
        data = await order_signal(sold)
        await signals.emit("order.created", **data, source=f"auction:{auction_id}")
    return await Auction.get(id=auction_id)


async def close_due_auctions(now: datetime | None = None) -> list[Auction]:
    """Close every live auction whose end time has passed (the app runs this periodically)."""
    now = now or utcnow()
    closed = []
    due: list[Any] = await Auction.filter(state=AuctionState.LIVE, ends_at__lte=now).values_list(
        "id", flat=True
    )
    for auction_id in due:
        found = await close_auction(int(auction_id), now)
        if found is not None:
            closed.append(found)
    return closed


async def release_order(order_id: int, using_db: BaseDBAsyncClient) -> int:
    """The winner's order was cancelled or expired: the unit goes back to stock (once)."""
    released = 0
    for auction in await Auction.filter(order_id=order_id, state=AuctionState.SOLD).using_db(
        using_db
    ):
        flipped = (
            await Auction.filter(id=auction.id, state=AuctionState.SOLD)
            .using_db(using_db)
            .update(state=AuctionState.RELEASED)
        )
        if flipped:
            await (
                Variant.filter(id=auction.variant_id)
                .using_db(using_db)
                .update(stock=F("stock") + 1)
            )
            released += 1
    return released
