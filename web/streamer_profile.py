"""The streamer profile at ``/@handle`` (avatar, bio, followers, live now, upcoming,
replays, products) and ``/account/public``, where a user sets their handle, bio and
avatar."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts import handles
from app.accounts.models import User
from app.commerce import catalog
from app.commerce.models import ProductStatus
from app.errors import UserError
from app.rooms import replays, schedule
from app.rooms import services as rooms
from app.rooms.models import RoomStatus
from app.rooms.presence import get_presence
from web import recs as recs_pages
from web.forms import checked_form, field, is_htmx, load_user
from web.home import thumb_bucket
from web.templating import render

PROFILE_PRODUCTS = 12


async def _profile_owner(request: Request) -> User:
    try:
        return await handles.by_handle(str(request.path_params["handle"]))
    except UserError:
        raise HTTPException(404, "Nobody has this handle.") from None


async def profile(request: Request) -> Response:
    user = await load_user(request)
    owner = await _profile_owner(request)
    if owner.handle != request.path_params["handle"]:  # /@Mia -> /@mia
        return RedirectResponse(f"/@{owner.handle}", status_code=301)
    live = await rooms.rooms_query(status=RoomStatus.LIVE.value, owner_id=owner.id).limit(6)
    upcoming = await schedule.scheduled_by(owner.id)
    products = [
        p for p in await catalog.merchant_products(owner) if p.status == ProductStatus.ACTIVE
    ][:PROFILE_PRODUCTS]
    presence = get_presence()
    return render(
        request,
        "streamers/profile.html",
        {
            "owner": owner,
            "followers": await rooms.follower_count(owner.id),
            "following": await rooms.is_following(user, owner.id),
            "live": live,
            "viewers": {r.id: await presence.count(r.id) for r in live},
            "thumb_bucket": thumb_bucket(),
            "upcoming": upcoming,
            "reminded": await schedule.reminded_rooms(user, [r.id for r in upcoming]),
            "replays": await replays.replays_of(owner.id),
            "products": await recs_pages.product_cards(products),
        },
    )


async def follow(request: Request) -> Response:
    """POST /@{handle}/follow (``action=follow|unfollow``)."""
    form = await checked_form(request)
    user = await load_user(request)
    owner = await _profile_owner(request)
    back = f"/@{owner.handle}"
    if user is None:
        return RedirectResponse(f"/login?next={back}", status_code=303)
    try:
        if field(form, "action", 10) == "unfollow":
            await rooms.unfollow(user, owner.id)
        else:
            await rooms.follow(user, owner.id)
    except UserError as exc:
        raise HTTPException(422, exc.message) from None
    if is_htmx(request):
        return render(
            request,
            "streamers/_follow.html",
            {
                "owner": owner,
                "following": await rooms.is_following(user, owner.id),
                "followers": await rooms.follower_count(owner.id),
            },
        )
    return RedirectResponse(back, status_code=303)


async def edit_public_profile(request: Request) -> Response:
    """GET/POST /account/public: the signed-in user's handle, bio and avatar."""
    user = await load_user(request)
    if user is None:
        return RedirectResponse("/login?next=/account/public", status_code=303)
    errors: dict[str, str] = {}
    values = {"handle": user.handle or "", "bio": user.bio, "avatar_url": user.avatar_url}
    if request.method == "POST":
        form = await checked_form(request)
        values = {k: field(form, k, 600) for k in ("handle", "bio", "avatar_url")}
        try:
            await handles.update_public_profile(
                user, values["handle"], values["bio"], values["avatar_url"]
            )
        except UserError as exc:
            errors[exc.field or "form"] = exc.message
        else:
            return RedirectResponse(f"/@{user.handle}", status_code=303)
    return render(
        request,
        "streamers/edit.html",
        {"values": values, "errors": errors},
        422 if errors else 200,
    )


routes = [
    Route("/@{handle}", profile, name="streamer_profile"),
    Route("/@{handle}/follow", follow, methods=["POST"]),
    Route("/account/public", edit_public_profile, methods=["GET", "POST"]),
]
