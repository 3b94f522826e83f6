"""The experiments admin page (/admin/experiments): create, start, stop and read A/B tests.

Moderators and admins see every experiment; a streamer sees their own coupon experiments.
Bad input re-renders the form with the message (422) and changes nothing.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import Role, User
from app.errors import UserError
from app.experiments import results, services
from app.experiments.models import ExperimentKind
from app.experiments.services import VariantSpec
from web.forms import checked_form, field, load_user
from web.templating import render


async def _manager(request: Request) -> User | Response:
    user = await load_user(request)
    if user is None:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if not (user.is_moderator or Role(user.role) == Role.STREAMER):
        message = "Experiments are for moderators and streamers."
        return render(request, "error.html", {"status": 403, "message": message}, 403)
    return user


def parse_variants(text: str, kind: str) -> list[VariantSpec]:
    """One variant a line: ``name`` or ``name = value`` (a coupon variant's value is its
    percent off; a recommendation variant's value is a ranking: ``model`` or
    ``predicted``)."""
    specs: list[VariantSpec] = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, _, raw = line.partition("=")
        value: Any = raw.strip() or None
        if kind == ExperimentKind.COUPON:
            raw_value = raw.strip().rstrip("%").strip()
            if not (raw_value.isascii() and raw_value.isdigit()) or len(raw_value) > 3:
                raise UserError(
                    "INVALID_VARIANTS", "write each coupon variant as 'name = percent'", "variants"
                )
            value = int(raw_value)
        specs.append(VariantSpec(name.strip(), 1.0, value))
    return specs


async def _page(request: Request, user: User, **extra: Any) -> dict[str, Any]:
    return {
        "experiments": await services.list_experiments(user),
        "kinds": [k.value for k in ExperimentKind] if user.is_moderator else ["coupon"],
        "errors": {},
        "form": {},
        **extra,
    }


async def experiments_page(request: Request) -> Response:
    """GET /admin/experiments (POST creates a draft)."""
    user = await _manager(request)
    if isinstance(user, Response):
        return user
    if request.method == "POST":
        form = await checked_form(request)
        kind = field(form, "kind", 20)
        size = field(form, "sample_size", 9).strip()
        try:
            made = await services.create_experiment(
                user,
                field(form, "key", 64),
                field(form, "name", 120),
                parse_variants(field(form, "variants", 2000), kind),
                int(size) if size.isascii() and size.isdigit() else -1,
                kind,
                field(form, "hypothesis", 2000),
            )
        except UserError as exc:
            ctx = await _page(
                request, user, errors={exc.field or "form": exc.message}, form=dict(form)
            )
            return render(request, "experiments/index.html", ctx, 422)
        return RedirectResponse(f"/admin/experiments/{made.id}?done=created", status_code=303)
    return render(request, "experiments/index.html", await _page(request, user))


async def experiment_page(request: Request) -> Response:
    """GET /admin/experiments/{id}: the results per variant."""
    user = await _manager(request)
    if isinstance(user, Response):
        return user
    try:
        read = await results.experiment_results(user, request.path_params["experiment_id"])
    except UserError as exc:
        raise HTTPException(404 if exc.code == "NOT_FOUND" else 403, exc.message) from None
    return render(request, "experiments/detail.html", {"results": read, "error": None})


async def experiment_action(request: Request) -> Response:
    """POST /admin/experiments/{id}/start and /stop."""
    user = await _manager(request)
    if isinstance(user, Response):
        return user
    await checked_form(request)
    experiment_id = request.path_params["experiment_id"]
    action = request.path_params["action"]
    if action not in ("start", "stop"):
        raise HTTPException(404, "No such action.")
    try:
        if action == "start":
            await services.start_experiment(user, experiment_id)
        else:
            await services.stop_experiment(user, experiment_id)
    except UserError as exc:
        if exc.code == "NOT_FOUND":
            raise HTTPException(404, exc.message) from None
        read = await results.experiment_results(user, experiment_id)
        return render(
            request, "experiments/detail.html", {"results": read, "error": exc.message}, 422
        )
    done = "started" if action == "start" else "stopped"
    return RedirectResponse(f"/admin/experiments/{experiment_id}?done={done}", status_code=303)


routes = [
    Route("/admin/experiments", experiments_page, methods=["GET", "POST"]),
    Route("/admin/experiments/{experiment_id:int}", experiment_page),
    Route(
        "/admin/experiments/{experiment_id:int}/{action:str}", experiment_action, methods=["POST"]
    ),
]
