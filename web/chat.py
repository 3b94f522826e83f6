"""Chat pages: the room's chat panel, sending messages, and the moderators' one-click
actions (delete, mute, ban, slow mode) and viewers' reports.

Every rule lives in :mod:`app.chat.services` and :mod:`app.moderation.services`; these
routes only translate forms and errors. htmx requests get a fragment back (status 422 for
something the user can fix, 403 when not allowed); plain form posts are redirected back.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

from markupsafe import escape
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.chat import services as chat
from app.chat.models import MAX_LENGTH, ChatMessage
from app.errors import AuthRequired, UserError
from app.i18n import N_, _
from app.moderation import services as moderation
from app.rooms.models import Room
from app.rooms.services import can_moderate
from app.rooms.viewer_state import ViewerState
from web.forms import checked_form, field, is_htmx, load_user
from web.templating import render

PANEL = "rooms/panels/chat.html"
BADGE_LABELS = {"streamer": N_("Streamer"), "moderator": N_("Mod"), "top_gifter": N_("Top gifter")}


def message_view(message: ChatMessage) -> dict[str, Any]:
    """A message as the templates show it (the fields of its ``chat.message`` event)."""
    return chat.message_event(message, message.user).as_dict()


async def chat_shared(room: Room) -> dict[str, Any]:
    """The chat panel as every viewer sees it (the anonymous view)."""
    return {
        "chat_messages": [message_view(m) for m in await chat.recent(room.id, 50)],
        "chat_can_moderate": False,
        "chat_muted_until": None,
        "chat_banned": False,
        "chat_max_length": MAX_LENGTH,
    }


async def chat_personal(
    request: Request, room: Room, user: User, shared: dict[str, Any], state: ViewerState
) -> dict[str, Any]:
    """The signed-in viewer's part of the chat panel: moderation rights, mute and ban."""
    return {
        "chat_can_moderate": can_moderate(user, room),
        "chat_muted_until": state.muted_until,
        "chat_banned": state.banned,
    }


async def chat_context(request: Request, room: Room, user: User | None) -> dict[str, Any]:
    """The chat panel's part of the room page context."""
    messages = await chat.recent(room.id, 50)
    return {
        "chat_messages": [message_view(m) for m in messages],
        "chat_can_moderate": can_moderate(user, room),
        "chat_muted_until": await chat.active_mute(room.id, user.id) if user else None,
        "chat_banned": await chat.is_banned(room.id, user.id) if user else False,
        "chat_max_length": MAX_LENGTH,
    }


def error_status(exc: UserError) -> int:
    """403 when not allowed, 404 for unknown objects, 422 for everything else."""
    if exc.code in ("FORBIDDEN", "UNAUTHENTICATED"):
        return 403
    if exc.code == "NOT_FOUND":
        return 404
    return 422


def _back(request: Request, form: FormData | None, room_id: int | None) -> str:
    target = field(form, "next", 300) if form is not None else ""
    if target.startswith("/") and not target.startswith("//"):
        return target
    return f"/rooms/{room_id}" if room_id else "/"


def notice(text: str, status: int = 200, ok: bool = True) -> HTMLResponse:
    """An htmx fragment for ``#chat-notice`` / ``#admin-notice``; asks the admin page to
    refresh its lists after a change."""
    css = "notice" if ok else "error-message"
    headers = {"HX-Trigger": "admin-refresh"} if ok else {}
    return HTMLResponse(
        f'<span class="{css}" role="status" data-testid="notice">{escape(text)}</span>',
        status_code=status,
        headers=headers,
    )


Action = Callable[[User, FormData], Awaitable[str]]


async def run_action(request: Request, action: Action, room_id: int | None = None) -> Response:
    """Check the form's CSRF token and the user, run ``action``; answer htmx with a notice
    and plain posts with a redirect back (or an error page)."""
    form = await checked_form(request)
    user = await load_user(request)
    try:
        if user is None:
            raise AuthRequired()
        done = await action(user, form)
    except UserError as exc:
        status = error_status(exc)
        if is_htmx(request):
            return notice(exc.message, status, ok=False)
        return render(request, "error.html", {"status": status, "message": exc.message}, status)
    if is_htmx(request):
        return notice(done)
    return RedirectResponse(_back(request, form, room_id), status_code=303)


def _int(form: FormData, name: str, field_name: str) -> int:
    raw = field(form, name, 20).strip()
    digits = raw.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 9:
        raise UserError(
            "INVALID_INPUT", "{name} must be a number", field_name, {"name": name.replace("_", " ")}
        )
    return int(raw)


async def send_message(request: Request) -> Response:
    """POST /rooms/{room_id}/chat: the cleared form, or the form with the error (422)."""
    room_id = request.path_params["room_id"]
    form = await checked_form(request)
    user = await load_user(request)
    text = field(form, "text", 2000)
    try:
        if user is None:
            raise AuthRequired()
        await chat.post_message(user, room_id, text)
    except UserError as exc:
        status = error_status(exc)
        if not is_htmx(request):
            return render(request, "error.html", {"status": status, "message": exc.message}, status)
        ctx = {"chat_part": "form", "room_id": room_id, "chat_error": exc.message, "text": text}
        if exc.code in ("MUTED", "BANNED", "ROOM_NOT_LIVE", "UNAUTHENTICATED"):
            ctx["text"] = ""
        return render(request, PANEL, ctx, status)
    if not is_htmx(request):
        return RedirectResponse(f"/rooms/{room_id}", status_code=303)
    return render(request, PANEL, {"chat_part": "form", "room_id": room_id})


async def delete_message(request: Request) -> Response:
    message_id = request.path_params["message_id"]

    async def action(user: User, form: FormData) -> str:
        await chat.delete_message(user, message_id)
        return _("Message deleted.")

    return await run_action(request, action, request.path_params["room_id"])


async def report_message(request: Request) -> Response:
    """POST …/report with ``reason`` (or htmx's ``HX-Prompt`` answer)."""
    message_id = request.path_params["message_id"]

    async def action(user: User, form: FormData) -> str:
        reason = field(form, "reason", 1000) or unquote(request.headers.get("hx-prompt", ""))
        await moderation.report_message(user, message_id, reason)
        return _("Thanks: the moderators will look at it.")

    return await run_action(request, action, request.path_params["room_id"])


async def mute_user(request: Request) -> Response:
    room_id = request.path_params["room_id"]

    async def action(user: User, form: FormData) -> str:
        minutes = _int(form, "minutes", "minutes") if field(form, "minutes", 20) else 10
        mute = await moderation.mute(user, room_id, _int(form, "user_id", "userId"), minutes)
        return _("%(name)s is muted for %(n)s min.", name=mute.user.display_name, n=minutes)

    return await run_action(request, action, room_id)


async def unmute_user(request: Request) -> Response:
    room_id = request.path_params["room_id"]

    async def action(user: User, form: FormData) -> str:
        await moderation.unmute(user, room_id, _int(form, "user_id", "userId"))
        return _("Mute lifted.")

    return await run_action(request, action, room_id)


async def ban_user(request: Request) -> Response:
    room_id = request.path_params["room_id"]

    async def action(user: User, form: FormData) -> str:
        ban = await moderation.ban(user, room_id, _int(form, "user_id", "userId"))
        return _("%(name)s is banned from this chat.", name=ban.user.display_name)

    return await run_action(request, action, room_id)


async def unban_user(request: Request) -> Response:
    room_id = request.path_params["room_id"]

    async def action(user: User, form: FormData) -> str:
        await moderation.unban(user, room_id, _int(form, "user_id", "userId"))
        return _("Ban lifted.")

    return await run_action(request, action, room_id)


async def slow_mode(request: Request) -> Response:
    room_id = request.path_params["room_id"]

    async def action(user: User, form: FormData) -> str:
        seconds = _int(form, "seconds", "seconds")
        await moderation.set_slow_mode(user, room_id, seconds)
        return _("Slow mode: %(n)s s.", n=seconds) if seconds else _("Slow mode is off.")

    return await run_action(request, action, room_id)


routes = [
    Route("/rooms/{room_id:int}/chat", send_message, methods=["POST"], name="chat_send"),
    Route(
        "/rooms/{room_id:int}/messages/{message_id:int}/delete", delete_message, methods=["POST"]
    ),
    Route(
        "/rooms/{room_id:int}/messages/{message_id:int}/report", report_message, methods=["POST"]
    ),
    Route("/rooms/{room_id:int}/mute", mute_user, methods=["POST"]),
    Route("/rooms/{room_id:int}/unmute", unmute_user, methods=["POST"]),
    Route("/rooms/{room_id:int}/ban", ban_user, methods=["POST"]),
    Route("/rooms/{room_id:int}/unban", unban_user, methods=["POST"]),
    Route("/rooms/{room_id:int}/slow-mode", slow_mode, methods=["POST"]),
]
