"""The language switcher: a plain form POST (works without JavaScript) that sets the
language cookie and, for a signed-in user, saves the choice on the account."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts import services as accounts
from app.errors import UserError
from app.i18n.negotiation import LANGUAGE_COOKIE, normalize_locale
from web.forms import checked_form, field, load_user
from web.templating import render

LANGUAGE_COOKIE_AGE = 365 * 24 * 3600


def _safe_next(value: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") else "/"


async def choose_language(request: Request) -> Response:
    """``POST /language`` (``language``, ``next``): speak that language from now on."""
    form = await checked_form(request)
    user = await load_user(request)
    locale = normalize_locale(field(form, "language", 20))
    if locale is None:
        message = UserError("INVALID_LANGUAGE", "choose English or Simplified Chinese").message
        return render(request, "error.html", {"status": 422, "message": message}, 422)
    if user is not None:
        await accounts.set_language(user, locale)
    response = RedirectResponse(_safe_next(field(form, "next", 300) or "/"), status_code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        locale,
        max_age=LANGUAGE_COOKIE_AGE,
        httponly=False,
        samesite="lax",
        secure=request.app.state.settings.public_url.startswith("https"),
        path="/",
    )
    return response


routes = [Route("/language", choose_language, methods=["POST"], name="language")]
