"""Account pages: register, log in / out, forgot / reset password, account settings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.accounts import services as accounts
from app.accounts.models import User
from app.accounts.passwords import check_policy
from app.auth import CSRF_COOKIE, SESSION_COOKIE, client_ip, set_session_cookie
from app.errors import UserError
from app.i18n import _
from app.profiles import services as profiles
from web.forms import checked_form, field, is_htmx, load_user
from web.templating import render


def _login_response(request: Request, secret: str, to: str = "/") -> Response:
    response: Response
    if is_htmx(request):
        response = HTMLResponse("", headers={"HX-Redirect": to})
    else:
        response = RedirectResponse(to, status_code=303)
    set_session_cookie(
        response, secret, secure=request.app.state.settings.public_url.startswith("https")
    )
    return response


async def _merge_browser_profile(request: Request, user: User) -> None:
    """What this browser did before signing in joins the user's profile."""
    browser = request.cookies.get(CSRF_COOKIE, "")[:16]
    if browser:
        await profiles.merge_anonymous(user, f"browser:{browser}")


def _safe_next(value: str) -> str:
    return value if value.startswith("/") and not value.startswith("//") else "/"


async def register_page(request: Request) -> Response:
    await load_user(request)
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    picked: list[str] = []
    if request.method == "POST":
        form = await checked_form(request)
        values = {k: field(form, k, 300) for k in ("email", "display_name")}
        picked = [str(v)[:40] for v in form.getlist("interests")][:20]
        chosen: list[str] = []
        try:
            chosen = profiles.check_interests(picked)  # checked before the account exists
            user = await accounts.register(
                values["email"], field(form, "password", 300), values["display_name"]
            )
        except UserError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            if chosen:
                await profiles.update_interests(user, chosen)
            await _merge_browser_profile(request, user)
            return _login_response(request, await accounts.start_session(user))
    status = 422 if errors else 200
    ctx = {"values": values, "errors": errors, "categories": profiles.CATEGORIES, "picked": picked}
    return render(request, "accounts/register.html", ctx, status)


async def validate_field(request: Request) -> Response:
    """Inline validation for the register form (htmx, on change)."""
    form = await checked_form(request)
    name = request.path_params["name"]
    message = ""
    try:
        if name == "email":
            email = accounts.normalize_email(field(form, "email", 300))
            if await accounts.User.filter(email=email).exists():
                message = _("an account with this email already exists")
        elif name == "password":
            check_policy(field(form, "password", 300), field(form, "email", 300))
        elif name == "display_name":
            accounts.clean_display_name(field(form, "display_name", 300))
    except UserError as exc:
        message = exc.message
    return render(request, "partials/field_error.html", {"name": name, "message": message})


async def login_page(request: Request) -> Response:
    await load_user(request)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    next_url = _safe_next(request.query_params.get("next", "/"))
    if request.method == "POST":
        form = await checked_form(request)
        values = {"email": field(form, "email", 300)}
        next_url = _safe_next(field(form, "next", 300) or "/")
        try:
            user = await accounts.authenticate(
                values["email"], field(form, "password", 300), client_ip(request)
            )
        except UserError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            await _merge_browser_profile(request, user)
            return _login_response(request, await accounts.start_session(user), next_url)
    status = 422 if errors else 200
    ctx = {"values": values, "errors": errors, "next": next_url}
    return render(request, "accounts/login.html", ctx, status)


async def logout(request: Request) -> Response:
    await checked_form(request)
    await accounts.end_session(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def forgot_page(request: Request) -> Response:
    await load_user(request)
    errors: dict[str, str] = {}
    sent = False
    if request.method == "POST":
        form = await checked_form(request)
        try:
            await accounts.request_password_reset(
                field(form, "email", 300), request.app.state.settings.public_url
            )
            sent = True
        except UserError as exc:
            errors[exc.field or "form"] = exc.message
    return render(
        request, "accounts/forgot.html", {"errors": errors, "sent": sent}, 422 if errors else 200
    )


async def reset_page(request: Request) -> Response:
    await load_user(request)
    token = request.path_params["token"]
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = await checked_form(request)
        try:
            await accounts.reset_password(token, field(form, "password", 300))
        except UserError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            return RedirectResponse("/login?reset=1", status_code=303)
    return render(
        request, "accounts/reset.html", {"errors": errors, "token": token}, 422 if errors else 200
    )


async def account_page(request: Request) -> Response:
    user = await load_user(request)
    if user is None:
        return RedirectResponse("/login?next=/account", status_code=303)
    errors: dict[str, str] = {}
    notice = ""
    new_secret = None
    if request.method == "POST":
        form = await checked_form(request)
        action = field(form, "action", 40)
        try:
            if action == "change_password":
                await accounts.change_password(
                    user,
                    field(form, "current_password", 300),
                    field(form, "new_password", 300),
                    keep_session=request.cookies.get(SESSION_COOKIE),
                )
                notice = _("Password changed.")
            elif action == "create_token":
                created = await accounts.create_api_token(
                    user, field(form, "name", 100), field(form, "scope", 10)
                )
                new_secret = created.secret
                notice = _("Token created. Copy it now: it will not be shown again.")
            elif action == "revoke_token":
                token_id = field(form, "token_id", 20)
                if not (token_id.isascii() and token_id.isdigit()) or len(token_id) > 9:
                    raise UserError("INVALID_ID", "unknown token", "token_id")
                await accounts.revoke_api_token(user, int(token_id))
                notice = _("Token revoked.")
            else:
                raise UserError("INVALID_ACTION", "unknown action", None)
        except UserError as exc:
            errors[exc.field or "form"] = exc.message
    tokens = await accounts.list_api_tokens(user)
    ctx = {"errors": errors, "notice": notice, "tokens": tokens, "new_secret": new_secret}
    return render(request, "accounts/account.html", ctx, 422 if errors else 200)


routes = [
    Route("/register", register_page, methods=["GET", "POST"], name="register"),
    Route("/register/validate/{name:str}", validate_field, methods=["POST"]),
    Route("/login", login_page, methods=["GET", "POST"], name="login"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/forgot", forgot_page, methods=["GET", "POST"], name="forgot"),
    Route("/reset/{token:str}", reset_page, methods=["GET", "POST"], name="reset"),
    Route("/account", account_page, methods=["GET", "POST"], name="account"),
]
