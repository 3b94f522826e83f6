"""Notifications, what each user wants of them, their push subscriptions and the
deliveries (push, e-mail) waiting to be sent."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from app.notify.texts import localized


class Kind(StrEnum):
    """What a notification is about."""

    GO_LIVE = "go_live"  # a followed streamer went live
    REMINDER = "reminder"  # a scheduled live the user asked to be reminded of starts
    ORDER_SHIPPED = "order_shipped"
    ORDER_DELIVERED = "order_delivered"
    ORDER_REFUNDED = "order_refunded"
    OUTBID = "outbid"  # someone bid over the user in an auction
    COUPON_DROP = "coupon_drop"  # a coupon dropped in a followed streamer's room


class Channel(StrEnum):
    IN_APP = "in_app"
    PUSH = "push"
    EMAIL = "email"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry
    GONE = "gone"  # the push subscription expired (404/410): it was removed


class Notification(Model):
    """One in-app notification of one user (read once ``read_at`` is set)."""

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="notifications", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharField(max_length=24)
    title = fields.CharField(max_length=200)
    body = fields.CharField(max_length=500, default="")
    url = fields.CharField(max_length=300, default="")
    # The message ids and values of title and body (JSON, app.notify.texts): each reader
    # sees them in their language; title and body keep the English text.
    message = fields.TextField(default="")
    # Every notification of one fan-out carries the same batch key, so the deliveries of
    # that fan-out are queued with one INSERT ... SELECT.
    batch = fields.CharField(max_length=32, default="", db_index=True)
    # Whether the in-app channel shows it (false: only pushed or mailed, hidden here).
    shown = fields.BooleanField(default=True)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notifications"
        indexes = (("user_id", "read_at"),)

    def texts(self) -> tuple[str, str]:
        """Title and body in the current language."""
        return localized(self.title, self.body, self.message)


class NotificationPreference(Model):
    """A user's choice for one kind on one channel (absent: the default of the kind)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="notification_preferences", on_delete=fields.CASCADE
    )
    user_id: int
    kind = fields.CharField(max_length=24)
    channel = fields.CharField(max_length=8)
    enabled = fields.BooleanField()

    class Meta:
        table = "notification_preferences"
        unique_together = (("user_id", "kind", "channel"),)


class NotificationSettings(Model):
    """A user's quiet hours (minutes after local midnight, in ``time_zone``): push and
    mail wait for their end; in-app notifications still arrive, silently."""

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation = fields.OneToOneField(
        "models.User", related_name="notification_settings", on_delete=fields.CASCADE
    )
    user_id: int
    time_zone = fields.CharField(max_length=64, default="UTC")
    quiet_start = fields.IntField(null=True)
    quiet_end = fields.IntField(null=True)

    class Meta:
        table = "notification_settings"


class PushSubscription(Model):
    """A browser's Web Push subscription (its endpoint and RFC 8291 keys)."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="push_subscriptions", on_delete=fields.CASCADE
    )
    user_id: int
    endpoint = fields.CharField(max_length=1000)
    endpoint_hash = fields.CharField(max_length=64, unique=True)
    p256dh = fields.CharField(max_length=200)
    auth = fields.CharField(max_length=100)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "push_subscriptions"


class NotificationDelivery(Model):
    """A push or a mail of one notification, sent by the delivery runtime after the
    request that caused it; retried with a back-off until it is sent or given up."""

    id = fields.BigIntField(primary_key=True)
    notification: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Notification", related_name="deliveries", on_delete=fields.CASCADE
    )
    notification_id: int
    channel = fields.CharField(max_length=8)
    # The push subscription (for push); null for e-mail.
    subscription_id = fields.IntField(null=True)
    status = fields.CharField(max_length=8, default=DeliveryStatus.PENDING.value)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    claim = fields.CharField(max_length=32, default="")
    last_error = fields.CharField(max_length=300, default="")
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification_deliveries"
        indexes = (("status", "next_attempt_at"),)
