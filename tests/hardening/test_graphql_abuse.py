"""Abusive and malformed GraphQL over HTTP: refused with a clear answer before any work is
done (no SQL statement runs), never a 500 or a traceback, and the server keeps serving.
(``tests/api/test_graphql_limits.py`` covers the basic depth, alias, token and cost
limits.)"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from app.api.ids import encode_id
from app.querycount import count_queries
from tests.hardening.world import OWNER, World


async def _post(
    client: httpx.AsyncClient, body: Any, *, may_query: bool = False, **kwargs: Any
) -> httpx.Response:
    """POST to /graphql; unless ``may_query``, the refusal must not touch the database
    (it must not do the work it refuses)."""
    if "content" not in kwargs:
        kwargs["json"] = body
    with count_queries() as sql:
        response = await client.post("/graphql", **kwargs)
    if not may_query:
        assert sql.statements == [], f"{str(body)[:100]} ran SQL: {sql.statements[:3]}"
    assert response.status_code < 500, response.text[:300]
    assert "Traceback" not in response.text and 'File "' not in response.text
    return response


def _codes(response: httpx.Response) -> list[str]:
    body = response.json()
    return [str((e.get("extensions") or {}).get("code")) for e in body.get("errors") or []]


async def _still_serving(client: httpx.AsyncClient) -> None:
    ok = await client.post("/graphql", json={"query": "{ __typename }"})
    assert ok.status_code == 200 and ok.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "query",
    [
        "{",
        "}}}}",
        "query { viewer { id ",
        "mutation { nope }",
        "{ viewer { noSuchField } }",
        '{ rooms(first: "ten") { totalCount } }',
        "query A { viewer { id } } query A { viewer { id } }",
        "fragment F on Query { ...F } { ...F }",
        "\x00\x01\x02",
        "{ viewer @include(if: true) @include(if: true) { id } }",
        'subscription { roomEvents(roomId: "x") { __typename } }',
    ],
)
async def test_malformed_documents_get_graphql_errors(
    client: httpx.AsyncClient, query: str
) -> None:
    response = await _post(client, {"query": query})
    assert response.status_code in (200, 400)
    assert response.json()["errors"]
    await _still_serving(client)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"not json",
        b'{"query": ',
        b"[]",
        b"null",
        b"42",
        b'"{ __typename }"',
        b'{"query": 42}',
        b'{"query": "{ __typename }", "variables": "nope"}',
        b'{"query": "{ __typename }", "operationName": 7}',
        b"\xff\xfe\x00\x01",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"query": "{ __typename }", "variables": {"a": '
        + b"[" * 100_000
        + b"]" * 100_000
        + b"}}",
    ],
)
async def test_malformed_bodies_are_client_errors(client: httpx.AsyncClient, body: bytes) -> None:
    response = await _post(client, None, content=body, headers={"content-type": "application/json"})
    assert 400 <= response.status_code < 500 or response.json().get("errors"), response.text[:200]
    await _still_serving(client)


async def test_ten_thousand_deep_nesting_is_refused(client: httpx.AsyncClient) -> None:
    deep = "{ viewer " * 10_000 + "}" * 10_000
    response = await _post(client, {"query": deep})
    assert response.json()["errors"]
    selections = (
        "query { " + 'node(id: "x") { ... on User { ' * 10_000 + "id" + " } }" * 10_000 + " }"
    )
    response = await _post(client, {"query": selections})
    assert response.json()["errors"]
    await _still_serving(client)


async def test_batched_operations_are_refused(client: httpx.AsyncClient) -> None:
    batch = [{"query": "{ __typename }"}] * 500
    response = await _post(client, batch)
    assert response.status_code == 400
    await _still_serving(client)


async def test_huge_page_sizes_are_refused(client: httpx.AsyncClient) -> None:
    for query, variables in [
        ("{ rooms(first: 1000000) { edges { node { id title } } } }", {}),
        ("query($n: Int!) { products(first: $n) { edges { node { id } } } }", {"n": 1_000_000}),
        ("{ gifts(first: 100000) { totalCount } }", {}),
        ("{ rooms(first: 2147483647) { totalCount } }", {}),
        ("{ rooms(first: -5) { totalCount } }", {}),
        ("{ rooms(first: 99999999999) { totalCount } }", {}),
    ]:
        response = await _post(client, {"query": query, "variables": variables})
        body = response.json()
        assert body.get("errors"), (query, body)
        assert not (body.get("data") or {}).get("rooms"), query


async def test_ten_thousand_ids_in_nodes_are_refused(client: httpx.AsyncClient) -> None:
    ids = [encode_id("User", i) for i in range(1, 10_001)]
    response = await _post(
        client,
        {"query": "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "variables": {"ids": ids}},
    )
    assert _codes(response) == ["TOO_MANY"]
    literal = ", ".join(json.dumps(i) for i in ids[:5000])
    response = await _post(client, {"query": f"{{ nodes(ids: [{literal}]) {{ id }} }}"})
    assert response.json()["errors"]
    await _still_serving(client)


async def test_ids_beyond_the_database_range_are_not_found(client: httpx.AsyncClient) -> None:
    for pk in (2**31, 2**63, 10**30):
        response = await _post(
            client,
            {
                "query": "query($id: ID!) { node(id: $id) { id } }",
                "variables": {"id": encode_id("User", pk)},
            },
        )
        assert _codes(response) == ["NOT_FOUND"], response.text
        response = await _post(
            client,
            {
                "query": "query($id: ID!) { room(id: $id) { id } }",
                "variables": {"id": encode_id("Room", pk)},
            },
        )
        assert response.json() == {"data": {"room": None}}


async def test_alias_floods_through_fragments_are_refused(client: httpx.AsyncClient) -> None:
    fragments = " ".join(
        f"fragment F{i} on Query {{ "
        + " ".join(f"a{i}_{j}: viewer {{ id }}" for j in range(20))
        + " }"
        for i in range(5)
    )
    query = "{ " + " ".join(f"...F{i}" for i in range(5)) + " } " + fragments
    response = await _post(client, {"query": query})
    assert response.json().get("errors"), response.text[:300]
    mutations = "mutation { " + " ".join(f"m{i}: logout {{ ok }}" for i in range(200)) + " }"
    response = await _post(client, {"query": mutations})
    assert response.json().get("errors")


async def test_huge_variables_and_bodies_are_refused(client: httpx.AsyncClient) -> None:
    huge = {"query": "query($s: String) { __typename }", "variables": {"s": "x" * 20_000_000}}
    response = await _post(client, huge)
    assert response.status_code == 413
    many = {"query": "{ __typename }", "variables": {f"v{i}": i for i in range(200_000)}}
    response = await _post(client, many)
    assert response.status_code in (200, 400, 413)
    await _still_serving(client)


async def test_mutations_over_get_are_refused(world: World) -> None:
    response = await world.client.get(
        "/graphql",
        params={"query": "mutation { logout { ok } }"},
        headers={**world.headers(OWNER), "accept": "application/json"},
    )
    assert response.status_code in (400, 405)
    assert "Traceback" not in response.text


async def test_uploads_and_odd_content_types_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql",
        files={"operations": (None, json.dumps({"query": "{ __typename }"})), "map": (None, "{}")},
    )
    assert 400 <= response.status_code < 500
    response = await client.post(
        "/graphql", content=b"query=%7B__typename%7D", headers={"content-type": "text/plain"}
    )
    assert 400 <= response.status_code < 500
    await _still_serving(client)
