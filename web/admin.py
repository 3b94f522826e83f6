"""The lightweight admin page for site moderators and admins: live rooms, a live chat
queue with one-click actions, open reports, banned words and the audit log.

Anonymous visitors are sent to log in; everyone else who is not a moderator or admin gets
a 403 page. The chat queue appends the messages newer than the last it shows every 2 s
(``/admin/queue?after=<id>``; focus stays where it is); every section reloads whenever an
action answers with the ``admin-refresh`` trigger (see :func:`web.chat.notice`; buttons
have stable ids, so htmx keeps the focus on the same button). Active bans and mutes are
listed with their undo (unban, unmute).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.chat import services as chat
from app.errors import UserError
from app.i18n import _
from app.moderation import services as moderation
from web.chat import message_view, run_action
from web.forms import field, load_user
from web.templating import render

QUEUE_SIZE = 50
LIST_SIZE = 50


async def _queue(user: User, after: int = 0) -> dict[str, Any]:
    """The chat queue, oldest first: the latest :data:`QUEUE_SIZE` messages of live rooms,
    or with ``after`` only those newer than that message id (the page appends them, so
    the list it shows, and the keyboard focus in it, stay put). Each item says whether
    its author is banned or muted in that room."""
    messages = [
        m for m in await chat.latest_in_live_rooms(QUEUE_SIZE) if m.id > after
    ]  # newest first
    messages.reverse()
    marks = await moderation.sanction_marks([(m.room.id, m.user_id) for m in messages])
    queue = [
        {
            **message_view(m),
            **marks[(m.room.id, m.user_id)],
            "room_id": m.room.id,
            "room_title": m.room.title,
        }
        for m in messages
    ]
    cursor = max([after, *(m.id for m in messages)])
    return {"queue": queue, "queue_cursor": cursor, "queue_appending": after > 0}


async def _sanctions(user: User) -> dict[str, Any]:
    return {"sanctions": await moderation.active_sanctions(user, LIST_SIZE)}


async def _rooms(user: User) -> dict[str, Any]:
    return {"live_rooms": await moderation.live_rooms(user)}


async def _reports(user: User) -> dict[str, Any]:
    return {"reports": await moderation.list_reports(user, "open", limit=LIST_SIZE)}


async def _words(user: User) -> dict[str, Any]:
    return {"banned_words": await moderation.banned_words(user)}


async def _audit(user: User) -> dict[str, Any]:
    return {"audit": await moderation.list_audit_log(user, limit=LIST_SIZE)}


PARTS: dict[str, Callable[[User], Awaitable[dict[str, Any]]]] = {
    "queue": _queue,
    "sanctions": _sanctions,
    "rooms": _rooms,
    "reports": _reports,
    "words": _words,
    "audit": _audit,
}


async def _moderator(request: Request) -> User | Response:
    """The signed-in site moderator, or the response that turns the visitor away."""
    user = await load_user(request)
    if user is None:
        if request.headers.get("hx-request"):
            raise HTTPException(401, "Log in first.")
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if not user.is_moderator:
        message = _("The admin page is for moderators.")
        return render(request, "error.html", {"status": 403, "message": message}, 403)
    return user


async def admin_page(request: Request) -> Response:
    """GET /admin: every section."""
    user = await _moderator(request)
    if isinstance(user, Response):
        return user
    ctx: dict[str, Any] = {}
    for part in PARTS.values():
        ctx.update(await part(user))
    return render(request, "admin/index.html", ctx)


async def admin_part(request: Request) -> Response:
    """GET /admin/queue and /admin/parts/{name}: one section, for htmx refreshes."""
    name = request.path_params.get("name", "queue")
    if name not in PARTS:
        raise HTTPException(404, "No such section.")
    user = await _moderator(request)
    if isinstance(user, Response):
        return user
    if name == "queue":
        raw = request.query_params.get("after", "")
        after = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 12 else 0
        return render(request, "admin/_queue.html", await _queue(user, after))
    return render(request, f"admin/_{name}.html", await PARTS[name](user))


def _room_id(form: FormData) -> int | None:
    raw = field(form, "room_id", 20).strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise UserError("INVALID_INPUT", "choose a room", "roomId")
    return int(raw)


async def resolve_report(request: Request) -> Response:
    """POST /admin/reports/{id}/resolve with action dismiss / delete_message / ban_user."""
    report_id = request.path_params["report_id"]

    async def action(user: User, form: FormData) -> str:
        what = field(form, "action", 40)
        await moderation.resolve_report(user, report_id, what)
        return {
            "dismiss": _("Report dismissed."),
            "delete_message": _("Message deleted."),
            "ban_user": _("Message deleted and its author banned."),
        }[what]

    return await run_action(request, action)


async def add_word(request: Request) -> Response:
    """POST /admin/banned-words with ``word`` and an optional ``room_id`` (empty: global)."""

    async def action(user: User, form: FormData) -> str:
        found = await moderation.add_banned_word(user, _room_id(form), field(form, "word", 200))
        if found.is_global:
            return _("“%(word)s” is banned everywhere.", word=found.word)
        return _("“%(word)s” is banned in that room.", word=found.word)

    return await run_action(request, action)


async def remove_word(request: Request) -> Response:
    word_id = request.path_params["word_id"]

    async def action(user: User, form: FormData) -> str:
        found = await moderation.remove_banned_word(user, word_id)
        return _("“%(word)s” is allowed again.", word=found.word)

    return await run_action(request, action)


async def stop_room(request: Request) -> Response:
    room_id = request.path_params["room_id"]

    async def action(user: User, form: FormData) -> str:
        room = await moderation.stop_stream(user, room_id)
        return _("“%(title)s” was stopped.", title=room.title)

    return await run_action(request, action)


routes = [
    Route("/admin", admin_page, name="admin"),
    Route("/admin/queue", admin_part),
    Route("/admin/parts/{name:str}", admin_part),
    Route("/admin/reports/{report_id:int}/resolve", resolve_report, methods=["POST"]),
    Route("/admin/banned-words", add_word, methods=["POST"]),
    Route("/admin/banned-words/{word_id:int}/delete", remove_word, methods=["POST"]),
    Route("/admin/rooms/{room_id:int}/stop", stop_room, methods=["POST"]),
]
