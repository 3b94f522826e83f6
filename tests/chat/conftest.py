"""Chat tests start with empty in-memory rate limits (user ids repeat across tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.chat import services as chat
from app.moderation import services as moderation


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    chat.reset_rate_limits()
    moderation.REPORT_LIMIT.reset()
    yield
    chat.reset_rate_limits()
    moderation.REPORT_LIMIT.reset()
