"""Account rules: register, log in / out, password reset and change, API tokens.

Both the GraphQL API and the pages call these; nothing else touches account tables.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from app.accounts.models import (
    ApiToken,
    LoginAttempt,
    OutboxMessage,
    PasswordReset,
    Role,
    User,
    WebSession,
)
from app.accounts.notify import notify
from app.accounts.passwords import check_policy, hash_password, needs_rehash, verify_password
from app.accounts.tokens import digest, new_secret
from app.errors import NotFound, UserError
from app.text import one_line

log = logging.getLogger("livemart.accounts")

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{2,}$")
SESSION_TTL = timedelta(days=14)
RESET_TTL = timedelta(hours=1)
LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_IP = 20
MAX_TOKENS_PER_USER = 20
SCOPES = ("read", "write")


def now() -> datetime:
    return datetime.now(UTC)


def normalize_email(email: str, field: str = "email") -> str:
    email = unicodedata.normalize("NFKC", email or "").strip().lower()
    if len(email) > 254 or not EMAIL_RE.match(email):
        raise UserError("INVALID_EMAIL", "enter a valid email address", field)
    return email


def clean_display_name(name: str) -> str:
    name = one_line(name)
    if not 2 <= len(name) <= 40:
        raise UserError("INVALID_NAME", "use 2 to 40 characters for your name", "displayName")
    return name


async def register(email: str, password: str, display_name: str, role: Role = Role.VIEWER) -> User:
    """Create an account. Duplicate e-mail and weak passwords are user errors."""
    email = normalize_email(email)
    display_name = clean_display_name(display_name)
    check_policy(password, email)
    if await User.filter(email=email).exists():
        raise UserError("EMAIL_TAKEN", "an account with this email already exists", "email")
    try:
        return await User.create(
            email=email,
            display_name=display_name,
            password_hash=hash_password(password),
            role=role,
        )
    except IntegrityError:
        raise UserError(
            "EMAIL_TAKEN", "an account with this email already exists", "email"
        ) from None


async def _too_many_failures(email: str, ip: str) -> bool:
    since = now() - LOGIN_WINDOW
    per_account = await LoginAttempt.filter(
        email=email, success=False, created_at__gte=since
    ).count()
    if per_account >= MAX_FAILURES_PER_ACCOUNT:
        return True
    per_ip = await LoginAttempt.filter(ip=ip, success=False, created_at__gte=since).count()
    return per_ip >= MAX_FAILURES_PER_IP


async def authenticate(email: str, password: str, ip: str = "unknown") -> User:
    """Check credentials, rate-limited per account and per IP address."""
    try:
        email = normalize_email(email)
    except UserError:
        raise UserError("INVALID_CREDENTIALS", "wrong email or password", "password") from None
    if await _too_many_failures(email, ip):
        raise UserError(
            "RATE_LIMITED", "too many failed attempts; try again in 15 minutes", "password"
        )
    user = await User.get_or_none(email=email)
    ok = bool(user and user.is_active and verify_password(user.password_hash, password))
    await LoginAttempt.create(email=email, ip=ip, success=ok)
    if not ok or user is None:
        raise UserError("INVALID_CREDENTIALS", "wrong email or password", "password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        await user.save(update_fields=["password_hash"])
    await notify(user.id, "login", f"from {ip}")
    return user


async def start_session(user: User) -> str:
    """Open a browser session; returns the secret for the cookie."""
    secret = new_secret()
    await WebSession.create(token_hash=digest(secret), user=user, expires_at=now() + SESSION_TTL)
    return secret


async def user_for_session(secret: str | None) -> User | None:
    if not secret:
        return None
    session = await WebSession.get_or_none(token_hash=digest(secret)).select_related("user")
    if session is None or session.expires_at < now() or not session.user.is_active:
        return None
    return session.user


async def end_session(secret: str | None) -> None:
    if secret:
        await WebSession.filter(token_hash=digest(secret)).delete()


async def request_password_reset(email: str, base_url: str) -> None:
    """Mail a reset link when the account exists. Says nothing about whether it does."""
    email = normalize_email(email)
    user = await User.get_or_none(email=email, is_active=True)
    if user is None:
        log.info("password reset requested for unknown email")
        return
    secret = new_secret()
    link = f"{base_url}/reset/{secret}"
    async with in_transaction():
        await PasswordReset.create(
            user=user, token_hash=digest(secret), expires_at=now() + RESET_TTL
        )
        await OutboxMessage.create(
            to=email,
            subject="Reset your livemart password",
            body=f"Open this link within an hour to choose a new password:\n{link}\n",
        )
    log.info("password reset link for %s: %s", email, link)


async def reset_password(secret: str, new_password: str) -> User:
    """Use a reset token once, within its lifetime, and end every session."""
    async with in_transaction():
        reset = (
            await PasswordReset.filter(token_hash=digest(secret or "")).select_for_update().first()
        )
        if reset is None:
            raise UserError("INVALID_TOKEN", "this reset link is not valid", "token")
        if reset.used_at is not None:
            raise UserError("TOKEN_USED", "this reset link was already used", "token")
        if reset.expires_at < now():
            raise UserError("TOKEN_EXPIRED", "this reset link has expired", "token")
        user = await User.get(id=reset.user_id)  # type: ignore[attr-defined]
        check_policy(new_password, user.email)
        updated = await PasswordReset.filter(id=reset.id, used_at__isnull=True).update(
            used_at=now()
        )
        if not updated:
            raise UserError("TOKEN_USED", "this reset link was already used", "token")
        user.password_hash = hash_password(new_password)
        await user.save(update_fields=["password_hash"])
        await WebSession.filter(user_id=user.id).delete()
    await notify(user.id, "password_reset")
    return user


async def change_password(user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise UserError("INVALID_CREDENTIALS", "your current password is wrong", "currentPassword")
    check_policy(new, user.email, "newPassword")
    user.password_hash = hash_password(new)
    await user.save(update_fields=["password_hash"])
    await notify(user.id, "password_changed")


@dataclass
class CreatedToken:
    token: ApiToken
    secret: str


async def create_api_token(user: User, name: str, scope: str) -> CreatedToken:
    """Create a personal API token; the secret is returned once and never stored."""
    name = one_line(name)
    if not 1 <= len(name) <= 60:
        raise UserError("INVALID_NAME", "give the token a name of 1 to 60 characters", "name")
    if scope not in SCOPES:
        raise UserError("INVALID_SCOPE", "scope must be read or write", "scope")
    if await ApiToken.filter(user=user, revoked_at__isnull=True).count() >= MAX_TOKENS_PER_USER:
        raise UserError("TOO_MANY_TOKENS", "revoke a token before creating another", None)
    secret = new_secret("lm_")
    token = await ApiToken.create(
        user=user, name=name, prefix=secret[:10], token_hash=digest(secret), scope=scope
    )
    await notify(user.id, "token_created", name)
    return CreatedToken(token, secret)


async def revoke_api_token(user: User, token_id: int) -> ApiToken:
    token = await ApiToken.get_or_none(id=token_id, user=user)
    if token is None:
        raise NotFound("token", "id")
    if token.revoked_at is None:
        token.revoked_at = now()
        await token.save(update_fields=["revoked_at"])
        await notify(user.id, "token_revoked", token.name)
    return token


async def list_api_tokens(user: User) -> list[ApiToken]:
    return await ApiToken.filter(user=user).order_by("-id")


async def user_for_api_token(secret: str | None) -> tuple[User, str] | None:
    """The user and scope behind a Bearer token, or None when unknown or revoked."""
    if not secret:
        return None
    token = await ApiToken.get_or_none(token_hash=digest(secret)).select_related("user")
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    await ApiToken.filter(id=token.id).update(last_used_at=now())
    return token.user, token.scope


async def create_user(email: str, password: str, display_name: str, role: Role) -> User:
    """Create a user of any role (the CLI and the demo seed use this)."""
    return await register(email, password, display_name, role)


async def get_user(user_id: int) -> User:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound("user")
    return user


async def get_users(ids: list[int]) -> dict[int, User]:
    return {u.id: u for u in await User.filter(id__in=ids)}
