"""Commerce tests deliver card webhooks themselves unless a test turns the simulated
provider's callback on."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.settings import Settings


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, card_callback="manual")
