"""Server-sent events for pages: a room's bus events rendered as HTML fragments.

One stream per page; a signed-in viewer's stream also carries the room events meant for
them alone (``app.rooms.events.viewer_channel``: an auto-answer to their question). Each
event is read back into its typed room event (``app.rooms.events``) and rendered with
``events/<type>.html`` as ``data`` (types without a template, unknown types and malformed
data are skipped), then sent as an SSE event named after the type with ``.`` → ``-``,
which htmx's SSE extension swaps into elements with ``sse-swap="<name>"``.

A live room holds thousands of pages in one process, and every room event reaches each of
them. :class:`Fragments` does the work of an event once per process: the event is read
into its typed payload and its template looked up once, and its SSE message (text and
bytes) is made once per distinct render input (language, time zone, whether the page may
moderate, and whether someone is signed in) and shared by every page that shows the same;
a fragment that reads who the viewer is (a chat line's "report" button) is rendered for
that page alone. Pages that fell behind get a batch of waiting events in one write.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections import OrderedDict
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
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
SHARED_EVENTS = 256  # room events whose messages this process keeps for its other pages
VARIANTS_PER_EVENT = 32  # distinct render inputs kept per event (languages × zones × ...)


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


@dataclass(slots=True)
class Page:
    """One open page of a room, as its fragments see it; made once per stream. Its
    language and time zone are the request's (``app.i18n``), fixed for the stream."""

    context: dict[str, Any]  # room, user, can_moderate, request
    room_id: int | None
    user: User | None
    can_moderate: bool
    language: tuple[str, str]

    @classmethod
    def of(cls, context: dict[str, Any]) -> Page:
        room = context.get("room")
        return cls(
            context=context,
            room_id=room.id if room is not None else None,
            user=context.get("user"),
            can_moderate=bool(context.get("can_moderate")),
            language=(current_locale(), current_timezone().key),
        )


@dataclass(slots=True)
class RenderStats:
    """What :class:`Fragments` did: ``renders`` made a message kept for other pages,
    ``shared`` handed a page one made for another, ``personal`` rendered for one page
    alone (its fragment reads who the viewer is)."""

    events: int = 0
    renders: int = 0
    shared: int = 0
    personal: int = 0


class _SignedIn:
    """Stands for the signed-in viewer while a fragment renders for the first signed-in
    page: truthy like the user, and any other use (an attribute, a comparison, its text)
    reads the user and is noted. A fragment that only asked *whether* someone is signed in
    is the same for every signed-in page with the same other inputs, and is shared."""

    __slots__ = ("_lm_read", "_lm_user")

    def __init__(self, user: User) -> None:
        self._lm_user = user
        self._lm_read = False

    def _lm(self) -> Any:
        self._lm_read = True
        return self._lm_user

    def __bool__(self) -> bool:
        return True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._lm(), name)

    def __getitem__(self, key: Any) -> Any:
        return self._lm()[key]

    def __eq__(self, other: object) -> bool:
        return self._lm() == other

    def __ne__(self, other: object) -> bool:
        return self._lm() != other

    def __hash__(self) -> int:
        return hash(self._lm())

    def __str__(self) -> str:
        return str(self._lm())

    def __repr__(self) -> str:
        return repr(self._lm())

    def __iter__(self) -> Any:
        return iter(self._lm())

    def __len__(self) -> int:
        return len(self._lm())

    def __contains__(self, item: object) -> bool:
        return item in self._lm()


#: kept under a render input whose fragment turned out to read who the viewer is
_PERSONAL = b""


class _Prepared:
    """One room event as this process renders it: payload and template found once, and
    its SSE messages by render input."""

    __slots__ = ("event", "messages", "names", "payload", "sse", "template")

    def __init__(self, event: Event) -> None:
        self.event = event
        self.messages: dict[tuple[Any, ...], bytes] = {}
        found = _fragment_template(event)
        self.payload: Any = found[0] if found is not None else None
        self.template: Template | None = found[1] if found is not None else None
        self.names = viewer_names(self.template) if self.template is not None else None
        self.sse = sse_name(event.type)

    def render(self, page: Page, user: Any) -> bytes:
        assert self.template is not None
        html = self.template.render(
            {**page.context, "user": user, "event": self.event, "data": self.payload}
        )
        return format_sse(self.sse, html).encode()


class Fragments:
    """The SSE messages of room events for this process's open pages (see the module)."""

    def __init__(self, events: int = SHARED_EVENTS, variants: int = VARIANTS_PER_EVENT) -> None:
        self.limit = events
        self.variants = variants
        self.stats = RenderStats()
        self._events: OrderedDict[str, _Prepared] = OrderedDict()

    def _prepared(self, event: Event) -> _Prepared:
        found = self._events.get(event.id)
        if found is None or found.event.type != event.type:
            found = self._events[event.id] = _Prepared(event)
            self.stats.events += 1
            if len(self._events) > self.limit:
                self._events.popitem(last=False)
        return found

    def message(self, event: Event, page: Page) -> bytes | None:
        """The SSE message of ``event`` for ``page`` (bytes), or None when pages show
        nothing of it."""
        prepared = self._prepared(event)
        if prepared.template is None:
            return None
        names = prepared.names
        if names is None:
            return self._personal(prepared, page, page.user)
        user = page.user
        signed_in = "user" in names and user is not None
        key = (
            page.room_id,
            page.language,
            page.can_moderate if "can_moderate" in names else None,
            signed_in,
        )
        messages = prepared.messages
        found = messages.get(key)
        if found is not None:
            if found is _PERSONAL:
                return self._personal(prepared, page, user)
            self.stats.shared += 1
            return found
        if len(messages) >= self.variants:
            return self._personal(prepared, page, user)
        probe = _SignedIn(user) if signed_in and user is not None else None
        text = prepared.render(page, probe if probe is not None else user)
        if probe is not None and probe._lm_read:
            messages[key] = _PERSONAL  # it reads who the viewer is: theirs alone
            self.stats.personal += 1
            return text
        messages[key] = text
        self.stats.renders += 1
        return text

    def _personal(self, prepared: _Prepared, page: Page, user: User | None) -> bytes:
        self.stats.personal += 1
        return prepared.render(page, user)


fragments = Fragments()


KEEPALIVE = Event(type="", data={}, id="keep-alive")  # put in a quiet page's queue


class Heartbeats:
    """Keep-alive comments for quiet streams, from one timer per event loop instead of a
    timeout around each stream's every wait: every ``HEARTBEAT / 2`` s each stream that
    sent nothing since the last round finds :data:`KEEPALIVE` in its queue, so a quiet
    page hears from the server every 7.5 to 15 s."""

    def __init__(self, every: float = HEARTBEAT / 2) -> None:
        self.every = every
        self._quiet: dict[asyncio.Queue[Event | None], bool] = {}
        self._task: asyncio.Task[None] | None = None

    @contextlib.contextmanager
    def beating(self, queue: asyncio.Queue[Event | None]) -> Iterator[None]:
        """Keep ``queue``'s stream alive while the block runs."""
        self._quiet[queue] = True
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._task = loop.create_task(self._run())  # (a new loop: tests run one each)
        try:
            yield
        finally:
            self._quiet.pop(queue, None)
            if not self._quiet and self._task is not None:
                self._task.cancel()
                self._task = None

    def sent(self, queue: asyncio.Queue[Event | None], holding: bool = False) -> None:
        """``queue``'s stream just sent something; ``holding``: it still holds an event
        back (see :data:`PACED`), so the next round pokes it all the same."""
        self._quiet[queue] = holding

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            self.round()

    def round(self) -> None:
        """One round: a keep-alive to each stream quiet since the last one."""
        for queue, quiet in list(self._quiet.items()):
            if quiet:
                # full: it is busy anyway; RuntimeError: a stream of a closed loop
                with contextlib.suppress(asyncio.QueueFull, RuntimeError):
                    queue.put_nowait(KEEPALIVE)
            else:
                self._quiet[queue] = True


heartbeats = Heartbeats()


#: Event types that show only the newest value (the viewer count: every web process
#: publishes the room's total up to twice a second while viewers come and go): a page gets
#: at most one per this many seconds; one that comes sooner is held, replaced by newer ones,
#: and goes out with the page's next write (its keep-alive at the latest: the heartbeat
#: pokes a page that holds one), so the page ends on the newest. Others go out at once.
PACED: dict[str, float] = {"viewers": 2.0}


class Pacer:
    """One page's held newest events of the ``paced`` types (see :data:`PACED`)."""

    __slots__ = ("held", "last", "paced")

    def __init__(self, paced: dict[str, float]) -> None:
        self.paced = paced
        self.last: dict[str, float] = {}
        self.held: dict[str, Event] = {}

    def admit(self, event: Event, now: float) -> bool:
        """Whether ``event`` goes out now (else it is held, replacing an older one)."""
        gap = self.paced.get(event.type)
        if gap is None:
            return True
        if now - self.last.get(event.type, -gap) >= gap:
            self.last[event.type] = now
            self.held.pop(event.type, None)
            return True
        self.held[event.type] = event
        return False

    def due(self, now: float) -> list[Event]:
        """The held events whose time came (taken out)."""
        out = []
        for kind, event in list(self.held.items()):
            if now - self.last[kind] >= self.paced[kind]:
                out.append(event)
                del self.held[kind]
                self.last[kind] = now
        return out


async def room_stream(
    request: Request,
    room: Room,
    user: User | None,
    can_moderate: bool,
    watching: bool = True,
    paced: dict[str, float] = PACED,
) -> AsyncIterator[bytes]:
    """The SSE stream of one room page; counts as a viewer while open (unless ``watching``
    is false: the streamer's console follows the room without being one of its viewers)."""
    page = Page.of({"room": room, "user": user, "can_moderate": can_moderate, "request": request})
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
    loop = asyncio.get_running_loop()
    pacer = Pacer(paced)
    async with bus.subscribe(room_channel(room.id)) as events, own as private, presence:
        if private is not None:
            private.queue = events.queue  # the viewer's own events (auto-answers) join in
        queue = events.queue
        with heartbeats.beating(queue):
            yield b": connected\n\n"
            while True:
                chunk, more = _messages(await queue.get(), queue, page, pacer, loop.time())
                if chunk:
                    heartbeats.sent(queue, holding=bool(pacer.held))
                    yield chunk
                if not more:
                    return  # fell behind: the browser reconnects and reloads fragments


def _messages(
    first: Event | None,
    queue: asyncio.Queue[Event | None],
    page: Page,
    pacer: Pacer,
    now: float,
) -> tuple[bytes, bool]:
    """The messages of ``first``, of every event already waiting behind it and of the
    held paced events now due (see :data:`PACED`), as one chunk (one write to the socket);
    and whether the stream goes on (False after the bus's end-of-stream ``None``: this page
    fell behind)."""
    parts: list[bytes] = []
    event: Event | None = first
    while True:
        if event is None:
            return b"".join(parts), False
        if event is KEEPALIVE:
            parts.append(b": keep-alive\n\n")
        elif pacer.admit(event, now):
            message = fragments.message(event, page)
            if message is not None:
                parts.append(message)
        if queue.empty():
            break
        event = queue.get_nowait()
    for held in pacer.due(now):
        message = fragments.message(held, page)
        if message is not None:
            parts.append(message)
    return (parts[0] if len(parts) == 1 else b"".join(parts)), True


class EventStreamResponse(Response):
    """A ``text/event-stream`` of ``stream``, lighter than ``StreamingResponse`` for the
    thousands of idle viewers a live room holds: the stream runs in the request's own task,
    and one small task waits for the client to leave (then cancels the stream), instead of
    a task group with two tasks and their cancel scopes per connection. Chunks may be
    text or (shared, already encoded) bytes."""

    media_type = "text/event-stream"

    def __init__(self, stream: AsyncIterator[str] | AsyncIterator[bytes]) -> None:
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
                body = chunk if isinstance(chunk, bytes) else chunk.encode()
                await send({"type": "http.response.body", "body": body, "more_body": True})
        except asyncio.CancelledError:
            if not gone:
                raise
            task.uncancel()  # the client left: a normal end, not a cancellation
        finally:
            watcher.cancel()
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await self.stream.aclose()  # type: ignore[union-attr]
        if not gone:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
