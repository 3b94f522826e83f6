"""Persisted queries (Apollo's ``persistedQuery`` extension) over POST and GET."""

from __future__ import annotations

import json
from typing import Any

import httpx

from app.api.persisted import PersistedQueries, documented_operations, sha256
from tests.commerce.helpers import make_merchant, make_product
from tests.support import csrf

DOCUMENTED = documented_operations()  # each operation as an app sends it
DOCUMENT = "query Cheapest { products(first: 1, sort: PRICE_ASC) { edges { node { title } } } }"


def persisted(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def post(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json=body, headers={"X-CSRF-Token": await csrf(client)}
    )
    assert response.status_code == 200, response.text
    return response.json()


async def get(client: httpx.AsyncClient, params: dict[str, Any]) -> dict[str, Any]:
    encoded = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in params.items()}
    response = await client.get("/graphql", params=encoded, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    return response.json()


async def test_unknown_hash_then_register_then_hash_only(client: httpx.AsyncClient) -> None:
    merchant = await make_merchant()
    await make_product(merchant, "Silk scarf", 1000)
    digest = sha256(DOCUMENT)

    unknown = await post(client, {"extensions": persisted(digest)})
    assert unknown["errors"][0]["message"] == "PersistedQueryNotFound"
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert unknown["data"] is None

    registered = await post(client, {"query": DOCUMENT, "extensions": persisted(digest)})
    assert registered["data"]["products"]["edges"][0]["node"]["title"] == "Silk scarf"

    by_post = await post(client, {"extensions": persisted(digest)})
    assert by_post == registered
    by_get = await get(client, {"extensions": persisted(digest)})
    assert by_get == registered


async def test_unknown_hash_over_get(client: httpx.AsyncClient) -> None:
    unknown = await get(client, {"extensions": persisted("0" * 64)})
    assert unknown["errors"][0]["message"] == "PersistedQueryNotFound"
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_a_hash_that_does_not_match_is_refused_and_not_stored(
    client: httpx.AsyncClient,
) -> None:
    wrong = sha256("{ rooms { totalCount } }")
    refused = await post(client, {"query": DOCUMENT, "extensions": persisted(wrong)})
    assert refused["data"] is None
    assert refused["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    still_unknown = await post(client, {"extensions": persisted(wrong)})
    assert still_unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    bad_version = await post(
        client, {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": wrong}}}
    )
    assert bad_version["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


async def test_documented_operations_are_known_without_registering(
    client: httpx.AsyncClient,
) -> None:
    document = DOCUMENTED["Rooms"]
    answer = await post(
        client, {"extensions": persisted(sha256(document)), "variables": {"first": 5}}
    )
    assert "errors" not in answer, answer
    assert answer["data"]["rooms"]["totalCount"] == 0


async def test_a_mutation_by_hash_is_still_refused_over_get(client: httpx.AsyncClient) -> None:
    document = DOCUMENTED["LikeRoom"]
    response = await client.get(
        "/graphql",
        params={"extensions": json.dumps(persisted(sha256(document)))},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "mutations are not allowed when using GET" in response.text


def test_registered_documents_are_bounded() -> None:
    store = PersistedQueries(documented_operations(), size=2)
    documents = [f"{{ rooms(first: {n}) {{ totalCount }} }}" for n in range(1, 4)]
    for document in documents:
        assert store.resolve(document, persisted(sha256(document))).query == document
    assert store.get(sha256(documents[0])) is None  # the oldest went
    assert store.get(sha256(documents[2])) == documents[2]
    assert store.get(sha256(DOCUMENTED["Products"])) is not None  # never evicted
