"""A streamer's simulcast destinations. The full address (it holds the stream key) is kept
sealed with the app's secret key and never shown again; pages show ``url_hint``."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class SimulcastDestination(Model):
    """Where the media worker forwards every live of ``owner`` while ``enabled``;
    ``status`` is the forwarder's last report (idle, connecting, live, reconnecting,
    stopped) with ``status_detail`` (FFmpeg's error, the key hidden)."""

    id = fields.IntField(primary_key=True)
    owner: fields.ForeignKeyRelation = fields.ForeignKeyField(
        "models.User", related_name="simulcast_destinations", on_delete=fields.CASCADE
    )
    owner_id: int
    name = fields.CharField(max_length=60)
    url_sealed = fields.TextField()
    url_hint = fields.CharField(max_length=300)
    enabled = fields.BooleanField(default=True)
    status = fields.CharField(max_length=16, default="idle")
    status_detail = fields.CharField(max_length=300, default="")
    status_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "simulcast_destinations"
