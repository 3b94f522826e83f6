"""Server-sent events for pages: a room's bus events rendered as HTML fragments.

One stream per page; a signed-in viewer's stream also carries the room events meant for
them alone (``app.rooms.events.viewer_channel``: an auto-answer to their question). Each
event is read back into its typed room event (``app.rooms.events``) and rendered with
``events/<type>.html`` as ``data`` (types without a template, unknown types and malformed
data are skipped), then sent as an SSE event named after the type with ``.`` → ``-``,
which htmx's SSE extension swaps into elements with ``sse-swap="<name>"``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections import OrderedDict
from collections.abc import AsyncIterator
from typing import Any

from jinja2 import Template, TemplateNotFound, meta, nodes
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from app.accounts.models import User
from app.events import Event, get_bus
from app.i18n import current_locale, current_timezone
from app.rooms.events import payload_of, room_channel, viewer_channel
from app.rooms.models import Room
from app.rooms.presence import get_presence
from web.templating import templates

HEARTBEAT = 15.0


def sse_name(event_type: str) -> str:
    return event_type.replace(".", "-")


def format_sse(name: str, html: str) -> str:
    lines = html.strip().splitlines() or [""]
    return f"event: {name}\n" + "".join(f"data: {line}\n" for line in lines) + "\n"


def _fragment_template(event: Event) -> tuple[Any, Template] | None:
    payload = payload_of(event)
    if payload is None:
        return None
    try:
        return payload, templates.get_template(f"events/{payload.type}.html")
    except TemplateNotFound:
        return None


def render_event(event: Event, context: dict[str, Any]) -> str | None:
    """The fragment of a room event, or None when pages show nothing of it."""
    found = _fragment_template(event)
    if found is None:
        return None
    payload, template = found
    return template.render({**context, "event": event, "data": payload})


VIEWER_NAMES = frozenset({"user", "can_moderate"})  # what may differ between a room's pages
SHARED_RENDERS = 512  # fragments kept for the other connections of the process


@functools.lru_cache(maxsize=256)  # keyed by the template object: a reloaded one is new
def viewer_names(template: Template) -> tuple[str, ...] | None:
    """The names of a room page's context that a fragment template reads besides the
    event, or None when its output cannot be shared (it reads the request, includes or
    extends templates, or imports macros with the context: what those read is not seen)."""
    assert templates.env.loader is not None
    source = templates.env.loader.get_source(templates.env, template.name or "")[0]
    ast = templates.env.parse(source)
    if any(True for _ in ast.find_all((nodes.Include, nodes.Extends))) or any(
        getattr(node, "with_context", True)
        for node in ast.find_all((nodes.Import, nodes.FromImport))
    ):  # macros imported without the context see only what they are passed
        return None
    names = meta.find_undeclared_variables(ast)
    if "request" in names:
        return None
    return tuple(sorted(names & VIEWER_NAMES))


_shared: OrderedDict[tuple[Any, ...], str] = OrderedDict()


def render_shared(event: Event, context: dict[str, Any]) -> str | None:
    """`render_event` for a room's many open pages: a fragment is rendered once per event
    and per value of what it reads of the viewer (most read nothing; a chat line reads
    whether the viewer moderates), and the other connections of this process reuse it.

    A flash sale's events reached every viewer's stream, each rendering the same HTML
    (31% of a join-storm's server time); now a room of thousands renders each one once.
    """
    found = _fragment_template(event)
    if found is None:
        return None
    payload, template = found
    names = viewer_names(template)
    if names is None:
        return template.render({**context, "event": event, "data": payload})
    viewer = tuple(_viewer_value(name, context.get(name)) for name in names)
    room = context.get("room")
    # the viewer's language and time zone are part of what a fragment shows
    language = (current_locale(), current_timezone().key)
    key = (event.id, template.name, room.id if room is not None else None, viewer, language)
    html = _shared.get(key)
    if html is None:
        html = template.render({**context, "event": event, "data": payload})
        _shared[key] = html
        if len(_shared) > SHARED_RENDERS:
            _shared.popitem(last=False)
    return html


def _viewer_value(name: str, value: Any) -> Any:
    if name == "user":
        return value.id if value is not None else None
    return bool(value)


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
    bus = get_bus()
    own = (
        bus.subscribe(viewer_channel(room.id, user.id))
        if user is not None
        else contextlib.nullcontext(None)
    )
    async with bus.subscribe(room_channel(room.id)) as events, own as private, presence:
        if private is not None:
            private.queue = events.queue  # the viewer's own events (auto-answers) join in
        yield ": connected\n\n"
        queue = events.queue
        while True:
            try:
                async with asyncio.timeout(HEARTBEAT):  # no task per wait (wait_for makes one)
                    event = await queue.get()
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            if event is None:
                return  # fell behind: the browser reconnects and reloads fragments
            html = render_shared(event, context)
            if html is not None:
                yield format_sse(sse_name(event.type), html)


class EventStreamResponse(Response):
    """A ``text/event-stream`` of ``stream``, lighter than ``StreamingResponse`` for the
    thousands of idle viewers a live room holds: the stream runs in the request's own task,
    and one small task waits for the client to leave (then cancels the stream), instead of
    a task group with two tasks and their cancel scopes per connection."""

    media_type = "text/event-stream"

    def __init__(self, stream: AsyncIterator[str]) -> None:
        super().__init__(headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self.raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
        self.stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        task = asyncio.current_task()
        assert task is not None
        gone = False

        async def watch() -> None:
            nonlocal gone
            while (await receive())["type"] != "http.disconnect":
                pass
            gone = True
            task.cancel()

        watcher = asyncio.get_running_loop().create_task(watch())
        try:
            async for chunk in self.stream:
                await send(
                    {"type": "http.response.body", "body": chunk.encode(), "more_body": True}
                )
        except asyncio.CancelledError:
            if not gone:
                raise
            task.uncancel()  # the client left: a normal end, not a cancellation
        finally:
            watcher.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self.stream.aclose()  # type: ignore[attr-defined]
        if not gone:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
