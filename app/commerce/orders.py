"""Orders: placing them (stock reserved), paying (coins or card), shipping, delivering,
completing, cancelling, refunding and expiring. This module is their public face; the
code lives in :mod:`app.commerce.ordering`, one module per concern.

States::

    pending ──pay──► paid ──ship──► shipped ──deliver──► delivered ──complete──► completed
       │                 └───────────────┴──── refund ─────┴──────────────┘──► refunded
       ├──cancel──► cancelled
       └──expire──► expired        (unpaid past ``expires_at``: :func:`expire_unpaid_orders`)

Every transition is one conditional ``UPDATE orders SET status = … WHERE id = … AND
status IN (…)`` inside the transaction that does its side effects, so a transition
happens at most once however requests race, and an invalid one is a typed user error
that changes nothing. Stock is taken with ``UPDATE … SET stock = stock - n WHERE stock >=
n`` when an order is placed and given back when it is cancelled, expires or is refunded.

Coins: an order costs :func:`coins_for` its total (at the coin packs' rate); paying moves
them buyer → merchant in the coin ledger (:mod:`app.gifts.wallet`), a refund reverses
that transfer in the same transaction as the restock.
"""

from __future__ import annotations

from app.commerce.ordering.announcements import ANNOUNCED_SOURCES, announce_paid, order_signal
from app.commerce.ordering.payment import check_payable, pay_with_coins, start_card_payment
from app.commerce.ordering.placing import create_order, last_shipping
from app.commerce.ordering.queries import (
    buyer_orders_query,
    get_order,
    get_orders,
    items_for_orders,
    may_see_order,
    merchant_orders_query,
    payments_for_orders,
    room_order_count,
    visible_orders,
)
from app.commerce.ordering.rules import (
    FINAL,
    MAX_LINES,
    MAX_QUANTITY,
    MAX_UNIT_PRICE,
    REFUNDABLE,
    OrderLine,
    check_key,
    clean_shipping,
    coins_cash_value,
    coins_for,
    invalid_transition,
    new_idempotency_key,
    now,
    payment_methods,
)
from app.commerce.ordering.transitions import (
    cancel_order,
    complete_order,
    expire_unpaid_orders,
    mark_delivered,
    refund_order,
    ship_order,
)
from app.commerce.ordering.webhooks import WebhookResult, handle_payment_webhook

__all__ = [
    "ANNOUNCED_SOURCES",
    "FINAL",
    "MAX_LINES",
    "MAX_QUANTITY",
    "MAX_UNIT_PRICE",
    "REFUNDABLE",
    "OrderLine",
    "WebhookResult",
    "announce_paid",
    "buyer_orders_query",
    "cancel_order",
    "check_key",
    "check_payable",
    "clean_shipping",
    "coins_cash_value",
    "coins_for",
    "complete_order",
    "create_order",
    "expire_unpaid_orders",
    "get_order",
    "get_orders",
    "handle_payment_webhook",
    "invalid_transition",
    "items_for_orders",
    "last_shipping",
    "mark_delivered",
    "may_see_order",
    "merchant_orders_query",
    "new_idempotency_key",
    "now",
    "order_signal",
    "pay_with_coins",
    "payment_methods",
    "payments_for_orders",
    "refund_order",
    "room_order_count",
    "ship_order",
    "start_card_payment",
    "visible_orders",
]
