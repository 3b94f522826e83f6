"""The generic per-user write limit gates every mutation and every page POST; refused
writes change nothing. (Domain limits — chat, likes, reports, logins — have their own
tests.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from app.api.ratelimit_ext import client_key, mutation_writes, write_limiter
from app.asgi import create_app
from app.ratelimit import RateLimiter
from app.settings import Settings, SettingsError, load_settings
from graphql import parse
from tests.hardening.authz_table import PAGES, rules
from tests.hardening.test_authz_matrix import _url, mutation_document, mutation_fields
from tests.hardening.test_fuzz_mutations import table_counts
from tests.hardening.world import OWNER, TOKEN_WRITE, World, build_world, resolve

LIMIT = 3


@pytest.fixture
async def limited(settings: Settings) -> AsyncIterator[tuple[Any, World]]:
    """An app whose write limit is :data:`LIMIT`, and the fixture world in it."""
    application = create_app(replace(settings, write_limit=LIMIT))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield application, await build_world(c, settings.secret_key)


async def _exhaust(app: Any, key: str) -> None:
    """Spend the whole budget of ``key`` (as if it had just written LIMIT times)."""
    limiter = write_limiter(app, LIMIT)
    await limiter.clear(key)
    assert await limiter.take(key, LIMIT) == 0


async def test_the_limiter_counts_a_moving_window() -> None:
    limiter = RateLimiter("write-test", 3, window=10)
    assert [await limiter.take("a") for _ in range(3)] == [0, 0, 0]
    assert 0 < await limiter.take("a") <= 10
    assert await limiter.take("b") == 0  # per key
    assert await limiter.take("c", cost=4) == 10  # more than the whole budget at once
    await limiter.clear("a")
    assert await limiter.take("a") == 0
    assert await RateLimiter("off", 0, 10).take("a", cost=10**6) == 0  # 0 turns it off


def test_writes_are_counted_per_mutation_field() -> None:
    doc = parse(
        "mutation M { a: logout { ok } b: logout { ok } ...F __typename }"
        " fragment F on Mutation { c: logout { ok } } query Q { viewer { id } }"
    )
    assert mutation_writes(doc, "M") == 3
    assert mutation_writes(doc, "Q") == 0
    assert mutation_writes(doc, None) == 0  # two operations and no name: nothing runs


@pytest.mark.parametrize("name", sorted(mutation_fields()))
async def test_every_mutation_is_write_limited(limited: tuple[Any, World], name: str) -> None:
    app, world = limited
    for role in (OWNER, TOKEN_WRITE):
        world.caller = world.users[OWNER]
        variables = await resolve(rules(name)[0].args(world))
        variables = {k: v for k, v in variables.items() if not k.startswith("_")}
        await _exhaust(app, client_key(world.users[OWNER].id, None))
        stand_in = getattr(world, "stand_in", None)  # deleteMyAccount's fresh caller
        if stand_in is not None:
            await _exhaust(app, client_key(stand_in.id, None))
        before = await table_counts()
        result = await world.gql(role, mutation_document(name, variables), variables)
        assert result["data"] is None, (name, result)
        assert result["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert result["errors"][0]["extensions"]["retryAfter"] >= 1
        assert await table_counts() == before, name


async def test_anonymous_writes_are_limited_per_address(limited: tuple[Any, World]) -> None:
    _app, world = limited
    query = 'mutation { requestPasswordReset(email: "x@example.com") { ok } }'
    answers = [await world.gql("anonymous", query) for _ in range(LIMIT + 1)]
    assert [bool(a.get("errors")) for a in answers] == [False] * LIMIT + [True]
    flood = "mutation { " + " ".join(f"m{i}: logout {{ ok }}" for i in range(LIMIT + 1)) + " }"
    assert (await world.gql(OWNER, flood))["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    queries = [await world.gql(OWNER, "{ viewer { id } }") for _ in range(LIMIT * 3)]
    assert all("errors" not in q for q in queries)  # reads are not writes


@pytest.mark.parametrize("path", sorted(PAGES))
async def test_every_page_post_is_write_limited(limited: tuple[Any, World], path: str) -> None:
    app, world = limited
    built = await resolve(PAGES[path].form(world))
    session = world.sessions[OWNER]
    import hashlib

    await _exhaust(app, "session:" + hashlib.sha256(session.encode()).hexdigest()[:32])
    before = await table_counts()
    response = await world.post(
        OWNER,
        _url(path, built["path"]),
        data={**built["data"], "csrf_token": world.csrf},
        files=built.get("files"),
    )
    assert response.status_code == 429, (path, response.status_code)
    assert int(response.headers["retry-after"]) >= 1
    assert await table_counts() == before, path
    page = await world.client.get("/", headers=world.headers(OWNER))
    assert page.status_code == 200  # reading pages is not limited


def test_the_write_limit_setting() -> None:
    assert load_settings({"LIVEMART_VAR_DIR": "var"}).write_limit == 120
    assert load_settings({"LIVEMART_WRITE_LIMIT": "0", "LIVEMART_VAR_DIR": "var"}).write_limit == 0
    with pytest.raises(SettingsError, match="LIVEMART_WRITE_LIMIT"):
        load_settings({"LIVEMART_WRITE_LIMIT": "lots", "LIVEMART_VAR_DIR": "var"})
