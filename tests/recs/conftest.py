"""Recommender tests: the app with its recommender service, scheduled training off (the
tests train on demand, so a model version changes only when a test says so)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, recs_train_minutes=0)
