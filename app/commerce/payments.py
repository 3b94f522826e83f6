"""Card payments for orders: a small provider interface, a simulated provider, and the
signed webhook format its callbacks use.

The flow is the one real providers have: :func:`app.commerce.orders.start_card_payment`
records a pending :class:`~app.commerce.models.Payment` and asks the provider to charge
the card; the provider answers later by calling ``POST /webhooks/payments`` with a JSON
event signed with HMAC-SHA256 (header :data:`SIGNATURE_HEADER`,
``sha256=<hex digest of the raw body>``, keyed with the app's secret key).
:func:`app.commerce.orders.handle_payment_webhook` verifies it and records the event id,
so a redelivered event changes nothing.

Events::

    {"id": "evt_…", "type": "charge.succeeded" | "charge.failed",
     "created": 1700000000,
     "data": {"charge_id": "ch_sim_…", "amount_cents": 1999, "currency": "USD",
              "failure_reason": ""}}

:class:`SimulatedCardProvider` approves every valid card except the sandbox decline cards
of :mod:`app.gifts.payments` and "calls back" by scheduling that POST (the handler
function itself) on the event loop. ``Settings.extra["commerce.card_callback"] =
"manual"`` turns the callback off, so tests deliver events themselves
(:func:`build_event` + :func:`sign`).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from app.commerce.config import get_config
from app.commerce.models import Payment
from app.errors import UserError
from app.gifts.payments import (
    APPROVED_TEST_CARD,
    DECLINED_TEST_CARD,
    INSUFFICIENT_FUNDS_TEST_CARD,
    normalize_card,
)

log = logging.getLogger("livemart.commerce.payments")

SIGNATURE_HEADER = "X-Livemart-Signature"
CHARGE_SUCCEEDED = "charge.succeeded"
CHARGE_FAILED = "charge.failed"
EVENT_TYPES = (CHARGE_SUCCEEDED, CHARGE_FAILED)

__all__ = [
    "APPROVED_TEST_CARD",
    "CHARGE_FAILED",
    "CHARGE_SUCCEEDED",
    "DECLINED_TEST_CARD",
    "INSUFFICIENT_FUNDS_TEST_CARD",
    "SIGNATURE_HEADER",
    "CardProvider",
    "SimulatedCardProvider",
    "build_event",
    "get_card_provider",
    "normalize_card",
    "parse_event",
    "set_card_provider",
    "sign",
    "verify_signature",
]


# --- signatures and events ------------------------------------------------------------


def sign(body: bytes, secret_key: str | None = None) -> str:
    """The signature header value for ``body``: ``sha256=<hex>``."""
    key = (secret_key or get_config().secret_key).encode()
    return "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, signature: str | None, secret_key: str | None = None) -> bool:
    if not signature:
        return False
    return hmac.compare_digest(sign(body, secret_key), signature.strip())


def build_event(
    charge_id: str,
    event_type: str,
    amount_cents: int,
    currency: str,
    failure_reason: str = "",
    event_id: str | None = None,
) -> bytes:
    """The JSON body of a provider event (what the provider POSTs)."""
    event = {
        "id": event_id or "evt_" + secrets.token_hex(12),
        "type": event_type,
        "created": int(time.time()),
        "data": {
            "charge_id": charge_id,
            "amount_cents": amount_cents,
            "currency": currency,
            "failure_reason": failure_reason,
        },
    }
    return json.dumps(event, separators=(",", ":")).encode()


def parse_event(body: bytes) -> dict[str, Any]:
    """The event in ``body``, or ``INVALID_PAYLOAD``."""
    try:
        event = json.loads(body)
        data = event["data"]
        valid = (
            isinstance(event["id"], str)
            and 1 <= len(event["id"]) <= 80
            and event["type"] in EVENT_TYPES
            and isinstance(data["charge_id"], str)
            and isinstance(data["amount_cents"], int)
            and isinstance(data["currency"], str)
        )
    except (ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        raise UserError("INVALID_PAYLOAD", "not a payment event", None)
    return event


# --- providers --------------------------------------------------------------------------


class CardProvider(Protocol):
    """What a card provider does for orders. Results of charges arrive by webhook."""

    name: str

    def new_charge_id(self) -> str:
        """A fresh id for a charge (stored on the payment before charging)."""
        ...

    async def charge(self, payment: Payment, card_digits: str) -> None:
        """Start charging ``payment.amount_cents``; the outcome comes as a webhook event."""
        ...

    async def refund(self, payment: Payment) -> str:
        """Refund a succeeded charge in full; returns the provider's refund id."""
        ...


WebhookHandler = Callable[[bytes, str], Awaitable[Any]]


class SimulatedCardProvider:
    """Approves valid cards except the sandbox decline cards; calls the webhook back."""

    name = "card"
    DECLINES = {
        "4000000000000002": "your card was declined",
        "4000000000009995": "your card has insufficient funds",
    }

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def new_charge_id(self) -> str:
        return "ch_sim_" + secrets.token_hex(12)

    def outcome(self, card_digits: str) -> tuple[str, str]:
        """(event type, failure reason) this card gets."""
        reason = self.DECLINES.get(card_digits)
        return (CHARGE_FAILED, reason) if reason else (CHARGE_SUCCEEDED, "")

    async def charge(self, payment: Payment, card_digits: str) -> None:
        event_type, reason = self.outcome(card_digits)
        body = build_event(
            payment.provider_ref, event_type, payment.amount_cents, payment.currency, reason
        )
        config = get_config()
        if config.card_callback != "auto":
            return
        self._schedule(body, config.card_callback_delay)

    def _schedule(self, body: bytes, delay: float) -> None:
        from app.commerce.orders import handle_payment_webhook

        async def deliver() -> None:
            await asyncio.sleep(delay)
            for attempt in range(3):
                try:
                    await handle_payment_webhook(body, sign(body))
                    return
                except UserError as exc:
                    log.warning("webhook callback refused: %s", exc.message)
                    return
                except Exception:
                    log.exception("webhook callback failed (attempt %d)", attempt + 1)
                    await asyncio.sleep(0.2 * (attempt + 1))

        # A fresh context: the callback must not run inside the caller's DB transaction.
        import contextvars

        task = asyncio.get_running_loop().create_task(deliver(), context=contextvars.Context())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def refund(self, payment: Payment) -> str:
        return "re_sim_" + secrets.token_hex(12)

    async def drain(self) -> None:
        """Wait for scheduled callbacks (app shutdown); cancels those still sleeping."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    async def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until every scheduled callback has been delivered (tests)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)


_provider: CardProvider = SimulatedCardProvider()


def get_card_provider() -> CardProvider:
    return _provider


def set_card_provider(provider: CardProvider) -> None:
    """Install another card provider (a real one)."""
    global _provider
    _provider = provider
