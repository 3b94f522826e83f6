"""Attribution tables: share links, visits with their traffic source, the follows and
paid orders those visits led to, invitations (referrals) with their reward, and raids.

A :class:`Visit` is one page view of a room (or a product page) with its source: a small
row written in batches by :mod:`app.attribution.recorder`, never on the page's own
request. Follows and orders are attributed once (last touch: the newest visit of the
same person to the same room, or product, before it) into :class:`AttributedFollow` /
:class:`AttributedOrder`, so the by-source report is three grouped counts.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ShareLink(Model):
    """A short link ``/s/<code>`` to a room or a product, carrying its sharer."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=16, unique=True)
    sharer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="share_links", on_delete=fields.CASCADE
    )
    sharer_id: int
    room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="share_links", null=True, on_delete=fields.CASCADE
    )
    room_id: int | None
    product: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Product", related_name="share_links", null=True, on_delete=fields.CASCADE
    )
    product_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "attribution_share_links"
        unique_together = (("sharer", "room", "product"),)


class Visit(Model):
    """One page view of a room or a product with its traffic source (``source``: a value
    of :class:`app.attribution.sources.Source`). ``viewer_key`` is ``browser:<id>`` (the
    browser's cookie; ``user:<id>`` for a client without one); an anonymous browser's
    visits get their ``user`` once it signs in. ``net`` (a hash of the IP address) and the
    browser key are the device evidence the invite-reward rules compare."""

    id = fields.BigIntField(primary_key=True)
    room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="visits", null=True, on_delete=fields.CASCADE
    )
    room_id: int | None
    product: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Product", related_name="visits", null=True, on_delete=fields.CASCADE
    )
    product_id: int | None
    source = fields.CharField(max_length=20)
    viewer_key = fields.CharField(max_length=40, db_index=True)
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="visits", null=True, on_delete=fields.SET_NULL
    )
    user_id: int | None
    share_link: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.ShareLink", related_name="visits", null=True, on_delete=fields.SET_NULL
    )
    share_link_id: int | None
    net = fields.CharField(max_length=16, default="")  # hash of the client's IP address
    at = fields.DatetimeField()

    class Meta:
        table = "attribution_visits"
        indexes = (("room", "at"), ("user", "at"))


class AttributedFollow(Model):
    """A follow with the visit that led to it (``room`` None: no visit found)."""

    id = fields.BigIntField(primary_key=True)
    streamer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="attributed_followers", on_delete=fields.CASCADE
    )
    streamer_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="attributed_follows", on_delete=fields.CASCADE
    )
    user_id: int
    room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="attributed_follows", null=True, on_delete=fields.SET_NULL
    )
    room_id: int | None
    source = fields.CharField(max_length=20)
    share_link: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.ShareLink", related_name="follows", null=True, on_delete=fields.SET_NULL
    )
    share_link_id: int | None
    at = fields.DatetimeField()

    class Meta:
        table = "attribution_follows"
        indexes = (("room", "at"),)


class AttributedOrder(Model):
    """A paid order with the visit that led to it (source ``direct`` when none did)."""

    id = fields.BigIntField(primary_key=True)
    order: fields.OneToOneRelation = fields.OneToOneField(
        "models.Order", related_name="attribution", on_delete=fields.CASCADE
    )
    order_id: int
    buyer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="attributed_orders", on_delete=fields.CASCADE
    )
    buyer_id: int
    room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="attributed_orders", null=True, on_delete=fields.SET_NULL
    )
    room_id: int | None
    source = fields.CharField(max_length=20)
    share_link: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.ShareLink", related_name="orders", null=True, on_delete=fields.SET_NULL
    )
    share_link_id: int | None
    total_cents = fields.BigIntField()
    currency = fields.CharField(max_length=3)
    paid_at = fields.DatetimeField()

    class Meta:
        table = "attribution_orders"
        indexes = (("room", "paid_at"),)


class RewardStatus(StrEnum):
    PENDING = "pending"  # no paid order yet
    GRANTED = "granted"
    REFUSED = "refused"  # the fraud rules said no (reason)
    OFF = "off"  # rewards were off when the first order was paid


class Referral(Model):
    """An account created after its browser came through ``share_link``: the sharer
    invited it. Its first paid order decides the sharer's reward (once)."""

    id = fields.IntField(primary_key=True)
    invitee: fields.OneToOneRelation = fields.OneToOneField(
        "models.User", related_name="referral", on_delete=fields.CASCADE
    )
    invitee_id: int
    sharer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="referrals", on_delete=fields.CASCADE
    )
    sharer_id: int
    share_link: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.ShareLink", related_name="referrals", null=True, on_delete=fields.SET_NULL
    )
    share_link_id: int | None
    viewer_key = fields.CharField(max_length=40, default="")
    status = fields.CharEnumField(RewardStatus, max_length=10, default=RewardStatus.PENDING)
    reason = fields.CharField(max_length=200, default="")
    coupon: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Coupon", related_name="invite_rewards", null=True, on_delete=fields.SET_NULL
    )
    coupon_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)

    class Meta:
        table = "attribution_referrals"


class Raid(Model):
    """A streamer sent the viewers of their ended live to another live room."""

    id = fields.IntField(primary_key=True)
    from_room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="raids_out", on_delete=fields.CASCADE
    )
    from_room_id: int
    to_room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="raids_in", on_delete=fields.CASCADE
    )
    to_room_id: int
    by: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="raids", on_delete=fields.CASCADE
    )
    by_id: int
    viewers = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "attribution_raids"
