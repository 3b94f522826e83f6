"""The streamer console's audience-intelligence panel (loaded into the shelf console by
``marketing/_console_panel.html``): the coupon strategy advisor, the running coupon
experiment and how many current viewers are likely to buy the pinned product."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.commerce import shelf
from app.errors import UserError
from app.experiments import services as experiments
from app.experiments.models import ExperimentKind
from app.experiments.services import VariantSpec
from app.marketing import advisor
from app.predict import service as predict
from app.rooms.models import Room
from web.forms import checked_form, load_user
from web.templating import render

EXPERIMENT_SAMPLE = 200


async def _seller_room(request: Request) -> tuple[User, Room]:
    user = await load_user(request)
    if user is None:
        raise HTTPException(401, "Log in first.")
    room = await Room.get_or_none(id=request.path_params["room_id"])
    if room is None:
        raise HTTPException(404, "No such room.")
    try:
        shelf.require_room_seller(user, room)
    except UserError:
        raise HTTPException(403, "Only the room's streamer sees its advisor.") from None
    return user, room


async def console_panel(request: Request) -> Response:
    """GET /studio/rooms/{id}/advisor: the advisor and likely buyers (an htmx fragment)."""
    _, room = await _seller_room(request)
    owner = await User.get(id=room.owner_id)
    advice = await advisor.advise(owner)
    pinned = await shelf.pinned_item(room.id)
    buyers = await predict.likely_buyers(room.id, pinned.product_id) if pinned else None
    running = await experiments.running(ExperimentKind.COUPON, owner.id)
    return render(
        request,
        "marketing/_advisor.html",
        {
            "room": room,
            "advice": advice,
            "pinned": pinned,
            "buyers": buyers,
            "likely_threshold": predict.LIKELY,
            "running": running,
        },
    )


async def start_coupon_experiment(request: Request) -> Response:
    """POST /studio/rooms/{id}/advisor/experiment: run the suggested coupon experiment (one
    variant per candidate value); the coupon value of each viewer's claim follows it."""
    _, room = await _seller_room(request)
    await checked_form(request)
    owner = await User.get(id=room.owner_id)
    count = len(await experiments.list_experiments(owner)) + 1
    try:
        made = await experiments.create_experiment(
            owner,
            f"coupon-values-{owner.id}-{count}",
            "Coupon values",
            [VariantSpec(v["name"], 1.0, v["value"]) for v in advisor.experiment_variants()],
            EXPERIMENT_SAMPLE,
            ExperimentKind.COUPON,
            "Which percent off gives the best margin on this streamer's drops?",
        )
        await experiments.start_experiment(owner, made.id)
    except UserError as exc:
        done = exc.message.replace(" ", "+")
        return RedirectResponse(f"/studio/rooms/{room.id}/shelf?done={done}", status_code=303)
    return RedirectResponse(
        f"/studio/rooms/{room.id}/shelf?done=Coupon+experiment+started", status_code=303
    )


routes = [
    Route("/studio/rooms/{room_id:int}/advisor", console_panel),
    Route(
        "/studio/rooms/{room_id:int}/advisor/experiment",
        start_coupon_experiment,
        methods=["POST"],
    ),
]
