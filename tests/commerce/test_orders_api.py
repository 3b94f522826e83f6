"""Orders, carts, payments and coupons over GraphQL (graphql/operations/commerce.graphql)."""

from __future__ import annotations

import httpx

from app.accounts.models import Role
from app.api.ids import encode_id
from app.commerce.models import Payment
from app.gifts import wallet
from app.payments import webhooks
from tests.commerce.helpers import (
    ADDRESS_INPUT,
    fund,
    live_room,
    login_as,
    make_product,
    ordered_over_api,
    stock_of,
)
from tests.support import gql, op


def _codes(payload: dict) -> list[str]:  # type: ignore[type-arg]
    return [e["code"] for e in payload["errors"]]


async def test_buy_now_pay_ship_deliver_complete(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, app: object
) -> None:
    shop = await login_as(other_client, "shop@example.com", "Shop", Role.STREAMER)
    buyer = await login_as(client, "buyer@example.com", "Buyer")
    _, variant = await make_product(shop, price_cents=1200, stock=3)
    vid = encode_id("Variant", variant.id)
    await fund(buyer, 10_000)
    buy = {"variantId": vid, "quantity": 2, "shipping": ADDRESS_INPUT, "idempotencyKey": "b-1"}
    placed = (await op(client, "commerce", "BuyNow", {"input": buy}))["data"]["buyNow"]
    assert placed["errors"] == []
    order = placed["order"]
    # coins at the coin packs' rate (300 for $4.99): $24.00 is 1443 coins, worth $24.00
    assert (order["status"], order["totalCents"], order["coinPrice"]) == ("PENDING", 2400, 1443)
    assert order["coinPriceCashValue"] == 2400
    assert order["items"][0]["source"] == "buy_now" and order["shipping"]["postalCode"] == "12345"
    again = (await op(client, "commerce", "BuyNow", {"input": buy}))["data"]["buyNow"]
    assert again["order"]["id"] == order["id"] and await stock_of(variant.id) == 1
    too_many = {**buy, "idempotencyKey": "b-2"}
    assert _codes(
        (await op(client, "commerce", "BuyNow", {"input": too_many}))["data"]["buyNow"]
    ) == ["OUT_OF_STOCK"]

    oid = order["id"]
    ship_early = await op(
        other_client, "commerce", "ShipOrder", {"orderId": oid, "trackingNumber": "TRK-1"}
    )
    assert _codes(ship_early["data"]["shipOrder"]) == ["INVALID_TRANSITION"]
    paid = await op(
        client, "commerce", "PayOrderWithCoins", {"orderId": oid, "idempotencyKey": "p"}
    )
    assert paid["data"]["payOrderWithCoins"]["order"]["status"] == "PAID"
    assert paid["data"]["payOrderWithCoins"]["order"]["payments"][0]["coins"] == 1443
    assert await wallet.balance_of(shop.id) == 1443
    shipped = await op(
        other_client, "commerce", "ShipOrder", {"orderId": oid, "trackingNumber": "TRK-1"}
    )
    assert shipped["data"]["shipOrder"]["order"]["trackingNumber"] == "TRK-1"
    not_buyer = await op(client, "commerce", "MarkDelivered", {"orderId": oid})
    assert _codes(not_buyer["data"]["markDelivered"]) == ["FORBIDDEN"]
    await op(other_client, "commerce", "MarkDelivered", {"orderId": oid})
    done = await op(client, "commerce", "CompleteOrder", {"orderId": oid})
    assert done["data"]["completeOrder"]["order"]["status"] == "COMPLETED"

    mine = (await op(client, "commerce", "MyOrders"))["data"]["myOrders"]
    sales = (await op(other_client, "commerce", "MerchantOrders", {"status": "COMPLETED"}))["data"][
        "merchantOrders"
    ]
    assert [e["node"]["id"] for e in mine["edges"]] == [oid]
    assert [e["node"]["buyer"]["displayName"] for e in sales["edges"]] == ["Buyer"]
    assert (await op(other_client, "commerce", "MerchantOrders", {"status": "PENDING"}))["data"][
        "merchantOrders"
    ]["totalCount"] == 0
    node = await gql(
        client, "query($id: ID!) { node(id: $id) { ... on Order { status } } }", {"id": oid}
    )
    assert node["data"]["node"] == {"status": "COMPLETED"}


async def test_card_payment_and_refund_over_the_api(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, app: object
) -> None:
    variant, oid = await ordered_over_api(
        client, other_client, price_cents=999, stock=2, idempotency_key="k"
    )
    started = await op(
        client, "commerce", "PayOrderWithCard", {"orderId": oid, "cardNumber": "4242424242424242"}
    )
    payload = started["data"]["payOrderWithCard"]
    assert payload["payment"]["status"] == "PENDING" and payload["order"]["status"] == "PENDING"
    payment = await Payment.get(provider="card")
    body = webhooks.build_event(payment.provider_ref, webhooks.CHARGE_SUCCEEDED, 999, "USD")
    for _ in range(3):
        response = await client.post(
            "/webhooks/payments",
            content=body,
            headers={webhooks.SIGNATURE_HEADER: webhooks.sign(body)},
        )
        assert response.status_code == 200
    order = (await op(client, "commerce", "Order", {"id": oid}))["data"]["order"]
    assert order["status"] == "PAID" and order["payments"][0]["cardLast4"] == "4242"
    buyer_refund = await op(client, "commerce", "RefundOrder", {"orderId": oid})
    assert _codes(buyer_refund["data"]["refundOrder"]) == ["FORBIDDEN"]
    refunded = await op(other_client, "commerce", "RefundOrder", {"orderId": oid})
    assert refunded["data"]["refundOrder"]["order"]["status"] == "REFUNDED"
    twice = await op(other_client, "commerce", "RefundOrder", {"orderId": oid})
    assert _codes(twice["data"]["refundOrder"]) == ["INVALID_TRANSITION"]
    assert await stock_of(variant.id) == 2
    # Strangers see nothing of the order.
    await login_as(client, "nosy@example.com", "Nosy")
    assert (await op(client, "commerce", "Order", {"id": oid}))["data"]["order"] is None


async def test_cart_checkout_and_coupons_over_the_api(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, app: object
) -> None:
    shop = await login_as(other_client, "shop@example.com", "Shop", Role.STREAMER)
    await login_as(client, "buyer@example.com", "Buyer")
    room = await live_room(shop)
    _, scarf = await make_product(shop, price_cents=2000, stock=5, room_id=room.id)
    _, hat = await make_product(shop, title="Hat", price_cents=1000, stock=5, sku="HAT")
    coupon = await op(
        other_client,
        "commerce",
        "CreateCoupon",
        {"input": {"code": "live15", "kind": "PERCENT", "amount": 15, "minSpendCents": 1000}},
    )
    created = coupon["data"]["createCoupon"]["coupon"]
    assert (created["code"], created["kind"], created["remaining"]) == ("LIVE15", "PERCENT", None)
    dropped = await op(
        other_client,
        "commerce",
        "DropCoupon",
        {"roomId": encode_id("Room", room.id), "couponId": created["id"], "firstN": 1},
    )
    assert dropped["data"]["dropCoupon"]["coupon"]["remaining"] == 1
    claimed = await op(client, "commerce", "ClaimCoupon", {"couponId": created["id"]})
    assert claimed["data"]["claimCoupon"]["coupon"]["remaining"] == 0
    assert [
        c["code"]
        for c in (await op(client, "commerce", "ClaimedCoupons"))["data"]["claimedCoupons"]
    ] == ["LIVE15"]
    assert (
        len((await op(other_client, "commerce", "MerchantCoupons"))["data"]["merchantCoupons"]) == 1
    )

    for variant, qty in ((scarf, 1), (hat, 2)):
        added = await op(
            client,
            "commerce",
            "AddToCart",
            {
                "variantId": encode_id("Variant", variant.id),
                "quantity": qty,
                "roomId": encode_id("Room", room.id),
            },
        )
        assert added["data"]["addToCart"]["errors"] == []
    removed = await op(
        client, "commerce", "RemoveFromCart", {"variantId": encode_id("Variant", hat.id)}
    )
    assert len(removed["data"]["removeFromCart"]["cart"]["items"]) == 1
    await op(client, "commerce", "AddToCart", {"variantId": encode_id("Variant", hat.id)})
    cart = (await op(client, "commerce", "Cart"))["data"]["cart"]
    assert cart["totals"] == [{"amountCents": 3000, "currency": "USD"}]
    bad = {"shipping": {**ADDRESS_INPUT, "postalCode": ""}, "idempotencyKey": "c"}
    assert _codes(
        (await op(client, "commerce", "Checkout", {"input": bad}))["data"]["checkout"]
    ) == ["INVALID_ADDRESS"]
    good = {"shipping": ADDRESS_INPUT, "idempotencyKey": "c", "couponCode": "live15"}
    orders = (await op(client, "commerce", "Checkout", {"input": good}))["data"]["checkout"][
        "orders"
    ]
    assert len(orders) == 1
    assert (orders[0]["totalCents"], orders[0]["discountCents"], orders[0]["couponCode"]) == (
        2550,
        450,
        "LIVE15",
    )
    assert orders[0]["room"]["id"] == encode_id("Room", room.id)
    assert (await op(client, "commerce", "Cart"))["data"]["cart"]["items"] == []
    cancelled = await op(client, "commerce", "CancelOrder", {"orderId": orders[0]["id"]})
    assert cancelled["data"]["cancelOrder"]["order"]["status"] == "CANCELLED"
    assert await stock_of(scarf.id) == 5 and await stock_of(hat.id) == 5


async def test_anonymous_and_read_only_callers(client: httpx.AsyncClient, app: object) -> None:
    assert (await op(client, "commerce", "Cart"))["data"]["cart"] is None
    assert (await op(client, "commerce", "MyOrders"))["data"]["myOrders"]["totalCount"] == 0
    refused = await op(client, "commerce", "CreateProduct", {"input": {"title": "Nope"}})
    assert _codes(refused["data"]["createProduct"]) == ["UNAUTHENTICATED"]
    bad_id = await op(client, "commerce", "CancelOrder", {"orderId": "nonsense"})
    assert _codes(bad_id["data"]["cancelOrder"]) in (["UNAUTHENTICATED"], ["INVALID_ID"])
