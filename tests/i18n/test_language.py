"""The language of pages and API answers: Accept-Language, the switcher (no JavaScript
needed), the user's saved choice and time zone, and GraphQL messages with stable codes."""

from __future__ import annotations

import httpx

from app.accounts import services as accounts
from app.accounts.models import OutboxMessage, User
from app.settings import Settings
from tests.conftest import settings_env
from tests.support import STRONG_PASSWORD, WsClient, csrf, live_server, operation, register

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}


async def test_pages_follow_accept_language(client: httpx.AsyncClient) -> None:
    english = await client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in english.text
    assert ">Log in<" in english.text
    chinese = await client.get("/login", headers=ZH)
    assert '<html lang="zh-CN">' in chinese.text
    assert "登录" in chinese.text and "忘记密码？" in chinese.text
    assert ">Log in<" not in chinese.text
    # Traditional Chinese is not what we speak: English rather than the wrong script.
    taiwan = await client.get("/login", headers={"Accept-Language": "zh-TW"})
    assert '<html lang="en">' in taiwan.text


async def test_switcher_sets_the_cookie_and_saves_the_users_choice(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "lin@example.com", "Lin")
    token = await csrf(client)
    page = await client.get("/")
    assert 'action="/language"' in page.text and 'value="zh_CN"' in page.text
    switched = await client.post(
        "/language", data={"csrf_token": token, "language": "zh_CN", "next": "/orders"}
    )
    assert switched.status_code == 303 and switched.headers["location"] == "/orders"
    assert client.cookies["lm_lang"] == "zh_CN"
    assert (await User.get(email="lin@example.com")).language == "zh_CN"
    orders = await client.get("/orders", headers={"Accept-Language": "en"})
    assert "我的订单" in orders.text
    # The saved choice follows the user to a browser without the cookie.
    client.cookies.delete("lm_lang")
    again = await client.get("/orders", headers={"Accept-Language": "en"})
    assert "我的订单" in again.text


async def test_switcher_refuses_an_unknown_language_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "kai@example.com", "Kai")
    token = await csrf(client)
    refused = await client.post(
        "/language", data={"csrf_token": token, "language": "xx", "next": "/"}
    )
    assert refused.status_code == 422
    assert "English or Simplified Chinese" in refused.text
    assert "lm_lang" not in client.cookies
    assert (await User.get(email="kai@example.com")).language is None
    forged = await client.post("/language", data={"language": "zh_CN"})
    assert forged.status_code == 403


async def test_reported_time_zone_is_saved_and_rejected_when_bogus(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "mei@example.com", "Mei")
    client.cookies.set("lm_tz", "Asia/Shanghai")
    await client.get("/orders")
    assert (await User.get(email="mei@example.com")).timezone == "Asia/Shanghai"
    client.cookies.set("lm_tz", "Mars/Olympus_Mons")
    await client.get("/orders")
    assert (await User.get(email="mei@example.com")).timezone == "Asia/Shanghai"


async def test_password_reset_mail_speaks_the_users_language(client: httpx.AsyncClient) -> None:
    await register(client, "wu@example.com", "Wu")
    user = await User.get(email="wu@example.com")
    await accounts.set_language(user, "zh-CN")
    await accounts.request_password_reset("wu@example.com", "http://test")
    mail = await OutboxMessage.get(to="wu@example.com")
    assert mail.subject == "重置你的 livemart 密码"
    assert "请在一小时内打开此链接设置新密码" in mail.body and "http://test/reset/" in mail.body


async def test_graphql_messages_follow_the_language_and_codes_stay(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "dup@example.com")
    body = {
        "query": operation("accounts"),
        "operationName": "Register",
        "variables": {
            "input": {
                "email": "dup@example.com",
                "password": STRONG_PASSWORD,
                "displayName": "Dup",
            }
        },
    }
    headers = {"X-CSRF-Token": await csrf(client)}
    english = (await client.post("/graphql", json=body, headers=headers)).json()
    chinese = (await client.post("/graphql", json=body, headers={**headers, **ZH})).json()
    [en_error] = english["data"]["register"]["errors"]
    [zh_error] = chinese["data"]["register"]["errors"]
    assert en_error["code"] == zh_error["code"]
    assert en_error["field"] == zh_error["field"]
    assert en_error["code"] == "EMAIL_TAKEN"
    assert en_error["message"] == "an account with this email already exists"
    assert zh_error["message"] == "该邮箱已注册"


async def test_websocket_messages_follow_the_connection_params(settings: Settings) -> None:
    with live_server(settings_env(settings)) as base:
        async with WsClient(base, {"language": "zh-CN"}) as ws:
            await ws.subscribe(operation("accounts"), operation_name="AccountEvents")
            message = await ws.receive()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["message"] == "请先登录"
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
        async with WsClient(base) as ws:
            await ws.subscribe(operation("accounts"), operation_name="AccountEvents")
            message = await ws.receive()
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["message"] == "log in first"


async def test_cached_room_page_never_crosses_languages(client: httpx.AsyncClient) -> None:
    from app.rooms import services as rooms
    from tests.live_commerce.conftest import make_shop

    shop = await make_shop()
    await rooms.set_media_state(shop.room.id, "live")
    url = f"/rooms/{shop.room.id}"
    for _ in range(2):  # the second round is served from the caches
        chinese = (await client.get(url, headers=ZH)).text
        english = (await client.get(url, headers={"Accept-Language": "en"})).text
        assert '<html lang="zh-CN">' in chinese and "弹幕" in chinese
        assert '<html lang="en">' in english and "弹幕" not in english
