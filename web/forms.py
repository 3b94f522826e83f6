"""Form helpers for pages: parse a posted form and check its CSRF token."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request

from app.accounts import services as accounts
from app.accounts.models import User
from app.auth import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, csrf_ok, principal_for
from app.i18n import current_locale, valid_timezone
from app.i18n.catalog import set_locale
from app.i18n.negotiation import TIMEZONE_COOKIE

MAX_FORM_BYTES = 64 * 1024


async def checked_form(request: Request) -> FormData:
    """The posted form, or 403 when its CSRF token is missing or wrong."""
    length = request.headers.get("content-length")
    if length and length.isascii() and length.isdigit() and int(length) > MAX_FORM_BYTES:
        raise HTTPException(413, "form too large")
    form = await request.form(max_files=0, max_fields=100)
    submitted = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
    if not csrf_ok(
        request, str(submitted) if submitted else None, request.app.state.settings.secret_key
    ):
        raise HTTPException(
            403, "Your form expired or came from another site. Reload the page and try again."
        )
    return form


async def load_user(request: Request) -> User | None:
    """The signed-in user of this browser (cached on ``request.state``).

    A signed-in user's saved language becomes the request's; the time zone their browser
    reports (the ``lm_tz`` cookie) is saved on the account when it changed, so mails and
    notifications show their times in it too."""
    if not hasattr(request.state, "user"):
        principal = await principal_for(session_secret=request.cookies.get(SESSION_COOKIE))
        await set_request_user(request, principal.user)
    return request.state.user


async def set_request_user(request: Request, user: User | None) -> None:
    """Make ``user`` (read from this request's session cookie by a page that reads it with
    more in one statement) the request's, as :func:`load_user` would."""
    request.state.user = user
    if user is not None:
        await _user_preferences(request, user)


async def _user_preferences(request: Request, user: User) -> None:
    if user.language:
        set_locale(user.language)
    reported = request.cookies.get(TIMEZONE_COOKIE)
    if reported and valid_timezone(reported) is not None:
        if reported != user.timezone:
            await accounts.set_timezone(user, reported)
    elif user.timezone:
        set_locale(current_locale(), valid_timezone(user.timezone))


def field(form: FormData, name: str, limit: int = 10_000) -> str:
    value = form.get(name)
    return str(value)[:limit] if isinstance(value, str) else ""


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"
