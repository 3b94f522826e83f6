"""Coupons: discounts, limits (also under concurrency), windows, rooms, drops and claims."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from app.commerce import coupons, orders
from app.commerce.models import Coupon, CouponClaim, CouponRedemption, Order
from app.commerce.orders import OrderLine, create_order
from app.errors import UserError
from app.rooms import events
from tests.commerce.helpers import (
    ADDRESS,
    live_room,
    make_merchant,
    make_product,
    make_user,
    room_events,
    stock_of,
)

pytestmark = pytest.mark.usefixtures("app")


async def _order(buyer, variant, qty=1, code=None, key="k", room_id=None):  # type: ignore[no-untyped-def]
    return await create_order(
        buyer,
        [OrderLine(variant.id, qty)],
        shipping=ADDRESS,
        coupon_code=code,
        idempotency_key=key,
        room_id=room_id,
    )


async def test_fixed_and_percent_discounts_with_minimum_spend() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, price_cents=1999, stock=20)
    await coupons.create_coupon(merchant, "save5", "fixed", 500, per_user_limit=5)
    await coupons.create_coupon(
        merchant, "TEN", "percent", 10, min_spend_cents=3000, per_user_limit=5
    )
    fixed = await _order(buyer, variant, 1, "SAVE5", "a")
    assert (fixed.subtotal_cents, fixed.discount_cents, fixed.total_cents) == (1999, 500, 1499)
    with pytest.raises(UserError) as err:
        await _order(buyer, variant, 1, "ten", "b")
    assert err.value.code == "COUPON_MIN_SPEND"
    percent = await _order(buyer, variant, 2, "ten", "c")
    assert (percent.discount_cents, percent.total_cents) == (399, 3599)
    with pytest.raises(UserError) as err:
        await _order(buyer, variant, 1, "NOPE", "d")
    assert err.value.code == "COUPON_NOT_FOUND"
    assert (await Coupon.get(code="SAVE5")).used_count == 1
    assert await stock_of(variant.id) == 17  # the refused orders took nothing


async def test_coupon_validation_on_create() -> None:
    merchant = await make_merchant()
    viewer = await make_user("viewer@example.com", "Viewer")
    cases = [
        (viewer, ("OK10", "percent", 10), {}, "FORBIDDEN"),
        (merchant, ("x", "percent", 10), {}, "INVALID_CODE"),
        (merchant, ("OK10", "percent", 101), {}, "INVALID_AMOUNT"),
        (merchant, ("OK10", "fixed", 0), {}, "INVALID_AMOUNT"),
        (merchant, ("OK10", "bogus", 1), {}, "INVALID_KIND"),
        (merchant, ("OK10", "fixed", 100), {"currency": "XYZ"}, "INVALID_CURRENCY"),
        (
            merchant,
            ("OK10", "fixed", 100),
            {"ends_at": orders.now() - timedelta(days=1)},
            "INVALID_WINDOW",
        ),
        (merchant, ("OK10", "fixed", 100), {"per_user_limit": 0}, "INVALID_LIMIT"),
    ]
    for who, args, kwargs, code in cases:
        with pytest.raises(UserError) as err:
            await coupons.create_coupon(who, *args, **kwargs)
        assert err.value.code == code, (args, kwargs)
    await coupons.create_coupon(merchant, "OK10", "percent", 10)
    with pytest.raises(UserError) as err:
        await coupons.create_coupon(merchant, "ok10", "fixed", 100)
    assert err.value.code == "CODE_TAKEN"


async def test_window_room_and_currency_rules() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    room = await live_room(merchant)
    _, variant = await make_product(merchant, price_cents=5000, stock=20, room_id=room.id)
    _, euro = await make_product(merchant, price_cents=5000, sku="EU-1", currency="EUR")
    soon = orders.now() + timedelta(hours=1)
    await coupons.create_coupon(merchant, "LATER", "percent", 10, starts_at=soon)
    await coupons.create_coupon(merchant, "ROOMONLY", "percent", 20, room_id=room.id)
    await coupons.create_coupon(merchant, "DOLLARS", "fixed", 100)
    short = await coupons.create_coupon(
        merchant, "SHORT", "percent", 5, ends_at=orders.now() + timedelta(minutes=1)
    )
    await Coupon.filter(id=short.id).update(ends_at=orders.now() - timedelta(seconds=1))
    for code, expected in [
        ("LATER", "COUPON_NOT_STARTED"),
        ("ROOMONLY", "COUPON_WRONG_ROOM"),
        ("SHORT", "COUPON_EXPIRED"),
    ]:
        with pytest.raises(UserError) as err:
            await _order(buyer, variant, 1, code, code)
        assert err.value.code == expected
    with pytest.raises(UserError) as err:
        await _order(buyer, euro, 1, "DOLLARS", "eur")
    assert err.value.code == "COUPON_CURRENCY"
    in_room = await _order(buyer, variant, 1, "ROOMONLY", "room", room_id=room.id)
    assert in_room.discount_cents == 1000 and in_room.room_id == room.id  # type: ignore[attr-defined]
    assert await Order.all().count() == 1


async def test_one_user_twice_concurrently_with_limit_one_uses_it_once() -> None:
    """Must-show: the same user races two orders with a once-per-user coupon."""
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, price_cents=2000, stock=10)
    coupon = await coupons.create_coupon(merchant, "ONCE", "fixed", 500, per_user_limit=1)

    async def attempt(key: str):  # type: ignore[no-untyped-def]
        try:
            return await _order(buyer, variant, 1, "ONCE", key)
        except UserError as exc:
            return exc

    results = await asyncio.gather(attempt("first"), attempt("second"))
    placed = [r for r in results if isinstance(r, Order)]
    refused = [r for r in results if isinstance(r, UserError)]
    assert len(placed) == 1 and placed[0].discount_cents == 500
    assert [r.code for r in refused] == ["COUPON_LIMIT_REACHED"]
    assert await Order.all().count() == 1
    assert await CouponRedemption.filter(coupon_id=coupon.id).count() == 1
    assert (await Coupon.get(id=coupon.id)).used_count == 1
    assert await stock_of(variant.id) == 9  # the refused order reserved nothing


async def test_total_use_limit_under_concurrency_and_release_on_cancel() -> None:
    merchant = await make_merchant()
    _, variant = await make_product(merchant, stock=50)
    coupon = await coupons.create_coupon(merchant, "FIRST2", "percent", 50, max_uses=2)
    buyers = [await make_user(f"b{i}@example.com", f"Buyer {i}") for i in range(5)]

    async def attempt(buyer):  # type: ignore[no-untyped-def]
        try:
            return await _order(buyer, variant, 1, "FIRST2")
        except UserError as exc:
            return exc.code

    results = await asyncio.gather(*(attempt(b) for b in buyers))
    placed = [r for r in results if isinstance(r, Order)]
    assert len(placed) == 2
    assert sorted(r for r in results if isinstance(r, str)) == ["COUPON_USED_UP"] * 3
    assert (await Coupon.get(id=coupon.id)).used_count == 2
    # Cancelling gives the use back: a third buyer can use it now.
    first_buyer = next(b for b in buyers if b.id == placed[0].buyer_id)  # type: ignore[attr-defined]
    await orders.cancel_order(first_buyer, placed[0].id)
    assert (await Coupon.get(id=coupon.id)).used_count == 1
    late = next(b for b in buyers if b.id not in {o.buyer_id for o in placed})  # type: ignore[attr-defined]
    assert (await _order(late, variant, 1, "FIRST2", "late")).discount_cents > 0


async def test_per_user_limit_counts_each_use_and_expiry_releases_it() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, stock=10)
    await coupons.create_coupon(merchant, "TWICE", "fixed", 100, per_user_limit=2)
    await _order(buyer, variant, 1, "TWICE", "1")
    await _order(buyer, variant, 1, "TWICE", "2")
    with pytest.raises(UserError) as err:
        await _order(buyer, variant, 1, "TWICE", "3")
    assert err.value.code == "COUPON_LIMIT_REACHED"
    assert await orders.expire_unpaid_orders(orders.now() + timedelta(hours=1)) == 2
    assert (await _order(buyer, variant, 1, "TWICE", "4")).discount_cents == 100


async def test_drop_coupon_first_n_claimers_and_events() -> None:
    merchant = await make_merchant()
    room = await live_room(merchant)
    _, variant = await make_product(merchant, stock=10, room_id=room.id)
    viewers = [await make_user(f"v{i}@example.com", f"Viewer {i}") for i in range(5)]
    coupon = await coupons.create_coupon(merchant, "DROP20", "percent", 20)
    async with room_events(room.id) as log:
        dropped = await coupons.drop_coupon(merchant, room.id, coupon.id, 3, 120)

        async def claim(viewer):  # type: ignore[no-untyped-def]
            try:
                return await coupons.claim_coupon(viewer, coupon.id)
            except UserError as exc:
                return exc.code

        results = await asyncio.gather(*(claim(v) for v in viewers))
    assert dropped.drop_limit == 3
    assert sum(isinstance(r, CouponClaim) for r in results) == 3
    assert sorted(r for r in results if isinstance(r, str)) == ["DROP_SOLD_OUT"] * 2
    drops = log.of(events.COUPON_DROP)
    assert drops[0] == {
        "coupon_id": coupon.id,
        "code": "DROP20",
        "remaining": 3,
        "ends_at": dropped.drop_ends_at.isoformat(),
    }
    assert min(d["remaining"] for d in drops) == 0 and len(drops) == 4
    winners = [v for v, r in zip(viewers, results, strict=True) if isinstance(r, CouponClaim)]
    losers = [v for v in viewers if v not in winners]
    with pytest.raises(UserError) as err:
        await coupons.claim_coupon(winners[0], coupon.id)
    assert err.value.code in ("ALREADY_CLAIMED", "DROP_SOLD_OUT")
    with pytest.raises(UserError) as err:
        await _order(losers[0], variant, 1, "DROP20", "loser")
    assert err.value.code == "COUPON_NOT_CLAIMED"
    order = await _order(winners[0], variant, 1, "DROP20", "winner", room_id=room.id)
    assert order.discount_cents == 200
    assert [c.code for c in await coupons.claimed_coupons(winners[0])] == ["DROP20"]


async def test_drop_rules() -> None:
    merchant = await make_merchant()
    other = await make_merchant("other@example.com", "Other")
    viewer = await make_user("viewer@example.com", "Viewer")
    room = await live_room(merchant)
    from app.rooms import services as rooms

    scheduled = await rooms.create_room(merchant, "Later show")
    coupon = await coupons.create_coupon(merchant, "DROPME", "percent", 10)
    cases = [
        (other, room.id, 3, "FORBIDDEN"),
        (merchant, scheduled.id, 3, "ROOM_NOT_LIVE"),
        (merchant, room.id, 0, "INVALID_LIMIT"),
    ]
    for who, room_id, n, code in cases:
        with pytest.raises(UserError) as err:
            await coupons.drop_coupon(who, room_id, coupon.id, n)
        assert err.value.code == code
    with pytest.raises(UserError) as err:
        await coupons.claim_coupon(viewer, coupon.id)
    assert err.value.code == "NOT_DROPPED"
    await coupons.drop_coupon(merchant, room.id, coupon.id, 2)
    with pytest.raises(UserError) as err:
        await coupons.drop_coupon(merchant, room.id, coupon.id, 2)
    assert err.value.code == "ALREADY_DROPPED"
    with pytest.raises(UserError) as err:
        await coupons.claim_coupon(merchant, coupon.id)
    assert err.value.code == "OWN_COUPON"
    await coupons.claim_coupon(viewer, coupon.id)
    with pytest.raises(UserError) as err:
        await coupons.claim_coupon(viewer, coupon.id)
    assert err.value.code == "ALREADY_CLAIMED"
    assert (await Coupon.get(id=coupon.id)).claimed_count == 1
