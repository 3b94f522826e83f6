"""Room pages: the live room (video, panels, SSE), likes, follows, and the studio."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable
from datetime import UTC, datetime
from typing import Any

from markupsafe import escape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.auth import SESSION_COOKIE
from app.commerce import coupons, orders
from app.commerce.models import Product
from app.errors import UserError
from app.gifts import services as gifts
from app.i18n import N_, _, current_locale, current_timezone
from app.moderation import services as moderation
from app.recognition import services as recognition
from app.rooms import likes
from app.rooms import services as rooms
from app.rooms.models import Room, RoomStatus
from app.rooms.neighbours import live_neighbours
from app.rooms.presence import get_presence
from app.rooms.viewer_state import ViewerState, session_viewer
from web import chat
from web.chat import chat_context, error_status
from web.forms import checked_form, field, is_htmx, load_user, set_request_user
from web.live_commerce import emit_impressions
from web.page_cache import RoomPageCache
from web.page_keys import CSRF_SLOT, SHELL_SLOTS, fill, fill_shell, split_shell
from web.room_panels import ROOM_PANELS, personal_context, shared_context
from web.sse import EventStreamResponse, room_stream
from web.templating import page_csrf_token, render, templates, with_csrf_cookie

RECOGNITION_NOTICES = {
    "off": N_("Product recognition is off."),
    "offer": N_("Product recognition is on: the console offers to pin what the camera shows."),
    "auto": N_("Product recognition is on: what the camera shows is pinned automatically."),
}


async def _room_or_404(request: Request) -> Room:
    try:
        return await rooms.get_room(int(request.path_params["room_id"]))
    except UserError:
        raise HTTPException(404, "This room does not exist.") from None


def page_cache(request: Request) -> RoomPageCache:
    """This app's cache of room pages for the viewer's language and time zone (one set per
    app: each test's app starts empty); pages in one language never leak into another."""
    state = request.app.state
    if not hasattr(state, "room_pages"):
        state.room_pages = {}
    variant = (current_locale(), current_timezone().key)
    if variant not in state.room_pages:
        state.room_pages[variant] = RoomPageCache()
    cache: RoomPageCache = state.room_pages[variant]
    return cache


def invalidate_room_pages(request: Request, room_id: int) -> None:
    """Drop ``room_id``'s cached pages in every language."""
    for cache in getattr(request.app.state, "room_pages", {}).values():
        cache.invalidate(room_id)


async def _shared_page_context(room_id: int) -> dict[str, Any]:
    """The room page's context as an anonymous viewer sees it (cached per room)."""
    try:
        room = await rooms.get_room(room_id)
    except UserError:
        raise HTTPException(404, "This room does not exist.") from None
    owner = await room.owner
    return {
        "room": room,
        "owner": owner,
        "is_owner": False,
        "can_moderate": False,
        "following": False,
        "followers": await rooms.follower_count(owner.id),
        "viewer_count": await get_presence().count(room.id),
        "neighbours": await live_neighbours(room.id),
        "panels": ROOM_PANELS,
        **(await shared_context(room)),
    }


async def _viewer(request: Request, room_id: int) -> tuple[User | None, ViewerState | None]:
    """The signed-in viewer and their facts in the room, read with the session in one
    statement (``None`` facts when the request's user was already loaded)."""
    if hasattr(request.state, "user"):
        return await load_user(request), None
    found = await session_viewer(request.cookies.get(SESSION_COOKIE), room_id)
    await set_request_user(request, found[0] if found else None)
    return found if found else (None, None)


def _page(request: Request, html: str, token: str) -> Response:
    response = HTMLResponse(fill(html, token), headers={"Cache-Control": "private, no-store"})
    return with_csrf_cookie(request, response, token)


class PersonalValueInShell(RuntimeError):
    """A template used a viewer's own value outside a ``{{ personal(...) }}`` part."""


class _Withheld:
    """A viewer's value in the context of the signed-in shell (rendered once for every
    signed-in viewer): any use of it fails, so no viewer's value can end up in the page of
    another; it belongs in a part marked ``{{ personal(...) }}``."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _fail(self, *_: object) -> Any:
        raise PersonalValueInShell(f"{self._name!r} is the viewer's own: use it in personal()")

    def __bool__(self) -> bool:
        return bool(self._fail())

    __str__ = __iter__ = __len__ = __html__ = __call__ = _fail

    def __getattr__(self, attribute: str) -> Any:
        return self._fail()


class _ShellViewer(_Withheld):
    """The viewer of the signed-in shell: signed in (``{% if user %}``), nobody in particular."""

    def __bool__(self) -> bool:
        return True


def _owns(ctx: dict[str, Any]) -> bool:
    """Whether the viewer of ``ctx`` streams in this room."""
    return bool(ctx["user"].id == ctx["room"].owner_id)


def _chat_key(ctx: dict[str, Any]) -> Hashable:
    """What of the viewer the chat panel shows: moderation rights, ban, mute, and which
    messages are their own (no "Report" on those)."""
    user = ctx["user"]
    own = any(m["user_id"] == user.id for m in ctx["chat_messages"])
    return (ctx["chat_can_moderate"], ctx["chat_banned"], ctx["chat_muted_until"], own and user.id)


#: Personal parts costly enough to share between viewers, by what of the viewer they show:
#: viewers with equal keys get one rendering (kept with the room's shell, so no longer than
#: the shared parts it was rendered from).
SHARED_RENDERINGS: dict[str, Callable[[dict[str, Any]], Hashable]] = {
    chat.PANEL: _chat_key,
    "rooms/panels/_shelf_items.html": lambda ctx: tuple(c.product.id for c in ctx["shelf_items"]),
    "rooms/panels/_shelf_sale.html": lambda ctx: tuple(s["mine"] for s in ctx["shelf_sales"][:1]),
    # its idempotency key is FRESH_KEY, a new one in each response (web.page_keys.fill)
    "gifts/_box.html": lambda ctx: (
        ctx["gift_balance"],
        ctx["gift_can_send"],
        ctx["gift_own_room"],
    ),
    "rooms/_follow.html": lambda ctx: (ctx["following"], _owns(ctx)),
    "rooms/panels/coupon.html": _owns,  # the streamer's note, or the claim button
    "rooms/panels/_shelf_seller.html": lambda ctx: ctx["shelf_is_seller"],
}
MAX_SHARED_RENDERINGS = 256  # per room and shell; past it parts are rendered per viewer

#: The top bar (``{{ personal(...) }}`` in base.html): one rendering per role, the viewer's
#: name put in after (7% of a signed-in page's time when rendered for each viewer).
NAV_USER = "partials/_nav_user.html"
_NAME_SLOT = "lm-name-slot-3c9e51a7"


@dataclasses.dataclass(frozen=True)
class _NavViewer:
    """The viewer as the top bar shows them: their role, and a slot for their name (the
    template uses no other field of the user)."""

    role: str
    display_name: str = _NAME_SLOT

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)  # protocol probes (``__html__``…) answer as usual
        raise PersonalValueInShell(
            f"the top bar is shared by a role: user.{attribute} belongs in another part"
        )


@dataclasses.dataclass
class SignedInShell:
    """The room page as every signed-in viewer sees it alike, cut at its personal parts,
    and the renderings of parts shared by viewers with equal keys (``SHARED_RENDERINGS``)."""

    pieces: tuple[str, ...]
    renderings: dict[tuple[str, Hashable], str] = dataclasses.field(default_factory=dict)

    def page(self, ctx: dict[str, Any]) -> str:
        """The page of the viewer of ``ctx`` (its CSRF token still ``CSRF_SLOT``)."""
        return fill_shell(self.pieces, lambda name: self._part(name, ctx))

    def _part(self, name: str, ctx: dict[str, Any]) -> str:
        if name == NAV_USER:
            return self._nav(ctx)
        key_of = SHARED_RENDERINGS.get(name)
        if key_of is None:
            return templates.get_template(name).render(ctx)
        key = (name, key_of(ctx))
        found = self.renderings.get(key)
        if found is None:
            found = templates.get_template(name).render(ctx)
            if len(self.renderings) < MAX_SHARED_RENDERINGS:
                self.renderings[key] = found
        return found

    def _nav(self, ctx: dict[str, Any]) -> str:
        """The top bar of the viewer of ``ctx``: the rendering for their role, their name
        (escaped as the template would) in its slot."""
        user = ctx["user"]
        key = (NAV_USER, user.role)
        found = self.renderings.get(key)
        if found is None:
            nav_ctx = {**ctx, "user": _NavViewer(user.role)}
            found = templates.get_template(NAV_USER).render(nav_ctx)
            self.renderings[key] = found  # a few roles: always kept
        return found.replace(_NAME_SLOT, str(escape(user.display_name)))


def _render_shell(
    request: Request, shared: dict[str, Any], personal: dict[str, Any], alike: dict[str, Any]
) -> SignedInShell:
    """The room page as every signed-in viewer sees it alike, cut at its personal parts
    (``web.page_keys.fill_shell`` renders those for each viewer)."""
    withheld = {key: _Withheld(key) for key in (*personal, "is_owner", "can_moderate")}
    ctx = {
        **shared,
        **withheld,
        **alike,
        "request": request,
        "user": _ShellViewer("user"),
        "csrf_token": CSRF_SLOT,
        SHELL_SLOTS: [],
    }
    return SignedInShell(split_shell(templates.get_template("rooms/room.html").render(ctx)))


async def room_page(request: Request) -> Response:
    """The live room. Anonymous viewers get the room's cached page (no query); signed-in
    viewers the room's cached signed-in shell with their own parts rendered into it (the
    session and the viewer's facts in one statement: one query)."""
    room_id = int(request.path_params["room_id"])
    # first: a signed-in viewer's language picks the cache
    user, state = await _viewer(request, room_id)
    cache = page_cache(request)
    shared = await cache.shared(room_id, lambda: _shared_page_context(room_id))
    room = shared["room"]
    token = page_csrf_token(request)
    await emit_impressions(shared, room, user)
    if user is None:

        async def anonymous() -> str:
            return templates.get_template("rooms/room.html").render(
                {**shared, "request": request, "user": None, "csrf_token": CSRF_SLOT}
            )

        return _page(request, await cache.html(room_id, anonymous), token)
    personal, alike = await personal_context(request, room, user, shared, state)

    async def build_shell() -> SignedInShell:
        return _render_shell(request, shared, personal, alike)

    shell: SignedInShell = await cache.signed_in_shell(room_id, build_shell)
    ctx = {
        **shared,
        **personal,
        "request": request,
        "user": user,
        "csrf_token": CSRF_SLOT,  # parts may be shared between viewers: _page puts it in
        "is_owner": user.id == shared["owner"].id,
        "can_moderate": rooms.can_moderate(user, room),
    }
    return _page(request, shell.page(ctx), token)


async def room_events(request: Request) -> Response:
    """GET /rooms/{id}/events: the room's SSE stream. The room comes from the room page's
    cache (its shared context, or the room alone: no query per connect in a join storm);
    an unknown room is a 404, and the room's events (its end among them) drop the cached
    row, so the stream never gets a room older than the page's."""
    user = await load_user(request)
    room: Room = await page_cache(request).room(
        int(request.path_params["room_id"]), lambda: _room_or_404(request)
    )
    stream = room_stream(request, room, user, rooms.can_moderate(user, room))
    return EventStreamResponse(stream)


def _message(request: Request, text: str, status: int = 200, ok: bool = True) -> Response:
    css = "notice" if ok else "error-message"
    return HTMLResponse(f'<span class="{css}" role="status">{text}</span>', status_code=status)


async def like(request: Request) -> Response:
    form = await checked_form(request)
    user = await load_user(request)
    room = await _room_or_404(request)
    raw = field(form, "count", 5) or "1"
    if user is None:
        to = f"/login?next=/rooms/{room.id}"
        if is_htmx(request):
            return HTMLResponse("", headers={"HX-Redirect": to})
        return RedirectResponse(to, status_code=303)
    try:
        await likes.like(user, room.id, int(raw) if raw.isascii() and raw.isdigit() else -1)
    except UserError as exc:
        return _message(request, exc.message, 422, ok=False)
    return HTMLResponse("", status_code=204)


async def follow(request: Request) -> Response:
    form = await checked_form(request)
    user = await load_user(request)
    room = await _room_or_404(request)
    if user is None:
        return RedirectResponse(f"/login?next=/rooms/{room.id}", status_code=303)
    try:
        if field(form, "action", 10) == "unfollow":
            await rooms.unfollow(user, room.owner_id)
        else:
            await rooms.follow(user, room.owner_id)
    except UserError as exc:
        return _message(request, exc.message, 422, ok=False)
    invalidate_room_pages(request, room.id)  # the follower count it shows
    if is_htmx(request):
        following = await rooms.is_following(user, room.owner_id)
        return render(
            request,
            "rooms/_follow.html",
            {
                "room": room,
                "following": following,
                "followers": await rooms.follower_count(room.owner_id),
            },
        )
    return RedirectResponse(f"/rooms/{room.id}", status_code=303)


async def studio(request: Request) -> Response:
    user = await load_user(request)
    if user is None:
        return RedirectResponse("/login?next=/studio", status_code=303)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = await checked_form(request)
        status = 422
        try:
            when = field(form, "scheduled_at", 40)
            scheduled = datetime.fromisoformat(when).replace(tzinfo=UTC) if when else None
            room = await rooms.create_room(
                user,
                field(form, "title", 200),
                field(form, "category", 40) or "general",
                field(form, "cover_url", 500),
                scheduled,
            )
        except ValueError:
            errors["scheduled_at"] = _("enter a valid date and time")
        except UserError as exc:
            errors[exc.field or "form"] = exc.message
            status = error_status(exc)
        else:
            return RedirectResponse(f"/studio/rooms/{room.id}", status_code=303)
    my_rooms = await rooms.rooms_query(owner_id=user.id) if user.is_streamer else []
    return render(
        request,
        "studio/index.html",
        {"rooms": my_rooms, "errors": errors, "categories": rooms.CATEGORIES},
        status if errors else 200,
    )


async def _console_room(request: Request) -> tuple[User, Room] | Response:
    """The signed-in owner (or an admin) and the room of a console URL."""
    user = await load_user(request)
    if user is None:
        return RedirectResponse("/login?next=/studio", status_code=303)
    room = await _room_or_404(request)
    if room.owner_id != user.id and user.role != "admin":
        raise HTTPException(403, "Only the room's owner can open its console.")
    return user, room


async def live_stats(room: Room) -> dict[str, Any]:
    """The console's live numbers: watching now / peak, likes, gifts, orders."""
    fresh = await rooms.get_room(room.id)
    gift_count, gift_coins = await gifts.room_gift_totals(room.id)
    watching = await get_presence().count(room.id)
    return {
        "room": fresh,
        "viewer_count": watching,
        "peak_viewers": max(fresh.peak_viewers, watching),
        "like_count": fresh.like_count,
        "gift_count": gift_count,
        "gift_coins": gift_coins,
        "order_count": await orders.room_order_count(room.id),
    }


async def _droppable_coupons(user: User, room: Room) -> list[Any]:
    return [
        c
        for c in await coupons.merchant_coupons(user)
        if c.drop_limit is None and c.is_active and c.room_id in (None, room.id)
    ]


async def studio_room(request: Request) -> Response:
    found = await _console_room(request)
    if isinstance(found, Response):
        return found
    user, room = found
    errors: dict[str, str] = {}
    notice = ""
    confirm_end = False
    if request.method == "POST":
        form = await checked_form(request)
        action = field(form, "action", 20)
        try:
            if action == "open":
                room = await rooms.open_room(user, room.id)
                notice = _("You are live.")
            elif action == "end" and field(form, "confirm", 3) != "yes":
                confirm_end = True  # the confirmation step (works without JavaScript)
            elif action == "end":
                room = await rooms.end_room(user, room.id)
                notice = _("The live has ended.")
            elif action == "rotate":
                room = await rooms.rotate_stream_key(user, room.id)
                notice = _("New stream key: update OBS.")
            elif action == "drop":
                raw = {k: field(form, k, 9) for k in ("coupon_id", "first_n", "duration")}
                nums = {k: int(v) if v.isdigit() else -1 for k, v in raw.items()}
                coupon = await coupons.drop_coupon(
                    user,
                    room.id,
                    nums["coupon_id"],
                    nums["first_n"],
                    nums["duration"] if nums["duration"] > 0 else None,
                )
                notice = _(
                    "Dropped %(code)s for the first %(n)s viewers.",
                    code=coupon.code,
                    n=coupon.drop_limit,
                )
            elif action == "recognition":
                room = await recognition.set_recognition(user, room.id, field(form, "mode", 8))
                notice = _(RECOGNITION_NOTICES[room.recognition])
            elif action == "pin_recognized":
                product_id = field(form, "product_id", 12)
                item = await recognition.pin_recognized(
                    user, room.id, int(product_id) if product_id.isdigit() else -1
                )
                product = await Product.get(id=item.product_id) if item else None
                notice = (
                    _("Pinned %(product)s.", product=product.title) if product else _("Pinned.")
                )
            else:
                raise UserError("INVALID_ACTION", "unknown action", None)
        except UserError as exc:
            errors[exc.field or "form"] = exc.message
    settings = request.app.state.settings
    host = request.url.hostname or "127.0.0.1"
    ctx = {
        "room": room,
        "errors": errors,
        "notice": notice,
        "rtmp_url": f"rtmp://{host}:{settings.rtmp_port}/live",
        "live": room.status == RoomStatus.LIVE,
        "on_air": rooms.is_on_air(room),
        "confirm_end": confirm_end,
        "test_pattern": settings.test_pattern,
        "sanctions": await moderation.room_sanctions(user, room.id),
        "drop_coupons": await _droppable_coupons(user, room),
        "gift_leaderboard": [e.as_event() for e in await gifts.leaderboard(room.id)],
        **(await live_stats(room)),
        **(await chat_context(request, room, user)),
    }
    ctx["room"] = room
    return render(request, "studio/room.html", ctx, 422 if errors else 200)


async def studio_stats(request: Request) -> Response:
    """GET /studio/rooms/{id}/live-stats: the console's numbers (refreshed on SSE events)."""
    found = await _console_room(request)
    if isinstance(found, Response):
        return found
    return render(request, "studio/_stats.html", await live_stats(found[1]))


async def studio_events(request: Request) -> Response:
    """GET /studio/rooms/{id}/events: the room's SSE stream for its console (the streamer
    is not counted as a viewer)."""
    found = await _console_room(request)
    if isinstance(found, Response):
        return found
    user, room = found
    stream = room_stream(request, room, user, True, watching=False)
    return EventStreamResponse(stream)


routes = [
    Route("/rooms/{room_id:int}", room_page, name="room"),
    Route("/rooms/{room_id:int}/events", room_events),
    Route("/rooms/{room_id:int}/like", like, methods=["POST"]),
    Route("/rooms/{room_id:int}/follow", follow, methods=["POST"]),
    Route("/studio", studio, methods=["GET", "POST"], name="studio"),
    Route("/studio/rooms/{room_id:int}", studio_room, methods=["GET", "POST"]),
    Route("/studio/rooms/{room_id:int}/live-stats", studio_stats),
    Route("/studio/rooms/{room_id:int}/events", studio_events),
]
