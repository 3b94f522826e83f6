"""Basics every page shares (issue 17, finding 9 and 10): a skip link, a favicon, the
accent colour readable under white text, inline SVG icons instead of emoji, GraphiQL
served from vendored files (no CDN); and the studio's test pattern as a demo/dev option."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import httpx
import pytest

from app.asgi import create_app
from app.rooms import services as rooms
from app.settings import Settings, load_settings
from tests.rooms.helpers import streamer_client
from tests.support import csrf
from web.templating import STATIC_DIR, templates


def _contrast(foreground: str, background: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_accent_under_white_text_reads_at_aa() -> None:
    css = (STATIC_DIR / "css" / "app.css").read_text()
    accent = re.search(r"--accent:(#[0-9a-fA-F]{6})", css)
    assert accent is not None
    assert _contrast("#ffffff", accent.group(1)) >= 4.5
    assert ".badge.live { background:var(--accent); color:#fff; }" in css


def test_icons_are_inline_svg_hidden_from_screen_readers() -> None:
    page = templates.env.from_string(
        '{% from "partials/icons.html" import icon %}<button>{{ icon("heart") }} Like</button>'
        '{{ icon("no-such-icon") }}'
    ).render()
    assert page.startswith('<button><svg class="icon" data-icon="heart"')
    assert 'aria-hidden="true"' in page and page.endswith("</svg> Like</button>")


async def test_pages_have_a_skip_link_and_a_favicon(client: httpx.AsyncClient) -> None:
    home = await client.get("/")
    assert '<a class="skip-link" href="#main"' in home.text and '<main id="main"' in home.text
    assert 'rel="icon" href="/static/favicon.svg"' in home.text
    icon = await client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.text.startswith("<svg")


async def test_graphiql_loads_nothing_from_another_host(client: httpx.AsyncClient) -> None:
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/static/") for s in sources), sources
    assert "//" not in "".join(sources)
    for path in sources:
        served = await client.get(path)
        assert served.status_code == 200 and len(served.content) > 100, path
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text)
    assert token is not None and page.cookies.get("lm_csrf") == token.group(1)
    for licence in ("LICENSE-graphiql", "LICENSE-react", "LICENSE-react-dom"):
        assert (STATIC_DIR / "vendor" / licence).is_file()


def test_the_test_pattern_is_on_in_development_and_off_in_production() -> None:
    assert load_settings({}).test_pattern
    assert not load_settings({"LIVEMART_ENV": "production"}).test_pattern
    on = load_settings({"LIVEMART_ENV": "production", "LIVEMART_TEST_PATTERN": "true"})
    assert on.test_pattern


@pytest.fixture
async def no_test_pattern(settings: Settings) -> Any:
    application = create_app(replace(settings, test_pattern=False))
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


async def test_without_the_setting_the_studio_offers_no_test_pattern(
    no_test_pattern: httpx.AsyncClient,
) -> None:
    mia = await streamer_client(no_test_pattern)
    room = await rooms.create_room(mia, "Real cameras only")
    console = await no_test_pattern.get(f"/studio/rooms/{room.id}")
    assert console.status_code == 200 and 'data-testid="test-source"' not in console.text
    refused = await no_test_pattern.post(
        f"/studio/rooms/{room.id}/test-source", data={"csrf_token": await csrf(no_test_pattern)}
    )
    assert refused.status_code == 404
    assert (await rooms.get_room(room.id)).status == "scheduled"


async def test_the_console_hides_the_key_and_offers_the_test_pattern_apart(
    client: httpx.AsyncClient,
) -> None:
    mia = await streamer_client(client)
    room = await rooms.create_room(mia, "Demo room")
    console = (await client.get(f"/studio/rooms/{room.id}")).text
    key = re.search(r'<input id="obs-key"[^>]*>', console)
    assert key is not None and 'type="password"' in key.group(0)
    assert 'data-testid="test-source"' in console and 'data-testid="end-live"' not in console
