"""Account pages: forms post with CSRF tokens and show errors inline."""

from __future__ import annotations

import re

import httpx

from app.accounts.models import User
from tests.support import STRONG_PASSWORD, csrf


async def test_register_page_logs_in_and_shows_name(client: httpx.AsyncClient) -> None:
    page = await client.get("/register")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text
    token = await csrf(client)
    response = await client.post(
        "/register",
        data={
            "csrf_token": token,
            "email": "page@example.com",
            "display_name": "Paige",
            "password": STRONG_PASSWORD,
        },
    )
    assert response.status_code == 303
    home = await client.get("/")
    assert 'data-testid="me"' in home.text and "Paige" in home.text


async def test_missing_csrf_is_refused_and_changes_nothing(client: httpx.AsyncClient) -> None:
    await client.get("/register")
    response = await client.post(
        "/register",
        data={"email": "x@example.com", "display_name": "X", "password": STRONG_PASSWORD},
        headers={"Accept": "text/html"},
    )
    assert response.status_code == 403
    assert "Reload the page" in response.text
    forged = await client.post(
        "/register",
        data={
            "csrf_token": "forged.token",
            "email": "x@example.com",
            "display_name": "X",
            "password": STRONG_PASSWORD,
        },
    )
    assert forged.status_code == 403
    assert await User.all().count() == 0


async def test_register_errors_are_shown_inline(client: httpx.AsyncClient) -> None:
    token = await csrf(client)
    response = await client.post(
        "/register",
        data={"csrf_token": token, "email": "bad", "display_name": "Q", "password": "x"},
    )
    assert response.status_code == 422
    assert "enter a valid email address" in response.text
    check = await client.post(
        "/register/validate/password",
        data={"csrf_token": token, "password": "short", "email": "a@b.co"},
    )
    assert "at least 10 characters" in check.text


async def test_login_logout_and_wrong_password(client: httpx.AsyncClient) -> None:
    token = await csrf(client)
    await client.post(
        "/register",
        data={
            "csrf_token": token,
            "email": "lou@example.com",
            "display_name": "Lou",
            "password": STRONG_PASSWORD,
        },
    )
    out = await client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303
    assert "Lou" not in (await client.get("/")).text
    wrong = await client.post(
        "/login", data={"csrf_token": token, "email": "lou@example.com", "password": "nope-123456"}
    )
    assert wrong.status_code == 422 and "wrong email or password" in wrong.text
    ok = await client.post(
        "/login",
        data={
            "csrf_token": token,
            "email": "lou@example.com",
            "password": STRONG_PASSWORD,
            "next": "//evil.example",
        },
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/"


async def test_forgot_and_reset_pages(client: httpx.AsyncClient) -> None:
    from app.accounts.models import OutboxMessage

    token = await csrf(client)
    await client.post(
        "/register",
        data={
            "csrf_token": token,
            "email": "rey@example.com",
            "display_name": "Rey",
            "password": STRONG_PASSWORD,
        },
    )
    sent = await client.post("/forgot", data={"csrf_token": token, "email": "rey@example.com"})
    assert "we sent it a link" in sent.text
    mail = await OutboxMessage.get(to="rey@example.com")
    path = re.search(r"(/reset/\S+)", mail.body)
    assert path
    page = await client.get(path.group(1))
    assert page.status_code == 200
    done = await client.post(path.group(1), data={"csrf_token": token, "password": "new-secret-77"})
    assert done.status_code == 303
    again = await client.post(
        path.group(1), data={"csrf_token": token, "password": "new-secret-78"}
    )
    assert again.status_code == 422 and "already used" in again.text


async def test_account_page_tokens(client: httpx.AsyncClient) -> None:
    assert (await client.get("/account")).status_code == 303
    token = await csrf(client)
    await client.post(
        "/register",
        data={
            "csrf_token": token,
            "email": "tia@example.com",
            "display_name": "Tia",
            "password": STRONG_PASSWORD,
        },
    )
    created = await client.post(
        "/account",
        data={"csrf_token": token, "action": "create_token", "name": "cli", "scope": "write"},
    )
    assert 'data-testid="new-token"' in created.text
    bad = await client.post(
        "/account",
        data={"csrf_token": token, "action": "create_token", "name": "x", "scope": "root"},
    )
    assert bad.status_code == 422 and "scope must be read or write" in bad.text


async def test_security_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
