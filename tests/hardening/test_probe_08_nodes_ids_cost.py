"""Probe finding 8: ``nodes(ids:)`` times aliases. 30 aliases x 100 ids were 3,000 lookups in
one anonymous request (2-3.5 s); the cost rule counted each ``nodes`` field as one. Every id
is a lookup now, and an operation may look up at most ``MAX_LOOKUPS`` objects by id."""

from __future__ import annotations

import httpx

from app.api import limits
from app.api.ids import encode_id
from app.querycount import count_queries


def _ids(count: int) -> list[str]:
    return [encode_id("User", 1_000_000 + i) for i in range(count)]


def _aliased(aliases: int, ids: list[str]) -> str:
    literal = "[" + ", ".join(f'"{i}"' for i in ids) + "]"
    fields = " ".join(f"a{n}: nodes(ids: {literal}) {{ id }}" for n in range(aliases))
    return "{ " + fields + " }"


async def _refused(client: httpx.AsyncClient, body: dict[str, object]) -> None:
    with count_queries() as sql:
        response = await client.post("/graphql", json=body)
    assert response.status_code in (200, 400), response.text[:200]
    errors = response.json()["errors"]
    assert errors[0]["extensions"]["code"] == "QUERY_TOO_EXPENSIVE", errors
    assert sql.statements == []  # refused before any lookup ran


async def test_aliased_nodes_with_many_literal_ids_are_refused(
    client: httpx.AsyncClient,
) -> None:
    await _refused(client, {"query": _aliased(30, _ids(100))})
    await _refused(client, {"query": _aliased(3, _ids(100))})


async def test_aliased_nodes_with_ids_in_variables_are_refused(
    client: httpx.AsyncClient,
) -> None:
    fields = " ".join(f"a{n}: nodes(ids: $ids) {{ id }}" for n in range(30))
    query = "query($ids: [ID!]!) { " + fields + " }"
    await _refused(client, {"query": query, "variables": {"ids": _ids(100)}})


async def test_a_full_nodes_call_and_a_few_aliases_still_run(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": _aliased(1, _ids(100))})
    assert response.json()["data"]["a0"] == [None] * 100
    fields = " ".join(f"a{n}: nodes(ids: $ids) {{ id }}" for n in range(30))
    query = "query($ids: [ID!]!) { " + fields + " }"
    response = await client.post("/graphql", json={"query": query, "variables": {"ids": _ids(2)}})
    body = response.json()
    assert "errors" not in body and body["data"]["a29"] == [None, None]


def test_the_lookup_budget_is_one_full_nodes_call_or_two() -> None:
    assert 100 <= limits.MAX_LOOKUPS < 30 * 100
