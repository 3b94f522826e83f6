"""Analytics tables: per-minute counters per room, viewer visits, per-user bursts and
fraud flags.

Counters are written by :mod:`app.analytics.recorder` as conditional increments, so
several processes may add to the same minute without losing or doubling a count.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

# The additive counters of a minute bucket, in the order dashboards and CSV show them.
COUNTERS: tuple[str, ...] = (
    "joins",
    "unique_viewers",
    "watch_seconds",
    "chat_messages",
    "likes",
    "gifts",
    "gift_coins",
    "impressions",
    "clicks",
    "add_to_cart",
    "orders_placed",
    "orders",
    "gmv_cents",
    "refunds",
    "refunded_cents",
    "cancelled",
    "new_followers",
)


class MinuteBucket(Model):
    """What happened in one room during one UTC minute.

    ``viewers_peak`` / ``viewers_sum`` / ``viewers_samples`` come from sampling the
    room's presence count (average = sum / samples). ``unique_viewers`` counts distinct
    viewers present in the minute; ``orders`` / ``gmv_cents`` are orders *paid* in the
    minute (``orders_placed``: placed), ``refunds`` / ``refunded_cents`` refunded ones.
    """

    id = fields.BigIntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="minute_buckets", on_delete=fields.CASCADE
    )
    room_id: int
    live_session: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.LiveSession", related_name="minute_buckets", null=True, on_delete=fields.SET_NULL
    )
    live_session_id: int | None
    minute = fields.DatetimeField(db_index=True)
    viewers_peak = fields.IntField(default=0)
    viewers_sum = fields.BigIntField(default=0)
    viewers_samples = fields.IntField(default=0)
    joins = fields.IntField(default=0)
    unique_viewers = fields.IntField(default=0)
    watch_seconds = fields.BigIntField(default=0)
    chat_messages = fields.IntField(default=0)
    likes = fields.BigIntField(default=0)
    gifts = fields.IntField(default=0)
    gift_coins = fields.BigIntField(default=0)
    impressions = fields.IntField(default=0)
    clicks = fields.IntField(default=0)
    add_to_cart = fields.IntField(default=0)
    orders_placed = fields.IntField(default=0)
    orders = fields.IntField(default=0)
    gmv_cents = fields.BigIntField(default=0)
    refunds = fields.IntField(default=0)
    refunded_cents = fields.BigIntField(default=0)
    cancelled = fields.IntField(default=0)
    new_followers = fields.IntField(default=0)

    class Meta:
        table = "analytics_minutes"
        unique_together = (("room", "minute"),)


class ViewerVisit(Model):
    """One viewer (``viewer_key``: ``user:<id>``, ``browser:<id>`` or ``anon:<id>``) in
    one live session of a room (``session_id`` 0: watched while not live)."""

    id = fields.BigIntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="viewer_visits", on_delete=fields.CASCADE
    )
    room_id: int
    session_id = fields.IntField(default=0)
    viewer_key = fields.CharField(max_length=64)
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="viewer_visits", null=True, on_delete=fields.SET_NULL
    )
    user_id: int | None
    first_seen = fields.DatetimeField()
    last_seen = fields.DatetimeField()
    visits = fields.IntField(default=0)
    open_connections = fields.IntField(default=0)
    watch_seconds = fields.BigIntField(default=0)

    class Meta:
        table = "analytics_viewer_visits"
        unique_together = (("room", "session_id", "viewer_key"),)
        indexes = (("room", "first_seen"),)


class UserBurst(Model):
    """A signed-in user's likes and chat messages in one room and minute, kept only once
    they pass a floor (:data:`app.analytics.recorder.BURST_FLOOR_LIKES` / ``_CHATS``):
    the evidence for the like / chat burst rules, without a row per tap."""

    id = fields.BigIntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="user_bursts", on_delete=fields.CASCADE
    )
    room_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="bursts", on_delete=fields.CASCADE
    )
    user_id: int
    minute = fields.DatetimeField(db_index=True)
    likes = fields.IntField(default=0)
    chats = fields.IntField(default=0)

    class Meta:
        table = "analytics_user_bursts"
        unique_together = (("room", "user", "minute"),)


class FlagStatus(StrEnum):
    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class FlagKind(StrEnum):
    SHARED_ADDRESS = "shared_address"
    SHARED_DEVICE = "shared_device"
    GIFT_RING = "gift_ring"
    LIKE_BURST = "like_burst"
    CHAT_BURST = "chat_burst"
    NEW_ACCOUNT_SWARM = "new_account_swarm"
    FLASH_SALE_NEW_ACCOUNTS = "flash_sale_new_accounts"
    GMV_ANOMALY = "gmv_anomaly"
    VIEWER_ANOMALY = "viewer_anomaly"


class FlagAction(StrEnum):
    NONE = "none"
    FREEZE_WALLET = "freeze_wallet"
    CANCEL_ORDERS = "cancel_orders"


class FraudFlag(Model):
    """Something a fraud rule found, with its evidence, for a moderator to decide.

    ``subject`` names what was found (``address:<hash>``, ``ring:3,7,9``, ``room:5:...``)
    and is unique per kind, so a rescan updates an open flag instead of adding another,
    and a decided flag is not raised again for the same subject. ``evidence`` always holds
    ``user_ids`` (the accounts involved) and ``order_ids`` (orders an action may cancel).
    """

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(FlagKind, max_length=32)
    subject = fields.CharField(max_length=200)
    room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="fraud_flags", null=True, on_delete=fields.SET_NULL
    )
    room_id: int | None
    summary = fields.CharField(max_length=300, default="")
    evidence: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    score = fields.FloatField(default=0)
    status = fields.CharEnumField(FlagStatus, max_length=12, default=FlagStatus.OPEN)
    decided_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="fraud_decisions", null=True, on_delete=fields.SET_NULL
    )
    decided_by_id: int | None
    decided_at = fields.DatetimeField(null=True)
    action = fields.CharEnumField(FlagAction, max_length=16, default=FlagAction.NONE)
    action_result: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "fraud_flags"
        unique_together = (("kind", "subject"),)
        indexes = (("status", "created_at"),)
