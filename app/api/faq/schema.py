"""FAQ queries, mutations and the ``faqAnswers`` subscription. Authorization and every
rule live in :mod:`app.faq.services`; refusals come back as typed payload errors."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from app.api import errors
from app.api.context import Info
from app.api.errors import FieldError
from app.api.faq.types import FaqAnswerType, FaqDeliveryType, FaqType
from app.api.ids import decode_id
from app.api.rooms.events import FaqAnswerEvent, to_graphql
from app.api.rooms.schema import room_for_subscription
from app.events import get_bus
from app.faq import services as faq
from app.i18n import _
from app.rooms.events import viewer_channel
from graphql import GraphQLError


@strawberry.input
class CreateFaqInput:
    room_id: strawberry.ID
    questions: list[str] = strawberry.field(description="1 to 10 phrasings of the question.")
    answer: str
    product_id: strawberry.ID | None = strawberry.field(
        default=None, description="A product on the room's shelf the FAQ is about."
    )


@strawberry.input
class UpdateFaqInput:
    faq_id: strawberry.ID
    questions: list[str] | None = None
    answer: str | None = None
    product_id: strawberry.ID | None = None
    clear_product: bool = strawberry.field(
        default=False, description="Make it a FAQ of the whole room."
    )


@strawberry.type
class FaqPayload:
    faq: FaqType | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class FaqDeliveryPayload:
    delivery: FaqDeliveryType | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


@strawberry.type
class FaqAnswerPayload:
    answer: FaqAnswerType | None = None
    errors: list[FieldError] = strawberry.field(default_factory=list)


def _room(value: strawberry.ID) -> int:
    return decode_id(value, "Room", "roomId")


def _product(value: strawberry.ID | None) -> int | None:
    return decode_id(value, "Product", "productId") if value else None


@strawberry.type
class Query:
    @errors.field(description="A room's FAQs, oldest first (the room's owner and moderators).")
    async def room_faqs(self, info: Info, room_id: strawberry.ID) -> list[FaqType]:
        user = info.context.principal.require_user(write=False)
        return [FaqType.from_model(f) for f in await faq.room_faqs(user, _room(room_id))]

    @errors.field(description="How a room sends auto-answers (the room's owner and moderators).")
    async def faq_delivery(self, info: Info, room_id: strawberry.ID) -> FaqDeliveryType:
        user = info.context.principal.require_user(write=False)
        room = await faq.editable_room(user, _room(room_id))
        return FaqDeliveryType.from_model(await faq.room_settings(room.id))

    @errors.field(
        description='Auto-answers viewers marked "didn\'t help", newest first, until '
        "resolved (the room's owner and moderators)."
    )
    async def faq_feedback_queue(self, info: Info, room_id: strawberry.ID) -> list[FaqAnswerType]:
        user = info.context.principal.require_user(write=False)
        rows = await faq.feedback_queue(user, _room(room_id))
        return [FaqAnswerType.from_model(a, a.asker.display_name) for a in rows]


@strawberry.type
class Mutation:
    @errors.mutation(
        description="Add a FAQ to a room (its owner and moderators). Typed errors: "
        "NO_QUESTIONS, TOO_MANY_QUESTIONS, QUESTION_TOO_LONG, EMPTY_ANSWER, ANSWER_TOO_LONG, "
        "PRODUCT_NOT_IN_ROOM, TOO_MANY_FAQS, FORBIDDEN; nothing is stored when refused."
    )
    async def create_faq(self, info: Info, input: CreateFaqInput) -> FaqPayload:
        user = info.context.principal.require_user()
        created = await faq.create_faq(
            user, _room(input.room_id), input.questions, input.answer, _product(input.product_id)
        )
        return FaqPayload(faq=FaqType.from_model(created))

    @errors.mutation(description="Change a FAQ (same rules and errors as createFaq).")
    async def update_faq(self, info: Info, input: UpdateFaqInput) -> FaqPayload:
        user = info.context.principal.require_user()
        changed = await faq.update_faq(
            user,
            decode_id(input.faq_id, "Faq", "faqId"),
            input.questions,
            input.answer,
            _product(input.product_id),
            input.clear_product,
        )
        return FaqPayload(faq=FaqType.from_model(changed))

    @errors.mutation(description="Delete a FAQ (the room's owner and moderators).")
    async def delete_faq(self, info: Info, faq_id: strawberry.ID) -> FaqPayload:
        user = info.context.principal.require_user()
        gone = await faq.delete_faq(user, decode_id(faq_id, "Faq", "faqId"))
        return FaqPayload(faq=FaqType.from_model(gone))

    @errors.mutation(
        description="Send a room's auto-answers to the whole room (toRoom) or to the asker "
        "only, or turn them off (the room's owner and moderators)."
    )
    async def set_faq_delivery(
        self, info: Info, room_id: strawberry.ID, to_room: bool, enabled: bool = True
    ) -> FaqDeliveryPayload:
        user = info.context.principal.require_user()
        found = await faq.set_delivery(user, _room(room_id), to_room, enabled)
        return FaqDeliveryPayload(delivery=FaqDeliveryType.from_model(found))

    @errors.mutation(
        description="Say an auto-answer you got didn't help: it joins the streamer's queue "
        "(the asker only; NOT_FOUND otherwise)."
    )
    async def mark_faq_answer_unhelpful(
        self, info: Info, answer_id: strawberry.ID
    ) -> FaqAnswerPayload:
        user = info.context.principal.require_user()
        given = await faq.mark_unhelpful(user, decode_id(answer_id, "FaqAnswer", "answerId"))
        return FaqAnswerPayload(answer=FaqAnswerType.from_model(given, user.display_name))

    @errors.mutation(description="Take an answer off the room's feedback queue.")
    async def resolve_faq_feedback(self, info: Info, answer_id: strawberry.ID) -> FaqAnswerPayload:
        user = info.context.principal.require_user()
        given = await faq.resolve_feedback(user, decode_id(answer_id, "FaqAnswer", "answerId"))
        return FaqAnswerPayload(answer=FaqAnswerType.from_model(given))


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="The auto-answers sent to the signed-in viewer alone in a room (answers "
        "sent to the whole room come through roomEvents)."
    )
    async def faq_answers(
        self, info: Info, room_id: strawberry.ID
    ) -> AsyncGenerator[FaqAnswerEvent, None]:
        user = info.context.principal.user
        if user is None:
            raise GraphQLError(_("log in first"), extensions={"code": "UNAUTHENTICATED"})
        pk = await room_for_subscription(room_id)
        async with get_bus().subscribe(viewer_channel(pk, user.id)) as events:
            async for event in events:
                value = to_graphql(event)
                if isinstance(value, FaqAnswerEvent):
                    yield value
