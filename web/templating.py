"""Jinja templates with the things every page needs: the user, the CSRF token, and the
viewer's language (Jinja's i18n extension over ``app.i18n``: ``{{ _("...") }}`` and
``{% trans %}``) with the locale's money, number and date formats in the viewer's zone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from app.auth import CSRF_COOKIE, csrf_token_for
from app.i18n import LANGUAGE_NAMES, SUPPORTED_LOCALES, current_locale, formatting
from app.i18n.catalog import translations
from app.rooms.services import category_label, viewer_status
from web.formatting import JINJA_GLOBALS
from web.page_keys import personal

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
templates = Jinja2Templates(
    env=jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(),
        extensions=["jinja2.ext.i18n"],
    )
)


def _gettext(message: str) -> str:
    return translations(current_locale()).gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, n)


def html_lang() -> str:
    """The ``lang`` attribute of the page (BCP 47: ``en``, ``zh-CN``)."""
    return current_locale().replace("_", "-")


templates.env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
templates.env.globals.update(
    current_locale=current_locale,
    html_lang=html_lang,
    languages=[(code, LANGUAGE_NAMES[code]) for code in SUPPORTED_LOCALES],
    format_money=formatting.format_money,
    format_number=formatting.format_number,
    format_amount=formatting.format_decimal_money,
    format_percent=formatting.format_percent,
    format_datetime=formatting.format_datetime,
    format_date=formatting.format_date,
    format_time=formatting.format_time,
    format_duration=formatting.format_duration,
    timezone_name=formatting.timezone_name,
)
templates.env.filters.update(
    money=formatting.format_money,
    number=formatting.format_number,
    percent=formatting.format_percent,
    datetime=formatting.format_datetime,
    date=formatting.format_date,
    time=formatting.format_time,
)
templates.env.globals.update(
    JINJA_GLOBALS,
    room_viewer_status=viewer_status,
    category_label=category_label,
    personal=personal,  # a part that differs from viewer to viewer (web.page_keys)
)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> HTMLResponse:
    """Render a template; sets the CSRF cookie that its forms echo back."""
    settings = request.app.state.settings
    token = csrf_token_for(request, settings.secret_key)
    values = {
        "request": request,
        "user": getattr(request.state, "user", None),
        "csrf_token": token,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, values, status_code=status_code)
    return with_csrf_cookie(request, response, token)


def page_csrf_token(request: Request) -> str:
    """The CSRF token a page rendered for ``request`` carries (see :func:`render`)."""
    return csrf_token_for(request, request.app.state.settings.secret_key)


def with_csrf_cookie(request: Request, response: HTMLResponse, token: str) -> HTMLResponse:
    """``response`` setting the CSRF cookie to ``token`` when the browser lacks it."""
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(
            CSRF_COOKIE,
            token,
            httponly=False,
            samesite="strict",
            secure=request.app.state.settings.public_url.startswith("https"),
            path="/",
        )
    return response
