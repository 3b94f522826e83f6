"""The signed webhook format of card charges.

A backend answers an order's charge later by calling ``POST /webhooks/payments`` with a
JSON event signed with HMAC-SHA256 (header :data:`SIGNATURE_HEADER`,
``sha256=<hex digest of the raw body>``, keyed with the app's secret key)::

    {"id": "evt_…", "type": "charge.succeeded" | "charge.failed",
     "created": 1700000000,
     "data": {"charge_id": "ch_sim_…", "amount_cents": 1999, "currency": "USD",
              "failure_reason": ""}}

:func:`app.commerce.ordering.webhooks.handle_payment_webhook` verifies and applies it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

from app.commerce.config import get_config
from app.errors import UserError

SIGNATURE_HEADER = "X-Livemart-Signature"
CHARGE_SUCCEEDED = "charge.succeeded"
CHARGE_FAILED = "charge.failed"
EVENT_TYPES = (CHARGE_SUCCEEDED, CHARGE_FAILED)

# Where a charge's outcome is delivered: ``await handler(body, signature)``.
WebhookHandler = Callable[[bytes, str], Awaitable[Any]]


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
