"""FAQ pages: the studio's FAQ console of a room, and the viewer's "didn't help" button.

| route | who |
| --- | --- |
| ``GET /studio/rooms/{id}/faq`` | the room's owner, moderators, admins |
| ``POST /studio/rooms/{id}/faq`` (``action``: create, update, delete, delivery, resolve) | same |
| ``POST /rooms/{id}/faq-answers/{answer_id}/unhelpful`` | the viewer the answer was given to |

Every form works without JavaScript (a full page back); the "didn't help" button is an
htmx POST answered with a small fragment.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from app.accounts.models import User
from app.errors import NotFound, PermissionDenied, UserError
from app.faq import facts
from app.faq import services as faq
from app.i18n import N_, _
from app.rooms.models import Room
from web.forms import checked_form, field, is_htmx, load_user
from web.templating import render

NOTICES = {
    "create": N_("FAQ added."),
    "update": N_("FAQ saved."),
    "delete": N_("FAQ deleted."),
    "delivery": N_("Delivery saved."),
    "resolve": N_("Taken off the queue."),
}


async def _room_for(request: Request) -> tuple[User, Room] | Response:
    user = await load_user(request)
    if user is None:
        return RedirectResponse(f"/login?next={request.url.path}", 303)
    try:
        room = await faq.editable_room(user, int(request.path_params["room_id"]))
    except NotFound:
        raise HTTPException(404, "No such room.") from None
    except PermissionDenied as exc:
        raise HTTPException(403, exc.message) from None
    return user, room


async def _context(user: User, room: Room, **more: Any) -> dict[str, Any]:
    return {
        "room": room,
        "faqs": await faq.room_faqs(user, room.id),
        "products": await facts.shelf_products(room.id),
        "delivery": await faq.room_settings(room.id),
        "queue": await faq.feedback_queue(user, room.id),
        "max_questions": faq.MAX_QUESTIONS,
        **more,
    }


def _questions(form: FormData) -> list[str]:
    return field(form, "questions", 5000).splitlines()


def _int(form: FormData, name: str) -> int | None:
    value = field(form, name, 20).strip()
    return int(value) if value.isdigit() else None


async def _act(user: User, room: Room, action: str, form: FormData) -> None:
    if action == "create":
        await faq.create_faq(
            user, room.id, _questions(form), field(form, "answer"), _int(form, "product_id")
        )
    elif action in ("update", "delete", "resolve"):
        target = _int(form, "answer_id" if action == "resolve" else "faq_id")
        if target is None:
            raise NotFound(N_("FAQ") if action != "resolve" else N_("answer"), "faqId")
        if action == "update":
            product = _int(form, "product_id")
            await faq.update_faq(
                user,
                target,
                _questions(form),
                field(form, "answer"),
                product,
                clear_product=product is None,
            )
        elif action == "delete":
            await faq.delete_faq(user, target)
        else:
            await faq.resolve_feedback(user, target, room.id)
    elif action == "delivery":
        await faq.set_delivery(
            user, room.id, field(form, "to_room") == "room", field(form, "enabled") != "off"
        )
    else:
        raise UserError("UNKNOWN_ACTION", "unknown action", "action")


async def faq_console(request: Request) -> Response:
    """GET/POST /studio/rooms/{id}/faq: the room's FAQs, delivery and feedback queue."""
    form = await checked_form(request) if request.method == "POST" else None
    found = await _room_for(request)
    if isinstance(found, Response):
        return found
    user, room = found
    if form is None:
        return render(request, "faq/console.html", await _context(user, room))
    action = field(form, "action", 20)
    try:
        # A FAQ of another room is "not found" here: the room in the URL is checked too.
        target = _int(form, "faq_id")
        if action in ("update", "delete") and target is not None:
            if (await faq.get_faq(user, target)).room_id != room.id:
                raise NotFound("FAQ", "faqId")
        await _act(user, room, action, form)
    except PermissionDenied as exc:
        raise HTTPException(403, exc.message) from None
    except UserError as exc:
        ctx = await _context(
            user,
            room,
            error=exc.message,
            error_code=exc.code,
            draft_questions=field(form, "questions", 5000),
            draft_answer=field(form, "answer"),
        )
        return render(request, "faq/console.html", ctx, 422)
    return render(
        request, "faq/console.html", await _context(user, room, notice=_(NOTICES[action]))
    )


async def unhelpful(request: Request) -> Response:
    """POST /rooms/{id}/faq-answers/{answer_id}/unhelpful: the asker's "didn't help"."""
    await checked_form(request)
    user = await load_user(request)
    room_id = int(request.path_params["room_id"])
    if user is None:
        return RedirectResponse(f"/login?next=/rooms/{room_id}", 303)
    try:
        await faq.mark_unhelpful(user, int(request.path_params["answer_id"]), room_id)
    except NotFound:
        raise HTTPException(404, "No such answer.") from None
    if is_htmx(request):
        return HTMLResponse(
            '<span class="muted small" data-testid="faq-unhelpful-sent">'
            "Thanks, the streamer will see it.</span>"
        )
    return RedirectResponse(f"/rooms/{room_id}", 303)


routes = [
    Route("/studio/rooms/{room_id:int}/faq", faq_console, methods=["GET", "POST"], name="faq"),
    Route(
        "/rooms/{room_id:int}/faq-answers/{answer_id:int}/unhelpful", unhelpful, methods=["POST"]
    ),
]
