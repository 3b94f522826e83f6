"""GraphQL: turn product recognition on for a room, and pin what it recognised."""

from __future__ import annotations

from enum import Enum

import strawberry

from app.api import errors
from app.api.context import Info
from app.api.ids import decode_id
from app.api.live_commerce.schema import PinProductPayload
from app.api.live_commerce.types import ShelfItemType
from app.recognition import services as recognition


@strawberry.enum(description="What the live's product recognition does in a room.")
class RecognitionMode(Enum):
    OFF = "off"
    OFFER = "offer"  # the studio console offers "Showing <title>? Pin it"
    AUTO = "auto"  # the recognised product is pinned at once


@errors.payload
class RoomRecognitionPayload:
    mode: RecognitionMode | None = None


@strawberry.type
class Mutation:
    @errors.mutation(
        description="Turn product recognition in your live off, on as an offer in the studio "
        "console (a productRecognized event to you), or on with automatic pinning."
    )
    async def set_room_recognition(
        self, info: Info, room_id: strawberry.ID, mode: RecognitionMode
    ) -> RoomRecognitionPayload:
        user = info.context.principal.require_user()
        room = await recognition.set_recognition(
            user, decode_id(room_id, "Room", "roomId"), mode.value
        )
        return RoomRecognitionPayload(mode=RecognitionMode(room.recognition))

    @errors.mutation(
        description="Pin a product the live's recognition offered (put on the shelf first "
        "when it is not there yet)."
    )
    async def pin_recognized_product(
        self, info: Info, room_id: strawberry.ID, product_id: strawberry.ID
    ) -> PinProductPayload:
        user = info.context.principal.require_user()
        item = await recognition.pin_recognized(
            user,
            decode_id(room_id, "Room", "roomId"),
            decode_id(product_id, "Product", "productId"),
        )
        return PinProductPayload(item=ShelfItemType.from_model(item) if item else None)
