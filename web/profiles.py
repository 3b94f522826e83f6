"""Profile pages: the user's own profile ("why you see this"), their interests,
personalisation switch, data export and account deletion; the streamer's audience view.

| route | who |
| --- | --- |
| ``GET/POST /account/profile`` | the signed-in user |
| ``GET /account/profile/export.json`` | the signed-in user (a download) |
| ``GET /studio/rooms/{id}/audience`` (``?session=``) | the room's owner, admin |
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.auth import SESSION_COOKIE
from app.errors import UserError
from app.profiles import audience, privacy
from app.profiles import services as profiles
from app.profiles.decay import PRICE_BAND_LABELS
from app.rooms.services import CATEGORIES
from web.forms import checked_form, field, load_user
from web.templating import render

DIMENSION_TITLES = {
    "category": "Categories",
    "topic": "Topics",
    "streamer": "Streamers",
    "price": "Price range",
    "hour": "When you watch (UTC)",
}


def _login(request: Request) -> Response:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


async def profile_page(request: Request) -> Response:
    """GET/POST /account/profile: see and edit what we learned."""
    user = await load_user(request)
    if user is None:
        return _login(request)
    errors: dict[str, str] = {}
    notice = ""
    if request.method == "POST":
        form = await checked_form(request)
        action = field(form, "action", 40)
        try:
            if action == "interests":
                chosen = [str(v)[:40] for v in form.getlist("interests")][:20]
                await profiles.update_interests(user, chosen)
                notice = "Interests saved."
            elif action == "remove_tag":
                await profiles.remove_tag(
                    user, field(form, "dimension", 20), field(form, "key", 60)
                )
                notice = "Forgotten. It comes back only if you show that interest again."
            elif action == "personalise":
                enabled = field(form, "enabled", 5) == "on"
                await profiles.set_personalisation(user, enabled)
                notice = (
                    "Personalisation is on."
                    if enabled
                    else "Personalisation is off: "
                    "recommendations and shelves are the same as for everyone."
                )
            elif action == "delete_account":
                if field(form, "confirm", 10) != "DELETE":
                    raise UserError("NOT_CONFIRMED", "type DELETE to confirm", "confirm")
                await privacy.delete_account(user, field(form, "password", 300))
                response = RedirectResponse("/?deleted=1", status_code=303)
                response.delete_cookie(SESSION_COOKIE, path="/")
                return response
            else:
                raise UserError("INVALID_ACTION", "unknown action", None)
        except UserError as exc:
            shown_at = exc.field if exc.field in ("interests", "password", "confirm") else "form"
            errors[shown_at or "form"] = exc.message
    view = await profiles.my_profile(user)
    ctx = {
        "profile": view,
        "categories": CATEGORIES,
        "dimensions": DIMENSION_TITLES,
        "price_labels": PRICE_BAND_LABELS,
        "notice": notice,
        "errors": errors,
    }
    return render(request, "profiles/profile.html", ctx, 422 if errors else 200)


async def export_download(request: Request) -> Response:
    """GET /account/profile/export.json: everything we hold about the user."""
    user = await load_user(request)
    if user is None:
        return _login(request)
    text = privacy.export_json(await privacy.export_data(user))
    return Response(
        text,
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="livemart-data-{user.id}.json"',
            "Cache-Control": "no-store",
        },
    )


async def audience_page(request: Request) -> Response:
    """GET /studio/rooms/{id}/audience: who watched (``?session=<id>``: one live)."""
    user = await load_user(request)
    if user is None:
        return _login(request)
    room_id = int(request.path_params["room_id"])
    raw = request.query_params.get("session", "")
    session_id = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    try:
        sessions = await audience.sessions_of(user, room_id)
        found = await audience.audience(user, room_id, session_id)
    except UserError as exc:
        status = 403 if exc.code == "FORBIDDEN" else 404
        return render(request, "error.html", {"message": exc.message, "status": status}, status)
    ctx = {"audience": found, "sessions": sessions, "min_segment": audience.MIN_SEGMENT}
    return render(request, "profiles/audience.html", ctx)


routes = [
    Route("/account/profile", profile_page, methods=["GET", "POST"], name="profile"),
    Route("/account/profile/export.json", export_download, name="profile_export"),
    Route("/studio/rooms/{room_id:int}/audience", audience_page, name="room_audience"),
]
