"""GraphQL: share links, visits with their traffic source (the pages' beacon for apps),
a room's numbers by source, a sharer's numbers, and raids."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.api import errors
from app.api.context import Info
from app.api.ids import decode_id, encode_id
from app.attribution import links, raids, reports
from app.attribution.models import ShareLink
from app.attribution.recorder import VisitHit, record_visit
from app.attribution.sources import SOURCES
from app.auth import client_ip
from app.errors import UserError
from app.signals import now


@strawberry.type(
    name="ShareLink",
    description="A short link to a room or a product that carries its sharer: visits, "
    "follows and orders through it are theirs.",
)
class ShareLinkType:
    code: str
    path: str = strawberry.field(description="The short path, /s/<code>.")
    url: str = strawberry.field(description="The short link on this site's origin.")
    room_id: strawberry.ID | None
    product_id: strawberry.ID | None

    @classmethod
    def of(cls, link: ShareLink, origin: str) -> ShareLinkType:
        path = links.short_path(link)
        return cls(
            code=link.code,
            path=path,
            url=origin + path,
            room_id=strawberry.ID(encode_id("Room", link.room_id)) if link.room_id else None,
            product_id=(
                strawberry.ID(encode_id("Product", link.product_id)) if link.product_id else None
            ),
        )


@strawberry.type(
    description="A room's visits, viewers, follows and paid orders from one traffic source "
    "in a window."
)
class TrafficSourceStats:
    source: str = strawberry.field(description=f"One of: {', '.join(SOURCES)}.")
    visits: int
    viewers: int
    follows: int
    orders: int
    gmv_cents: int


@strawberry.type(description="What came through one of your share links.")
class ShareLinkStats:
    link: ShareLinkType
    visits: int
    visitors: int
    follows: int
    signups: int
    orders: int
    gmv_cents: int


@strawberry.type(description="What came through your share links, and your invite rewards.")
class ShareStats:
    visitors: int
    signups: int
    orders: int
    gmv_cents: int
    links: list[ShareLinkStats]
    reward_coupon_codes: list[str] = strawberry.field(
        description="The coupons your invitations earned (one per invitee's first order)."
    )


@errors.payload
class ShareLinkPayload:
    share_link: ShareLinkType | None = None


@errors.payload
class RecordVisitPayload:
    recorded: bool = False


@strawberry.type(name="Raid")
class RaidType:
    id: strawberry.ID
    from_room_id: strawberry.ID
    to_room_id: strawberry.ID
    viewers: int = strawberry.field(description="Who was watching when the raid was sent.")
    created_at: datetime


@errors.payload
class RaidPayload:
    raid: RaidType | None = None


def _origin(info: Info) -> str:
    return str(info.context.request.base_url).rstrip("/")


def _optional_id(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
    return decode_id(value, type_name, field) if value is not None else None


@strawberry.type
class Query:
    @errors.field(
        description="Visits, viewers, follows and GMV of your room by traffic source in "
        "[since, until) (the room's owner or an admin)."
    )
    async def room_traffic_sources(
        self,
        info: Info,
        room_id: strawberry.ID,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> list[TrafficSourceStats]:
        user = info.context.principal.require_user(write=False)
        rows = await reports.room_traffic(user, decode_id(room_id, "Room", "roomId"), since, until)
        return [
            TrafficSourceStats(
                source=r.source,
                visits=r.visits,
                viewers=r.viewers,
                follows=r.follows,
                orders=r.orders,
                gmv_cents=r.gmv_cents,
            )
            for r in rows
        ]

    @errors.field(description="What came through your share links.")
    async def my_share_stats(self, info: Info) -> ShareStats:
        user = info.context.principal.require_user(write=False)
        found = await reports.sharer_stats(user)
        origin = _origin(info)
        return ShareStats(
            visitors=found.visitors,
            signups=found.signups,
            orders=found.orders,
            gmv_cents=found.gmv_cents,
            links=[
                ShareLinkStats(
                    link=ShareLinkType.of(s.link, origin),
                    visits=s.visits,
                    visitors=s.visitors,
                    follows=s.follows,
                    signups=s.signups,
                    orders=s.orders,
                    gmv_cents=s.gmv_cents,
                )
                for s in found.links
            ],
            reward_coupon_codes=[r.coupon.code for r in found.rewards if r.coupon is not None],
        )


@strawberry.type
class Mutation:
    @errors.mutation(description="Your short link to a room or a product (one per target).")
    async def create_share_link(
        self,
        info: Info,
        room_id: strawberry.ID | None = None,
        product_id: strawberry.ID | None = None,
    ) -> ShareLinkPayload:
        user = info.context.principal.require_user()
        link = await links.share(
            user,
            room_id=_optional_id(room_id, "Room", "roomId"),
            product_id=_optional_id(product_id, "Product", "productId"),
        )
        return ShareLinkPayload(share_link=ShareLinkType.of(link, _origin(info)))

    @errors.mutation(
        description="Count a visit of the signed-in viewer to a room or a product page in "
        "your app: `source` from the vocabulary (home, search, share, raid, ...), or "
        "`shareCode` of the link that brought them."
    )
    async def record_visit(
        self,
        info: Info,
        room_id: strawberry.ID | None = None,
        product_id: strawberry.ID | None = None,
        source: str | None = None,
        share_code: str | None = None,
    ) -> RecordVisitPayload:
        user = info.context.principal.require_user()  # a visit is a write: no read token
        room = _optional_id(room_id, "Room", "roomId")
        product = _optional_id(product_id, "Product", "productId")
        if (room is None) == (product is None):
            raise UserError("INVALID_TARGET", "a visit is to a room or to a product", "roomId")
        if source is not None and source.strip().lower() not in SOURCES:
            raise UserError(
                "INVALID_SOURCE",
                "the source is one of {choices}",
                "source",
                {"choices": ", ".join(SOURCES)},
            )
        await record_visit(
            VisitHit(
                viewer_key=f"user:{user.id}",
                at=now(),
                room_id=room,
                product_id=product,
                user_id=user.id,
                src=source,
                share_code=links.clean_code(share_code),
                ip=client_ip(info.context.request),
            )
        )
        return RecordVisitPayload(recorded=True)

    @errors.mutation(
        description="After your live has ended, send its viewers to another live room: "
        "their pages and subscriptions get a RoomRaidedEvent."
    )
    async def raid_room(
        self, info: Info, from_room_id: strawberry.ID, to_room_id: strawberry.ID
    ) -> RaidPayload:
        user = info.context.principal.require_user()
        made = await raids.raid(
            user,
            decode_id(from_room_id, "Room", "fromRoomId"),
            decode_id(to_room_id, "Room", "toRoomId"),
        )
        return RaidPayload(
            raid=RaidType(
                id=strawberry.ID(encode_id("Raid", made.id)),
                from_room_id=strawberry.ID(encode_id("Room", made.from_room_id)),
                to_room_id=strawberry.ID(encode_id("Room", made.to_room_id)),
                viewers=made.viewers,
                created_at=made.created_at,
            )
        )
