"""Profile tables: one profile per user or anonymous browser, and its decayed tags."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Profile(Model):
    """What we learned about one viewer: a signed-in user (``user`` set) or an anonymous
    browser (``subject`` ``browser:<id>``, ``user`` null) until sign-in merges it.

    ``interests`` are the categories the user picked (sign-up or the profile page);
    ``personalise`` false turns recommendations and shelf ordering back to everyone's
    order. ``orders`` / ``spent_cents`` / ``last_order_at`` are the frequency, monetary
    and recency of paid orders.
    """

    id = fields.IntField(primary_key=True)
    subject = fields.CharField(max_length=64, unique=True)
    user: fields.OneToOneNullableRelation = fields.OneToOneField(
        "models.User", related_name="profile", null=True, on_delete=fields.CASCADE
    )
    user_id: int | None
    interests: fields.JSONField[list[Any]] = fields.JSONField(default=list)
    personalise = fields.BooleanField(default=True)
    orders = fields.IntField(default=0)
    spent_cents = fields.BigIntField(default=0)
    last_order_at = fields.DatetimeField(null=True)
    last_seen_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "profiles"


class ProfileTag(Model):
    """One weighted tag of a profile: ``dimension`` is ``category`` (a room category),
    ``topic`` (a word of what they watched and bought), ``streamer`` (a user id),
    ``price`` (a price band) or ``hour`` (a UTC hour, "00".."23").

    ``weight`` is the value at ``updated_at``; it halves every
    :data:`app.profiles.decay.HALF_LIFE` after that (see :func:`app.profiles.decay.decayed`).
    """

    id = fields.BigIntField(primary_key=True)
    profile: fields.ForeignKeyRelation[Profile] = fields.ForeignKeyField(
        "models.Profile", related_name="tags", on_delete=fields.CASCADE
    )
    profile_id: int
    dimension = fields.CharField(max_length=12)
    key = fields.CharField(max_length=40)
    weight = fields.FloatField(default=0)
    updated_at = fields.DatetimeField()

    class Meta:
        table = "profile_tags"
        unique_together = (("profile", "dimension", "key"),)
