"""Security headers of every HTTP response: the basic ones, a Content-Security-Policy for
pages, ``Cache-Control: no-store`` for personal pages, and HSTS behind https.

The policy allows scripts from this origin only: no template has an inline script or an
inline event handler (they live in ``web/static/js``; data for them travels in
``data-*`` attributes or ``<script type="application/json">`` blocks, which never run).
Styles may still be inline (``style=""`` attributes; no user value is ever put into CSS).
"""

from __future__ import annotations

import re

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.auth import SESSION_COOKIE

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(self), microphone=(self), geolocation=()"),
]

# Pages: scripts and styles from this origin (the vendored htmx, hls.js and our own).
# Covers may be any http(s) image; video plays from blob: URLs (hls.js MediaSource);
# websockets go to this host. GraphiQL (/graphql) loads its own scripts and gets no policy.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https: http:; media-src 'self' blob:; worker-src 'self' blob:; "
    "connect-src 'self'{ws}; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
HOST = re.compile(r"^[A-Za-z0-9.\-]+(:[0-9]{1,5})?$")

# Pages that are about one person (their account, money, orders, studio, moderation) or
# carry a secret (reset links): never stored by a browser or a shared cache.
PERSONAL_PREFIXES = (
    "/account",
    "/wallet",
    "/orders",
    "/cart",
    "/checkout",
    "/coupons",
    "/studio",
    "/admin",
    "/for-you",
    "/recs",
    "/reset",
    "/forgot",
    "/login",
    "/register",
)
NO_STORE = b"no-store"
HSTS = b"max-age=31536000"


def is_personal(scope: Scope) -> bool:
    """Whether a page answer to this request is personal: a personal path, or any page
    asked for with a session cookie (it shows who is signed in)."""
    path: str = scope["path"]
    if any(path == p or path.startswith(p + "/") for p in PERSONAL_PREFIXES):
        return True
    return bool(cookie_parser(Headers(scope=scope).get("cookie", "")).get(SESSION_COOKIE))


class SecurityHeaders:
    """Adds security headers to every HTTP response, a Content-Security-Policy to pages,
    ``Cache-Control: no-store`` to personal pages (unless the route set its own), and HSTS
    when the public URL is https."""

    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                page = dict(headers).get(b"content-type", b"").startswith(b"text/html")
                if page and not scope["path"].startswith("/graphql"):
                    if b"content-security-policy" not in present:
                        headers.append((b"content-security-policy", self._policy(scope).encode()))
                if page and b"cache-control" not in present and is_personal(scope):
                    headers.append((b"cache-control", NO_STORE))
                if self.https:
                    headers.append((b"strict-transport-security", HSTS))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def _policy(self, scope: Scope) -> str:
        host = Headers(scope=scope).get("host", "")
        ws = f" ws://{host} wss://{host}" if HOST.match(host) else ""
        return CSP.format(ws=ws)
