"""Attribution fixtures: the recorders never flush on their own (tests drive them)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.attribution.recorder import AttributionRecorder, get_recorder
from app.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(
        settings, analytics_flush_seconds=3600, analytics_scan_seconds=0, invite_reward_cents=500
    )


@pytest.fixture
def recorder(app: object) -> AttributionRecorder:
    found = get_recorder()
    assert found is not None
    return found
