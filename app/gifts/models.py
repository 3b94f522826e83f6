"""Coins: wallets, the ledger, top-ups, the gift catalog and sent gifts.

Invariants (checked by :func:`app.gifts.wallet.audit`):

* a wallet's ``balance`` equals the sum of its ledger ``delta`` values;
* the entries of one transfer share a ``transaction_id`` and sum to zero (top-ups are
  balanced against the system wallet ``external``, which goes negative as coins are
  issued);
* a user wallet's balance never goes below zero (debits are conditional UPDATEs).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class EntryKind(StrEnum):
    TOPUP = "topup"
    GIFT_SENT = "gift_sent"
    GIFT_RECEIVED = "gift_received"
    ORDER_PAYMENT = "order_payment"
    REFUND = "refund"
    REVERSAL = "reversal"
    ADJUSTMENT = "adjustment"


class Wallet(Model):
    """A user's coin balance, or a system account (``system`` set, ``user`` null)."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneNullableRelation = fields.OneToOneField(
        "models.User", related_name="wallet", on_delete=fields.CASCADE, null=True
    )
    user_id: int | None
    # System accounts: "external" (money in / out of the platform), "platform" (revenue).
    system = fields.CharField(max_length=32, null=True, unique=True)
    balance = fields.BigIntField(default=0)
    frozen = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField(auto_now=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "wallets"


class LedgerEntry(Model):
    """One balance change of one wallet; never updated or deleted."""

    id = fields.BigIntField(primary_key=True)
    wallet: fields.ForeignKeyRelation[Wallet] = fields.ForeignKeyField(
        "models.Wallet", related_name="entries", on_delete=fields.RESTRICT
    )
    wallet_id: int
    delta = fields.BigIntField()
    balance_after = fields.BigIntField()
    kind = fields.CharEnumField(EntryKind, max_length=16)
    ref = fields.CharField(max_length=80, default="")
    # Set on the entries of a transfer made with a key: unique per wallet.
    idempotency_key = fields.CharField(max_length=160, null=True)
    transaction_id = fields.UUIDField(db_index=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "ledger_entries"
        unique_together = (("wallet", "idempotency_key"),)


class TopUp(Model):
    """A coin pack bought with a (simulated) card payment."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="top_ups", on_delete=fields.CASCADE
    )
    user_id: int
    pack_id = fields.CharField(max_length=32)
    coins = fields.IntField()
    amount_cents = fields.IntField()
    currency = fields.CharField(max_length=3)
    provider = fields.CharField(max_length=32)
    charge_id = fields.CharField(max_length=64)
    card_last4 = fields.CharField(max_length=4, default="")
    idempotency_key = fields.CharField(max_length=64)
    transaction_id = fields.UUIDField()
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "top_ups"
        unique_together = (("user", "idempotency_key"),)


class Gift(Model):
    """A gift of the catalog, priced in coins."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=40, unique=True)
    coins = fields.IntField()
    icon = fields.CharField(max_length=16, default="🎁")
    sort_order = fields.IntField(default=0)
    active = fields.BooleanField(default=True)

    class Meta:
        table = "gifts"


class GiftSend(Model):
    """A gift (``quantity`` of one catalog item) sent by a viewer to a room's streamer."""

    id = fields.IntField(primary_key=True)
    sender: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="gifts_sent", on_delete=fields.CASCADE
    )
    sender_id: int
    streamer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="gifts_received", on_delete=fields.CASCADE
    )
    streamer_id: int
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="gift_sends", on_delete=fields.CASCADE
    )
    room_id: int
    gift: fields.ForeignKeyRelation[Gift] = fields.ForeignKeyField(
        "models.Gift", related_name="sends", on_delete=fields.RESTRICT
    )
    gift_id: int
    quantity = fields.IntField()
    unit_coins = fields.IntField()
    coins = fields.BigIntField()
    idempotency_key = fields.CharField(max_length=64)
    transaction_id = fields.UUIDField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "gift_sends"
        unique_together = (("sender", "idempotency_key"),)
        indexes = (("room", "sender"),)
