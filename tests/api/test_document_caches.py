"""A document sent again is neither parsed nor validated again (the caches really hit)."""

from __future__ import annotations

import httpx
from strawberry.extensions.parser_cache import _get_parse_cache
from strawberry.extensions.validation_cache import _get_validate_cache

from app.api.limits import CACHE_SIZE
from tests.support import gql

DOCUMENT = "query CacheProbe($first: Int) { rooms(first: $first) { totalCount } }"


async def test_repeated_document_hits_the_parser_and_validation_caches(
    client: httpx.AsyncClient,
) -> None:
    parse_cache = _get_parse_cache(CACHE_SIZE)
    validate_cache = _get_validate_cache(CACHE_SIZE)
    first = await gql(client, DOCUMENT, {"first": 1})
    assert "errors" not in first
    parse_before = parse_cache.cache_info()
    validate_before = validate_cache.cache_info()

    for size in (2, 3, 4):
        again = await gql(client, DOCUMENT, {"first": size})
        assert "errors" not in again

    parse_after = parse_cache.cache_info()
    validate_after = validate_cache.cache_info()
    assert parse_after.hits - parse_before.hits == 3
    assert parse_after.misses == parse_before.misses
    assert validate_after.hits - validate_before.hits == 3
    assert validate_after.misses == validate_before.misses


async def test_cached_validation_still_refuses_a_bad_document(client: httpx.AsyncClient) -> None:
    inner = "id"
    for _ in range(12):
        inner = f'... on User {{ id }} node(id: "x") {{ {inner} }}'
    document = f'query Deep {{ node(id: "x") {{ {inner} }} }}'
    for _ in range(2):  # the second answer comes from the cache
        result = await gql(client, document)
        assert result["data"] is None
        assert "exceeds maximum operation depth" in result["errors"][0]["message"]
