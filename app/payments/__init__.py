"""Payments: one facade, :class:`Payments`, over a card backend (``backends/``), for coin
top-ups (:mod:`app.gifts.topups`) and order payments (:mod:`app.commerce.ordering`).

* :meth:`Payments.charge_card` charges now and answers (top-ups);
* :meth:`Payments.start_charge` starts an order's charge whose outcome arrives as a
  signed webhook (:mod:`app.payments.webhooks`);
* :meth:`Payments.refund_after_commit` never calls the provider: it writes an outbox row
  in the caller's transaction; :meth:`Payments.send_outbox` (after the commit, and
  :func:`app.payments.runtime.payments_runtime` periodically) sends it, retrying.

The app's instance is :func:`get_payments`; :func:`set_payments` installs another
(a real backend).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from tortoise.backends.base.client import BaseDBAsyncClient

from app.errors import UserError
from app.i18n import N_
from app.payments import outbox
from app.payments.backends.base import FAILED, Charge, PaymentBackend
from app.payments.backends.simulated import SimulatedBackend
from app.payments.cards import normalize_card
from app.payments.models import PaymentOutbox
from app.payments.webhooks import WebhookHandler

__all__ = ["Charge", "PaymentBackend", "Payments", "get_payments", "set_payments"]


class Payments:
    """The app's payment provider: what the domain services ask for, one backend behind."""

    def __init__(self, backend: PaymentBackend) -> None:
        self.backend = backend

    @property
    def name(self) -> str:
        return self.backend.name

    def new_charge_id(self) -> str:
        return self.backend.new_charge_id()

    async def charge_card(
        self, *, amount_cents: int, currency: str, card_number: str, idempotency_key: str
    ) -> Charge:
        """Charge now; a declined card raises ``PAYMENT_DECLINED``. Errors also
        ``INVALID_CARD``, ``IDEMPOTENCY_MISMATCH``; idempotent per key."""
        digits = normalize_card(card_number)
        charge = await self.backend.charge(
            self.backend.new_charge_id(), amount_cents, currency, digits, idempotency_key
        )
        if charge.status == FAILED:
            # The reason is a msgid where the backend marked it (N_), else shown as given.
            reason = charge.failure_reason or N_("declined")
            raise UserError("PAYMENT_DECLINED", reason, "cardNumber")
        return charge

    async def start_charge(
        self,
        *,
        charge_id: str,
        amount_cents: int,
        currency: str,
        card_digits: str,
        notify: WebhookHandler,
    ) -> Charge:
        """Start a charge whose outcome comes as a webhook event to ``notify``."""
        return await self.backend.charge(
            charge_id, amount_cents, currency, card_digits, f"charge:{charge_id}", notify
        )

    async def refund_after_commit(
        self,
        conn: BaseDBAsyncClient,
        *,
        charge_id: str,
        amount_cents: int,
        currency: str,
        idempotency_key: str,
    ) -> PaymentOutbox:
        """Record a full refund in ``conn``'s transaction; :meth:`send_outbox` sends it."""
        return await outbox.enqueue_refund(
            conn,
            charge_id=charge_id,
            amount_cents=amount_cents,
            currency=currency,
            idempotency_key=idempotency_key,
        )

    async def send_outbox(self, ids: Sequence[int] | None = None) -> int:
        """Send due outbox rows (only ``ids`` when given); a failure is left for a retry."""
        return await outbox.drain(self.backend, ids)

    async def send_after_commit(self, ids: Sequence[int]) -> None:
        """Right after the commit that wrote ``ids``: try them once now; failures and
        errors stay in the outbox for the runtime's retries."""
        if ids:
            with contextlib.suppress(Exception):
                await self.send_outbox(ids)

    async def close(self) -> None:
        await self.backend.close()


_payments = Payments(SimulatedBackend())


def get_payments() -> Payments:
    return _payments


def set_payments(payments: Payments) -> None:
    """Install another facade (another backend)."""
    global _payments
    _payments = payments
