"""Abusive or wrong documents get clear errors; unexpected errors are masked."""

from __future__ import annotations

import logging

import httpx
import pytest

from app.api.ids import encode_id
from tests.support import gql, op, register


async def test_too_deep_query_is_refused(client: httpx.AsyncClient) -> None:
    inner = "id"
    for _ in range(12):
        inner = f'... on User {{ id }} node(id: "x") {{ {inner} }}'
    result = await gql(client, f'query Deep {{ node(id: "x") {{ {inner} }} }}')
    assert result["data"] is None
    assert "exceeds maximum operation depth" in result["errors"][0]["message"]


async def test_alias_flood_is_refused(client: httpx.AsyncClient) -> None:
    aliases = " ".join(f"a{i}: viewer {{ id }}" for i in range(40))
    result = await gql(client, f"{{ {aliases} }}")
    assert "aliases" in result["errors"][0]["message"].lower()


async def test_token_flood_is_refused(client: httpx.AsyncClient) -> None:
    fields = " ".join("__typename" for _ in range(5000))
    result = await gql(client, f"{{ {fields} }}")
    assert "token" in result["errors"][0]["message"].lower()


async def test_expensive_query_is_refused(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.api import limits

    cheap = await gql(client, "{ viewer { id displayName } }")
    assert "errors" not in cheap
    monkeypatch.setattr(limits, "MAX_COST", 20)
    fields = " ".join(f"v{i}: viewer {{ id displayName role }}" for i in range(6))
    result = await gql(client, f"{{ {fields} }}")
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "QUERY_TOO_EXPENSIVE"


async def test_unknown_global_id_is_a_clear_error(client: httpx.AsyncClient) -> None:
    user = (await register(client, "hal@example.com", "Hal"))["user"]
    found = await op(client, "accounts", "Node", {"id": user["id"]})
    assert found["data"]["node"]["displayName"] == "Hal"

    missing = await op(client, "accounts", "Node", {"id": encode_id("User", 999999)})
    assert missing["data"]["node"] is None
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    wrong_type = await op(client, "accounts", "Node", {"id": encode_id("Spaceship", 1)})
    assert wrong_type["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    garbage = await op(client, "accounts", "Node", {"id": "%%%not-base64"})
    assert garbage["errors"][0]["extensions"]["code"] == "INVALID_ID"


async def test_unexpected_errors_are_masked_and_logged(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from app.accounts import services

    async def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("secret database detail")

    monkeypatch.setattr(services, "list_api_tokens", boom)
    await register(client, "ivy@example.com")
    with caplog.at_level(logging.ERROR, logger="livemart.api"):
        result = await op(client, "accounts", "ApiTokens")
    assert result["errors"][0]["message"] == "Internal server error."
    assert "secret database detail" not in str(result)
    assert any("ApiTokens" in r.getMessage() for r in caplog.records)


async def test_graphiql_on_get(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
