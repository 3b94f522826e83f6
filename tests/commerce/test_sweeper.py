"""The app expires unpaid orders by itself (``commerce.sweep_seconds``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.commerce.models import Order, OrderStatus
from app.commerce.orders import OrderLine, create_order
from app.settings import Settings
from tests.commerce.helpers import ADDRESS, make_merchant, make_product, make_user, stock_of
from tests.support import eventually


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, order_ttl_seconds=0.3, order_sweep_seconds=0.1)


@pytest.mark.usefixtures("app")
async def test_the_running_app_expires_unpaid_orders() -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, stock=2)
    order = await create_order(
        buyer, [OrderLine(variant.id, 2)], shipping=ADDRESS, idempotency_key="k"
    )
    assert await stock_of(variant.id) == 0

    async def expired() -> bool:
        return (await Order.get(id=order.id)).status == OrderStatus.EXPIRED

    await eventually(expired, timeout=5)
    assert await stock_of(variant.id) == 2
