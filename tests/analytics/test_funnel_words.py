"""The funnel is consistent (a buy straight from the room's card is a click: never "Clicks
0" with orders, so CVR is not 0.0 % with paid orders), GMV carries its currency."""

from __future__ import annotations

import httpx

from app import signals
from app.analytics import stats as analytics
from app.analytics.recorder import Recorder
from app.commerce import cart, orders
from app.gifts import wallet
from app.gifts.models import EntryKind
from tests.analytics.traffic import address, new_user, shop
from tests.support import csrf
from web.analytics import fmt


async def test_buys_from_the_room_count_as_clicks_once(recorder: Recorder) -> None:
    here = await shop("Click shop")
    first, second = await new_user("c1"), await new_user("c2")
    # First buys straight from the card (no product page); second opened the product
    # page from the room, then bought: one click each, not two for the second.
    await signals.emit(
        "product.clicked", product_id=here.product.id, user_id=second.id, room_id=here.room.id
    )
    for n, buyer in enumerate((first, second, first)):
        await wallet.credit(
            buyer.id, 100_000, EntryKind.TOPUP, "test", f"t{n}", from_system="external"
        )
        order = await cart.buy_now(
            buyer,
            here.variant.id,
            1,
            shipping=address(n),
            idempotency_key=f"b{n}",
            room_id=here.room.id,
        )
        await orders.pay_with_coins(buyer, order.id, f"p{n}")
    await recorder.flush()
    found = await analytics.room_stats(here.owner, here.room.id, interval="minute")
    funnel = {step.key: step.count for step in found.funnel}
    assert funnel["orders_placed"] == 3 and funnel["orders"] == 3
    assert funnel["clicks"] == 3, "a click per order, the opened page counted once"
    assert found.totals["cvr"] == 1.0
    assert found.currency == here.variant.currency
    assert fmt(found.totals["gmv_cents"], "money", found.currency).endswith(found.currency)


def test_money_is_shown_with_its_currency() -> None:
    assert fmt(1250, "money", "USD") == "$12.50 USD"
    assert fmt(0, "money", "EUR") == "€0.00 EUR"


async def test_a_new_account_is_welcomed_and_leaves_register(client: httpx.AsyncClient) -> None:
    from tests.support import STRONG_PASSWORD

    token = await csrf(client)
    form = {
        "csrf_token": token,
        "email": "new@example.com",
        "display_name": "Newbie",
        "password": STRONG_PASSWORD,
    }
    made = await client.post("/register", data=form)
    assert made.status_code == 303 and made.headers["location"] == "/"
    home = await client.get("/")
    assert "Welcome, <strong" in home.text and "Welcome back" not in home.text
    htmx = await client.post(
        "/register", data={**form, "email": "n2@example.com"}, headers={"HX-Request": "true"}
    )
    assert htmx.headers.get("HX-Redirect") == "/"
