"""Refunds leave through the payment outbox: written in the transaction that decides
them, sent to the provider only after it commits, retried when the provider fails, and
never sent twice."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

from app.commerce import orders
from app.commerce.models import Order, OrderStatus, Payment, PaymentStatus
from app.commerce.orders import OrderLine, create_order
from app.payments import Payments, get_payments, set_payments
from app.payments.backends.simulated import SimulatedBackend
from app.payments.cards import APPROVED_TEST_CARD
from app.payments.models import OutboxStatus, PaymentOutbox
from app.payments.outbox import now
from app.payments.webhooks import CHARGE_SUCCEEDED, build_event, sign
from app.settings import Settings
from tests.commerce.helpers import ADDRESS, make_merchant, make_product, make_user
from tests.support import eventually

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Webhooks delivered by the test; the runtime's drain out of the way (it runs once at
    start-up, on an empty outbox) so each test drains when it means to."""
    return replace(settings, card_callback="manual", payments_outbox_seconds=3600)


class UnreachableProvider(SimulatedBackend):
    """The simulated provider behind a network that fails the first ``failures`` refunds."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def refund(
        self, charge_id: str, amount_cents: int, currency: str, idempotency_key: str
    ) -> str:
        if self.failures > 0:
            self.failures -= 1
            raise ConnectionError("provider unreachable")
        return await super().refund(charge_id, amount_cents, currency, idempotency_key)


@pytest.fixture
def backend() -> Iterator[SimulatedBackend]:
    """A fresh simulated provider for the test (the app's one is put back after)."""
    before = get_payments()
    fresh = SimulatedBackend()
    set_payments(Payments(fresh))
    yield fresh
    set_payments(before)


@pytest.fixture
def unreachable() -> Iterator[UnreachableProvider]:
    before = get_payments()
    flaky = UnreachableProvider(failures=2)
    set_payments(Payments(flaky))
    yield flaky
    set_payments(before)


async def _card_paid_order() -> tuple[object, Order, Payment]:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, price_cents=1500, stock=3)
    order = await create_order(
        buyer, [OrderLine(variant.id, 1)], shipping=ADDRESS, idempotency_key="k"
    )
    payment = await orders.start_card_payment(buyer, order.id, APPROVED_TEST_CARD)
    body = build_event(payment.provider_ref, CHARGE_SUCCEEDED, 1500, "USD")
    assert (await orders.handle_payment_webhook(body, sign(body))).outcome == "paid"
    return merchant, order, payment


async def test_a_refund_goes_to_the_provider_after_the_commit_once(
    backend: SimulatedBackend,
) -> None:
    merchant, order, payment = await _card_paid_order()
    refunded = await orders.refund_order(merchant, order.id)  # type: ignore[arg-type]
    assert refunded.status == OrderStatus.REFUNDED
    assert (await Payment.get(id=payment.id)).status == PaymentStatus.REFUNDED
    row = await PaymentOutbox.get(idempotency_key=f"refund:payment:{payment.id}")
    assert (row.status, row.attempts, row.charge_id) == (
        OutboxStatus.SENT,
        1,
        payment.provider_ref,
    )
    assert backend.refunds_of(payment.provider_ref) == [row.result_ref]


async def test_a_rolled_back_transaction_sends_nothing(backend: SimulatedBackend) -> None:
    _, _, payment = await _card_paid_order()
    with pytest.raises(RuntimeError):
        async with in_transaction() as conn:
            await get_payments().refund_after_commit(
                conn,
                charge_id=payment.provider_ref,
                amount_cents=payment.amount_cents,
                currency=payment.currency,
                idempotency_key=f"refund:payment:{payment.id}",
            )
            raise RuntimeError("the state change failed")
    assert await PaymentOutbox.all().count() == 0
    assert await get_payments().send_outbox() == 0
    assert backend.refunds_of(payment.provider_ref) == []


async def test_a_failing_provider_is_retried_from_the_outbox(
    unreachable: UnreachableProvider,
) -> None:
    merchant, order, payment = await _card_paid_order()
    # The refund commits although the provider is down: the money goes out later.
    await orders.refund_order(merchant, order.id)  # type: ignore[arg-type]
    row = await PaymentOutbox.get(idempotency_key=f"refund:payment:{payment.id}")
    assert (row.status, row.attempts) == (OutboxStatus.PENDING, 1)
    assert row.last_error == "provider unreachable" and row.next_attempt_at > now()
    assert unreachable.refunds_of(payment.provider_ref) == []

    # Not due yet: a drain now leaves it alone; once due, it is retried until it goes out.
    assert await get_payments().send_outbox() == 0
    for attempt in (2, 3):
        await PaymentOutbox.filter(id=row.id).update(next_attempt_at=now() - timedelta(seconds=1))
        sent = await get_payments().send_outbox()
        row = await PaymentOutbox.get(id=row.id)
        assert row.attempts == attempt
        assert sent == (1 if attempt == 3 else 0)
    assert row.status == OutboxStatus.SENT and row.last_error == ""
    assert unreachable.refunds_of(payment.provider_ref) == [row.result_ref]


async def test_a_retried_drain_does_not_refund_twice(backend: SimulatedBackend) -> None:
    merchant, order, payment = await _card_paid_order()
    await orders.refund_order(merchant, order.id)  # type: ignore[arg-type]
    row = await PaymentOutbox.get(idempotency_key=f"refund:payment:{payment.id}")
    assert row.status == OutboxStatus.SENT

    # Draining again (another process, a later tick) finds nothing to send.
    assert await get_payments().send_outbox() == 0
    # A sender that crashed after the provider's answer but before marking the row sent
    # leaves it pending: sending it again reuses the idempotency key, so still one refund.
    await PaymentOutbox.filter(id=row.id).update(
        status=OutboxStatus.PENDING, next_attempt_at=now() - timedelta(seconds=1)
    )
    assert await get_payments().send_outbox() == 1
    again = await PaymentOutbox.get(id=row.id)
    assert again.result_ref == row.result_ref
    assert backend.refunds_of(payment.provider_ref) == [row.result_ref]


async def test_a_charge_arriving_after_the_order_was_cancelled_is_refunded_after_commit(
    backend: SimulatedBackend,
) -> None:
    merchant = await make_merchant()
    buyer = await make_user("buyer@example.com", "Buyer")
    _, variant = await make_product(merchant, price_cents=700, stock=2)
    order = await create_order(
        buyer, [OrderLine(variant.id, 1)], shipping=ADDRESS, idempotency_key="late"
    )
    payment = await orders.start_card_payment(buyer, order.id, APPROVED_TEST_CARD)
    await orders.cancel_order(buyer, order.id)
    body = build_event(payment.provider_ref, CHARGE_SUCCEEDED, 700, "USD")
    assert (await orders.handle_payment_webhook(body, sign(body))).outcome == "refunded"
    row = await PaymentOutbox.get(idempotency_key=f"refund:payment:{payment.id}")
    assert row.status == OutboxStatus.SENT
    assert backend.refunds_of(payment.provider_ref) == [row.result_ref]
    # A second card payment is possible again: nothing is in flight for the order.
    assert (await Payment.get(id=payment.id)).in_flight_order_id is None


class TestRuntime:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        return replace(settings, payments_outbox_seconds=0.05)

    async def test_the_runtime_sends_rows_left_in_the_outbox(
        self, unreachable: UnreachableProvider
    ) -> None:
        unreachable.failures = 1
        merchant, order, payment = await _card_paid_order()
        await orders.refund_order(merchant, order.id)  # type: ignore[arg-type]
        await PaymentOutbox.filter(charge_id=payment.provider_ref).update(
            next_attempt_at=now() - timedelta(seconds=1)
        )

        async def sent() -> bool:
            row = await PaymentOutbox.get(charge_id=payment.provider_ref)
            return row.status == OutboxStatus.SENT

        await eventually(sent)
        assert len(unreachable.refunds_of(payment.provider_ref)) == 1
