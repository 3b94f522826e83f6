"""Subscriptions over a real websocket to a real uvicorn process."""

from __future__ import annotations

import asyncio

import httpx
import pytest
import websockets

from app.settings import Settings
from tests.conftest import settings_env
from tests.support import STRONG_PASSWORD, WsClient, live_server, operation


async def _login_and_token(base: str) -> tuple[httpx.AsyncClient, str, str]:
    client = httpx.AsyncClient(base_url=base)
    await client.get("/login")
    csrf = client.cookies["lm_csrf"]
    headers = {"X-CSRF-Token": csrf}
    reg = await client.post(
        "/graphql",
        headers=headers,
        json={
            "query": operation("accounts"),
            "operationName": "Register",
            "variables": {
                "input": {
                    "email": "ws@example.com",
                    "password": STRONG_PASSWORD,
                    "displayName": "Wes",
                }
            },
        },
    )
    assert reg.json()["data"]["register"]["errors"] == []
    tok = await client.post(
        "/graphql",
        headers=headers,
        json={
            "query": operation("accounts"),
            "operationName": "CreateApiToken",
            "variables": {"name": "ws", "scope": "WRITE"},
        },
    )
    payload = tok.json()["data"]["createApiToken"]
    return client, payload["secret"], payload["token"]["id"]


async def test_account_events_with_token_in_connection_init(settings: Settings) -> None:
    with live_server(settings_env(settings)) as base:
        client, secret, token_id = await _login_and_token(base)
        async with WsClient(base, {"authorization": f"Bearer {secret}"}) as ws:
            sub = await ws.subscribe(operation("accounts"), operation_name="AccountEvents")
            await asyncio.sleep(0.3)
            changed = await client.post(
                "/graphql",
                headers={"X-CSRF-Token": client.cookies["lm_csrf"]},
                json={
                    "query": operation("accounts"),
                    "operationName": "ChangePassword",
                    "variables": {
                        "currentPassword": STRONG_PASSWORD,
                        "newPassword": "new-pass-2026",
                    },
                },
            )
            assert changed.json()["data"]["changePassword"]["ok"]
            # The event may arrive; then the socket closes: a new password revokes tokens.
            received = []
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    received.append(await ws.receive())
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401
            for message in received:
                assert message["id"] == sub
                assert message["payload"]["data"]["accountEvents"]["type"] == "password_changed"

            # The token is revoked already; revoking it again changes nothing.
            again = await client.post(
                "/graphql",
                headers={"X-CSRF-Token": client.cookies["lm_csrf"]},
                json={
                    "query": operation("accounts"),
                    "operationName": "RevokeApiToken",
                    "variables": {"id": token_id},
                },
            )
            assert again.json()["data"]["revokeApiToken"]["token"]["revokedAt"]
        await client.aclose()
        with pytest.raises((RuntimeError, websockets.ConnectionClosed)):
            async with WsClient(base, {"authorization": f"Bearer {secret}"}):
                pass


async def test_anonymous_subscription_gets_an_error(settings: Settings) -> None:
    with live_server(settings_env(settings)) as base:
        async with WsClient(base) as ws:
            await ws.subscribe(operation("accounts"), operation_name="AccountEvents")
            message = await ws.receive()
            errors = (
                message["payload"] if message["type"] == "error" else message["payload"]["errors"]
            )
            assert "log in" in errors[0]["message"]
