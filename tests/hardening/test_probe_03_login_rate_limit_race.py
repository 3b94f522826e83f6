"""Finding 3: login rate limit races.

Forty parallel guesses all passed the "5 failures" check (it counted failures after the
slow password check), and then the owner was locked out from another address (the lock was
per account). Attempts are now counted atomically before the check, per account and
address, so parallel guesses get at most the allowed number of checks, and the owner logging
in from elsewhere is not locked out by them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from app.accounts import services as accounts
from tests.support import STRONG_PASSWORD, op, register

GUESSES = 40


@pytest.fixture
async def attacker(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def owner(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("198.51.100.20", 40001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


async def _login(client: httpx.AsyncClient, password: str) -> str | None:
    result = await op(
        client, "accounts", "Login", {"email": "owner@example.com", "password": password}
    )
    errors = result["data"]["login"]["errors"]
    return errors[0]["code"] if errors else None


async def test_parallel_guesses_get_the_allowed_checks_only(
    owner: httpx.AsyncClient, attacker: httpx.AsyncClient
) -> None:
    assert (await register(owner, "owner@example.com"))["errors"] == []
    await op(owner, "accounts", "Logout")

    answers = await asyncio.gather(*(_login(attacker, f"guess-number-{i}") for i in range(GUESSES)))
    assert answers.count("INVALID_CREDENTIALS") == accounts.MAX_FAILURES_PER_ACCOUNT
    assert answers.count("RATE_LIMITED") == GUESSES - accounts.MAX_FAILURES_PER_ACCOUNT
    # The right password from the attacker's address is refused while the limit holds...
    assert await _login(attacker, STRONG_PASSWORD) == "RATE_LIMITED"
    # ...but the owner, from their own address, is not locked out by the guesses.
    assert await _login(owner, STRONG_PASSWORD) is None
    assert (await op(owner, "accounts", "Viewer"))["data"]["viewer"] is not None


async def test_a_success_clears_the_count_of_its_account_and_address(
    owner: httpx.AsyncClient,
) -> None:
    assert (await register(owner, "owner@example.com"))["errors"] == []
    for _ in range(3):
        await op(owner, "accounts", "Logout")
        for i in range(accounts.MAX_FAILURES_PER_ACCOUNT - 1):
            assert await _login(owner, f"typo-number-{i}") == "INVALID_CREDENTIALS"
        assert await _login(owner, STRONG_PASSWORD) is None
