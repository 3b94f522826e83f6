"""The payment outbox: provider calls decided inside a database transaction and sent
after it commits.

A refund is written here in the same transaction as the state change that decides it
(an order refunded, a late charge given back). :func:`app.payments.outbox.drain` sends
the due rows afterwards, retrying with back-off; the row's unique ``idempotency_key`` is
also the key the provider gets, so a row sent twice (a crash between the call and
marking it sent, two processes draining) still refunds once.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class OutboxStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"


class OutboxKind(StrEnum):
    REFUND = "refund"


class PaymentOutbox(Model):
    """One provider call to make after commit."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(OutboxKind, max_length=16, default=OutboxKind.REFUND)
    idempotency_key = fields.CharField(max_length=120, unique=True)
    charge_id = fields.CharField(max_length=80)
    amount_cents = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    status = fields.CharEnumField(OutboxStatus, max_length=12, default=OutboxStatus.PENDING)
    attempts = fields.IntField(default=0)
    # Not sent before this time (back-off after a failure; a sender's lease while it sends).
    next_attempt_at = fields.DatetimeField(db_index=True)
    last_error = fields.CharField(max_length=200, default="")
    result_ref = fields.CharField(max_length=80, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "payment_outbox"
