"""Fuzzing every mutation with arguments derived from the schema (see ``strategies``).

No input may produce a 5xx, a traceback or a masked internal error, and a call that is
refused (payload errors or GraphQL errors) must leave every table's row count as it was.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tortoise import Tortoise

from tests.hardening.authz_table import PAGES
from tests.hardening.strategies import BIG, arguments, text
from tests.hardening.test_authz_matrix import (
    _PARAM,
    error_codes,
    mutation_document,
    mutation_fields,
)
from tests.hardening.world import ADMIN, ANON, OWNER, TOKEN_WRITE, VIEWER, World, resolve

EXAMPLES = int(os.environ.get("LIVEMART_FUZZ_EXAMPLES", "12"))
# Tables a refused call may legitimately add to: failed logins are recorded on purpose;
# the interaction log, analytics, profiles (their batched updater), visit attribution
# (buffered) and notifications (fanned out after the request) are written in the
# background from signals of earlier, accepted calls.
MAY_GROW_ON_REFUSAL = {
    "login_attempts",
    "interactions",
    "fraud_flags",
    "attribution_visits",
    "attribution_follows",
    "attribution_orders",
}
BACKGROUND_PREFIXES = ("analytics_", "profile", "notification")
MASKED = "Internal server error."


async def table_counts() -> dict[str, int]:
    """Every table's row count, in one statement."""
    conn = Tortoise.get_connection("default")
    if conn.capabilities.dialect == "sqlite":
        listed = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        listed = "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
    names = [r["name"] for r in await conn.execute_query_dict(listed)]
    skip = {"aerich", *MAY_GROW_ON_REFUSAL}
    tables = sorted(t for t in names if t not in skip and not t.startswith(BACKGROUND_PREFIXES))
    sql = "SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}") AS "{t}"' for t in tables)
    rows = await conn.execute_query_dict(sql)
    return {k: int(v) for k, v in rows[0].items()}


async def valid_ids(world: World) -> list[str]:
    """Global IDs of real objects, so that fuzzed calls reach past the ID checks."""
    return [
        world.room_id,
        world.product_id,
        world.variant_id,
        world.gift_id,
        world.message_id,
        world.owner_id,
        world.target_id,
        world.user_id(VIEWER),
        world.sale_id,  # type: ignore[attr-defined]
        "Q29pblBhY2s6Y29pbnMtNjA=",  # CoinPack:coins-60
        await world.new_order(),
        await world.new_order("paid"),
        await world.dropped_coupon(),
        await world.new_report(),
        await world.new_banned_word(),
        await world.new_auction(),
        await world.new_room(live=False),
        await world.new_image(),
    ]


def check_response(name: str, role: str, variables: dict[str, Any], response: Any) -> bool:
    """Assert the answer is clean; True when the call was refused."""
    context = f"{name} as {role} with {json.dumps(variables)[:300]}"
    assert response.status_code < 500, f"{context}: HTTP {response.status_code}"
    assert "Traceback" not in response.text and 'File "' not in response.text, context
    body = response.json()
    messages = [e.get("message") for e in body.get("errors") or []]
    assert MASKED not in messages, f"{context}: an internal error ({body})"
    return bool(error_codes(name, body)) or not body.get("data")


NAMES = sorted(mutation_fields())
ROLES = st.sampled_from([OWNER, OWNER, VIEWER, ADMIN, ANON, TOKEN_WRITE])


@pytest.mark.parametrize("name", NAMES)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
async def test_fuzzed_mutation(world: World, name: str, data: st.DataObject) -> None:
    if not hasattr(world, "ids"):
        world.ids = await valid_ids(world)  # type: ignore[attr-defined]
    variables = data.draw(arguments(mutation_fields()[name], world.ids), label="variables")  # type: ignore[attr-defined]
    role = data.draw(ROLES, label="role")
    before = await table_counts()
    response = await world.post(
        role, "/graphql", json={"query": mutation_document(name, variables), "variables": variables}
    )
    if check_response(name, role, variables, response):
        after = await table_counts()
        changed = {t: (before[t], after[t]) for t in before if before[t] != after[t]}
        assert not changed, f"{name} as {role} was refused but changed rows: {changed}"


# --- page forms -------------------------------------------------------------------------------

PAGE_PATHS = sorted(PAGES)
EXTRA_FIELDS = ["action", "quantity", "variant_id", "room_id", "user_id", "next", "amount", "price"]
PATH_VALUES = st.one_of(st.integers(0, 50), st.sampled_from(BIG).map(abs), st.text(max_size=8))


@pytest.mark.parametrize("path", PAGE_PATHS)
@settings(
    max_examples=max(4, EXAMPLES // 2),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data())
async def test_fuzzed_page_post(world: World, path: str, data: st.DataObject) -> None:
    built = await resolve(PAGES[path].form(world))
    fields = {k: data.draw(st.one_of(st.just(v), text), label=k) for k, v in built["data"].items()}
    fields.update(data.draw(st.dictionaries(st.sampled_from(EXTRA_FIELDS), text, max_size=3)))
    params = {
        k: data.draw(st.one_of(st.just(v), PATH_VALUES), label=k) for k, v in built["path"].items()
    }
    role = data.draw(st.sampled_from([OWNER, VIEWER, ADMIN]), label="role")
    url = _PARAM.sub(lambda m: quote(str(params[m.group(1)]), safe=""), path)
    response = await world.post(
        role, url, data={**fields, "csrf_token": world.csrf}, files=built.get("files")
    )
    assert response.status_code < 500, (path, role, fields, params, response.status_code)
    assert "Traceback" not in response.text, (path, fields)
