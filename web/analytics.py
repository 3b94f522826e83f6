"""Analytics pages: the streamer's dashboard per room and live session (server-drawn SVG
charts, refreshed every 5 s while live, CSV export), the platform view and the fraud
flags for moderators and admins.

| route | who |
| --- | --- |
| ``GET /studio/rooms/{id}/stats`` (``?session=&from=&to=&interval=``) | owner, admin |
| ``GET /studio/rooms/{id}/stats.csv`` (same parameters) | owner, admin |
| ``GET /admin/platform`` | moderators, admins |
| ``GET /admin/fraud`` (``?status=open|confirmed|dismissed``) | moderators, admins |
| ``POST /admin/fraud/scan``, ``POST /admin/fraud/{id}/decide`` | moderators, admins |
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.analytics import charts, fraud
from app.analytics import stats as analytics
from app.analytics.models import FlagAction, FlagStatus, FraudFlag
from app.errors import NotFound, PermissionDenied, UserError
from app.i18n import N_, _
from web.formatting import money
from web.forms import checked_form, field, is_htmx, load_user
from web.templating import render

POLL_SECONDS = 5
STAT_CARDS: tuple[tuple[str, str, str], ...] = (
    # (key, label, format)
    ("viewers_peak", N_("Peak viewers"), "int"),
    ("viewers_avg", N_("Average viewers"), "float"),
    ("unique_viewers", N_("Unique viewers"), "int"),
    ("avg_watch_seconds", N_("Average watch time"), "duration"),
    ("chat_messages", N_("Chat messages"), "int"),
    ("likes", N_("Likes"), "int"),
    ("gifts", N_("Gifts"), "int"),
    ("gift_coins", N_("Gift coins"), "int"),
    ("impressions", N_("Product impressions"), "int"),
    ("clicks", N_("Clicks"), "int"),
    ("ctr", "CTR", "percent"),
    ("add_to_cart", N_("Added to cart"), "int"),
    ("orders", N_("Orders paid"), "int"),
    ("cvr", "CVR", "percent"),
    ("gmv_cents", "GMV", "money"),
    ("refunds", N_("Refunds"), "int"),
    ("new_followers", N_("New followers"), "int"),
)


def fmt(value: float, kind: str, currency: str = "USD") -> str:
    """A stat card's value as shown (money with its currency: "$12.50 USD")."""
    if kind == "percent":
        return f"{value * 100:.1f}%"
    if kind == "money":
        return money(int(value), currency)
    if kind == "duration":
        seconds = round(value)
        return f"{seconds // 60}m {seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"
    if kind == "float":
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _login(request: Request) -> Response:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def _time(value: str | None, name: str) -> datetime | None:
    if not value:
        return None
    try:
        at = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UserError(
            "INVALID_RANGE", "{name} is not a date and time", name, {"name": name}
        ) from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


async def _stats_for(request: Request, user: User) -> analytics.RoomStats:
    """The stats the query asks for; by default the live (or latest) session's."""
    room_id = int(request.path_params["room_id"])
    params = request.query_params
    start, end = _time(params.get("from"), "from"), _time(params.get("to"), "to")
    session_id = _int(params.get("session"))
    interval = params.get("interval") or ""
    if session_id is None and not (start or end) and params.get("session") != "none":
        latest = await analytics.room_sessions(room_id, 1)
        session_id = latest[0].id if latest else None
    try:
        return await analytics.room_stats(
            user, room_id, start, end, interval or "minute", session_id
        )
    except UserError as exc:
        if exc.code != "RANGE_TOO_LONG" or interval:
            raise
        return await analytics.room_stats(user, room_id, start, end, "hour", session_id)


def _denied(exc: UserError) -> HTTPException:
    if isinstance(exc, NotFound):
        return HTTPException(404, "This room does not exist.")
    if isinstance(exc, PermissionDenied):
        return HTTPException(403, "Only the room's owner and admins see its analytics.")
    return HTTPException(400, exc.message)


async def _shown_stats(request: Request, user: User) -> analytics.RoomStats:
    """:func:`_stats_for`, with a refusal turned into the HTTP error the page answers."""
    try:
        return await _stats_for(request, user)
    except UserError as exc:
        raise _denied(exc) from None


def _dashboard_context(found: analytics.RoomStats) -> dict[str, Any]:
    hourly = found.interval == analytics.Interval.HOUR
    times = [p.start for p in found.points]

    def series(name: str) -> list[float]:
        return [p[name] for p in found.points]

    return {
        "stats": found,
        "cards": [
            (_(label), fmt(found.totals.get(key, 0), kind, found.currency), key)
            for key, label, kind in STAT_CARDS
        ],
        "viewers_chart": charts.line_chart(
            _("Concurrent viewers"),
            times,
            {
                "peak": series("viewers_peak"),
                "average": series("viewers_avg"),
                "unique": series("unique_viewers"),
            },
            hourly=hourly,
            testid="chart-viewers",
        ),
        "engagement_chart": charts.line_chart(
            _("Chat, likes and gifts"),
            times,
            {"chat": series("chat_messages"), "likes": series("likes"), "gifts": series("gifts")},
            hourly=hourly,
            testid="chart-engagement",
        ),
        "sales_chart": charts.bar_chart(
            "GMV",
            times,
            series("gmv_cents"),
            fmt=charts.money,
            hourly=hourly,
            testid="chart-gmv",
            name="GMV",
        ),
        "shop_chart": charts.line_chart(
            "Impressions, clicks, carts, orders",
            times,
            {
                "impressions": series("impressions"),
                "clicks": series("clicks"),
                "carts": series("add_to_cart"),
                "orders": series("orders"),
            },
            hourly=hourly,
            testid="chart-shop",
        ),
        "funnel_chart": charts.funnel_chart(found.funnel),
        "poll": found.live,
        "poll_seconds": POLL_SECONDS,
        "query": request_query(found),
    }


def request_query(found: analytics.RoomStats) -> str:
    """The query string that shows the same stats again."""
    if found.session is not None:
        return urlencode({"session": found.session.id, "interval": found.interval.value})
    return urlencode(
        {
            "session": "none",
            "from": found.start.isoformat(),
            "to": found.end.isoformat(),
            "interval": found.interval.value,
        }
    )


async def room_stats_page(request: Request) -> Response:
    """GET /studio/rooms/{id}/stats: the dashboard (``?partial=1``: the refreshed part)."""
    user = await load_user(request)
    if user is None:
        return _login(request)
    found = await _shown_stats(request, user)
    ctx = _dashboard_context(found)
    if request.query_params.get("partial") and is_htmx(request):
        return render(request, "analytics/_dashboard.html", ctx)
    ctx["sessions"] = await analytics.room_sessions(found.room.id)
    return render(request, "analytics/room_stats.html", ctx)


async def room_stats_csv(request: Request) -> Response:
    """GET /studio/rooms/{id}/stats.csv: the same series as CSV."""
    user = await load_user(request)
    if user is None:
        return _login(request)
    found = await _shown_stats(request, user)
    name = f"room-{found.room.id}" + (f"-session-{found.session.id}" if found.session else "")
    return Response(
        analytics.to_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}-stats.csv"'},
    )


# --- moderators and admins ------------------------------------------------------------------


async def _moderator(request: Request) -> User | Response:
    user = await load_user(request)
    if user is None:
        if is_htmx(request):
            raise HTTPException(401, "Log in first.")
        return _login(request)
    if not user.is_moderator:
        raise HTTPException(403, "This page is for moderators and admins.")
    return user


async def platform_page(request: Request) -> Response:
    """GET /admin/platform (``?partial=1``: the refreshed part)."""
    user = await _moderator(request)
    if isinstance(user, Response):
        return user
    found = await analytics.platform_stats(user)
    ctx = {"platform": found, "money": lambda c: f"{c / 100:,.2f}"}
    if request.query_params.get("partial") and is_htmx(request):
        return render(request, "analytics/_platform.html", ctx)
    return render(request, "analytics/platform.html", ctx)


#: What a confirmed flag did, as words in the notice.
_FLAG_ACTION_WORDS = {
    FlagAction.FREEZE_WALLET.value: N_("freeze wallet"),
    FlagAction.CANCEL_ORDERS.value: N_("cancel orders"),
}


def _flag_notice(flag: FraudFlag) -> str:
    """``Flag 7 confirmed (freeze wallet).`` / ``Flag 7 dismissed.`` in the viewer's language."""
    confirmed = flag.status == FlagStatus.CONFIRMED
    action = str(getattr(flag.action, "value", flag.action))
    if flag.action == FlagAction.NONE:
        if confirmed:
            return _("Flag %(id)s confirmed.", id=flag.id)
        return _("Flag %(id)s dismissed.", id=flag.id)
    word = _FLAG_ACTION_WORDS.get(action, action.replace("_", " "))
    if confirmed:
        return _("Flag %(id)s confirmed (%(action)s).", id=flag.id, action=_(word))
    return _("Flag %(id)s dismissed (%(action)s).", id=flag.id, action=_(word))


def _flag_view(flag: FraudFlag) -> dict[str, Any]:
    evidence = flag.evidence or {}
    return {
        "flag": flag,
        "kind": str(getattr(flag.kind, "value", flag.kind)),
        "status": str(getattr(flag.status, "value", flag.status)),
        "user_ids": evidence.get("user_ids") or [],
        "order_ids": evidence.get("order_ids") or [],
        "evidence_json": json.dumps(evidence, indent=2, sort_keys=True, default=str),
        "result_json": json.dumps(flag.action_result or {}, sort_keys=True, default=str),
    }


async def _fraud_context(user: User, status: str, notice: str = "", error: str = "") -> dict:
    if status not in {s.value for s in FlagStatus}:
        status = FlagStatus.OPEN.value
    flags = await fraud.flags_query(user, status).limit(100)
    return {
        "flags": [_flag_view(f) for f in flags],
        "status": status,
        "statuses": [s.value for s in FlagStatus],
        "actions": [a.value for a in FlagAction],
        "is_admin": user.role == "admin",
        "notice": notice,
        "error": error,
    }


async def fraud_page(request: Request) -> Response:
    """GET /admin/fraud: flags with their evidence, by status."""
    user = await _moderator(request)
    if isinstance(user, Response):
        return user
    ctx = await _fraud_context(user, request.query_params.get("status") or "open")
    return render(request, "analytics/fraud.html", ctx)


async def fraud_scan(request: Request) -> Response:
    """POST /admin/fraud/scan: run the rules now."""
    await checked_form(request)
    user = await _moderator(request)
    if isinstance(user, Response):
        return user
    touched = await fraud.scan()
    notice = _("Scan done: %(n)s open flag(s) new or updated.", n=len(touched))
    return render(request, "analytics/fraud.html", await _fraud_context(user, "open", notice))


async def fraud_decide(request: Request) -> Response:
    """POST /admin/fraud/{id}/decide with ``decision`` (confirmed / dismissed) and
    ``action`` (none / freeze_wallet / cancel_orders)."""
    form = await checked_form(request)
    user = await _moderator(request)
    if isinstance(user, Response):
        return user
    flag_id = int(request.path_params["flag_id"])
    decision, action = field(form, "decision", 20), field(form, "action", 20) or "none"
    try:
        flag = await fraud.decide(user, flag_id, decision, action)
    except NotFound:
        raise HTTPException(404, "No such flag.") from None
    except PermissionDenied as exc:
        raise HTTPException(403, exc.message) from None
    except UserError as exc:
        ctx = await _fraud_context(user, "open", error=exc.message)
        return render(request, "analytics/fraud.html", ctx, 422)
    notice = _flag_notice(flag)
    return render(request, "analytics/fraud.html", await _fraud_context(user, "open", notice))


routes = [
    Route("/studio/rooms/{room_id:int}/stats", room_stats_page, name="room_stats"),
    Route("/studio/rooms/{room_id:int}/stats.csv", room_stats_csv),
    Route("/admin/platform", platform_page, name="admin_platform"),
    Route("/admin/fraud", fraud_page, name="admin_fraud"),
    Route("/admin/fraud/scan", fraud_scan, methods=["POST"]),
    Route("/admin/fraud/{flag_id:int}/decide", fraud_decide, methods=["POST"]),
]
