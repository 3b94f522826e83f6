"""Jinja templates with the things every page needs: the user and the CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from app.auth import CSRF_COOKIE, csrf_token_for
from app.rooms.services import viewer_status
from web.formatting import JINJA_GLOBALS

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"
templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
templates.env.globals.update(JINJA_GLOBALS, room_viewer_status=viewer_status)


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
