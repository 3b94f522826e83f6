"""Every mutation and every page POST × every role, checked against ONE table
(:mod:`tests.hardening.authz_table`): a mutation or route missing from it fails."""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.routing import Route

from app.api.schema import schema
from graphql import GraphQLField, GraphQLObjectType, get_named_type
from tests.hardening.authz_table import (
    MUTATIONS,
    NOT_PAGE_ACTIONS,
    PAGE_ROLES,
    PAGES,
    rules,
)
from tests.hardening.world import ANON, ROLE_USER, ROLES, World, resolve

DENIED_PAGE_STATUSES = {401, 403, 404}


def mutation_fields() -> dict[str, GraphQLField]:
    mutation = schema._schema.mutation_type
    return dict(mutation.fields) if mutation else {}


def mutation_document(name: str, variables: dict[str, Any]) -> str:
    """``mutation($a: T!) { name(a: $a) { errors { code field message } } }`` for ``name``."""
    field = mutation_fields()[name]
    unknown = set(variables) - set(field.args)
    assert not unknown, f"{name}: the table passes unknown arguments {sorted(unknown)}"
    params = ", ".join(f"${a}: {field.args[a].type}" for a in variables)
    args = ", ".join(f"{a}: ${a}" for a in variables)
    returned = get_named_type(field.type)
    if isinstance(returned, GraphQLObjectType) and "errors" in returned.fields:
        selection = "{ __typename errors { code field message } }"
    elif isinstance(returned, GraphQLObjectType):
        selection = "{ __typename }"
    else:
        selection = ""
    head = f"mutation Check({params})" if params else "mutation Check"
    call = f"{name}({args})" if args else name
    return f"{head} {{ {call} {selection} }}"


def _strip_setup(value: Any) -> Any:
    """Drop ``_``-prefixed keys: they only ran a builder (e.g. filling a cart)."""
    if isinstance(value, dict):
        return {k: _strip_setup(v) for k, v in value.items() if not k.startswith("_")}
    return value


def error_codes(name: str, result: dict[str, Any]) -> list[str]:
    """Typed error codes of the payload and of top-level GraphQL errors."""
    codes = [
        (e.get("extensions") or {}).get("code") or f"GRAPHQL_ERROR: {e.get('message')}"
        for e in result.get("errors") or []
    ]
    payload = (result.get("data") or {}).get(name)
    if isinstance(payload, dict):
        codes += [e["code"] for e in payload.get("errors") or []]
    return codes


def test_every_mutation_is_in_the_table() -> None:
    in_schema = set(mutation_fields())
    missing = sorted(in_schema - set(MUTATIONS))
    stale = sorted(set(MUTATIONS) - in_schema)
    assert not missing, f"add these mutations to tests/hardening/authz_table.py: {missing}"
    assert not stale, f"these table entries name no mutation: {stale}"


def _caller(world: World, role: str) -> Any:
    return None if role == ANON else world.users[ROLE_USER[role]]


@pytest.mark.parametrize("name", sorted(MUTATIONS))
async def test_mutation_authorization(world: World, name: str) -> None:
    if name not in mutation_fields():
        pytest.skip(f"{name} is not in the schema (see test_every_mutation_is_in_the_table)")
    problems: list[str] = []
    for index, rule in enumerate(rules(name)):
        succeeded: list[str] = []
        for role in ROLES:
            world.caller = _caller(world, role)
            variables = _strip_setup(await resolve(rule.args(world)))
            result = await world.gql(role, mutation_document(name, variables), variables)
            codes = error_codes(name, result)
            denied = [c for c in codes if c in rule.deny_codes]
            where = f"{name}[{index}] as {role}"
            if role in rule.allow:
                broken = [c for c in codes if c in {"NOT_FOUND", "INVALID_ID"} or " " in c]
                if denied or broken:
                    problems.append(f"{where}: expected allowed, got {codes}")
                elif not codes:
                    succeeded.append(role)
            elif not denied:
                problems.append(f"{where}: expected denied, got {codes or 'success'}")
        if not succeeded:
            problems.append(f"{name}[{index}]: no allowed role succeeded (check the arguments)")
    assert not problems, "\n".join(problems)


# --- pages ----------------------------------------------------------------------------------


def post_routes(app: Any) -> list[str]:
    return sorted(
        route.path
        for route in app.routes
        if isinstance(route, Route) and route.methods and "POST" in route.methods
    )


def test_every_page_post_is_in_the_table(app: Any) -> None:
    routes = set(post_routes(app))
    known = set(PAGES) | set(NOT_PAGE_ACTIONS)
    missing = sorted(routes - known)
    stale = sorted(set(PAGES) - routes)
    assert not missing, f"add these POST routes to PAGES in authz_table.py: {missing}"
    assert not stale, f"these PAGES entries name no route: {stale}"


_PARAM = re.compile(r"{(\w+)(?::\w+)?}")


def _url(template: str, params: dict[str, Any]) -> str:
    return _PARAM.sub(lambda m: str(params[m.group(1)]), template)


def page_denied(response: Any) -> bool:
    """Turned away: 401/403/404, or sent to the login page."""
    if response.status_code in DENIED_PAGE_STATUSES:
        return True
    target = response.headers.get("location", "") or response.headers.get("hx-redirect", "")
    return target.startswith("/login") and "reset=" not in target  # not "password reset: log in"


def _body(built: dict[str, Any], csrf: str | None) -> dict[str, Any]:
    """The request body: a JSON object (``json``: the CSRF token rides in the header), or
    the form fields (and files) with the CSRF token when ``csrf`` is given."""
    if "json" in built:
        return {"json": built["json"]}
    data = {**built["data"], "csrf_token": csrf} if csrf else built["data"]
    return {"data": data, "files": built.get("files")}


@pytest.mark.parametrize("path", sorted(PAGES))
async def test_page_authorization(world: World, app: Any, path: str) -> None:
    if path not in post_routes(app):
        pytest.skip(f"{path} is not a route (see test_every_page_post_is_in_the_table)")
    rule = PAGES[path]
    problems: list[str] = []
    for role in PAGE_ROLES:
        world.caller = _caller(world, role)
        built = await resolve(rule.form(world))
        response = await world.post(role, _url(path, built["path"]), **_body(built, world.csrf))
        where = f"POST {path} as {role}"
        if response.status_code >= 500:
            problems.append(f"{where}: {response.status_code}")
        elif role in rule.allow and page_denied(response):
            problems.append(f"{where}: expected allowed, got {response.status_code}")
        elif role not in rule.allow and not page_denied(response):
            problems.append(f"{where}: expected denied, got {response.status_code}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", sorted(PAGES))
async def test_page_post_without_csrf_is_refused(world: World, app: Any, path: str) -> None:
    built = await resolve(PAGES[path].form(world))
    response = await world.post(
        "owner", _url(path, built["path"]), **_body(built, None), csrf=False
    )
    assert response.status_code == 403, (path, response.status_code)
