"""Who may see which order, coupon and product: the rules live in the services
(``orders.visible_orders``, ``coupons.visible_coupons``, ``catalog.visible_products``) and
GraphQL's ``node``/``nodes`` only map what they return."""

from __future__ import annotations

import pytest

from app.accounts.models import Role
from app.commerce import catalog, coupons, orders
from app.commerce.orders import OrderLine, create_order
from tests.commerce.helpers import ADDRESS, make_merchant, make_product, make_user

pytestmark = pytest.mark.usefixtures("app")


async def test_an_order_is_seen_by_its_buyer_its_merchant_and_admins_only() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    stranger = await make_user("stranger@example.com", "Stranger")
    admin = await make_user("admin@example.com", "Admin", Role.ADMIN)
    _, variant = await make_product(merchant)
    order = await create_order(
        buyer, [OrderLine(variant.id, 1)], shipping=ADDRESS, idempotency_key="k"
    )
    ids = [order.id, order.id + 1000]
    for viewer in (buyer, merchant, admin):
        assert orders.may_see_order(viewer, order)
        assert list(await orders.visible_orders(ids, viewer)) == [order.id]
    assert not orders.may_see_order(stranger, order) and not orders.may_see_order(None, order)
    assert await orders.visible_orders(ids, stranger) == {}
    assert await orders.visible_orders(ids, None) == {}


async def test_a_coupon_is_public_once_dropped_and_else_its_merchants() -> None:
    merchant = await make_merchant()
    other = await make_merchant("other@example.com", "Other")
    admin = await make_user("admin@example.com", "Admin", Role.ADMIN)
    coupon = await coupons.create_coupon(merchant, "SAVE5", "fixed", 500)
    assert list(await coupons.visible_coupons([coupon.id], merchant)) == [coupon.id]
    assert list(await coupons.visible_coupons([coupon.id], admin)) == [coupon.id]
    assert await coupons.visible_coupons([coupon.id], other) == {}
    assert await coupons.visible_coupons([coupon.id], None) == {}
    coupon.drop_limit = 10  # as a drop sets it: the code was announced in the room
    assert coupons.may_see_coupon(None, coupon) and coupons.may_see_coupon(other, coupon)


async def test_a_draft_product_is_its_merchants_only() -> None:
    merchant = await make_merchant()
    viewer = await make_user("viewer@example.com", "Viewer")
    product, _ = await make_product(merchant)
    draft = await catalog.create_product(merchant, "Draft", "", status="draft")
    ids = [product.id, draft.id]
    assert sorted(await catalog.visible_products(ids, merchant)) == sorted(ids)
    assert list(await catalog.visible_products(ids, viewer)) == [product.id]
    assert list(await catalog.visible_products(ids, None)) == [product.id]
