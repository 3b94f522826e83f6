"""GraphQL types of FAQs, a room's auto-answer delivery and its "didn't help" queue."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.api.ids import encode_id
from app.faq.models import Faq, FaqAnswer, FaqRoomSettings


def _gid(type_name: str, value: int | None) -> strawberry.ID | None:
    return None if value is None else strawberry.ID(encode_id(type_name, value))


@strawberry.type(name="Faq", description="A streamer's answer to a question, in its phrasings.")
class FaqType:
    id: strawberry.ID
    room_id: strawberry.ID
    product_id: strawberry.ID | None = strawberry.field(
        description="Set when the FAQ is about one product of the room's shelf."
    )
    questions: list[str]
    answer: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, faq: Faq) -> FaqType:
        return cls(
            id=strawberry.ID(encode_id("Faq", faq.id)),
            room_id=strawberry.ID(encode_id("Room", faq.room_id)),
            product_id=_gid("Product", faq.product_id),
            questions=list(faq.questions),
            answer=faq.answer,
            created_at=faq.created_at,
            updated_at=faq.updated_at,
        )


@strawberry.type(name="FaqDelivery", description="How a room sends its auto-answers.")
class FaqDeliveryType:
    room_id: strawberry.ID
    to_room: bool = strawberry.field(
        description="True: answers go to the whole room; false: to the asker only."
    )
    enabled: bool

    @classmethod
    def from_model(cls, found: FaqRoomSettings) -> FaqDeliveryType:
        return cls(
            room_id=strawberry.ID(encode_id("Room", found.room_id)),
            to_room=found.to_room,
            enabled=found.enabled,
        )


@strawberry.type(name="FaqAnswer", description="An auto-answer given to a chat question.")
class FaqAnswerType:
    id: strawberry.ID
    room_id: strawberry.ID
    faq_id: strawberry.ID | None = strawberry.field(
        description="The FAQ that answered; null for a product fact."
    )
    fact: str | None = strawberry.field(description="price, stock, variants or sale")
    question: str
    answer: str
    asker_name: str
    to_room: bool
    created_at: datetime
    unhelpful_at: datetime | None
    resolved_at: datetime | None

    @classmethod
    def from_model(cls, given: FaqAnswer, asker_name: str = "") -> FaqAnswerType:
        return cls(
            id=strawberry.ID(encode_id("FaqAnswer", given.id)),
            room_id=strawberry.ID(encode_id("Room", given.room_id)),
            faq_id=_gid("Faq", given.faq_id),
            fact=given.fact or None,
            question=given.question,
            answer=given.answer,
            asker_name=asker_name,
            to_room=given.to_room,
            created_at=given.created_at,
            unhelpful_at=given.unhelpful_at,
            resolved_at=given.resolved_at,
        )
