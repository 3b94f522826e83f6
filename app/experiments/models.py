"""Experiments and their exposures."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class ExperimentKind(StrEnum):
    """What an experiment varies; the code that reads it looks for running ones of its kind."""

    RECS = "recs"  # the ranking of recommended products (variant value: a ranking name)
    COUPON = "coupon"  # the value of a streamer's coupon drop (variant value: the amount)
    GENERIC = "generic"


class ExperimentStatus(StrEnum):
    DRAFT = "draft"
    RUNNING = "running"
    STOPPED = "stopped"


class Experiment(Model):
    """An A/B test. ``variants`` is a list of ``{"name", "weight", "value"}`` objects, fixed
    once the experiment starts; ``sample_size`` is the pre-registered number of exposed
    subjects per variant before results are read."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=120)
    hypothesis = fields.TextField(default="")
    kind = fields.CharEnumField(ExperimentKind, max_length=12, default=ExperimentKind.GENERIC)
    status = fields.CharEnumField(ExperimentStatus, max_length=12, default=ExperimentStatus.DRAFT)
    salt = fields.CharField(max_length=32)
    variants: fields.JSONField[list[dict[str, Any]]] = fields.JSONField()
    sample_size = fields.IntField()
    # A coupon experiment belongs to a streamer (its drops); others are platform-wide.
    owner: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="experiments", null=True, on_delete=fields.CASCADE
    )
    owner_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    started_at = fields.DatetimeField(null=True)
    stopped_at = fields.DatetimeField(null=True)

    class Meta:
        table = "experiments"


class Exposure(Model):
    """A subject saw its variant for the first time (one row per experiment and subject:
    the unique constraint keeps concurrent first exposures to one)."""

    id = fields.BigIntField(primary_key=True)
    experiment: fields.ForeignKeyRelation[Experiment] = fields.ForeignKeyField(
        "models.Experiment", related_name="exposures", on_delete=fields.CASCADE
    )
    experiment_id: int
    subject = fields.CharField(max_length=80)  # "user:<id>" or "anon:<browser key>"
    user: fields.ForeignKeyNullableRelation = fields.ForeignKeyField(
        "models.User", related_name="exposures", null=True, on_delete=fields.CASCADE
    )
    user_id: int | None
    variant = fields.CharField(max_length=40)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "experiment_exposures"
        unique_together = (("experiment", "subject"),)
