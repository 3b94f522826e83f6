"""Rate limits across processes: two web processes on one Redis share one limit.

Before, every limit lived in each process's memory, so two processes behind a load balancer
granted each client twice the budget. Here two real uvicorn processes share the database and
the Redis bus, and one anonymous client spreads its writes over both: the write limit
(:data:`LIMIT` per 10 s) holds in total, not per process.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
import pytest

from app.settings import Settings
from tests.conftest import REDIS_URL, redis_available, settings_env
from tests.support import live_server

LIMIT = 3
LOGIN = (
    'mutation { login(email: "nobody@example.com", password: "wrong-pass-123")'
    " { errors { code } } }"
)


def _outcome(body: dict[str, Any]) -> str:
    if body.get("errors"):
        return body["errors"][0]["extensions"]["code"]
    return body["data"]["login"]["errors"][0]["code"]


async def test_two_processes_share_one_write_limit(settings: Settings) -> None:
    if not redis_available():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    env = {
        **settings_env(replace(settings, broadcast_url=REDIS_URL)),
        "LIVEMART_WRITE_LIMIT": str(LIMIT),
    }
    with live_server(env) as first, live_server(env) as second:
        outcomes = []
        async with httpx.AsyncClient(timeout=30) as client:
            for i in range(2 * LIMIT):
                base = (first, second)[i % 2]
                answer = await client.post(f"{base}/graphql", json={"query": LOGIN})
                outcomes.append(_outcome(answer.json()))
    assert outcomes == ["INVALID_CREDENTIALS"] * LIMIT + ["RATE_LIMITED"] * LIMIT
