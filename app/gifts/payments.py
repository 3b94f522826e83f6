"""Card payments behind a tiny provider interface (one simulated provider for now).

A provider charges a card for an amount in minor units and answers a :class:`Charge`, or
raises a :class:`~app.errors.UserError` (``INVALID_CARD``, ``PAYMENT_DECLINED``).
Charges carry an idempotency key, as real providers' APIs do: charging again with the
same key returns the first charge instead of charging twice, so a top-up can be retried
safely after a crash between the charge and the database commit.
"""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from typing import Protocol

from app.errors import UserError

# Test cards, as payment sandboxes have them.
APPROVED_TEST_CARD = "4242 4242 4242 4242"
DECLINED_TEST_CARD = "4000 0000 0000 0002"
INSUFFICIENT_FUNDS_TEST_CARD = "4000 0000 0000 9995"


@dataclass(frozen=True)
class Charge:
    id: str
    amount_cents: int
    currency: str
    card_last4: str
    provider: str


class PaymentProvider(Protocol):
    name: str

    async def charge(
        self, amount_cents: int, currency: str, card_number: str, idempotency_key: str
    ) -> Charge:
        """Charge the card, or raise a ``UserError``; idempotent per key."""
        ...


def normalize_card(card_number: str) -> str:
    """Digits of a card number; ``INVALID_CARD`` unless 12–19 digits passing Luhn."""
    digits = "".join(ch for ch in (card_number or "") if not ch.isspace() and ch != "-")
    if not digits.isdigit() or not 12 <= len(digits) <= 19 or not luhn_ok(digits):
        raise UserError("INVALID_CARD", "enter a valid card number", "cardNumber")
    return digits


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


class SimulatedCardProvider:
    """Approves every valid card except the sandbox decline cards. In-process memory."""

    name = "simulated"
    DECLINES = {
        "4000000000000002": "your card was declined",
        "4000000000009995": "your card has insufficient funds",
    }

    def __init__(self) -> None:
        self._charges: dict[str, tuple[tuple[int, str, str], Charge]] = {}
        self._lock = asyncio.Lock()

    async def charge(
        self, amount_cents: int, currency: str, card_number: str, idempotency_key: str
    ) -> Charge:
        digits = normalize_card(card_number)
        request = (amount_cents, currency, digits)
        async with self._lock:
            earlier = self._charges.get(idempotency_key)
            if earlier is not None:
                if earlier[0] != request:
                    raise UserError(
                        "IDEMPOTENCY_MISMATCH",
                        "this idempotency key was already used for a different payment",
                        "idempotencyKey",
                    )
                return earlier[1]
            if digits in self.DECLINES:
                raise UserError("PAYMENT_DECLINED", self.DECLINES[digits], "cardNumber")
            charge = Charge(
                id="ch_sim_" + secrets.token_hex(10),
                amount_cents=amount_cents,
                currency=currency,
                card_last4=digits[-4:],
                provider=self.name,
            )
            self._charges[idempotency_key] = (request, charge)
            return charge


_provider: PaymentProvider = SimulatedCardProvider()


def get_provider() -> PaymentProvider:
    return _provider


def set_provider(provider: PaymentProvider) -> None:
    """Install another provider (a real one, or a test double)."""
    global _provider
    _provider = provider
