"""Commerce pages: product page, cart, checkout, orders, and the merchant's studio."""

from __future__ import annotations

import re

import httpx

from app.accounts.models import Role
from app.commerce.models import Coupon, Order, OrderStatus, Product, Variant
from app.gifts import wallet
from tests.commerce.helpers import fund, live_room, login_as, make_product, stock_of
from tests.support import csrf

FORM_ADDRESS = {
    "name": "Ada Buyer",
    "line1": "1 Market Street",
    "city": "Springfield",
    "postal_code": "12345",
    "country": "US",
}


def _key(html: str) -> str:
    found = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


async def test_buy_from_product_page_and_pay_with_coins(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    shop = await login_as(other_client, "shop@example.com", "Shop", Role.STREAMER)
    buyer = await login_as(client, "buyer@example.com", "Buyer")
    product, variant = await make_product(shop, "Silk scarf", price_cents=1999, stock=3)
    page = await client.get(f"/products/{product.id}")
    assert page.status_code == 200
    assert "Silk scarf" in page.text and "$19.99" in page.text and "only 3 left" in page.text
    assert (await client.get("/products/999999")).status_code == 404
    token = await csrf(client)
    started = await client.post(
        "/checkout/start", data={"csrf_token": token, "variant_id": variant.id, "quantity": "2"}
    )
    assert started.headers["location"] == f"/checkout?variant_id={variant.id}&quantity=2"
    checkout = await client.get(started.headers["location"])
    assert checkout.status_code == 200 and "$39.98" in checkout.text
    token = await csrf(client)
    form = {
        "csrf_token": token,
        "idempotency_key": _key(checkout.text),
        "variant_id": str(variant.id),
        "quantity": "2",
        **FORM_ADDRESS,
    }
    bad = await client.post("/checkout", data={**form, "country": "USA"})
    assert bad.status_code == 422 and "use a two-letter country code" in bad.text
    placed = await client.post("/checkout", data=form)
    assert placed.status_code == 303
    again = await client.post("/checkout", data=form)  # a double submit
    assert again.headers["location"] == placed.headers["location"]
    order = await Order.get(buyer_id=buyer.id)
    assert await stock_of(variant.id) == 1
    detail = await client.get(placed.headers["location"])
    assert "$39.98" in detail.text and "pending" in detail.text
    broke = await client.post(
        f"/orders/{order.id}/pay-coins", data={"csrf_token": token, "idempotency_key": "p1"}
    )
    assert broke.status_code == 422 and "top up" in broke.text
    await fund(buyer, 5000)
    paid = await client.post(
        f"/orders/{order.id}/pay-coins",
        data={"csrf_token": token, "idempotency_key": _key(detail.text)},
    )
    assert paid.status_code == 303
    assert (await Order.get(id=order.id)).status == OrderStatus.PAID
    assert await wallet.balance_of(buyer.id) == 5000 - 2404  # $39.98 at 300 coins for $4.99
    listing = await client.get("/orders")
    assert f"#{order.id}" in listing.text and "paid" in listing.text
    # The merchant ships it from the studio; the buyer sees the tracking number.
    sales = await other_client.get("/studio/orders")
    assert f"merchant-order-{order.id}" in sales.text and "Ada Buyer" in sales.text
    shop_token = await csrf(other_client)
    shipped = await other_client.post(
        "/studio/orders",
        data={
            "csrf_token": shop_token,
            "action": "ship",
            "order_id": order.id,
            "tracking": "1Z-42",
        },
    )
    assert shipped.status_code == 200 and "shipped" in shipped.text
    refused = await other_client.post(
        "/studio/orders",
        data={
            "csrf_token": shop_token,
            "action": "ship",
            "order_id": order.id,
            "tracking": "1Z-43",
        },
    )
    assert refused.status_code == 422 and "cannot ship an order that is shipped" in refused.text
    assert "1Z-42" in (await client.get(f"/orders/{order.id}")).text
    stranger = await client.get(f"/orders/{order.id + 1000}")
    assert stranger.status_code == 404


async def test_cart_checkout_card_payment_and_refund(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    shop = await login_as(other_client, "shop@example.com", "Shop", Role.STREAMER)
    await login_as(client, "buyer@example.com", "Buyer")
    product, variant = await make_product(shop, price_cents=500, stock=5)
    token = await csrf(client)
    added = await client.post(
        "/cart/add", data={"csrf_token": token, "variant_id": variant.id, "quantity": "2"}
    )
    assert added.status_code == 303
    cart = await client.get("/cart")
    assert "$10.00" in cart.text and product.title in cart.text
    checkout = await client.get("/checkout")
    placed = await client.post(
        "/checkout",
        data={"csrf_token": token, "idempotency_key": _key(checkout.text), **FORM_ADDRESS},
    )
    assert placed.status_code == 303
    order = await Order.get(merchant_id=shop.id)
    assert "Your cart is empty" in (await client.get("/cart")).text
    started = await client.post(
        f"/orders/{order.id}/pay-card",
        data={"csrf_token": token, "card_number": "4242 4242 4242 4242"},
    )
    assert started.status_code == 303
    status = await client.get(f"/orders/{order.id}/status")
    assert "waiting for the card provider" in status.text and 'hx-trigger="every 1s"' in status.text
    from app.commerce import orders
    from app.commerce.models import Payment
    from app.payments import webhooks

    payment = await Payment.get(order_id=order.id)
    body = webhooks.build_event(payment.provider_ref, webhooks.CHARGE_SUCCEEDED, 1000, "USD")
    await orders.handle_payment_webhook(body, webhooks.sign(body))
    status = await client.get(f"/orders/{order.id}/status")
    assert "paid" in status.text and "every 1s" not in status.text
    shop_token = await csrf(other_client)
    refunded = await other_client.post(
        "/studio/orders", data={"csrf_token": shop_token, "action": "refund", "order_id": order.id}
    )
    assert refunded.status_code == 200 and f"Order #{order.id} refunded" in refunded.text
    assert await stock_of(variant.id) == 5


async def test_studio_catalog_and_coupons(client: httpx.AsyncClient) -> None:
    shop = await login_as(client, "shop@example.com", "Shop", Role.STREAMER)
    room = await live_room(shop)
    token = await csrf(client)
    page = await client.get("/studio/products")
    assert page.status_code == 200 and "New product" in page.text
    created = await client.post(
        "/studio/products",
        data={
            "csrf_token": token,
            "action": "create_product",
            "title": "Tea mug",
            "currency": "USD",
        },
    )
    assert created.status_code == 200 and "Product created" in created.text
    product = await Product.get(merchant_id=shop.id)
    variant_form = {
        "csrf_token": token,
        "action": "add_variant",
        "product_id": product.id,
        "sku": "MUG-1",
        "price": "12.50",
        "stock": "7",
        "options": "colour=white, size=L",
    }
    added = await client.post("/studio/products", data=variant_form)
    assert added.status_code == 200 and "Variant added" in added.text
    variant = await Variant.get(sku="MUG-1")
    assert (variant.price_cents, variant.stock, variant.options) == (
        1250,
        7,
        {"colour": "white", "size": "L"},
    )
    duplicate = await client.post("/studio/products", data=variant_form)
    assert duplicate.status_code == 422 and "already have a variant with this SKU" in duplicate.text
    restock = await client.post(
        "/studio/products",
        data={
            "csrf_token": token,
            "action": "update_stock",
            "product_id": product.id,
            "variant_id": variant.id,
            "stock": "20",
        },
    )
    assert restock.status_code == 200 and await stock_of(variant.id) == 20
    coupon = await client.post(
        "/studio/coupons",
        data={
            "csrf_token": token,
            "action": "create",
            "code": "mug5",
            "kind": "fixed",
            "amount": "5.00",
            "currency": "USD",
            "per_user_limit": "1",
        },
    )
    assert coupon.status_code == 200 and "MUG5" in coupon.text
    saved = await Coupon.get(code="MUG5")
    assert saved.amount == 500
    dropped = await client.post(
        "/studio/coupons",
        data={
            "csrf_token": token,
            "action": "drop",
            "coupon_id": saved.id,
            "room_id": room.id,
            "first_n": "5",
        },
    )
    assert dropped.status_code == 200 and "Dropped MUG5 for the first 5 viewers" in dropped.text


async def test_viewers_cannot_open_the_studio(client: httpx.AsyncClient) -> None:
    await login_as(client, "viewer@example.com", "Viewer")
    assert (await client.get("/studio/products")).status_code == 403
    anonymous = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")  # type: ignore[attr-defined]
    async with anonymous:
        response = await anonymous.get("/orders")
        assert response.status_code == 303 and response.headers["location"].startswith("/login")
