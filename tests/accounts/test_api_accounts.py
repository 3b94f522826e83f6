"""Account flows over GraphQL, including every way a user can get them wrong."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from app.accounts import services as accounts
from app.accounts.models import ApiToken, OutboxMessage, PasswordReset, User
from tests.support import STRONG_PASSWORD, gql, op, register


async def test_register_login_viewer_logout(client: httpx.AsyncClient) -> None:
    result = await register(client, "ana@example.com", "Ana")
    assert result["errors"] == []
    assert result["user"]["displayName"] == "Ana"
    assert result["user"]["role"] == "VIEWER"
    viewer = await op(client, "accounts", "Viewer")
    assert viewer["data"]["viewer"]["email"] == "ana@example.com"

    assert (await op(client, "accounts", "Logout"))["data"]["logout"]["ok"] is True
    assert (await op(client, "accounts", "Viewer"))["data"]["viewer"] is None

    login = await op(
        client, "accounts", "Login", {"email": "ANA@example.com ", "password": STRONG_PASSWORD}
    )
    assert login["data"]["login"]["errors"] == []
    assert (await op(client, "accounts", "Viewer"))["data"]["viewer"]["displayName"] == "Ana"


async def test_duplicate_email_is_a_typed_error(client: httpx.AsyncClient) -> None:
    await register(client, "dup@example.com")
    again = await register(client, "Dup@Example.com", "Other")
    assert again["user"] is None
    assert again["errors"] == [
        {
            "code": "EMAIL_TAKEN",
            "field": "email",
            "message": "an account with this email already exists",
        }
    ]
    assert await User.filter(email="dup@example.com").count() == 1


async def test_weak_password_and_bad_email_change_nothing(client: httpx.AsyncClient) -> None:
    for password in ("short1", "onlyletterslong", "password123"):
        result = await register(client, "weak@example.com", password=password)
        assert result["errors"][0]["code"] == "WEAK_PASSWORD"
        assert result["errors"][0]["field"] == "password"
    result = await register(client, "not-an-email")
    assert result["errors"][0]["code"] == "INVALID_EMAIL"
    assert await User.all().count() == 0


async def test_wrong_password_then_rate_limit(client: httpx.AsyncClient) -> None:
    await register(client, "bob@example.com")
    await op(client, "accounts", "Logout")
    for _ in range(accounts.MAX_FAILURES_PER_ACCOUNT):
        bad = await op(
            client, "accounts", "Login", {"email": "bob@example.com", "password": "wrong-pass-1"}
        )
        assert bad["data"]["login"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
    # Even the right password is refused while the limit holds.
    limited = await op(
        client, "accounts", "Login", {"email": "bob@example.com", "password": STRONG_PASSWORD}
    )
    assert limited["data"]["login"]["errors"][0]["code"] == "RATE_LIMITED"
    assert limited["data"]["login"]["user"] is None
    assert (await op(client, "accounts", "Viewer"))["data"]["viewer"] is None


async def test_rate_limit_per_ip_across_accounts(client: httpx.AsyncClient) -> None:
    for _ in range(accounts.MAX_ATTEMPTS_PER_IP):
        assert await accounts.LOGIN_PER_IP.hit("127.0.0.1")
    await register(client, "carol@example.com")
    await op(client, "accounts", "Logout")
    result = await op(
        client, "accounts", "Login", {"email": "carol@example.com", "password": STRONG_PASSWORD}
    )
    assert result["data"]["login"]["errors"][0]["code"] == "RATE_LIMITED"


def _reset_token_from_outbox(body: str) -> str:
    match = re.search(r"/reset/(\S+)", body)
    assert match
    return match.group(1)


async def test_password_reset_once_then_reused_and_expired(client: httpx.AsyncClient) -> None:
    await register(client, "dora@example.com")
    await op(client, "accounts", "Logout")
    unknown = await op(client, "accounts", "RequestPasswordReset", {"email": "nobody@example.com"})
    assert unknown["data"]["requestPasswordReset"]["ok"] is True
    assert await OutboxMessage.all().count() == 0

    await op(client, "accounts", "RequestPasswordReset", {"email": "dora@example.com"})
    mail = await OutboxMessage.get(to="dora@example.com")
    token = _reset_token_from_outbox(mail.body)

    weak = await op(client, "accounts", "ResetPassword", {"token": token, "newPassword": "weak"})
    assert weak["data"]["resetPassword"]["errors"][0]["code"] == "WEAK_PASSWORD"

    ok = await op(
        client, "accounts", "ResetPassword", {"token": token, "newPassword": "brand-new-pass-9"}
    )
    assert ok["data"]["resetPassword"]["errors"] == []
    reused = await op(
        client, "accounts", "ResetPassword", {"token": token, "newPassword": "another-pass-77"}
    )
    assert reused["data"]["resetPassword"]["errors"][0]["code"] == "TOKEN_USED"
    user = await User.get(email="dora@example.com")
    assert accounts.verify_password(user.password_hash, "brand-new-pass-9")

    await op(client, "accounts", "RequestPasswordReset", {"email": "dora@example.com"})
    mail = await OutboxMessage.filter(to="dora@example.com").order_by("-id").first()
    assert mail
    token2 = _reset_token_from_outbox(mail.body)
    await PasswordReset.filter(used_at__isnull=True).update(
        expires_at=accounts.now() - timedelta(minutes=1)
    )
    expired = await op(
        client, "accounts", "ResetPassword", {"token": token2, "newPassword": "another-pass-77"}
    )
    assert expired["data"]["resetPassword"]["errors"][0]["code"] == "TOKEN_EXPIRED"
    bogus = await op(
        client, "accounts", "ResetPassword", {"token": "nope", "newPassword": "another-pass-77"}
    )
    assert bogus["data"]["resetPassword"]["errors"][0]["code"] == "INVALID_TOKEN"
    user = await User.get(email="dora@example.com")
    assert accounts.verify_password(user.password_hash, "brand-new-pass-9")


async def test_change_password(client: httpx.AsyncClient) -> None:
    await register(client, "eve@example.com")
    wrong = await op(
        client,
        "accounts",
        "ChangePassword",
        {"currentPassword": "nope-nope-1", "newPassword": "fresh-pass-123"},
    )
    assert wrong["data"]["changePassword"]["errors"][0]["field"] == "currentPassword"
    ok = await op(
        client,
        "accounts",
        "ChangePassword",
        {"currentPassword": STRONG_PASSWORD, "newPassword": "fresh-pass-123"},
    )
    assert ok["data"]["changePassword"]["ok"] is True


async def test_api_tokens_scopes_and_revocation(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    await register(client, "fay@example.com", "Fay")
    created = await op(client, "accounts", "CreateApiToken", {"name": "my app", "scope": "READ"})
    payload = created["data"]["createApiToken"]
    secret = payload["secret"]
    assert secret.startswith("lm_")
    stored = await ApiToken.get(name="my app")
    assert secret not in stored.token_hash and stored.token_hash != secret

    me = await op(other_client, "accounts", "Viewer", token=secret)
    assert me["data"]["viewer"]["displayName"] == "Fay"

    # A read token cannot write.
    write = await op(
        other_client,
        "accounts",
        "ChangePassword",
        {"currentPassword": STRONG_PASSWORD, "newPassword": "fresh-pass-123"},
        token=secret,
    )
    assert write["data"]["changePassword"]["errors"][0]["code"] == "FORBIDDEN"

    revoked = await op(client, "accounts", "RevokeApiToken", {"id": payload["token"]["id"]})
    assert revoked["data"]["revokeApiToken"]["token"]["revokedAt"]
    after = await op(other_client, "accounts", "Viewer", token=secret)
    assert after["data"]["viewer"] is None

    bad_scope = await gql(client, 'mutation { createApiToken(name: "x", scope: ADMIN) { secret } }')
    assert bad_scope["errors"]


async def test_token_names_of_control_characters_are_refused(client: httpx.AsyncClient) -> None:
    """PostgreSQL refuses NUL in text: such a name is a typed error, never a 500."""
    await register(client, "nul@example.com", "Nul")
    for name in ("\x00", "\u200b\x07", " \n "):
        refused = await op(client, "accounts", "CreateApiToken", {"name": name, "scope": "READ"})
        errors = refused["data"]["createApiToken"]["errors"]
        assert [e["code"] for e in errors] == ["INVALID_NAME"], name
    variables = {"name": "a\x00pp\u200b", "scope": "READ"}
    kept = await op(client, "accounts", "CreateApiToken", variables)
    assert kept["data"]["createApiToken"]["token"]["name"] == "app"
    assert await ApiToken.all().count() == 1


async def test_cookie_without_csrf_header_is_anonymous(client: httpx.AsyncClient) -> None:
    await register(client, "gus@example.com")
    me = await op(client, "accounts", "Viewer", with_csrf=False)
    assert me["data"]["viewer"] is None
    change = await op(
        client,
        "accounts",
        "ChangePassword",
        {"currentPassword": STRONG_PASSWORD, "newPassword": "fresh-pass-123"},
        with_csrf=False,
    )
    assert change["data"]["changePassword"]["errors"][0]["code"] == "UNAUTHENTICATED"
    user = await User.get(email="gus@example.com")
    assert accounts.verify_password(user.password_hash, STRONG_PASSWORD)
