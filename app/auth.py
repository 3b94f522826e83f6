"""Who is asking: session cookies, Bearer tokens, websocket ``connection_init`` payloads,
and CSRF tokens for forms.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlparse

from starlette.requests import HTTPConnection
from starlette.responses import Response

from app.accounts import services as accounts
from app.accounts.models import User
from app.errors import AuthRequired, PermissionDenied

SESSION_COOKIE = "lm_session"
CSRF_COOKIE = "lm_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"

Via = Literal["anonymous", "session", "token"]


@dataclass(frozen=True)
class Principal:
    """The caller of a request: a user (or nobody), how they proved it, and their scope."""

    user: User | None = None
    via: Via = "anonymous"
    scope: str = "read"

    @property
    def can_write(self) -> bool:
        return self.user is not None and self.scope == "write"

    def require_user(self, write: bool = True) -> User:
        """The user, or a user error when anonymous (or read-only where writing)."""
        if self.user is None:
            raise AuthRequired()
        if write and self.scope != "write":
            raise PermissionDenied("this API token has the read scope; use a write token")
        return self.user


ANONYMOUS = Principal()


def set_session_cookie(response: Response, secret: str, *, secure: bool) -> None:
    """The session cookie a login sets: HTTP-only, same-site lax, for the session's TTL;
    ``secure`` when the site is served over HTTPS."""
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(accounts.SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )


def bearer_from(value: str | None) -> str | None:
    if value and value[:7].lower() == "bearer ":
        return value[7:].strip() or None
    return None


async def principal_for(session_secret: str | None = None, bearer: str | None = None) -> Principal:
    """Resolve credentials; a Bearer token wins over a cookie."""
    if bearer:
        found = await accounts.user_for_api_token(bearer)
        if found is None:
            return ANONYMOUS
        return Principal(found[0], "token", found[1])
    user = await accounts.user_for_session(session_secret)
    if user is not None:
        return Principal(user, "session", "write")
    return ANONYMOUS


async def principal_from_connection(
    conn: HTTPConnection, secret_key: str, csrf_required: bool = False
) -> Principal:
    """The principal of an HTTP request or websocket.

    With ``csrf_required`` a cookie only counts when the request also carries the CSRF
    header (browsers cannot forge it cross-site); Bearer tokens need no CSRF token.
    """
    bearer = bearer_from(conn.headers.get("authorization"))
    if bearer:
        return await principal_for(bearer=bearer)
    secret = conn.cookies.get(SESSION_COOKIE)
    if csrf_required and not csrf_ok(conn, conn.headers.get(CSRF_HEADER), secret_key):
        return ANONYMOUS
    return await principal_for(session_secret=secret)


def _sign(value: str, secret_key: str) -> str:
    return hmac.new(secret_key.encode(), value.encode(), hashlib.sha256).hexdigest()[:32]


def new_csrf_token(secret_key: str) -> str:
    value = secrets.token_urlsafe(24)
    return f"{value}.{_sign(value, secret_key)}"


def csrf_token_for(conn: HTTPConnection, secret_key: str) -> str:
    """The CSRF token of this browser (from its cookie), or a new one to set."""
    current = conn.cookies.get(CSRF_COOKIE)
    if current and _valid_signature(current, secret_key):
        return current
    return new_csrf_token(secret_key)


def _valid_signature(token: str, secret_key: str) -> bool:
    value, _, signature = token.partition(".")
    return bool(value) and hmac.compare_digest(signature, _sign(value, secret_key))


def csrf_ok(conn: HTTPConnection, submitted: str | None, secret_key: str) -> bool:
    """Double-submit check: the submitted token equals the signed cookie."""
    cookie = conn.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted or not _valid_signature(cookie, secret_key):
        return False
    return hmac.compare_digest(cookie, submitted)


def cross_site(conn: HTTPConnection) -> bool:
    """True when a browser says the request comes from another site's page (its ``Origin``
    names another host than the one addressed): that page's cookies prove nothing.
    Websockets have no CORS; this is their check (``/graphql``, the camera ingest)."""
    origin = conn.headers.get("origin")
    return bool(origin) and urlparse(origin).netloc != conn.headers.get("host")


def client_ip(conn: HTTPConnection) -> str:
    return conn.client.host if conn.client else "unknown"
