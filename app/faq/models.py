"""FAQ models: a room's questions and answers, how a room delivers auto-answers, and the
answers given (the "didn't help" queue reads them)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Faq(Model):
    """A streamer's answer to a question, in several phrasings (``questions``), for a room
    or for one product sold in it (``product``)."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="faqs", on_delete=fields.CASCADE
    )
    room_id: int
    product: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Product", related_name="faqs", null=True, on_delete=fields.CASCADE
    )
    product_id: int | None
    questions: fields.JSONField[list[str]] = fields.JSONField(default=list)
    answer = fields.TextField()
    created_by: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="faqs_written", on_delete=fields.CASCADE
    )
    created_by_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "faqs"


class FaqRoomSettings(Model):
    """How a room answers: ``to_room`` sends auto-answers to the whole room instead of only
    to the asker; ``enabled`` turns auto-answers off."""

    id = fields.IntField(primary_key=True)
    room: fields.OneToOneRelation = fields.OneToOneField(
        "models.Room", related_name="faq_settings", on_delete=fields.CASCADE
    )
    room_id: int
    to_room = fields.BooleanField(default=False)
    enabled = fields.BooleanField(default=True)

    class Meta:
        table = "faq_room_settings"


class FaqAnswer(Model):
    """An auto-answer given to a chat question; ``unhelpful_at`` is set when the asker says
    it did not help (the streamer's console queue), ``resolved_at`` when the streamer
    dealt with it."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="faq_answers", on_delete=fields.CASCADE
    )
    room_id: int
    faq: fields.ForeignKeyNullableRelation[Faq] = fields.ForeignKeyField(
        "models.Faq", related_name="answers_given", null=True, on_delete=fields.SET_NULL
    )
    faq_id: int | None
    product: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Product", related_name="faq_answers", null=True, on_delete=fields.SET_NULL
    )
    product_id: int | None
    fact = fields.CharField(max_length=16, default="")
    asker: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="faq_answers_received", on_delete=fields.CASCADE
    )
    asker_id: int
    message_id = fields.IntField(null=True)
    question = fields.TextField()
    answer = fields.TextField()
    to_room = fields.BooleanField(default=False)
    confidence = fields.FloatField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    unhelpful_at = fields.DatetimeField(null=True, db_index=True)
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "faq_answers"
