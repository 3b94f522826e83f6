"""The signed-in room page reads the session and the viewer's facts in one statement
(``app.rooms.viewer_state.session_viewer``) and the room's SSE stream takes the room from
the page cache: what the viewer did still shows on their next load, for them only, and a
session that no longer holds gets the anonymous page."""

from __future__ import annotations

from datetime import timedelta

import httpx

from app.accounts import services as accounts
from app.accounts.models import User, WebSession
from app.commerce import flash_sales
from app.querycount import count_queries
from app.rooms import services as rooms
from app.rooms.viewer_state import session_viewer, viewer_state
from app.signals import now
from tests.live_commerce.conftest import SHIPPING, make_shop, make_user


def _browser(app: object, secret: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    browser = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    browser.cookies.set("lm_session", secret)
    return browser


async def test_session_and_facts_in_one_statement_equal_the_separate_reads(app: object) -> None:
    shop = await make_shop()
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 1900, 10, per_user_limit=3
    )
    other_shop = await make_shop(email="other-seller@example.com")
    elsewhere = await flash_sales.start_flash_sale(
        other_shop.seller, other_shop.room.id, other_shop.variant.id, 1900, 10
    )
    leo = await make_user("leo@example.com", "Leo Viewer")
    ada = await make_user("ada@example.com", "Ada Other")
    await rooms.follow(leo, shop.seller.id)
    for key in ("a", "b"):
        await flash_sales.buy_flash_sale(leo, sale.id, shipping=SHIPPING, idempotency_key=key)
    await flash_sales.buy_flash_sale(leo, elsewhere.id, shipping=SHIPPING, idempotency_key="c")
    for user in (leo, ada):
        secret = await accounts.start_session(user)
        with count_queries() as sql:
            found = await session_viewer(secret, shop.room.id)
        assert sql.count == 1
        assert found is not None
        viewer, state = found
        assert viewer.id == user.id and viewer.email == user.email
        expected = await viewer_state(user.id, shop.room.id, shop.seller.id, [sale.id])
        assert state == expected  # units of this room's sales only
    assert await session_viewer(None, shop.room.id) is None
    assert await session_viewer("not-a-session", shop.room.id) is None


async def test_an_expired_session_or_inactive_user_gets_the_anonymous_page(app: object) -> None:
    shop = await make_shop()
    leo = await make_user("leo@example.com", "Leo Viewer")
    url = f"/rooms/{shop.room.id}"
    secret = await accounts.start_session(leo)
    async with _browser(app, secret) as browser:
        assert 'data-testid="me">Leo Viewer' in (await browser.get(url)).text
        await WebSession.filter(user_id=leo.id).update(expires_at=now() - timedelta(seconds=1))
        assert "Leo Viewer" not in (await browser.get(url)).text
    async with _browser(app, await accounts.start_session(leo)) as browser:
        await User.filter(id=leo.id).update(is_active=False)
        assert "Leo Viewer" not in (await browser.get(url)).text


async def test_units_bought_show_on_the_next_load_for_the_buyer_only(app: object) -> None:
    shop = await make_shop()
    await rooms.set_media_state(shop.room.id, "live")
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 1900, 10, per_user_limit=3
    )
    leo = await make_user("leo@example.com", "Leo Viewer")
    ada = await make_user("ada@example.com", "Ada Other")
    url = f"/rooms/{shop.room.id}"
    async with (
        _browser(app, await accounts.start_session(leo)) as leo_b,
        _browser(app, await accounts.start_session(ada)) as ada_b,
    ):
        assert "you have" not in (await leo_b.get(url)).text
        for key in ("a", "b"):
            await flash_sales.buy_flash_sale(leo, sale.id, shipping=SHIPPING, idempotency_key=key)
        assert "you have 2" in (await leo_b.get(url)).text
        assert "you have" not in (await ada_b.get(url)).text


async def test_room_events_404_for_an_unknown_room_and_no_query_once_the_page_is_cached(
    app: object,
) -> None:
    shop = await make_shop()
    await rooms.set_media_state(shop.room.id, "live")
    async with _browser(app, "") as browser:
        missing = await browser.get(f"/rooms/{shop.room.id + 999}/events")
        assert missing.status_code == 404
        assert (await browser.get(f"/rooms/{shop.room.id}")).status_code == 200
        from web.rooms import page_cache  # the room the stream would get, as routed

        class _Request:
            def __init__(self) -> None:
                self.app = app

        cache = page_cache(_Request())  # type: ignore[arg-type]

        async def no_build() -> object:
            raise AssertionError("the room is read from the cached page")

        with count_queries() as sql:
            room = await cache.room(shop.room.id, no_build)
        assert sql.count == 0 and room.id == shop.room.id
        ended = await rooms.end_room(shop.seller, shop.room.id)
        assert ended.status != room.status
        fresh = await cache.room(shop.room.id, lambda: rooms.get_room(shop.room.id))
        assert fresh.status == ended.status, "the room's end drops the cached row"


async def test_the_top_bar_shared_per_role_shows_each_viewers_own_name_escaped(
    app: object,
) -> None:
    shop = await make_shop()
    odd = await make_user("odd@example.com", "<b>Bo</b> & 'Co'")
    leo = await make_user("leo@example.com", "Leo Viewer")
    url = f"/rooms/{shop.room.id}"
    async with (
        _browser(app, await accounts.start_session(odd)) as odd_b,
        _browser(app, await accounts.start_session(leo)) as leo_b,
        _browser(app, await accounts.start_session(shop.seller)) as seller_b,
    ):
        odd_page, leo_page = (await odd_b.get(url)).text, (await leo_b.get(url)).text
        seller_page = (await seller_b.get(url)).text
    assert 'data-testid="me">&lt;b&gt;Bo&lt;/b&gt; &amp; &#39;Co&#39;<' in odd_page
    assert "<b>Bo</b>" not in odd_page and "Bo&lt;" not in leo_page + seller_page
    assert 'data-testid="me">Leo Viewer<' in leo_page
    assert 'data-testid="me">Mia Seller<' in seller_page and 'href="/studio"' in seller_page
    assert 'href="/studio"' not in leo_page + odd_page
    for slot in ("lm-name-slot", "lm-csrf-slot"):  # the name and the CSRF token put in
        assert slot not in odd_page + leo_page + seller_page
