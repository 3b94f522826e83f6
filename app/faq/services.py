"""FAQ rules: who may write a room's FAQs, what a FAQ may hold, how a room delivers its
auto-answers, and the "didn't help" queue.

Only the room's owner, its moderators and admins edit FAQs, change delivery or read the
queue (``FORBIDDEN``). Bad input is refused with a typed :class:`UserError` and changes
nothing: no question (``NO_QUESTIONS``), more than :data:`MAX_QUESTIONS` phrasings
(``TOO_MANY_QUESTIONS``), a phrasing or answer empty or too long (``EMPTY_ANSWER``,
``QUESTION_TOO_LONG``, ``ANSWER_TOO_LONG``), a product not on the room's shelf
(``PRODUCT_NOT_IN_ROOM``), more than :data:`MAX_FAQS_PER_ROOM` FAQs (``TOO_MANY_FAQS``).
Every change updates the room's index in this process at once (others notice on their
next question, :mod:`app.faq.answering`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from app.accounts.models import User
from app.chat.filter import strip_invisible
from app.commerce.live_models import ShelfItem
from app.errors import NotFound, UserError
from app.faq import answering
from app.faq.models import Faq, FaqAnswer, FaqRoomSettings
from app.rooms.models import Room
from app.rooms.services import get_room, require_moderator

MAX_QUESTIONS = 10
MAX_QUESTION_LENGTH = 200
MAX_ANSWER_LENGTH = 1000
MAX_FAQS_PER_ROOM = 200
QUEUE_LIMIT = 100


def _clean(text: str | None) -> str:
    return " ".join(strip_invisible(text or "").split())


def clean_questions(questions: list[str] | None) -> list[str]:
    """The phrasings as stored: cleaned, blank and duplicate ones dropped, order kept."""
    seen: dict[str, str] = {}
    for raw in questions or []:
        text = _clean(raw)
        if not text:
            continue
        if len(text) > MAX_QUESTION_LENGTH:
            raise UserError(
                "QUESTION_TOO_LONG",
                "keep each question to {max} characters",
                "questions",
                {"max": MAX_QUESTION_LENGTH},
            )
        seen.setdefault(text.lower(), text)
    if not seen:
        raise UserError("NO_QUESTIONS", "write at least one question", "questions")
    if len(seen) > MAX_QUESTIONS:
        raise UserError(
            "TOO_MANY_QUESTIONS",
            "give at most {max} phrasings",
            "questions",
            {"max": MAX_QUESTIONS},
        )
    return list(seen.values())


def clean_answer(answer: str | None) -> str:
    text = strip_invisible(answer or "").strip()
    if not text:
        raise UserError("EMPTY_ANSWER", "write the answer", "answer")
    if len(text) > MAX_ANSWER_LENGTH:
        raise UserError(
            "ANSWER_TOO_LONG",
            "keep the answer to {max} characters",
            "answer",
            {"max": MAX_ANSWER_LENGTH},
        )
    return text


async def editable_room(user: User, room_id: int) -> Room:
    room = await get_room(room_id)
    require_moderator(user, room)
    return room


async def _check_product(room: Room, product_id: int | None) -> None:
    if product_id is None:
        return
    if not await ShelfItem.filter(room_id=room.id, product_id=product_id).exists():
        raise UserError(
            "PRODUCT_NOT_IN_ROOM", "that product is not on this room's shelf", "productId"
        )


async def room_faqs(user: User, room_id: int) -> list[Faq]:
    """A room's FAQs, oldest first (the room's moderators)."""
    room = await editable_room(user, room_id)
    return await Faq.filter(room_id=room.id).order_by("id")


async def get_faq(user: User, faq_id: int) -> Faq:
    faq = await Faq.get_or_none(id=faq_id)
    if faq is None:
        raise NotFound("FAQ", "faqId")
    await editable_room(user, faq.room_id)
    return faq


async def create_faq(
    user: User,
    room_id: int,
    questions: list[str],
    answer: str,
    product_id: int | None = None,
) -> Faq:
    room = await editable_room(user, room_id)
    cleaned, text = clean_questions(questions), clean_answer(answer)
    await _check_product(room, product_id)
    async with in_transaction():
        if await Faq.filter(room_id=room.id).count() >= MAX_FAQS_PER_ROOM:
            raise UserError(
                "TOO_MANY_FAQS",
                "a room holds at most {max} FAQs",
                "roomId",
                {"max": MAX_FAQS_PER_ROOM},
            )
        faq = await Faq.create(
            room_id=room.id,
            product_id=product_id,
            questions=cleaned,
            answer=text,
            created_by_id=user.id,
        )
    await answering.faq_changed(room.id, faq)
    return faq


async def update_faq(
    user: User,
    faq_id: int,
    questions: list[str] | None = None,
    answer: str | None = None,
    product_id: int | None = None,
    clear_product: bool = False,
) -> Faq:
    """Change what is given (``None`` keeps it); ``clear_product`` makes it a room FAQ."""
    faq = await get_faq(user, faq_id)
    room = await get_room(faq.room_id)
    if questions is not None:
        faq.questions = clean_questions(questions)
    if answer is not None:
        faq.answer = clean_answer(answer)
    if clear_product:
        faq.product_id = None
    elif product_id is not None:
        await _check_product(room, product_id)
        faq.product_id = product_id
    await faq.save()
    await answering.faq_changed(room.id, faq)
    return faq


async def delete_faq(user: User, faq_id: int) -> Faq:
    faq = await get_faq(user, faq_id)
    await faq.delete()
    await answering.faq_removed(faq.room_id, faq.id)
    return faq


async def room_settings(room_id: int) -> FaqRoomSettings:
    """The room's delivery settings (defaults when never set; not saved)."""
    found = await FaqRoomSettings.get_or_none(room_id=room_id)
    return found or FaqRoomSettings(room_id=room_id, to_room=False, enabled=True)


async def set_delivery(
    user: User, room_id: int, to_room: bool, enabled: bool = True
) -> FaqRoomSettings:
    """Send auto-answers to the room (``to_room``) or to the asker only; or turn them off."""
    room = await editable_room(user, room_id)
    found = await FaqRoomSettings.get_or_none(room_id=room.id)
    if found is None:
        return await FaqRoomSettings.create(room_id=room.id, to_room=to_room, enabled=enabled)
    found.to_room, found.enabled = to_room, enabled
    await found.save(update_fields=["to_room", "enabled"])
    return found


async def mark_unhelpful(user: User, answer_id: int, room_id: int | None = None) -> FaqAnswer:
    """The asker says the answer did not help: it joins the streamer's console queue.
    Only the asker may say so (an answer sent to the room included), in the answer's room
    when ``room_id`` is given; saying it twice changes nothing."""
    answer = await FaqAnswer.get_or_none(id=answer_id)
    if answer is None or answer.asker_id != user.id or room_id not in (None, answer.room_id):
        raise NotFound("answer", "answerId")
    if answer.unhelpful_at is None:
        answer.unhelpful_at = datetime.now(UTC)
        await answer.save(update_fields=["unhelpful_at"])
    return answer


async def feedback_queue(user: User, room_id: int, limit: int = QUEUE_LIMIT) -> list[FaqAnswer]:
    """Answers marked "didn't help" and not yet resolved, newest first (room moderators),
    with ``asker`` loaded."""
    room = await editable_room(user, room_id)
    return (
        await FaqAnswer.filter(
            room_id=room.id, unhelpful_at__isnull=False, resolved_at__isnull=True
        )
        .order_by("-unhelpful_at", "-id")
        .limit(limit)
        .select_related("asker")
    )


async def resolve_feedback(user: User, answer_id: int, room_id: int | None = None) -> FaqAnswer:
    """Take an answer off the room's queue (the streamer dealt with it); in room
    ``room_id`` when given."""
    answer = await FaqAnswer.get_or_none(id=answer_id)
    if answer is None or answer.unhelpful_at is None or room_id not in (None, answer.room_id):
        raise NotFound("queued answer", "answerId")
    await editable_room(user, answer.room_id)
    if answer.resolved_at is None:
        answer.resolved_at = datetime.now(UTC)
        await answer.save(update_fields=["resolved_at"])
    return answer
