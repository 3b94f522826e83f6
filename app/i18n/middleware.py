"""The language and time zone of each HTTP request and websocket (a pure ASGI middleware).

The language comes from the switcher's cookie, else ``Accept-Language``; the time zone
from the cookie the page's script sets from the browser (``Intl``), else UTC. Pages then
prefer a signed-in user's saved choices over the header (``web.templating``); a GraphQL
websocket may name its language in its ``connection_init`` payload (``app.api.ws``).
"""

from __future__ import annotations

from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from app.i18n.catalog import UTC, _locale, _timezone
from app.i18n.negotiation import LANGUAGE_COOKIE, TIMEZONE_COOKIE, negotiate, valid_timezone


class LocaleMiddleware:
    """Sets the current locale and time zone for the request it wraps."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        accept = cookie_header = None
        for name, value in scope.get("headers", ()):
            if name == b"accept-language":
                accept = value.decode("latin-1")
            elif name == b"cookie":
                cookie_header = value.decode("latin-1")
        cookies = cookie_parser(cookie_header) if cookie_header else {}
        locale = negotiate(accept, cookies.get(LANGUAGE_COOKIE))
        zone = valid_timezone(cookies.get(TIMEZONE_COOKIE)) or UTC
        locale_token = _locale.set(locale)
        zone_token = _timezone.set(zone)
        try:
            await self.app(scope, receive, send)
        finally:
            _locale.reset(locale_token)
            _timezone.reset(zone_token)
