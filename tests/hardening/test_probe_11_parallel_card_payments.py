"""Probe finding 11: ten parallel ``payOrderWithCard`` calls for one order created ten
card charges (nine were refunded automatically when their webhooks found the order paid).

The in-flight check was a read followed by an insert; now the insert is the check (a
unique column holds the order's id while its charge is in flight), so one request
charges and the others get that payment back.
"""

from __future__ import annotations

import asyncio

import httpx

from app.commerce.models import Order, OrderStatus, Payment, PaymentStatus
from app.payments import get_payments
from app.payments.backends.simulated import SimulatedBackend
from app.payments.models import PaymentOutbox
from tests.commerce.helpers import ordered_over_api
from tests.support import eventually, op


async def test_parallel_card_payments_for_one_order_charge_once(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, app: object
) -> None:
    _, oid = await ordered_over_api(
        client, other_client, price_cents=1500, stock=1, idempotency_key="probe-11"
    )
    pay = {"orderId": oid, "cardNumber": "4242 4242 4242 4242"}

    answers = await asyncio.gather(
        *(op(client, "commerce", "PayOrderWithCard", pay) for _ in range(10))
    )

    payloads = [answer["data"]["payOrderWithCard"] for answer in answers]
    assert all(p["errors"] == [] and p["payment"]["status"] == "PENDING" for p in payloads)
    charges = await Payment.filter(provider="card")
    assert len(charges) == 1
    backend = get_payments().backend
    assert isinstance(backend, SimulatedBackend)
    assert backend.charges_made({charges[0].provider_ref}) == 1

    # The provider's callback settles the one charge: the order is paid, nothing refunded.
    async def settled() -> bool:
        return (await Order.get(id=charges[0].order_id)).status == OrderStatus.PAID  # type: ignore[attr-defined]

    await eventually(settled)
    assert (await Payment.get(id=charges[0].id)).status == PaymentStatus.SUCCEEDED
    assert await PaymentOutbox.all().count() == 0
    assert backend.refunds_of(charges[0].provider_ref) == []
