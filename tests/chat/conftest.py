"""Chat tests start with empty in-memory rate limits (user ids repeat across tests)."""

from __future__ import annotations

from tests.chat.helpers import fresh_rate_limits

__all__ = ["fresh_rate_limits"]
