"""Rooms, their live sessions, follows and reminders of scheduled lives."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class RoomStatus(StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class Room(Model):
    id = fields.IntField(primary_key=True)
    owner: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="rooms", on_delete=fields.CASCADE
    )
    owner_id: int
    title = fields.CharField(max_length=120)
    cover_url = fields.CharField(max_length=500, default="")
    category = fields.CharField(max_length=40, default="general", db_index=True)
    scheduled_at = fields.DatetimeField(null=True)
    status = fields.CharEnumField(RoomStatus, max_length=12, default=RoomStatus.SCHEDULED)
    # Media state while live: starting / live / reconnecting (see media/).
    media_state = fields.CharField(max_length=16, default="")
    # Where the picture comes from: "" (RTMP/browser publisher) or "test" (test pattern).
    media_source = fields.CharField(max_length=16, default="")
    stream_key = fields.CharField(max_length=64, unique=True)
    started_at = fields.DatetimeField(null=True)
    ended_at = fields.DatetimeField(null=True)
    like_count = fields.BigIntField(default=0)
    peak_viewers = fields.IntField(default=0)
    slow_mode_seconds = fields.IntField(default=0)
    # Product recognition in the live (app/recognition): "off", "offer" (the console offers
    # to pin what the camera shows) or "auto" (pins it).
    recognition = fields.CharField(max_length=8, default="off")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "rooms"


class LiveSession(Model):
    """One go-live of a room, from open to end."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField(
        "models.Room", related_name="sessions", on_delete=fields.CASCADE
    )
    room_id: int
    started_at = fields.DatetimeField()
    ended_at = fields.DatetimeField(null=True)
    peak_viewers = fields.IntField(default=0)
    likes = fields.BigIntField(default=0)
    # The VOD playlist kept for replay, relative to the HLS root (e.g. "7/replay/index.m3u8").
    replay_path = fields.CharField(max_length=200, default="")
    replay_seconds = fields.FloatField(default=0)

    class Meta:
        table = "live_sessions"


class Follow(Model):
    id = fields.IntField(primary_key=True)
    follower: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="following", on_delete=fields.CASCADE
    )
    follower_id: int
    streamer: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="followers", on_delete=fields.CASCADE
    )
    streamer_id: int
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "follows"
        unique_together = (("follower", "streamer"),)


class LiveReminder(Model):
    """A viewer asked to be reminded when a scheduled live starts (``app.rooms.schedule``).

    ``notified_at`` is set once the reminder went out, so each viewer is reminded once."""

    id = fields.IntField(primary_key=True)
    room: fields.ForeignKeyRelation[Room] = fields.ForeignKeyField(
        "models.Room", related_name="reminders", on_delete=fields.CASCADE
    )
    room_id: int
    user: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="live_reminders", on_delete=fields.CASCADE
    )
    user_id: int
    created_at = fields.DatetimeField(auto_now_add=True)
    notified_at = fields.DatetimeField(null=True)

    class Meta:
        table = "live_reminders"
        unique_together = (("room", "user"),)
