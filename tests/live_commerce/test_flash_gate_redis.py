"""The stock gate in Redis (what several web processes share): a real process killed
between the gate and the settle, the reconcile on restart, and the typed answers through
GraphQL with API tokens. Needs Redis (skips without it, fails under CI=true); runs on the
run's database (``LIVEMART_TEST_DB=postgres`` for PostgreSQL)."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace

import httpx
import pytest

from app.accounts import services as accounts
from app.api.ids import encode_id
from app.commerce import closer, flash_sales, stock_gate
from app.commerce.live_models import FlashSale, FlashSaleClaim
from app.commerce.stock_gate import GateState
from app.settings import Settings
from tests.conftest import REDIS_URL, redis_available, unavailable
from tests.live_commerce.conftest import SHIPPING, Shop, make_user, make_users
from tests.live_commerce.test_flash_gate import assert_gate_agrees, gate_of, storm
from tests.support import ROOT, op

CRASHED = 17

# A buyer's process that wins at the gate and dies before the settle.
CRASHING_BUYER = """
import asyncio, os, sys
from app.accounts.models import User
from app.commerce import flash_sales, stock_gate
from app.db import init_db

async def main(database, redis, prefix, sale_id, buyer_id, code):
    await init_db(database)
    stock_gate.configure(redis, prefix)
    flash_sales.after_gate = lambda: os._exit(int(code))
    buyer = await User.get(id=int(buyer_id))
    shipping = {"name": "A", "line1": "1 Street", "city": "Lisbon", "postal_code": "1000",
                "country": "PT"}
    await flash_sales.buy_flash_sale(buyer, int(sale_id), shipping=shipping,
                                     idempotency_key="crash")
    os._exit(0)

asyncio.run(main(*sys.argv[1:]))
"""


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The app's bus (and so its stock gate) in Redis, under this test's key prefix."""
    if not redis_available():
        unavailable("Redis is not reachable on 127.0.0.1:6379")
    return replace(settings, broadcast_url=REDIS_URL)


async def test_the_gate_is_in_redis_and_holds_a_storm(shop: Shop, shipping) -> None:
    assert stock_gate.using_redis()
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 999, quantity=20, per_user_limit=1
    )
    results = await storm(sale, shipping, 150)
    won = [r for r in results if not isinstance(r, Exception)]
    assert len(won) == 20
    held = (await assert_gate_agrees(sale)).held
    assert len(held) == 20 and set(held.values()) == {1}


async def test_a_process_killed_between_gate_and_settle_is_reconciled_on_restart(
    settings: Settings, shop: Shop, shipping
) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 999, quantity=3, per_user_limit=1
    )
    buyer = await make_user("crash@example.com")
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CRASHING_BUYER,
        settings.database_url,
        REDIS_URL,
        settings.ratelimit_prefix,
        str(sale.id),
        str(buyer.id),
        str(CRASHED),
        cwd=ROOT,
    )
    assert await child.wait() == CRASHED
    # The gate took the unit, the database never saw the purchase: they disagree.
    assert await gate_of(sale) == GateState(2, {buyer.id: 1}, {(buyer.id, "crash")})
    assert (await FlashSale.get(id=sale.id)).remaining == 3
    assert await FlashSaleClaim.filter(sale_id=sale.id).count() == 0

    async with closer.stock_gate_runtime(settings):  # a web process starts: reconcile
        assert await assert_gate_agrees(sale) == GateState(remaining=3)
        order = await flash_sales.buy_flash_sale(
            buyer, sale.id, shipping=shipping, idempotency_key="crash"
        )
        assert order.buyer_id == buyer.id
        assert (await assert_gate_agrees(sale)).remaining == 2


async def test_sold_out_and_limit_are_typed_graphql_errors(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 999, quantity=2, per_user_limit=1
    )
    buyers = await make_users(3, prefix="tokenholder")
    tokens = [(await accounts.create_api_token(u, "app", "write")).secret for u in buyers]
    shipping = {
        "name": SHIPPING["name"],
        "line1": SHIPPING["line1"],
        "city": SHIPPING["city"],
        "postalCode": SHIPPING["postal_code"],
        "country": SHIPPING["country"],
    }

    async def buy(token: str, key: str) -> dict:  # type: ignore[type-arg]
        variables = {
            "saleId": encode_id("FlashSale", sale.id),
            "shipping": shipping,
            "idempotencyKey": key,
        }
        data = await op(client, "live_commerce", "BuyFlashSale", variables, token=token)
        return data["data"]["buyFlashSale"]

    first = await buy(tokens[0], "1")
    assert first["errors"] == [] and first["order"]["status"] == "PENDING"
    limit = await buy(tokens[0], "2")
    assert limit["order"] is None
    assert [(e["code"], e["field"]) for e in limit["errors"]] == [("PURCHASE_LIMIT", "quantity")]
    assert (await buy(tokens[1], "1"))["errors"] == []
    sold_out = await buy(tokens[2], "1")
    assert sold_out["order"] is None
    assert [e["code"] for e in sold_out["errors"]] == ["SOLD_OUT"]
    assert (await assert_gate_agrees(sale)).remaining == 0
