"""Finding 10: password reset.

- 30 parallel requests queued 30 mails: now at most ``MAX_RESETS_PER_EMAIL`` per address.
- older links stayed valid after a newer one, and links after use: now only the newest
  unused link works, once.
- the link with its secret was logged at INFO: now the log says a mail was queued, no link.
- a reset and ``changePassword`` revoked neither API tokens nor other sessions: now both do
  (``changePassword`` keeps the browser that asked logged in).
"""

from __future__ import annotations

import asyncio
import logging
import re

import httpx
import pytest

from app.accounts import services as accounts
from app.accounts.models import OutboxMessage
from tests.support import STRONG_PASSWORD, op, register

EMAIL = "reset@example.com"
NEW_PASSWORD = "brand-new-pass-9"


def _secret(body: str) -> str:
    match = re.search(r"/reset/(\S+)", body)
    assert match
    return match.group(1)


async def _links() -> list[str]:
    return [_secret(m.body) for m in await OutboxMessage.filter(to=EMAIL).order_by("id")]


async def _request(client: httpx.AsyncClient) -> None:
    result = await op(client, "accounts", "RequestPasswordReset", {"email": EMAIL})
    assert result["data"]["requestPasswordReset"]["ok"] is True


async def _reset(client: httpx.AsyncClient, secret: str, password: str) -> list[dict[str, str]]:
    variables = {"token": secret, "newPassword": password}
    return (await op(client, "accounts", "ResetPassword", variables))["data"]["resetPassword"][
        "errors"
    ]


async def _token(client: httpx.AsyncClient) -> str:
    result = await op(client, "accounts", "CreateApiToken", {"name": "app", "scope": "WRITE"})
    return result["data"]["createApiToken"]["secret"]


async def _viewer(client: httpx.AsyncClient, token: str | None = None) -> object:
    return (await op(client, "accounts", "Viewer", token=token))["data"]["viewer"]


async def test_parallel_requests_queue_a_few_mails(client: httpx.AsyncClient) -> None:
    assert (await register(client, EMAIL))["errors"] == []
    await asyncio.gather(*(_request(client) for _ in range(30)))
    assert await OutboxMessage.filter(to=EMAIL).count() == accounts.MAX_RESETS_PER_EMAIL


async def test_only_the_newest_link_works_and_only_once(client: httpx.AsyncClient) -> None:
    assert (await register(client, EMAIL))["errors"] == []
    await _request(client)
    await _request(client)
    older, newer = await _links()
    assert (await _reset(client, older, NEW_PASSWORD))[0]["code"] == "INVALID_TOKEN"
    assert await _reset(client, newer, NEW_PASSWORD) == []
    assert (await _reset(client, newer, "another-pass-77"))[0]["code"] == "TOKEN_USED"


async def test_the_link_is_never_logged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    assert (await register(client, EMAIL))["errors"] == []
    with caplog.at_level(logging.INFO):
        await _request(client)
    (secret,) = await _links()
    assert "mail queued" in caplog.text
    assert secret not in caplog.text and "/reset/" not in caplog.text


async def test_a_reset_revokes_tokens_and_ends_every_session(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    assert (await register(client, EMAIL))["errors"] == []
    token = await _token(client)
    assert await _viewer(client) is not None and await _viewer(client, token) is not None
    await _request(other_client)
    (secret,) = await _links()
    assert await _reset(other_client, secret, NEW_PASSWORD) == []
    assert await _viewer(client) is None
    assert await _viewer(client, token) is None


async def test_a_password_change_revokes_tokens_and_other_sessions(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    assert (await register(client, EMAIL))["errors"] == []
    token = await _token(client)
    login = {"email": EMAIL, "password": STRONG_PASSWORD}
    assert (await op(other_client, "accounts", "Login", login))["data"]["login"]["errors"] == []
    assert await _viewer(other_client) is not None
    variables = {"currentPassword": STRONG_PASSWORD, "newPassword": NEW_PASSWORD}
    changed = await op(client, "accounts", "ChangePassword", variables)
    assert changed["data"]["changePassword"]["ok"] is True
    assert await _viewer(client) is not None  # the browser that changed it stays in
    assert await _viewer(other_client) is None
    assert await _viewer(other_client, token) is None
