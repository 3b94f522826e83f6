"""A Bearer token's ``last_used_at`` is written behind the request: the request only notes
the use (to the minute), the token-use runtime writes the notes in one UPDATE per flush and
once more on shutdown. Whether a token is valid is read on every request."""

from __future__ import annotations

from datetime import timedelta

import httpx

from app.accounts import services as accounts
from app.accounts import token_use
from app.accounts.models import ApiToken, Role
from app.querycount import count_queries
from app.settings import Settings
from tests.support import STRONG_PASSWORD, gql

VIEWER = "{ viewer { id } }"


def _recorder() -> token_use.TokenUse:
    recorder = token_use.get_token_use()
    assert recorder is not None  # the app's runtime is up
    return recorder


async def test_a_request_notes_the_use_and_the_flush_writes_it(app: object) -> None:
    user = await accounts.register("tok@example.com", STRONG_PASSWORD, "Tok", Role.VIEWER)
    created = await accounts.create_api_token(user, "bot", "write")
    other = await accounts.create_api_token(user, "other bot", "read")
    assert created.token.last_used_at is None

    with count_queries() as first:
        found = await accounts.user_for_api_token(created.secret)
        assert found is not None and found[0].id == user.id and found[1] == "write"
        assert await accounts.user_for_api_token(other.secret) is not None
    assert len(first.statements) == 2  # one SELECT each, nothing written in the request
    assert not any("UPDATE" in q.upper() for q in first.statements)
    assert (await ApiToken.get(id=created.token.id)).last_used_at is None
    assert _recorder().pending() == 2

    with count_queries() as flushed:
        assert await _recorder().flush() == 2
    assert len(flushed.statements) == 1  # both tokens in one UPDATE
    used = (await ApiToken.get(id=created.token.id)).last_used_at
    assert used is not None and (await ApiToken.get(id=other.token.id)).last_used_at == used

    with count_queries() as burst:  # used within the minute: nothing noted
        for _ in range(5):
            assert await accounts.user_for_api_token(created.secret) is not None
    assert len(burst.statements) == 5 and _recorder().pending() == 0

    stale = used - accounts.LAST_USED_RESOLUTION - timedelta(seconds=1)
    await ApiToken.filter(id=created.token.id).update(last_used_at=stale)
    await accounts.user_for_api_token(created.secret)
    await _recorder().flush()
    assert (await ApiToken.get(id=created.token.id)).last_used_at > stale  # a minute on: fresh


async def test_a_flush_never_moves_a_date_back(app: object) -> None:
    user = await accounts.register("back@example.com", STRONG_PASSWORD, "Back", Role.VIEWER)
    created = await accounts.create_api_token(user, "bot", "read")
    later = accounts.now() + timedelta(minutes=5)  # written by another process, say
    await ApiToken.filter(id=created.token.id).update(last_used_at=later)
    _recorder().note(created.token.id, accounts.now())
    await _recorder().flush()
    assert (await ApiToken.get(id=created.token.id)).last_used_at == later


async def test_the_last_flush_runs_on_shutdown(app: object, settings: Settings) -> None:
    user = await accounts.register("down@example.com", STRONG_PASSWORD, "Down", Role.VIEWER)
    created = await accounts.create_api_token(user, "bot", "read")
    async with token_use.token_use_runtime(settings) as recorder:
        assert token_use.get_token_use() is recorder
        assert await accounts.user_for_api_token(created.secret) is not None
        assert recorder.pending() == 1
    assert token_use.get_token_use() is None
    assert (await ApiToken.get(id=created.token.id)).last_used_at is not None


async def test_outside_the_app_the_use_is_written_at_once(app: object) -> None:
    user = await accounts.register("cli@example.com", STRONG_PASSWORD, "Cli", Role.VIEWER)
    created = await accounts.create_api_token(user, "bot", "read")
    running = token_use.get_token_use()
    token_use.set_token_use(None)
    try:
        assert await accounts.user_for_api_token(created.secret) is not None
    finally:
        token_use.set_token_use(running)
    assert (await ApiToken.get(id=created.token.id)).last_used_at is not None


async def test_revoked_and_unknown_tokens_still_fail(app: object) -> None:
    user = await accounts.register("rev@example.com", STRONG_PASSWORD, "Rev", Role.VIEWER)
    created = await accounts.create_api_token(user, "bot", "read")
    await accounts.user_for_api_token(created.secret)  # used within the minute
    await accounts.revoke_api_token(user, created.token.id)
    assert await accounts.user_for_api_token(created.secret) is None
    assert await accounts.user_for_api_token("lm_not-a-token") is None
    assert await accounts.user_for_api_token("") is None


async def test_revocation_and_a_ban_end_access_on_the_very_next_request(
    client: httpx.AsyncClient,
) -> None:
    user = await accounts.register("next@example.com", STRONG_PASSWORD, "Next", Role.VIEWER)
    revoked = await accounts.create_api_token(user, "revoked", "read")
    kept = await accounts.create_api_token(user, "kept", "read")
    for token in (revoked, kept):
        body = await gql(client, VIEWER, token=token.secret)
        assert body["data"]["viewer"] is not None, body

    await accounts.revoke_api_token(user, revoked.token.id)
    assert (await gql(client, VIEWER, token=revoked.secret))["data"]["viewer"] is None
    assert (await gql(client, VIEWER, token=kept.secret))["data"]["viewer"] is not None

    await accounts.set_active(user.id, False)  # banned: every token stops at once
    assert (await gql(client, VIEWER, token=kept.secret))["data"]["viewer"] is None
