"""A Bearer token's ``last_used_at`` is kept to the minute: a burst of requests with one
token reads it and writes at most once, so a storm of API calls is not a storm of writes."""

from __future__ import annotations

from datetime import timedelta

from app.accounts import services as accounts
from app.accounts.models import ApiToken, Role
from app.querycount import count_queries
from tests.support import STRONG_PASSWORD


async def test_a_burst_of_calls_writes_last_used_once(app: object) -> None:
    user = await accounts.register("tok@example.com", STRONG_PASSWORD, "Tok", Role.VIEWER)
    created = await accounts.create_api_token(user, "bot", "write")
    assert created.token.last_used_at is None

    with count_queries() as first:
        assert await accounts.user_for_api_token(created.secret) is not None
    with count_queries() as burst:
        for _ in range(5):
            found = await accounts.user_for_api_token(created.secret)
            assert found is not None and found[0].id == user.id and found[1] == "write"
    assert len(first.statements) == len(burst.statements) / 5 + 1  # the one write
    assert not any("UPDATE" in q.upper() for q in burst.statements)
    used = (await ApiToken.get(id=created.token.id)).last_used_at
    assert used is not None

    stale = used - accounts.LAST_USED_RESOLUTION - timedelta(seconds=1)
    await ApiToken.filter(id=created.token.id).update(last_used_at=stale)
    await accounts.user_for_api_token(created.secret)
    assert (await ApiToken.get(id=created.token.id)).last_used_at > stale  # a minute on: kept fresh


async def test_revoked_and_unknown_tokens_still_fail(app: object) -> None:
    user = await accounts.register("rev@example.com", STRONG_PASSWORD, "Rev", Role.VIEWER)
    created = await accounts.create_api_token(user, "bot", "read")
    await accounts.user_for_api_token(created.secret)  # used within the minute
    await accounts.revoke_api_token(user, created.token.id)
    assert await accounts.user_for_api_token(created.secret) is None
    assert await accounts.user_for_api_token("lm_not-a-token") is None
