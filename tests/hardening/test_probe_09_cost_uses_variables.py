"""Probe finding 9: the cost rule ignored variables, so ``products(first: $n)`` was costed as
a page of 10 whatever ``n`` was. The operation is costed with its actual variables."""

from __future__ import annotations

import httpx

from app.api import limits
from app.querycount import count_queries

PRODUCT = """products(first: $n) { edges { node {
  id title description priceCents currency soldCount createdAt
  room { id title } variants { id sku stock } images { url } } } }"""
# 20 pages of products: 20 x (1 + n x 18) - about 36,000 at n = 100, 3,600 at n = 10.
FIELDS = " ".join(f"p{i}: {PRODUCT}" for i in range(20))
NESTED = "query($n: Int!) { " + FIELDS + " }"


async def _post(client: httpx.AsyncClient, body: dict[str, object]) -> dict[str, object]:
    with count_queries() as sql:
        response = await client.post("/graphql", json=body)
    assert response.status_code in (200, 400), response.text[:200]
    found = response.json()
    if found.get("errors"):
        assert sql.statements == []  # refused before it ran
    return found


def _code(body: dict[str, object]) -> str | None:
    errors = body.get("errors") or []
    return (errors[0].get("extensions") or {}).get("code") if errors else None  # type: ignore[union-attr]


async def test_variables_cost_what_a_literal_costs(client: httpx.AsyncClient) -> None:
    literal = "{ " + FIELDS.replace("$n", "100") + " }"
    by_literal = await _post(client, {"query": literal})
    assert _code(by_literal) == "QUERY_TOO_EXPENSIVE"
    by_variables = await _post(client, {"query": NESTED, "variables": {"n": 100}})
    assert _code(by_variables) == "QUERY_TOO_EXPENSIVE", by_variables


async def test_small_variables_still_run(client: httpx.AsyncClient) -> None:
    body = await _post(client, {"query": NESTED, "variables": {"n": 2}})
    assert "errors" not in body, body


async def test_a_variable_default_is_costed(client: httpx.AsyncClient) -> None:
    query = NESTED.replace("$n: Int!", "$n: Int! = 100")
    body = await _post(client, {"query": query})
    assert _code(body) == "QUERY_TOO_EXPENSIVE", body


async def test_the_named_operation_is_the_one_costed(client: httpx.AsyncClient) -> None:
    cheap = "query Cheap { __typename }"
    dear = NESTED.replace("query(", "query Dear(")
    document = cheap + "\n" + dear
    variables = {"n": 100}
    ok = await _post(client, {"query": document, "variables": variables, "operationName": "Cheap"})
    assert ok == {"data": {"__typename": "Query"}}
    refused = await _post(
        client, {"query": document, "variables": variables, "operationName": "Dear"}
    )
    assert _code(refused) == "QUERY_TOO_EXPENSIVE"


def test_the_budget_is_between_the_two() -> None:
    assert 20 * (1 + 10 * 18) < limits.MAX_COST < 20 * (1 + 100 * 18)
