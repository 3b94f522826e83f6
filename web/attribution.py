"""Share links, visit beacons, QR codes, raids and the by-source numbers, as pages.

| route | who |
| --- | --- |
| ``GET /s/{code}`` | anyone: goes to the shared room or product, carrying the code |
| ``POST /a/visit`` | the pages' visit beacon (``room``/``product``, ``src``, ``share``, ``ref``) |
| ``GET /share/rooms/{id}``, ``GET /share/products/{id}`` | signed in: your link, its QR code |
| ``GET /account/shares`` | signed in: who came through your links, your invite rewards |
| ``GET /studio/rooms/{id}/qr`` | owner: the room's QR code, full screen, to show on camera |
| ``GET /studio/rooms/{id}/sources`` (``?since=&until=``) | owner: visits, GMV by source |
| ``GET`` / ``POST /studio/rooms/{id}/raid`` | owner: after the live, send its viewers on |
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.attribution import links, raids, reports
from app.attribution.models import ShareLink
from app.attribution.qr import qr_svg
from app.attribution.recorder import VisitHit, record_visit
from app.auth import client_ip
from app.commerce.models import Product
from app.errors import UserError
from app.i18n import _
from app.rooms import services as rooms
from app.rooms.models import Room
from app.signals import now
from web.forms import checked_form, field, is_htmx, load_user
from web.templating import render

BROWSER_COOKIE = "lm_csrf"  # the browser's key, as the room stream and presence read it


def _login(request: Request) -> Response:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def absolute(request: Request, path: str) -> str:
    """``path`` on this site's origin (what a QR code or a copied link must carry)."""
    return str(request.base_url).rstrip("/") + path


async def short_link(request: Request) -> Response:
    """GET /s/{code}: on to the shared page, with the code for its visit beacon."""
    try:
        link = await links.by_code(request.path_params["code"])
    except UserError:
        raise HTTPException(404, "This share link does not exist.") from None
    return RedirectResponse(links.target_path(link), status_code=302)


def _id(value: str) -> int | None:
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


async def visit_beacon(request: Request) -> Response:
    """POST /a/visit: one page view of a room or a product, buffered (no query here but
    the session's user)."""
    form = await checked_form(request)
    room_raw, product_raw = field(form, "room", 12), field(form, "product", 12)
    room_id, product_id = _id(room_raw), _id(product_raw)
    if (room_id is None) == (product_id is None):
        return HTMLResponse("A visit is to one room or one product.", status_code=400)
    user = await load_user(request)
    browser = request.cookies.get(BROWSER_COOKIE, "")[:16]
    key = f"browser:{browser}" if browser else (f"user:{user.id}" if user else "")
    if not key:
        return HTMLResponse("", status_code=204)  # a client without cookies: nobody to count
    await record_visit(
        VisitHit(
            viewer_key=key,
            at=now(),
            room_id=room_id,
            product_id=product_id,
            user_id=user.id if user else None,
            browser_key=f"browser:{browser}" if user and browser else None,
            src=field(form, "src", 24) or None,
            share_code=links.clean_code(field(form, "share", 20)),
            referrer=field(form, "ref", 500) or None,
            host=request.headers.get("host"),
            ip=client_ip(request),
        )
    )
    return HTMLResponse("", status_code=204)


async def _share_page(request: Request, link: ShareLink, title: str, back: str) -> Response:
    url = absolute(request, links.short_path(link))
    stats = next(
        (
            s
            for s in (await reports.sharer_stats(await load_user(request))).links
            if s.link.id == link.id
        ),
        None,
    )
    return render(
        request,
        "attribution/share.html",
        {
            "link": link,
            "url": url,
            "qr": qr_svg(url, 6),
            "title": title,
            "back": back,
            "stats": stats,
        },
    )


async def share_room(request: Request) -> Response:
    """GET /share/rooms/{id}: the signed-in viewer's link to the room and its QR code."""
    user = await load_user(request)
    if user is None:
        return _login(request)
    try:
        link = await links.share(user, room_id=int(request.path_params["room_id"]))
        room = await rooms.get_room(int(request.path_params["room_id"]))
    except UserError:
        raise HTTPException(404, "This room does not exist.") from None
    return await _share_page(request, link, room.title, f"/rooms/{room.id}")


async def share_product(request: Request) -> Response:
    """GET /share/products/{id}: the signed-in viewer's link to the product and its QR code."""
    user = await load_user(request)
    if user is None:
        return _login(request)
    product_id = int(request.path_params["product_id"])
    try:
        link = await links.share(user, product_id=product_id)
    except UserError:
        raise HTTPException(404, "This product does not exist.") from None
    product = await Product.get(id=product_id)
    return await _share_page(request, link, product.title, f"/products/{product_id}")


async def account_shares(request: Request) -> Response:
    """GET /account/shares: who came through the user's links (htmx: the summary alone)."""
    user = await load_user(request)
    if user is None:
        return _login(request)
    stats = await reports.sharer_stats(user)
    ctx: dict[str, Any] = {"stats": stats, "origin": absolute(request, "")}
    if is_htmx(request):
        return render(request, "attribution/_account_summary.html", ctx)
    return render(request, "attribution/account_shares.html", ctx)


async def _owned_room(request: Request) -> tuple[User, Room] | Response:
    user = await load_user(request)
    if user is None:
        return _login(request)
    try:
        room = await rooms.get_room(int(request.path_params["room_id"]))
    except UserError:
        raise HTTPException(404, "This room does not exist.") from None
    if room.owner_id != user.id and user.role != "admin":
        raise HTTPException(403, "Only the room's owner can open this.")
    return user, room


async def studio_qr(request: Request) -> Response:
    """GET /studio/rooms/{id}/qr: the room's share QR code, full screen (show it on camera,
    or add the page as a browser source in OBS)."""
    found = await _owned_room(request)
    if isinstance(found, Response):
        return found
    user, room = found
    link = await links.share(user, room_id=room.id)
    url = absolute(request, links.short_path(link))
    return render(
        request, "attribution/studio_qr.html", {"room": room, "url": url, "qr": qr_svg(url, 12)}
    )


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, "Times are ISO 8601, like 2026-12-06T10:00:00+00:00.") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=now().tzinfo)


async def studio_sources(request: Request) -> Response:
    """GET /studio/rooms/{id}/sources: visits, viewers, follows and GMV by source."""
    user = await load_user(request)
    if user is None:
        return _login(request)
    since = _time(request.query_params.get("since"))
    until = _time(request.query_params.get("until"))
    try:
        rows = await reports.room_traffic(user, int(request.path_params["room_id"]), since, until)
    except UserError as exc:
        status = 404 if exc.code == "NOT_FOUND" else 403 if exc.code == "FORBIDDEN" else 400
        raise HTTPException(status, exc.message) from None
    room = await rooms.get_room(int(request.path_params["room_id"]))
    totals = reports.SourceStats("all")
    for r in rows:
        for name in ("visits", "viewers", "follows", "orders", "gmv_cents"):
            setattr(totals, name, getattr(totals, name) + getattr(r, name))
    ctx = {"room": room, "rows": rows, "totals": totals, "since": since, "until": until}
    if is_htmx(request):
        return render(request, "attribution/_sources.html", ctx)
    return render(request, "attribution/sources.html", ctx)


async def studio_raid(request: Request) -> Response:
    """GET: the live rooms this ended live may raid; POST ``to_room_id``: raid."""
    found = await _owned_room(request)
    if isinstance(found, Response):
        return found
    user, room = found
    errors: dict[str, str] = {}
    notice = ""
    status = 200
    if request.method == "POST":
        form = await checked_form(request)
        target = _id(field(form, "to_room_id", 12))
        try:
            made = await raids.raid(user, room.id, target if target is not None else -1)
        except UserError as exc:
            errors[exc.field or "form"] = exc.message
            status = 422
        else:
            target_room = await rooms.get_room(made.to_room_id)
            notice = _(
                "Your %(viewers)s viewers are on their way to %(room)s.",
                viewers=made.viewers,
                room=target_room.title,
            )
    targets: list[Room] = []
    try:
        targets = await raids.raid_targets(user, room.id)
    except UserError as exc:
        errors.setdefault("state", exc.message)
    ctx = {
        "room": room,
        "targets": targets,
        "errors": errors,
        "notice": notice,
        "raided": await raids.last_raid(room.id),
    }
    return render(request, "attribution/raid.html", ctx, status)


routes = [
    Route("/s/{code:str}", short_link, name="share_link"),
    Route("/a/visit", visit_beacon, methods=["POST"]),
    Route("/share/rooms/{room_id:int}", share_room),
    Route("/share/products/{product_id:int}", share_product),
    Route("/account/shares", account_shares, name="account_shares"),
    Route("/studio/rooms/{room_id:int}/qr", studio_qr),
    Route("/studio/rooms/{room_id:int}/sources", studio_sources),
    Route("/studio/rooms/{room_id:int}/raid", studio_raid, methods=["GET", "POST"]),
]
