"""The tiny interface every payment backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.payments.webhooks import WebhookHandler

SUCCEEDED = "succeeded"
FAILED = "failed"
PENDING = "pending"


@dataclass(frozen=True)
class Charge:
    """A card charge as the backend answered it. ``status`` is ``succeeded``, ``failed``
    (``failure_reason`` says why) or ``pending`` (the outcome comes by webhook)."""

    id: str
    amount_cents: int
    currency: str
    card_last4: str
    provider: str
    status: str = SUCCEEDED
    failure_reason: str = ""


class PaymentBackend(Protocol):
    """A card provider. Charges and refunds carry an idempotency key, as real providers'
    APIs do: repeating a call with the same key returns the first result instead of
    moving money twice."""

    name: str

    def new_charge_id(self) -> str:
        """A fresh id for a charge (recorded before charging, so a webhook finds it)."""
        ...

    async def charge(
        self,
        charge_id: str,
        amount_cents: int,
        currency: str,
        card_digits: str,
        idempotency_key: str,
        notify: WebhookHandler | None = None,
    ) -> Charge:
        """Charge the card. With ``notify``, the outcome is also delivered as a signed
        webhook event (how a real provider calls ``POST /webhooks/payments``)."""
        ...

    async def refund(
        self, charge_id: str, amount_cents: int, currency: str, idempotency_key: str
    ) -> str:
        """Refund a succeeded charge in full; returns the provider's refund id."""
        ...

    async def close(self) -> None:
        """Stop background work (app shutdown)."""
        ...
