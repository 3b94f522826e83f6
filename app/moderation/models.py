"""Moderation records: room mutes and bans, banned words, reports and the audit log."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class RoomMute(Model):
    """``user`` may not chat in ``room`` until ``until`` (one row per room and user)."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="mutes", on_delete=fields.CASCADE
    )
    room_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="room_mutes", on_delete=fields.CASCADE
    )
    user_id: int
    until = fields.DatetimeField()
    by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="mutes_given", null=True, on_delete=fields.SET_NULL
    )
    by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "room_mutes"
        unique_together = (("room", "user"),)


class RoomBan(Model):
    """``user`` is banned from chatting in ``room`` until unbanned."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="bans", on_delete=fields.CASCADE
    )
    room_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="room_bans", on_delete=fields.CASCADE
    )
    user_id: int
    by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="bans_given", null=True, on_delete=fields.SET_NULL
    )
    by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "room_bans"
        unique_together = (("room", "user"),)


class BannedWord(Model):
    """A word refused in chat: in one room, or everywhere when ``room`` is null.

    ``word`` is what the moderator typed; ``normalized`` is its filter form
    (see :mod:`app.chat.filter`), unique per scope through ``scope_key``.
    """

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="banned_words", null=True, on_delete=fields.CASCADE
    )
    room_id: int | None
    word = fields.CharField(max_length=100)
    normalized = fields.CharField(max_length=50)
    # "<room id or 'global'>:<normalized>": one row per word and scope (NULLs are distinct).
    scope_key = fields.CharField(max_length=80, unique=True)
    created_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="banned_words_added", null=True, on_delete=fields.SET_NULL
    )
    created_by_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "banned_words"

    @property
    def is_global(self) -> bool:
        return self.room_id is None


class ReportStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"
    DISMISSED = "dismissed"


class Report(Model):
    """A viewer's report of a chat message."""

    id = fields.IntField(primary_key=True)
    message: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.ChatMessage", related_name="reports", on_delete=fields.CASCADE
    )
    message_id: int
    room: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.Room", related_name="reports", on_delete=fields.CASCADE
    )
    room_id: int
    reporter: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="reports_made", on_delete=fields.CASCADE
    )
    reporter_id: int
    reason = fields.CharField(max_length=200)
    status = fields.CharEnumField(ReportStatus, max_length=12, default=ReportStatus.OPEN)
    # "<message id>:<reporter id>" while open, null once handled: one open report per
    # reporter and message, enforced by the database.
    open_key = fields.CharField(max_length=40, null=True, unique=True)
    resolution = fields.CharField(max_length=20, default="")
    resolved_by: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="reports_resolved", null=True, on_delete=fields.SET_NULL
    )
    resolved_by_id: int | None
    resolved_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "reports"


class AuditLog(Model):
    """One moderation action: who did what, where, to whom."""

    id = fields.IntField(primary_key=True)
    actor: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="audit_actions", null=True, on_delete=fields.SET_NULL
    )
    actor_id: int | None
    action = fields.CharField(max_length=40, db_index=True)
    room: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.Room", related_name="audit_entries", null=True, on_delete=fields.SET_NULL
    )
    room_id: int | None
    target_user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="audit_targeted", null=True, on_delete=fields.SET_NULL
    )
    target_user_id: int | None
    detail: fields.JSONField[dict[str, Any]] = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)

    class Meta:
        table = "audit_log"
