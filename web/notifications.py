"""The notification centre: the bell's SSE stream (every page of a signed-in user), the
notifications page (mark read), the settings page (per kind and channel, quiet hours,
browser push), the push subscription endpoints, the service worker, and the one-click
unsubscribe of the mails."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from functools import cache
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from app.errors import UserError
from app.i18n import gettext
from app.notify import prefs, services
from app.notify.hub import get_hub, read_changed
from app.notify.models import Channel, Kind
from app.notify.push import application_server_key, vapid_key
from web.forms import checked_form, field, is_htmx, load_user
from web.sse import HEARTBEAT, EventStreamResponse, format_sse
from web.templating import STATIC_DIR, render, templates

MAX_JSON = 8 * 1024


def bell_html(count: int) -> str:
    return templates.get_template("partials/bell_count.html").render({"count": count})


async def bell_stream(user_id: int) -> AsyncIterator[str]:
    """The user's unread count now, then each time it changes (``event: bell``)."""
    hub = get_hub()
    listening = hub.listen(user_id) if hub is not None else contextlib.nullcontext(None)
    with listening as counts:
        yield format_sse("bell", bell_html(await services.unread_count(user_id)))
        while True:
            if counts is None:
                await asyncio.sleep(HEARTBEAT)
                yield ": keep-alive\n\n"
                continue
            try:
                async with asyncio.timeout(HEARTBEAT):
                    count = await counts.get()
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            yield format_sse("bell", bell_html(count))


async def stream(request: Request) -> Response:
    user = await load_user(request)
    if user is None:
        raise HTTPException(403, "sign in to get notifications")
    return EventStreamResponse(bell_stream(user.id))


async def _require_user(request: Request, to: str) -> Response | None:
    if await load_user(request) is None:
        return RedirectResponse(f"/login?next={to}", status_code=303)
    return None


async def notifications_page(request: Request) -> Response:
    if (redirect := await _require_user(request, "/notifications")) is not None:
        return redirect
    user = request.state.user
    raw = request.query_params.get("before", "")
    before = int(raw) if raw.isascii() and raw.isdigit() else None
    items = await services.recent(user.id, before=before)
    return render(
        request,
        "notifications/list.html",
        {
            "items": items,
            "unread": await services.unread_count(user.id),
            "older": items[-1].id if len(items) == services.PAGE else None,
        },
    )


async def mark_read(request: Request) -> Response:
    form = await checked_form(request)
    user = await load_user(request)
    if user is None:
        raise HTTPException(403, "sign in first")
    raw = field(form, "id", 20)
    try:
        if raw and not (raw.isascii() and raw.isdigit()):
            raise UserError("NOT_FOUND", "notification not found", "id")
        await services.mark_read(user.id, int(raw) if raw else None)
    except UserError as exc:
        if is_htmx(request):
            return HTMLResponse(
                f'<span class="error-message" role="alert">{exc.message}</span>', 422
            )
        raise HTTPException(404, exc.message) from None
    await read_changed(user.id)
    target = field(form, "next", 300)
    if target.startswith("/") and not target.startswith("//"):
        return RedirectResponse(target, status_code=303)
    return RedirectResponse("/notifications", status_code=303)


@cache
def _public_key(var_dir: Path) -> str:
    return application_server_key(vapid_key(var_dir))


def _settings_context(
    request: Request, chosen: dict[tuple[Kind, Channel], bool], quiet: prefs.QuietHours
) -> dict[str, object]:
    return {
        "kinds": [(kind, gettext(prefs.LABELS[kind])) for kind in Kind],
        "channels": [(channel, gettext(prefs.CHANNEL_LABELS[channel])) for channel in Channel],
        "chosen": chosen,
        "quiet": quiet,
        "quiet_start": prefs.clock(quiet.start),
        "quiet_end": prefs.clock(quiet.end),
        "push_key": _public_key(request.app.state.settings.var_dir),
    }


async def settings_page(request: Request) -> Response:
    if (redirect := await _require_user(request, "/notifications/settings")) is not None:
        return redirect
    user = request.state.user
    errors: dict[str, str] = {}
    notice = ""
    status = 200
    if request.method == "POST":
        form = await checked_form(request)
        enabled = {
            (kind, channel)
            for kind in Kind
            for channel in Channel
            if form.get(f"{kind.value}:{channel.value}") == "on"
        }
        try:
            await prefs.set_quiet_hours(
                user.id,
                field(form, "time_zone", 64),
                field(form, "quiet_start", 5),
                field(form, "quiet_end", 5),
            )
            await prefs.set_preferences(user.id, enabled)
            notice = "Saved."
        except UserError as exc:
            errors[exc.field or "form"] = exc.message
            status = 422
    context = _settings_context(
        request, await prefs.preferences(user.id), await prefs.quiet_hours(user.id)
    )
    context.update({"errors": errors, "notice": notice,
                    "subscriptions": await services.push_subscription_count(user.id)})  # fmt: skip
    return render(request, "notifications/settings.html", context, status)


async def _json_body(request: Request) -> dict[str, object]:
    from app.auth import CSRF_HEADER, csrf_ok

    if not csrf_ok(
        request, request.headers.get(CSRF_HEADER), request.app.state.settings.secret_key
    ):
        raise HTTPException(403, "reload the page and try again")
    body = await request.body()
    if len(body) > MAX_JSON:
        raise HTTPException(413, "too large")
    try:
        data = json.loads(body or b"{}")
    except ValueError:
        raise HTTPException(400, "expected JSON") from None
    if not isinstance(data, dict):
        raise HTTPException(400, "expected a JSON object")
    return data


async def push_subscribe(request: Request) -> Response:
    """Keep the browser's ``PushSubscription.toJSON()``."""
    data = await _json_body(request)
    user = await load_user(request)
    if user is None:
        raise HTTPException(403, "sign in first")
    keys = data.get("keys") if isinstance(data.get("keys"), dict) else {}
    assert isinstance(keys, dict)
    try:
        await services.subscribe_push(
            user.id, str(data.get("endpoint", "")), str(keys.get("p256dh", "")),
            str(keys.get("auth", "")),
            allow_private=request.app.state.settings.push_private_endpoints,
        )  # fmt: skip
    except UserError as exc:
        return JSONResponse({"ok": False, "code": exc.code, "message": exc.message}, 422)
    return JSONResponse({"ok": True})


async def push_unsubscribe(request: Request) -> Response:
    data = await _json_body(request)
    user = await load_user(request)
    if user is None:
        raise HTTPException(403, "sign in first")
    removed = await services.unsubscribe_push(user.id, str(data.get("endpoint", "")))
    return JSONResponse({"ok": True, "removed": removed})


async def service_worker(request: Request) -> Response:
    """The push service worker, served from the root so its scope is the whole site."""
    return FileResponse(
        STATIC_DIR / "js" / "notify-sw.js",
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache"},
    )


async def unsubscribe(request: Request) -> Response:
    """A mail's unsubscribe link: opening it (or a mail client's RFC 8058 one-click POST)
    turns that kind of mail off; no sign-in needed, the link is signed."""
    token = request.path_params["token"]
    try:
        _, kind = await prefs.unsubscribe(request.app.state.settings.secret_key, token)
    except UserError as exc:
        return render(request, "error.html", {"status": 400, "message": exc.message}, 400)
    if request.method == "POST":
        return HTMLResponse("unsubscribed")
    return render(
        request, "notifications/unsubscribed.html", {"label": gettext(prefs.LABELS[kind])}
    )


routes = [
    Route("/notifications", notifications_page, name="notifications"),
    Route("/notifications/stream", stream),
    Route("/notifications/read", mark_read, methods=["POST"]),
    Route("/notifications/settings", settings_page, methods=["GET", "POST"]),
    Route("/notifications/push/subscribe", push_subscribe, methods=["POST"]),
    Route("/notifications/push/unsubscribe", push_unsubscribe, methods=["POST"]),
    Route("/notifications/unsubscribe/{token:str}", unsubscribe, methods=["GET", "POST"]),
    Route("/sw.js", service_worker),
]
