"""Security headers on every response, a Content-Security-Policy that fits the pages,
and the flags of the session and CSRF cookies (Secure when the public URL is https)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import httpx
import pytest

from app.asgi import create_app
from app.auth import CSRF_COOKIE, SESSION_COOKIE
from app.settings import Settings
from tests.hardening.world import PASSWORD, World

BASIC = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
}


def directives(policy: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0]] = words[1:]
    return found


def set_cookie(response: httpx.Response, name: str) -> str:
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header
    raise AssertionError(f"no Set-Cookie for {name}: {response.headers.get_list('set-cookie')}")


def flags(header: str) -> set[str]:
    return {part.strip().lower() for part in header.split(";")[1:]}


async def test_every_response_has_the_basic_headers(world: World) -> None:
    client = world.client
    responses = [
        await client.get("/"),
        await client.get("/login"),
        await client.get(f"/rooms/{world.room.id}"),
        await client.get("/rooms/999999"),
        await client.get("/static/css/app.css"),
        await client.get("/healthz"),
        await client.post("/graphql", json={"query": "{ __typename }"}),
        await client.get("/graphql", headers={"accept": "text/html"}),
        await client.post("/logout"),  # 403: no CSRF token
    ]
    for response in responses:
        for name, value in BASIC.items():
            assert response.headers.get(name) == value, (response.url, name)
        assert "strict-transport-security" not in response.headers  # http: no HSTS


async def test_pages_have_a_policy_that_fits_them(world: World) -> None:
    pages = ["/", "/login", "/register", f"/rooms/{world.room.id}", f"/products/{world.product.id}"]
    for path in pages:
        response = await world.client.get(path, headers=world.headers("owner"))
        assert response.status_code == 200, path
        policy = directives(response.headers["content-security-policy"])
        assert policy["default-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"] and policy["form-action"] == ["'self'"]
        # Scripts only from this origin: every <script src> on the page is ours.
        assert set(policy["script-src"]) <= {"'self'", "'unsafe-inline'"}
        for src in re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", response.text):
            assert src.startswith("/static/"), (path, src)
        for href in re.findall(r"<link[^>]*\bhref=\"([^\"]+)\"", response.text):
            assert href.startswith("/"), (path, href)
        assert "blob:" in policy["media-src"]  # hls.js plays from MediaSource blobs
        assert "ws://testserver" in policy["connect-src"]  # the camera ingest websocket


async def test_graphiql_and_json_get_no_page_policy(client: httpx.AsyncClient) -> None:
    graphiql = await client.get("/graphql", headers={"accept": "text/html"})
    assert graphiql.status_code == 200 and "content-security-policy" not in graphiql.headers
    api = await client.post("/graphql", json={"query": "{ __typename }"})
    assert "content-security-policy" not in api.headers


async def _login_by_page(client: httpx.AsyncClient, email: str) -> httpx.Response:
    await client.get("/login")
    return await client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": client.cookies[CSRF_COOKIE]},
    )


async def test_cookie_flags_over_http(world: World) -> None:
    client = world.client
    page = await client.get("/login")
    csrf = set_cookie(page, CSRF_COOKIE)
    assert {"samesite=strict", "path=/"} <= flags(csrf) and "secure" not in flags(csrf)
    assert "httponly" not in flags(csrf)  # browser apps echo it in X-CSRF-Token
    by_page = await _login_by_page(client, world.login_email)
    assert by_page.status_code == 303
    session = set_cookie(by_page, SESSION_COOKIE)
    assert {"httponly", "samesite=lax", "path=/"} <= flags(session)
    assert "secure" not in flags(session)
    assert any(f.startswith("max-age=") for f in flags(session))
    client.cookies.clear()
    by_api = await world.post(
        "anonymous",
        "/graphql",
        json={
            "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) "
            "{ errors { code } } }",
            "variables": {"e": world.login_email, "p": PASSWORD},
        },
    )
    assert by_api.json()["data"]["login"]["errors"] == []
    session = set_cookie(by_api, SESSION_COOKIE)
    assert {"httponly", "samesite=lax", "path=/"} <= flags(session)
    logout = await world.post("owner", "/logout", data={"csrf_token": world.csrf})
    cleared = set_cookie(logout, SESSION_COOKIE)
    assert 'lm_session=""' in cleared or "max-age=0" in flags(cleared)


@pytest.fixture
async def https_app(settings: Settings) -> Any:
    application = create_app(replace(settings, public_url="https://shop.example.com"))
    async with application.router.lifespan_context(application):
        yield application


async def test_cookies_are_secure_and_hsts_is_sent_behind_https(https_app: Any) -> None:
    from app.accounts.models import User
    from tests.hardening.world import password_hash

    await User.create(email="sec@example.com", display_name="Sec", password_hash=password_hash())
    transport = httpx.ASGITransport(app=https_app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        page = await client.get("/login")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert "secure" in flags(set_cookie(page, CSRF_COOKIE))
        logged_in = await _login_by_page(client, "sec@example.com")
        session = set_cookie(logged_in, SESSION_COOKIE)
        assert {"secure", "httponly", "samesite=lax"} <= flags(session)
        api = await client.post(
            "/graphql",
            headers={"X-CSRF-Token": client.cookies[CSRF_COOKIE]},
            json={
                "query": 'mutation { login(email: "sec@example.com", password: "'
                + PASSWORD
                + '") { errors { code } } }'
            },
        )
        assert {"secure", "httponly", "samesite=lax"} <= flags(set_cookie(api, SESSION_COOKIE))
