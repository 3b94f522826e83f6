"""The room's bottom sheet (web/buy_sheet.py): the pinned product at its live price, paid
in one tap without leaving the room; every refusal comes back in the sheet and changes
nothing."""

from __future__ import annotations

import httpx

from app.accounts.models import User
from app.commerce import flash_sales, orders
from app.commerce.models import Order, OrderStatus
from app.gifts import wallet
from app.gifts.models import EntryKind
from tests.web.test_live_pages import ADDRESS, HTMX, _post, _shop


async def _fund(email: str, coins: int) -> User:
    user = await User.get(email=email)
    await wallet.credit(user.id, coins, EntryKind.TOPUP, f"test:{email}", from_system="external")
    return user


async def test_sheet_buys_the_pinned_product_at_the_flash_price_with_coins(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, variant = await _shop(client, other_client)
    seller = await User.get(email="mia@example.com")
    await flash_sales.start_flash_sale(seller, room.id, variant.id, price_cents=1250, quantity=5)
    bea = await _fund("bea@example.com", 2000)
    url = f"/rooms/{room.id}/sheet"

    sheet = await other_client.get(url, headers=HTMX)
    assert sheet.status_code == 200 and "Flash sale" in sheet.text
    assert 'data-testid="sheet-price">$12.50<' in sheet.text
    coins = orders.coins_for(1250, "USD")  # 752 coins, worth $12.50: coins first
    assert f"Pay {coins} coins" in sheet.text and "worth $12.50" in sheet.text
    assert sheet.text.index('data-testid="pay-coins"') < sheet.text.index('data-testid="pay-card"')
    assert 'data-testid="sheet-address-form"' in sheet.text  # no saved address yet

    form = {"variant_id": variant.id, "quantity": 1, "pay": "coins", "idempotency_key": "s1"}
    ask = await _post(other_client, url, form, headers=HTMX)
    assert ask.status_code == 422 and "Where should we ship it?" in ask.text
    assert await Order.all().count() == 0

    done = await _post(other_client, url, {**form, **ADDRESS}, headers=HTMX)
    assert done.status_code == 200 and "You got it!" in done.text
    order = await Order.get()
    assert (order.total_cents, order.status, order.room_id) == (1250, OrderStatus.PAID, room.id)
    assert await wallet.balance_of(bea.id) == 2000 - coins
    again = await other_client.get(url, headers=HTMX)  # the address is saved now
    assert "Ships to Bea Buyer, 1 Market Street, Lisbon PT" in again.text


async def test_sheet_refusals_change_nothing(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, variant = await _shop(client, other_client)
    await _fund("bea@example.com", 100)  # $25.00 is 1504 coins: card first
    url = f"/rooms/{room.id}/sheet"
    sheet = await other_client.get(url, headers=HTMX)
    assert sheet.text.index('data-testid="pay-card"') < sheet.text.index('data-testid="pay-coins"')
    base = {"variant_id": variant.id, "quantity": 1, "idempotency_key": "s1", **ADDRESS}
    cases = [
        ({"pay": "coins"}, "you need 1504 coins and have 100"),
        ({"pay": "card", "card_number": "1234"}, "enter a valid card number"),
        ({"pay": "bitcoin"}, "Choose how to pay."),
        ({"pay": "coins", "quantity": 50}, "Choose 1 to 10."),
        ({"pay": "coins", "variant_id": 99999}, "This option is no longer available here."),
    ]
    for change, message in cases:
        refused = await _post(other_client, url, {**base, **change}, headers=HTMX)
        assert refused.status_code == 422 and message in refused.text, change
    assert await Order.all().count() == 0
    anonymous = await httpx.AsyncClient(
        transport=other_client._transport, base_url=str(other_client.base_url)
    ).get(url, headers=HTMX)
    assert "Log in to buy" in anonymous.text


async def test_sheet_pays_by_card_in_the_same_tap(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    room, variant = await _shop(client, other_client)
    url = f"/rooms/{room.id}/sheet"
    form = {
        "variant_id": variant.id,
        "quantity": 2,
        "pay": "card",
        "card_number": "4242 4242 4242 4242",
        "idempotency_key": "s1",
        **ADDRESS,
    }
    done = await _post(other_client, url, form, headers=HTMX)
    assert done.status_code == 200 and "You got it!" in done.text
    order = await Order.get()
    assert order.total_cents == 5000
    assert [p.provider for p in (await orders.payments_for_orders([order.id]))[order.id]] == [
        "card"
    ]
    plain = await _post(other_client, url, {**form, "idempotency_key": "s2"})
    assert plain.status_code == 303 and plain.headers["location"].startswith("/orders/")
