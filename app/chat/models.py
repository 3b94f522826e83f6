"""Chat messages of a room."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

MAX_LENGTH = 200


class ChatMessage(Model):
    """One danmaku line. Deleting is soft: ``deleted_at`` / ``deleted_by`` are set."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="chat_messages", on_delete=fields.CASCADE
    )
    room_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="chat_messages", on_delete=fields.CASCADE
    )
    user_id: int
    text = fields.CharField(max_length=MAX_LENGTH)
    # "streamer", "moderator", "top_gifter" or "" (computed when sent).
    badge = fields.CharField(max_length=16, default="")
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    deleted_at = fields.DatetimeField(null=True)
    deleted_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="deleted_chat_messages", null=True, on_delete=fields.SET_NULL
    )
    deleted_by_id: int | None

    class Meta:
        table = "chat_messages"
        indexes = (("room_id", "id"), ("user_id", "room_id", "created_at"))

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None
