"""Probe finding 16: the CSP allowed ``'unsafe-inline'`` scripts; ``/account``, ``/wallet``
and ``/orders`` were cacheable; GraphiQL and introspection were on everywhere; behind nginx
uvicorn did not trust the proxy's forwarded headers (every client shared one IP).

Now: no inline script or handler in any template (``web/static/js`` holds them) and
``script-src 'self'``; personal pages are ``Cache-Control: no-store``; ``LIVEMART_ENV=
production`` turns GraphiQL and introspection off; ``livemart serve`` believes forwarded
headers only from ``LIVEMART_TRUSTED_PROXIES``."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets

from app.accounts.models import Role, User
from app.api.ids import encode_id
from app.asgi import create_app
from app.auth import SESSION_COOKIE
from app.rooms.models import Room, RoomStatus
from app.security_headers import is_personal
from app.settings import Settings, SettingsError, load_settings
from tests.conftest import settings_env
from tests.hardening.test_security_headers import directives
from tests.hardening.world import OWNER, VIEWER, World
from tests.support import free_port, serving

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "web" / "templates"
INTROSPECTION = "{ __schema { queryType { name } } }"


# --- scripts --------------------------------------------------------------------------------


def test_no_template_has_an_inline_script_or_handler() -> None:
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, (template.name, tag)
        handlers = re.findall(r"<[^>]*\son[a-z]+\s*=", text)
        assert handlers == [], (template.name, handlers)
        assert "javascript:" not in text, template.name


async def test_pages_allow_scripts_from_this_origin_only(world: World) -> None:
    pages = [
        "/",
        f"/rooms/{world.room.id}",
        f"/rooms/{world.room.id}/replay",
        f"/studio/rooms/{world.room.id}",
        "/account",
    ]
    for path in pages:
        response = await world.client.get(path, headers=world.headers(OWNER))
        assert response.status_code == 200, path
        policy = directives(response.headers["content-security-policy"])
        assert policy["script-src"] == ["'self'"], path
        for tag in re.findall(r"<script\b[^>]*>", response.text):
            assert 'src="/static/' in tag or 'type="application/json"' in tag, (path, tag)
        assert not re.findall(r"<[^>]*\son[a-z]+\s*=", response.text), path
    for script in ("flash", "player", "replay", "shelf", "studio"):
        found = await world.client.get(f"/static/js/{script}.js")
        assert found.status_code == 200 and "javascript" in found.headers["content-type"]


# --- caching --------------------------------------------------------------------------------


async def test_personal_pages_are_never_stored(world: World) -> None:
    for path in ("/account", "/wallet", "/orders", "/cart", "/studio", "/for-you"):
        response = await world.client.get(path, headers=world.headers(VIEWER))
        assert response.status_code in (200, 303), path
        assert "no-store" in response.headers.get("cache-control", ""), path
    # Any page asked for with a session shows who is signed in.
    signed_in = await world.client.get(f"/rooms/{world.room.id}", headers=world.headers(VIEWER))
    assert "no-store" in signed_in.headers.get("cache-control", "")
    # The rule itself: public paths asked for without a session are not personal.
    anonymous = {"path": f"/rooms/{world.room.id}", "headers": []}
    assert not is_personal(anonymous)
    with_session = [(b"cookie", f"{SESSION_COOKIE}=abc".encode())]
    assert is_personal({**anonymous, "headers": with_session})
    assert is_personal({"path": "/wallet", "headers": []})
    assert not is_personal({"path": "/wallets-of-the-world", "headers": []})
    static = await world.client.get("/static/css/app.css", headers=world.headers(VIEWER))
    assert "no-store" not in static.headers.get("cache-control", "")


# --- production: no GraphiQL, no introspection ----------------------------------------------


def test_the_environment_is_a_typed_setting() -> None:
    assert load_settings({}).env == "development" and not load_settings({}).production
    assert load_settings({"LIVEMART_ENV": "production"}).production
    with pytest.raises(SettingsError, match="LIVEMART_ENV"):
        load_settings({"LIVEMART_ENV": "prod"})


@pytest.fixture
async def production(settings: Settings) -> Any:
    application = create_app(replace(settings, env="production"))
    async with application.router.lifespan_context(application):
        yield application


async def test_production_has_no_graphiql_and_no_introspection(production: Any) -> None:
    transport = httpx.ASGITransport(app=production)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        ide = await client.get("/graphql", headers={"accept": "text/html"})
        assert "graphiql" not in ide.text.lower()
        for query in (
            INTROSPECTION,
            '{ __type(name: "Room") { name } }',
            "query { ...F } fragment F on Query { __schema { types { name } } }",
        ):
            body = (await client.post("/graphql", json={"query": query})).json()
            assert body["data"] is None, query
            assert body["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
        plain = await client.post("/graphql", json={"query": "{ __typename }"})
        assert plain.json() == {"data": {"__typename": "Query"}}


async def test_development_keeps_graphiql_and_introspection(client: httpx.AsyncClient) -> None:
    ide = await client.get("/graphql", headers={"accept": "text/html"})
    assert "graphiql" in ide.text.lower()
    body = (await client.post("/graphql", json={"query": INTROSPECTION})).json()
    assert body == {"data": {"__schema": {"queryType": {"name": "Query"}}}}


# --- trusted proxies ------------------------------------------------------------------------


def test_trusted_proxies_are_a_typed_setting() -> None:
    assert load_settings({}).trusted_proxies == "127.0.0.1"
    found = load_settings({"LIVEMART_TRUSTED_PROXIES": " 10.0.0.5, 172.28.0.0/24 "})
    assert found.trusted_proxies == "10.0.0.5,172.28.0.0/24"
    assert load_settings({"LIVEMART_TRUSTED_PROXIES": "*"}).trusted_proxies == "*"
    with pytest.raises(SettingsError, match="LIVEMART_TRUSTED_PROXIES"):
        load_settings({"LIVEMART_TRUSTED_PROXIES": "nginx"})


@contextmanager
def serve(env: dict[str, str]) -> Iterator[str]:
    """``livemart serve`` (the command deploy/Dockerfile runs) in a subprocess."""
    port = free_port()
    code = f"from app.cli import main; raise SystemExit(main(['serve', '--port', '{port}']))"
    with serving([sys.executable, "-c", code], port, ROOT, env) as url:
        yield url


async def _subscribe(url: str, room_id: str, forwarded_for: str) -> dict[str, Any]:
    """One room subscription from a socket whose request says X-Forwarded-For; the
    server's first answer to it."""
    async with websockets.connect(
        url.replace("http://", "ws://") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers={"X-Forwarded-For": forwarded_for},
    ) as ws:
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv())["type"] == "connection_ack"
        query = "subscription($r: ID!) { roomEvents(roomId: $r) { __typename } }"
        payload = {"query": query, "variables": {"r": room_id}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        return json.loads(await ws.recv())


async def _two_addresses(url: str, room_id: str) -> list[str]:
    """Hold one subscription as 203.0.113.5 and try another as 203.0.113.6; with one
    subscription per address allowed, the second goes through only if the server took
    each client's address from the forwarded header."""
    first_ws = await websockets.connect(
        url.replace("http://", "ws://") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers={"X-Forwarded-For": "203.0.113.5"},
    )
    try:
        await first_ws.send(json.dumps({"type": "connection_init"}))
        await first_ws.recv()
        query = "subscription($r: ID!) { roomEvents(roomId: $r) { __typename } }"
        payload = {"query": query, "variables": {"r": room_id}}
        await first_ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        first = json.loads(await asyncio.wait_for(first_ws.recv(), 10))
        second = await asyncio.wait_for(_subscribe(url, room_id, "203.0.113.6"), 10)
        return [first["type"], second["type"]]
    finally:
        await first_ws.close()


async def test_forwarded_headers_count_only_from_trusted_proxies(
    app: Any, settings: Settings
) -> None:
    owner = await User.create(
        email="p16@example.com", display_name="Streamer", password_hash="x", role=Role.STREAMER
    )
    room = await Room.create(
        owner_id=owner.id, title="Proxy", status=RoomStatus.LIVE, stream_key="sk_p16_proxy"
    )
    room_id = encode_id("Room", room.id)
    env = {**os.environ, **settings_env(replace(settings, room_watchers_per_ip=1))}
    # The test is the only peer (127.0.0.1). Trusted: each socket is the address its
    # forwarded header names, so both subscriptions are accepted ("next": the viewer count).
    with serve({**env, "LIVEMART_TRUSTED_PROXIES": "127.0.0.1"}) as url:
        assert await _two_addresses(url, room_id) == ["next", "next"]
    # Untrusted: the header is ignored, both sockets are 127.0.0.1, the second is refused.
    with serve({**env, "LIVEMART_TRUSTED_PROXIES": "10.9.9.9"}) as url:
        assert await _two_addresses(url, room_id) == ["next", "error"]
