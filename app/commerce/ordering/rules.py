"""What every part of the orders code shares: limits, the clock, validation of inputs
(lines, shipping address, idempotency keys) and the typed error of a refused transition."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.commerce.models import OrderStatus
from app.errors import UserError
from app.gifts.coin_price import cents_for_coins, coins_for_cents
from app.i18n import N_, lazy_gettext
from app.text import one_line

MAX_LINES = 50
MAX_QUANTITY = 99
MAX_UNIT_PRICE = 100_000_000
SOURCE_RE = re.compile(r"^(buy_now|cart|flash_sale:\d+|auction:\d+|[a-z_]{1,20}(:\d+)?)$")
TRACKING_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-]{3,63}$")
REFUNDABLE = (
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.COMPLETED,
)
FINAL = (OrderStatus.CANCELLED, OrderStatus.EXPIRED, OrderStatus.REFUNDED)


def now() -> datetime:
    return datetime.now(UTC)


@dataclass
class OrderLine:
    """One line of an order to place."""

    variant_id: int
    quantity: int
    unit_price: int | None = None  # override (flash sale / auction price); None = variant price
    source: str = "buy_now"  # "buy_now" | "cart" | "flash_sale:<id>" | "auction:<id>"
    reserve_stock: bool = True  # False when the caller already allocated the units


def coins_for(total_cents: int, currency: str) -> int:
    """Coins an order of ``total_cents`` costs, at the coin packs' rate
    (:mod:`app.gifts.coin_price`: never more than paying the total in cash)."""
    return coins_for_cents(total_cents)


def coins_cash_value(coins: int, currency: str) -> int:
    """What ``coins`` are worth in the order currency's minor units (the same rate)."""
    return cents_for_coins(coins)


def payment_methods(total_cents: int, currency: str, balance: int) -> tuple[str, str]:
    """The ways to pay an order, cheaper first: ``coins`` when the wallet already holds
    the coins (they cost no more than cash at the pack rate, and nothing new is bought),
    else ``card`` (coins would first have to be bought)."""
    if balance >= coins_for(total_cents, currency):
        return ("coins", "card")
    return ("card", "coins")


ADDRESS_FIELDS = {
    "name": (2, 80, True),
    "line1": (3, 120, True),
    "line2": (0, 120, False),
    "city": (2, 80, True),
    "region": (0, 80, False),
    "postal_code": (2, 16, True),
    "country": (2, 2, True),
    "phone": (0, 32, False),
}


def clean_shipping(shipping: dict[str, Any] | None) -> dict[str, str]:
    """A shipping address: name, line1, line2?, city, region?, postal_code, country
    (ISO 3166 alpha-2), phone?. Unknown keys are dropped."""
    if not isinstance(shipping, dict):
        raise UserError("INVALID_ADDRESS", "enter a shipping address", "shipping")
    cleaned: dict[str, str] = {}
    for name, (low, high, required) in ADDRESS_FIELDS.items():
        raw = shipping.get(name) or ""
        value = one_line(str(raw))
        if not value and not required:
            continue
        if name == "country" and (len(value) != 2 or not value.isalpha()):
            raise UserError("INVALID_ADDRESS", "use a two-letter country code", "country")
        if not low <= len(value) <= high:
            raise UserError(
                "INVALID_ADDRESS",
                "enter a valid {label} ({low}–{high} characters)",
                name,
                {"label": lazy_gettext(ADDRESS_LABELS[name]), "low": low, "high": high},
            )
        cleaned[name] = value
    cleaned["country"] = cleaned["country"].upper()
    return cleaned


#: The address fields as named in messages (``enter a valid {label} ...``).
ADDRESS_LABELS = {
    "name": N_("name"),
    "line1": N_("line1"),
    "line2": N_("line2"),
    "city": N_("city"),
    "region": N_("region"),
    "postal_code": N_("postal code"),
    "country": N_("country"),
    "phone": N_("phone"),
}


def check_key(key: str, field: str = "idempotencyKey") -> str:
    """A client idempotency key: 1–80 printable characters."""
    key = (key or "").strip()
    if not 1 <= len(key) <= 80 or not key.isprintable():
        raise UserError(
            "INVALID_IDEMPOTENCY_KEY", "send an idempotency key of 1 to 80 characters", field
        )
    return key


def check_lines(lines: list[OrderLine]) -> None:
    if not lines:
        raise UserError("EMPTY_ORDER", "add something to buy", "lines")
    if len(lines) > MAX_LINES:
        raise UserError(
            "TOO_MANY_LINES", "an order has at most {max} lines", "lines", {"max": MAX_LINES}
        )
    for line in lines:
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= MAX_QUANTITY:
            raise UserError(
                "INVALID_QUANTITY", "buy 1 to {max} of an item", "quantity", {"max": MAX_QUANTITY}
            )
        if line.unit_price is not None and (
            not isinstance(line.unit_price, int) or not 1 <= line.unit_price <= MAX_UNIT_PRICE
        ):
            raise UserError("INVALID_PRICE", "the unit price is not valid", "unitPrice")
        if not SOURCE_RE.match(line.source or ""):
            raise UserError("INVALID_SOURCE", "unknown order source", "source")


_VERBS = {
    "pay": N_("pay"),
    "cancel": N_("cancel"),
    "ship": N_("ship"),
    "deliver": N_("mark as delivered"),
    "complete": N_("complete"),
    "refund": N_("refund"),
}
#: Order statuses as words in messages (``an order that is {status}``).
_STATUS_WORDS = {
    "pending": N_("pending"),
    "paid": N_("paid"),
    "shipped": N_("shipped"),
    "delivered": N_("delivered"),
    "completed": N_("completed"),
    "cancelled": N_("cancelled"),
    "expired": N_("expired"),
    "refunded": N_("refunded"),
}


def invalid_transition(action: str, status: str, expired: bool = False) -> UserError:
    status = str(getattr(status, "value", status))
    if action == "pay" and (expired or status == OrderStatus.EXPIRED):
        return UserError("ORDER_EXPIRED", "this order expired; place it again", "orderId")
    if action == "pay" and status not in FINAL:
        return UserError("ALREADY_PAID", "this order is already paid", "orderId")
    if action == "refund" and status == OrderStatus.REFUNDED:
        return UserError("INVALID_TRANSITION", "this order was already refunded", "orderId")
    return UserError(
        "INVALID_TRANSITION",
        "cannot {action} an order that is {status}",
        "orderId",
        {
            "action": lazy_gettext(_VERBS.get(action, action)),
            "status": lazy_gettext(_STATUS_WORDS.get(status, status)),
        },
    )


def new_idempotency_key() -> str:
    """A fresh key for forms (put in a hidden field so a double submit is harmless)."""
    return uuid.uuid4().hex
