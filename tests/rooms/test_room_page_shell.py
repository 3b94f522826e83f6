"""The signed-in room page is the room's cached shell with each viewer's parts rendered into
it (``web.rooms``): within one cached shell, every viewer still sees their own follow
state, balance, moderation rights, mute, own messages and language, and what changes for
them shows on their next load."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.chat import services as chat
from app.gifts import services as gifts
from app.gifts.models import Gift
from app.moderation import services as moderation
from app.rooms import services as rooms
from tests.live_commerce.conftest import Shop, fund, make_shop, make_user


@pytest.fixture
async def viewers(app: object) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """A browser per viewer name, each with that viewer's session (made on demand)."""
    made: dict[str, httpx.AsyncClient] = {}
    yield made
    for browser in made.values():
        await browser.aclose()


async def _browser(app: object, user: User) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    browser = httpx.AsyncClient(transport=transport, base_url="http://testserver")
    browser.cookies.set("lm_session", await accounts.start_session(user))
    return browser


def _balance(page: str) -> int:
    found = re.search(r'data-testid="gift-balance">([\d,]+)<', page)
    assert found, "the page shows the viewer's balance"
    return int(found.group(1).replace(",", ""))


def _follow_button(page: str) -> str:
    found = re.search(r'data-testid="follow">([^<]+)<', page)
    assert found, "the page has a follow button"
    return found.group(1)


async def _live_shop() -> Shop:
    shop = await make_shop()
    await rooms.set_media_state(shop.room.id, "live")
    return shop


async def test_follow_then_reload_shows_following_for_that_viewer_only(app: object) -> None:
    shop = await _live_shop()
    leo = await make_user("leo@example.com", "Leo Viewer")
    ada = await make_user("ada@example.com", "Ada Other")
    url = f"/rooms/{shop.room.id}"
    async with await _browser(app, leo) as leo_b, await _browser(app, ada) as ada_b:
        assert _follow_button((await leo_b.get(url)).text) == "Follow"
        await rooms.follow(leo, shop.seller.id)  # the service: no page event drops the cache
        assert _follow_button((await leo_b.get(url)).text) == "Following"
        assert _follow_button((await ada_b.get(url)).text) == "Follow"
        await rooms.unfollow(leo, shop.seller.id)
        assert _follow_button((await leo_b.get(url)).text) == "Follow"


async def test_wallet_changes_after_a_gift_show_on_the_next_load(app: object) -> None:
    shop = await _live_shop()
    leo = await make_user("leo@example.com", "Leo Viewer")  # funded
    url = f"/rooms/{shop.room.id}"
    async with await _browser(app, leo) as browser:
        before = _balance((await browser.get(url)).text)
        gift = await Gift.create(name="Rose", coins=7)
        await gifts.send_gift(leo, shop.room.id, gift.id, 1, "shell-test-gift")
        after = _balance((await browser.get(url)).text)
        assert after == before - gift.coins
        await fund(leo.id, 5)
        assert _balance((await browser.get(url)).text) == after + 5


async def test_viewers_alike_share_the_shell_but_never_their_parts(app: object) -> None:
    shop = await _live_shop()
    leo = await make_user("leo@example.com", "Leo Viewer")
    ada = await make_user("ada@example.com", "Ada Other")
    mod = await make_user("mod@example.com", "Max Mod", Role.MODERATOR)
    said = await chat.post_message(leo, shop.room.id, "hello from leo")
    url = f"/rooms/{shop.room.id}"
    report = 'data-testid="chat-report"'
    async with (
        await _browser(app, leo) as leo_b,
        await _browser(app, ada) as ada_b,
        await _browser(app, mod) as mod_b,
        await _browser(app, shop.seller) as owner_b,
    ):
        leo_page, ada_page = (await leo_b.get(url)).text, (await ada_b.get(url)).text
        mod_page, owner_page = (await mod_b.get(url)).text, (await owner_b.get(url)).text
        leo_item = leo_page[leo_page.index(f'id="msg-{said.id}"') :].split("</li>")[0]
        ada_item = ada_page[ada_page.index(f'id="msg-{said.id}"') :].split("</li>")[0]
        assert report not in leo_item, "no Report on one's own message"
        assert report in ada_item
        assert 'data-testid="me">Leo Viewer' in leo_page and "Ada Other" not in leo_page
        assert 'data-testid="me">Ada Other' in ada_page
        assert 'data-testid="slow-mode-form"' in mod_page and 'href="/admin"' in mod_page
        for page in (leo_page, ada_page):
            assert 'data-testid="slow-mode-form"' not in page and 'href="/admin"' not in page
        assert 'data-testid="slow-mode-form"' in owner_page  # the owner moderates
        assert 'data-testid="follow"' not in owner_page  # and does not follow themselves
        assert 'data-testid="follow"' in leo_page and 'data-testid="follow"' in mod_page
        assert "lm-personal" not in leo_page + ada_page + mod_page + owner_page

        await moderation.mute(mod, shop.room.id, ada.id, 10)
        muted = (await ada_b.get(url)).text
        assert "You are muted until" in muted
        assert "You are muted until" not in (await leo_b.get(url)).text
        await moderation.ban(mod, shop.room.id, leo.id)
        banned = (await leo_b.get(url)).text
        assert (
            "You are banned from this chat." in banned and 'data-testid="chat-form"' not in banned
        )
        assert 'data-testid="chat-form"' in (await mod_b.get(url)).text


async def test_each_viewer_reads_the_page_in_their_language(app: object) -> None:
    shop = await _live_shop()
    leo = await make_user("leo@example.com", "Leo Viewer")
    li = await make_user("li@example.com", "Li Wei")
    await User.filter(id=li.id).update(language="zh_CN")
    url = f"/rooms/{shop.room.id}"
    async with await _browser(app, leo) as leo_b, await _browser(app, li) as li_b:
        english, chinese = (await leo_b.get(url)).text, (await li_b.get(url)).text
        assert '<html lang="en">' in english and '<html lang="zh-CN">' in chinese
        assert ">Log out<" in english and ">Log out<" not in chinese
        assert 'data-testid="me">Li Wei' in chinese


def test_a_viewers_value_outside_a_personal_part_fails_the_shell() -> None:
    """The shell's context withholds each viewer's values: a template that used one outside
    ``{{ personal(...) }}`` would put one viewer's value in every page; it fails instead."""
    from web.rooms import PersonalValueInShell, _NavViewer, _ShellViewer, _Withheld
    from web.templating import templates

    for source, ctx in (
        # the top bar is rendered once per role: a field of the viewer other than the name
        ("{{ user.email }}", {"user": _NavViewer("viewer")}),
        ("{{ user.display_name }}", {"user": _ShellViewer("user")}),
        ("{% if following %}x{% endif %}", {"following": _Withheld("following")}),
        ("{{ gift_balance }}", {"gift_balance": _Withheld("gift_balance")}),
    ):
        with pytest.raises(PersonalValueInShell):
            templates.env.from_string(source).render(ctx)
    assert (
        templates.env.from_string("{% if user %}in{% endif %}").render(
            {"user": _ShellViewer("user")}
        )
        == "in"
    )
