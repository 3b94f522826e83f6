"""GraphQL: turn product recognition on for a room, and pin what it recognised."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from enum import Enum

import strawberry

from app.api import errors
from app.api.context import Info
from app.api.ids import decode_id
from app.api.live_commerce.schema import PinProductPayload
from app.api.live_commerce.types import ShelfItemType
from app.api.rooms.events import ProductRecognizedEvent, to_graphql
from app.api.rooms.schema import room_for_subscription
from app.commerce.shelf import require_room_seller
from app.errors import PermissionDenied
from app.events import get_bus
from app.i18n import _
from app.recognition import services as recognition
from app.rooms.events import viewer_channel
from app.rooms.models import Room
from graphql import GraphQLError


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


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="What the live's recognition sees in your room (the room's owner or an "
        "admin): the products its camera shows, as they are recognised."
    )
    async def product_recognitions(
        self, info: Info, room_id: strawberry.ID
    ) -> AsyncGenerator[ProductRecognizedEvent, None]:
        user = info.context.principal.user
        if user is None:
            raise GraphQLError(_("log in first"), extensions={"code": "UNAUTHENTICATED"})
        pk = await room_for_subscription(room_id)
        try:
            require_room_seller(user, await Room.get(id=pk))
        except PermissionDenied as exc:
            raise GraphQLError(exc.message, extensions={"code": "FORBIDDEN"}) from None
        async with get_bus().subscribe(viewer_channel(pk, user.id)) as events:
            async for event in events:
                value = to_graphql(event)
                if isinstance(value, ProductRecognizedEvent):
                    yield value
