"""The interaction log: what each user did with which product or room, with a weight."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ItemType(StrEnum):
    PRODUCT = "product"
    ROOM = "room"


class Kind(StrEnum):
    """What happened; the weight of each is in :data:`app.recs.log.WEIGHTS`."""

    VIEW = "view"  # joined a room
    WATCH = "watch"  # watched a room for a while (weight scales with minutes)
    CHAT = "chat"
    LIKE = "like"
    GIFT = "gift"
    FOLLOW = "follow"  # followed the room's streamer
    IMPRESSION = "impression"  # a product was shown
    CLICK = "click"  # a product was opened
    CART = "cart"
    ORDER = "order"  # an order was placed
    PURCHASE = "purchase"  # the order was paid


class Interaction(Model):
    """One logged interaction (written in batches by :mod:`app.recs.log`, never updated).

    ``item_id`` is a product id or a room id, as ``item_type`` says. Training reads by
    ``(item_type, created_at)``; catching up after a model reads by ``id``.
    """

    id = fields.BigIntField(primary_key=True)
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="interactions", on_delete=fields.CASCADE, db_constraint=True
    )
    user_id: int
    item_type = fields.CharEnumField(ItemType, max_length=8)
    item_id = fields.IntField()
    kind = fields.CharEnumField(Kind, max_length=12)
    weight = fields.FloatField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "interactions"
        indexes = (("item_type", "created_at"), ("user_id", "item_type", "item_id"))
