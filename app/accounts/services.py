"""Account rules: register, log in / out, password reset and change, API tokens.

Both the GraphQL API and the pages call these; nothing else touches account tables.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise import connections
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
from app.accounts.notify import credentials_changed, notify
from app.accounts.passwords import (
    check_policy,
    hash_in_worker,
    needs_rehash,
    verify_in_worker,
    verify_password,  # noqa: F401  (re-exported: callers check passwords through here)
    verify_without_account,
)
from app.accounts.token_use import get_token_use, write_last_used
from app.accounts.tokens import digest, new_secret
from app.errors import NotFound, UserError
from app.i18n import _, normalize_locale, using_locale, valid_timezone
from app.ratelimit import RateLimiter
from app.text import one_line

log = logging.getLogger("livemart.accounts")

EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{2,}$")
SESSION_TTL = timedelta(days=14)
RESET_TTL = timedelta(hours=1)
LOGIN_WINDOW = 15 * 60  # seconds
# Login attempts are counted before the password is checked, atomically (so parallel
# guesses cannot all pass), per account and client address: a guesser elsewhere cannot lock
# the owner out. A success clears its account-and-address count. The client address is the
# one uvicorn reports, which is the forwarded one only from a configured trusted proxy.
MAX_FAILURES_PER_ACCOUNT = 5  # attempts per account and address in LOGIN_WINDOW
MAX_ATTEMPTS_PER_IP = 50  # attempts per address, whatever the account
LOGIN_PER_ACCOUNT = RateLimiter("login-account-ip", MAX_FAILURES_PER_ACCOUNT, LOGIN_WINDOW)
LOGIN_PER_IP = RateLimiter("login-ip", MAX_ATTEMPTS_PER_IP, LOGIN_WINDOW)
# At most a few reset mails per address an hour, however many requests arrive at once.
MAX_RESETS_PER_EMAIL = 3
RESET_MAILS = RateLimiter("password-reset", MAX_RESETS_PER_EMAIL, 60 * 60)
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
            password_hash=await hash_in_worker(password),
            role=role,
        )
    except IntegrityError:
        raise UserError(
            "EMAIL_TAKEN", "an account with this email already exists", "email"
        ) from None


async def _count_attempt(email: str, ip: str) -> None:
    """Count this attempt, or refuse it when its account and address (or the address
    alone) used up its attempts."""
    if not await LOGIN_PER_ACCOUNT.hit(f"{email}|{ip}") or not await LOGIN_PER_IP.hit(ip):
        raise UserError(
            "RATE_LIMITED", "too many failed attempts; try again in 15 minutes", "password"
        )


async def authenticate(email: str, password: str, ip: str = "unknown") -> User:
    """Check credentials, rate-limited per account and address and per address.

    Takes the same time whether or not the account exists (a dummy hash is verified).
    """
    try:
        email = normalize_email(email)
    except UserError:
        raise UserError("INVALID_CREDENTIALS", "wrong email or password", "password") from None
    await _count_attempt(email, ip)
    user = await User.get_or_none(email=email)
    if user is None:
        ok = await verify_without_account(password)
    else:
        ok = await verify_in_worker(user.password_hash, password) and user.is_active
    await LoginAttempt.create(email=email, ip=ip, success=ok)
    if not ok or user is None:
        raise UserError("INVALID_CREDENTIALS", "wrong email or password", "password")
    await LOGIN_PER_ACCOUNT.clear(f"{email}|{ip}")
    if needs_rehash(user.password_hash):
        user.password_hash = await hash_in_worker(password)
        await user.save(update_fields=["password_hash"])
    await notify(user.id, "login", f"from {ip}")
    return user


async def start_session(user: User) -> str:
    """Open a browser session; returns the secret for the cookie."""
    secret = new_secret()
    await WebSession.create(token_hash=digest(secret), user=user, expires_at=now() + SESSION_TTL)
    return secret


NEW_ACCOUNT_FOR = timedelta(minutes=30)


def is_new_account(user: User) -> bool:
    """Whether ``user`` signed up within :data:`NEW_ACCOUNT_FOR`: pages greet them with
    "Welcome", not "Welcome back"."""
    created = user.created_at
    if created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    return now() - created < NEW_ACCOUNT_FOR


#: The session and its user in one statement written once (every signed-in request runs
#: it: building it through the ORM's query builder each time cost more than the query).
#: ``app.rooms.viewer_state.session_viewer`` adds the viewer's room facts to its columns.
SESSION_USER_COLUMNS = "users.*, web_sessions.expires_at AS lm_session_expires_at"
SESSION_USER_FROM = (
    " FROM web_sessions JOIN users ON users.id = web_sessions.user_id"
    " WHERE web_sessions.token_hash = {}"
)
_SESSION_USER_SQL = "SELECT " + SESSION_USER_COLUMNS + SESSION_USER_FROM


async def user_for_session(secret: str | None) -> User | None:
    """The active user of an unexpired browser session, or ``None``."""
    if not secret:
        return None
    conn = connections.get("default")
    mark = "$1" if conn.capabilities.dialect == "postgres" else "?"
    rows = await conn.execute_query_dict(_SESSION_USER_SQL.format(mark), [digest(secret)])
    return session_user_of_row(rows[0]) if rows else None


def session_user_of_row(row: dict[str, Any]) -> User | None:
    """The user of a row of ``SESSION_USER_COLUMNS`` (its user's columns are popped from
    ``row``), or ``None`` when the session expired or the user is inactive."""
    expires = WebSession._meta.fields_map["expires_at"].to_python_value(
        row.pop("lm_session_expires_at")
    )
    user_columns = {name: row.pop(name) for name in User._meta.db_fields if name in row}
    user = User._init_from_db(**user_columns)
    if expires < now() or not user.is_active:
        return None
    return user


async def end_session(secret: str | None) -> None:
    """Log a browser out; its open websockets close (on every process)."""
    if not secret:
        return
    session = await WebSession.get_or_none(token_hash=digest(secret))
    if session is None:
        return
    await WebSession.filter(id=session.id).delete()
    await credentials_changed(session.user_id, "logout")


async def _end_credentials(user_id: int, keep_session: str | None = None) -> None:
    """Revoke every API token of a user and end their sessions but ``keep_session``."""
    await ApiToken.filter(user_id=user_id, revoked_at__isnull=True).update(revoked_at=now())
    sessions = WebSession.filter(user_id=user_id)
    if keep_session:
        sessions = sessions.exclude(token_hash=digest(keep_session))
    await sessions.delete()


async def request_password_reset(email: str, base_url: str) -> None:
    """Mail a reset link when the account exists. Says nothing about whether it does.

    At most :data:`MAX_RESETS_PER_EMAIL` mails an hour per address; a new link replaces the
    older ones. The link is in the mail only, never in the log.
    """
    email = normalize_email(email)
    if not await RESET_MAILS.hit(email):
        log.info("password reset not sent: too many requests for this address")
        return
    user = await User.get_or_none(email=email, is_active=True)
    if user is None:
        log.info("password reset requested for unknown email")
        return
    secret = new_secret()
    link = f"{base_url}/reset/{secret}"
    async with in_transaction():
        await PasswordReset.filter(user_id=user.id, used_at__isnull=True).delete()
        await PasswordReset.create(
            user=user, token_hash=digest(secret), expires_at=now() + RESET_TTL
        )
        with using_locale(user.language, user.timezone):  # the mail speaks the user's language
            await OutboxMessage.create(
                to=email,
                subject=_("Reset your livemart password"),
                body=_(
                    "Open this link within an hour to choose a new password:\n%(link)s\n",
                    link=link,
                ),
            )
    log.info("password reset mail queued for user %s", user.id)


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
        user = await User.get(id=reset.user_id)
        check_policy(new_password, user.email)
        updated = await PasswordReset.filter(id=reset.id, used_at__isnull=True).update(
            used_at=now()
        )
        if not updated:
            raise UserError("TOKEN_USED", "this reset link was already used", "token")
        await PasswordReset.filter(user_id=user.id, used_at__isnull=True).delete()
        user.password_hash = await hash_in_worker(new_password)
        await user.save(update_fields=["password_hash"])
        await _end_credentials(user.id)
    await notify(user.id, "password_reset")
    await credentials_changed(user.id, "password_reset")
    return user


async def change_password(
    user: User, current: str, new: str, keep_session: str | None = None
) -> None:
    """Change the password; every API token is revoked and every other session ends
    (``keep_session``, the secret of the browser asking, stays logged in)."""
    if not await verify_in_worker(user.password_hash, current):
        raise UserError("INVALID_CREDENTIALS", "your current password is wrong", "currentPassword")
    check_policy(new, user.email, "newPassword")
    password_hash = await hash_in_worker(new)
    async with in_transaction():
        user.password_hash = password_hash
        await user.save(update_fields=["password_hash"])
        await _end_credentials(user.id, keep_session)
    await notify(user.id, "password_changed")
    await credentials_changed(user.id, "password_changed")


async def set_active(user_id: int, active: bool) -> User:
    """Ban a user site-wide (``active=False``: no login, no session, no token works and
    their open websockets close with 4403) or lift the ban."""
    user = await get_user(user_id)
    if user.is_active != active:
        user.is_active = active
        await user.save(update_fields=["is_active"])
        if not active:
            await credentials_changed(user.id, "banned")
    return user


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
        await credentials_changed(user.id, "token_revoked")
    return token


async def list_api_tokens(user: User) -> list[ApiToken]:
    return await ApiToken.filter(user=user).order_by("-id")


LAST_USED_RESOLUTION = timedelta(minutes=1)  # how fresh a token's ``last_used_at`` is kept

#: The token and its user in one statement written once (every token-carried request runs
#: it: the ORM's query building with ``select_related`` cost more than the query did).
_TOKEN_USER_SQL = (
    "SELECT users.*, api_tokens.id AS lm_token_id, api_tokens.scope AS lm_token_scope,"
    " api_tokens.last_used_at AS lm_token_last_used_at FROM api_tokens"
    " JOIN users ON users.id = api_tokens.user_id"
    " WHERE api_tokens.token_hash = {} AND api_tokens.revoked_at IS NULL"
)


async def user_for_api_token(secret: str | None) -> tuple[User, str] | None:
    """The user and scope behind a Bearer token, or None when unknown or revoked.

    Validity is read on every call (a revocation or a ban ends access on the next request);
    only ``last_used_at`` is written behind, by the token-use runtime (to the minute: a
    write inside each request was a quarter of a token-carried flash sale's time)."""
    if not secret:
        return None
    conn = connections.get("default")
    mark = "$1" if conn.capabilities.dialect == "postgres" else "?"
    rows = await conn.execute_query_dict(_TOKEN_USER_SQL.format(mark), [digest(secret)])
    if not rows:
        return None
    row = rows[0]
    token_id, scope = row.pop("lm_token_id"), row.pop("lm_token_scope")
    last_used = ApiToken._meta.fields_map["last_used_at"].to_python_value(
        row.pop("lm_token_last_used_at")
    )
    user = User._init_from_db(**row)
    if not user.is_active:
        return None
    at = now()
    if last_used is None or at - last_used >= LAST_USED_RESOLUTION:
        recorder = get_token_use()
        if recorder is not None:
            recorder.note(token_id, at)
        else:  # outside the app (a script): no runtime to write it behind
            await write_last_used([token_id], at)
    return user, scope


async def create_user(email: str, password: str, display_name: str, role: Role) -> User:
    """Create a user of any role (the CLI and the demo seed use this)."""
    return await register(email, password, display_name, role)


async def get_user(user_id: int) -> User:
    user = await User.get_or_none(id=user_id)
    if user is None:
        raise NotFound("user")
    return user


async def user_by_email(email: str) -> User:
    user = await User.get_or_none(email=normalize_email(email))
    if user is None:
        raise NotFound("user", "email")
    return user


async def is_banned(user_id: int) -> bool:
    """Whether the user is banned site-wide (see :func:`set_active`)."""
    return await User.filter(id=user_id, is_active=False).exists()


async def get_users(ids: list[int]) -> dict[int, User]:
    return {u.id: u for u in await User.filter(id__in=ids)}


async def set_language(user: User, language: str) -> User:
    """Save the interface language ``user`` chose (``en`` or ``zh_CN``; ``zh-CN`` works)."""
    locale = normalize_locale(language)
    if locale is None:
        raise UserError("INVALID_LANGUAGE", "choose English or Simplified Chinese", "language")
    if user.language != locale:
        user.language = locale
        await user.save(update_fields=["language"])
    return user


async def set_timezone(user: User, name: str) -> User:
    """Save the IANA time zone ``user``'s browser reported (``Asia/Shanghai``)."""
    if valid_timezone(name) is None:
        raise UserError("INVALID_TIMEZONE", "unknown time zone", "timezone")
    if user.timezone != name:
        user.timezone = name
        await user.save(update_fields=["timezone"])
    return user
