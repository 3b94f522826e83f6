"""Server-sent events for pages: a room's bus events rendered as HTML fragments.

One stream per page. Each event is read back into its typed room event
(``app.rooms.events``) and rendered with ``events/<type>.html`` as ``data`` (types without
a template, unknown types and malformed data are skipped), then sent as an SSE event named
after the type with ``.`` → ``-``, which htmx's SSE extension swaps into elements with
``sse-swap="<name>"``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

from jinja2 import TemplateNotFound
from starlette.requests import Request

from app.accounts.models import User
from app.events import Event, get_bus
from app.rooms.events import payload_of, room_channel
from app.rooms.models import Room
from app.rooms.presence import get_presence
from web.templating import templates

HEARTBEAT = 15.0


def sse_name(event_type: str) -> str:
    return event_type.replace(".", "-")


def format_sse(name: str, html: str) -> str:
    lines = html.strip().splitlines() or [""]
    return f"event: {name}\n" + "".join(f"data: {line}\n" for line in lines) + "\n"


def render_event(event: Event, context: dict[str, Any]) -> str | None:
    """The fragment of a room event, or None when pages show nothing of it."""
    payload = payload_of(event)
    if payload is None:
        return None
    try:
        template = templates.get_template(f"events/{payload.type}.html")
    except TemplateNotFound:
        return None
    return template.render({**context, "event": event, "data": payload})


async def room_stream(
    request: Request, room: Room, user: User | None, can_moderate: bool, watching: bool = True
) -> AsyncIterator[str]:
    """The SSE stream of one room page; counts as a viewer while open (unless ``watching``
    is false: the streamer's console follows the room without being one of its viewers)."""
    context = {"room": room, "user": user, "can_moderate": can_moderate, "request": request}
    browser = request.cookies.get("lm_csrf", "")[:16]
    viewer_key = f"user:{user.id}" if user else (f"browser:{browser}" if browser else None)
    presence = (
        get_presence().watching(room.id, user.id if user else None, viewer_key)
        if watching
        else contextlib.nullcontext()
    )
    async with get_bus().subscribe(room_channel(room.id)) as events, presence:
        yield ": connected\n\n"
        iterator = events.__aiter__()
        while True:
            try:
                event = await asyncio.wait_for(iterator.__anext__(), HEARTBEAT)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            except StopAsyncIteration:
                return  # fell behind: the browser reconnects and reloads fragments
            html = render_event(event, context)
            if html is not None:
                yield format_sse(sse_name(event.type), html)
