"""Finding 2: open websockets outlived revocation.

Identity was decided once, at ``connection_init``: after the token was revoked, the user
logged out, changed or reset the password, or was banned site-wide, the same socket still
answered ``viewer`` and ran mutations. Now every such change is published on the bus, each
process's websocket endpoint (one subscription per process) checks the sockets of that user
again and closes them (4401; 4403 for a ban), and every operation re-checks the socket's
credentials (a token whose scope narrowed runs with the narrower scope).

Over real websockets, on the bus the run uses (``LIVEMART_TEST_BROADCAST``): the app runs in
this process under uvicorn (so the test can ban a user through the service), and on Redis
the socket is also opened on a second uvicorn process, which must close it too.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import websockets

from app.accounts import services as accounts
from app.accounts.models import ApiToken, OutboxMessage, User
from app.asgi import create_app
from app.settings import Settings
from tests.conftest import settings_env
from tests.support import (
    STRONG_PASSWORD,
    WsClient,
    live_server,
    operation,
    serve_in_process,
)

EMAIL = "sock@example.com"
# A guard against a hang only: a socket closes within a second of the event.
CLOSE_WITHIN = 10.0


@pytest.fixture
async def here(settings: Settings) -> AsyncIterator[str]:
    """The app served by uvicorn inside this process (its services are callable here)."""
    async with serve_in_process(create_app(settings)) as base:
        yield base


@contextmanager
def socket_server(where: str, here: str, settings: Settings) -> Iterator[str]:
    """Where the socket connects: this process, or another process on the same bus."""
    if where == "here":
        yield here
        return
    if not settings.broadcast_url.startswith("redis"):
        pytest.skip("another process shares the events only over Redis")
    with live_server(settings_env(settings)) as other:
        yield other


class Account:
    """A registered user with a browser session and a write API token."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.token = ""
        self.token_id = ""

    async def op(self, name: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql",
            headers={"X-CSRF-Token": self.client.cookies["lm_csrf"]},
            json={"query": operation("accounts"), "operationName": name, "variables": variables},
        )
        return response.json()["data"]

    @classmethod
    async def create(cls, base: str) -> Account:
        account = cls(httpx.AsyncClient(base_url=base))
        await account.client.get("/login")
        user = {"email": EMAIL, "password": STRONG_PASSWORD, "displayName": "Sock"}
        registered = await account.op("Register", {"input": user})
        assert registered["register"]["errors"] == []
        created = await account.op("CreateApiToken", {"name": "ws", "scope": "WRITE"})
        account.token = created["createApiToken"]["secret"]
        account.token_id = created["createApiToken"]["token"]["id"]
        return account

    def session_header(self) -> dict[str, str]:
        return {"Cookie": f"lm_session={self.client.cookies['lm_session']}"}


async def _revoke_token(account: Account) -> None:
    revoked = await account.op("RevokeApiToken", {"id": account.token_id})
    assert revoked["revokeApiToken"]["errors"] == []


async def _logout(account: Account) -> None:
    assert (await account.op("Logout"))["logout"]["ok"]


async def _change_password(account: Account) -> None:
    variables = {"currentPassword": STRONG_PASSWORD, "newPassword": "new-pass-2026"}
    assert (await account.op("ChangePassword", variables))["changePassword"]["ok"]


async def _reset_password(account: Account) -> None:
    await account.op("RequestPasswordReset", {"email": EMAIL})
    mail = await OutboxMessage.get(to=EMAIL)
    match = re.search(r"/reset/(\S+)", mail.body)
    assert match
    variables = {"token": match.group(1), "newPassword": "new-pass-2026"}
    assert (await account.op("ResetPassword", variables))["resetPassword"]["errors"] == []


async def _ban(account: Account) -> None:
    user = await User.get(email=EMAIL)
    await accounts.set_active(user.id, False)


EVENTS: dict[str, tuple[str, Callable[[Account], Awaitable[None]], int]] = {
    # event: (credentials of the socket, what happens, the close code)
    "token_revoked": ("token", _revoke_token, 4401),
    "logout": ("session", _logout, 4401),
    "password_changed": ("token", _change_password, 4401),
    "password_reset": ("session", _reset_password, 4401),
    "banned": ("token", _ban, 4403),
}


async def _closed_code(ws: WsClient) -> int:
    with pytest.raises(websockets.ConnectionClosed) as closed:
        while True:  # an accountEvents message may come first
            await ws.receive(timeout=CLOSE_WITHIN)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


@pytest.mark.parametrize("where", ["here", "other_process"])
@pytest.mark.parametrize("event", sorted(EVENTS))
async def test_sockets_close_when_their_credentials_go(
    here: str, settings: Settings, where: str, event: str
) -> None:
    credential, happen, code = EVENTS[event]
    account = await Account.create(here)
    try:
        with socket_server(where, here, settings) as base:
            payload = {"authorization": f"Bearer {account.token}"} if credential == "token" else {}
            headers = account.session_header() if credential == "session" else {}
            async with WsClient(base, payload, headers=headers) as ws:
                await ws.subscribe(operation("accounts"), operation_name="AccountEvents")
                viewer = await ws.subscribe("{ viewer { id } }")
                answer = await ws.receive()
                assert answer["id"] == viewer and answer["payload"]["data"]["viewer"]
                await happen(account)
                assert await _closed_code(ws) == code
    finally:
        await account.client.aclose()


async def test_every_operation_runs_with_the_current_scope(here: str) -> None:
    account = await Account.create(here)
    try:
        async with WsClient(here, {"authorization": f"Bearer {account.token}"}) as ws:
            await ApiToken.filter(token_hash__isnull=False).update(scope="read")  # narrowed
            revoke = (
                "mutation($id: ID!) { revokeApiToken(id: $id) { token { id } errors { code } } }"
            )
            sent = await ws.subscribe(revoke, {"id": account.token_id})
            answer = await ws.receive()
            assert answer["id"] == sent
            errors = answer["payload"]["data"]["revokeApiToken"]["errors"]
            assert errors and errors[0]["code"] == "FORBIDDEN", answer
        assert await ApiToken.filter(revoked_at__isnull=True).count() == 1
    finally:
        await account.client.aclose()
