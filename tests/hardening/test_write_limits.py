"""The generic per-user write limit gates every mutation and every page POST; refused
writes change nothing. (Domain limits — chat, likes, reports, logins — have their own
tests.)"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from app.api.ratelimit_ext import WriteLimiter, client_key, mutation_writes
from app.asgi import create_app
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


def _exhaust(app: Any, key: str) -> None:
    """Spend the whole budget of ``key`` (as if it had just written LIMIT times)."""
    app.state.write_limiter = WriteLimiter(LIMIT)
    assert app.state.write_limiter.take(key, LIMIT) == 0


def test_the_limiter_counts_a_sliding_window() -> None:
    limiter = WriteLimiter(3, window=10)
    assert [limiter.take("a", now=t) for t in (0, 1, 2)] == [0, 0, 0]
    assert limiter.take("a", now=3) == pytest.approx(7)
    assert limiter.take("b", now=3) == 0  # per key
    assert limiter.take("a", now=10.5) == 0  # the first write left the window
    assert limiter.take("c", cost=4, now=0) == 10  # more than the whole budget at once
    assert WriteLimiter(0).take("a", cost=10**6) == 0  # 0 turns it off


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
        _exhaust(app, client_key(world.users[OWNER].id, None))
        before = await table_counts()
        result = await world.gql(role, mutation_document(name, variables), variables)
        assert result["data"] is None, (name, result)
        assert result["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert result["errors"][0]["extensions"]["retryAfter"] >= 1
        assert await table_counts() == before, name


async def test_anonymous_writes_are_limited_per_address(limited: tuple[Any, World]) -> None:
    app, world = limited
    app.state.write_limiter = None
    query = 'mutation { requestPasswordReset(email: "x@example.com") { ok } }'
    answers = [await world.gql("anonymous", query) for _ in range(LIMIT + 1)]
    assert [bool(a.get("errors")) for a in answers] == [False] * LIMIT + [True]
    flood = "mutation { " + " ".join(f"m{i}: logout {{ ok }}" for i in range(LIMIT + 1)) + " }"
    app.state.write_limiter = None
    assert (await world.gql(OWNER, flood))["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    queries = [await world.gql(OWNER, "{ viewer { id } }") for _ in range(LIMIT * 3)]
    assert all("errors" not in q for q in queries)  # reads are not writes


@pytest.mark.parametrize("path", sorted(PAGES))
async def test_every_page_post_is_write_limited(limited: tuple[Any, World], path: str) -> None:
    app, world = limited
    built = await resolve(PAGES[path].form(world))
    session = world.sessions[OWNER]
    import hashlib

    _exhaust(app, "session:" + hashlib.sha256(session.encode()).hexdigest()[:32])
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
