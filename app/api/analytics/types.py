"""GraphQL types for analytics: series points, totals, the funnel, the platform view and
fraud flags."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from app.analytics import fraud
from app.analytics import stats as analytics
from app.analytics.models import FlagAction, FlagKind, FlagStatus, FraudFlag
from app.analytics.stats import Interval
from app.api.accounts.loaders import user_loader
from app.api.accounts.types import UserType
from app.api.context import Info
from app.api.ids import encode_id
from app.api.mapping import from_model, visible_nodes
from app.api.rooms.types import RoomType
from app.rooms.models import LiveSession

StatsIntervalEnum = Interval
strawberry.enum(StatsIntervalEnum, name="StatsInterval")


FraudFlagStatusEnum = FlagStatus
strawberry.enum(FraudFlagStatusEnum, name="FraudFlagStatus")


@strawberry.enum(name="FraudDecision")
class FraudDecisionEnum(Enum):
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


FraudActionEnum = FlagAction
strawberry.enum(FraudActionEnum, name="FraudAction")


FraudFlagKindEnum = FlagKind
strawberry.enum(FraudFlagKindEnum, name="FraudFlagKind")


@strawberry.type(description="The metrics of one minute or hour (or of a whole range).")
class StatsValues:
    viewers_peak: int = strawberry.field(description="Highest sampled concurrent viewers.")
    viewers_avg: float = strawberry.field(description="Mean of the concurrent viewer samples.")
    unique_viewers: int
    joins: int
    watch_seconds: int
    chat_messages: int
    likes: int
    gifts: int = strawberry.field(description="Gifts sent (sends, not items).")
    gift_coins: int = strawberry.field(description="Coins the gifts were worth.")
    impressions: int = strawberry.field(description="Products shown on the room's shelf.")
    clicks: int = strawberry.field(description="Product pages opened from the room.")
    add_to_cart: int
    orders_placed: int
    orders: int = strawberry.field(description="Orders paid.")
    gmv_cents: int = strawberry.field(description="Total of the orders paid (minor units).")
    refunds: int
    refunded_cents: int
    cancelled: int = strawberry.field(description="Orders cancelled or expired unpaid.")
    new_followers: int
    ctr: float = strawberry.field(description="clicks / impressions")
    cvr: float = strawberry.field(description="orders (paid) / clicks")

    @classmethod
    def from_values(cls, values: dict[str, float]) -> StatsValues:
        kwargs: dict[str, Any] = {}
        for name in cls.__annotations__:
            value = values.get(name, 0)
            kwargs[name] = value if name in {"viewers_avg", "ctr", "cvr"} else int(value)
        return cls(**kwargs)


@strawberry.type(description="One point of a series: the step's start and its metrics.")
class StatsPoint:
    start: datetime
    values: StatsValues


@strawberry.type(description="The range's totals.")
class StatsTotals(StatsValues):
    avg_watch_seconds: float = strawberry.field(
        description="Watch seconds / unique viewers of the range."
    )


@strawberry.type(description="One step of the conversion funnel.")
class FunnelStep:
    key: str
    label: str
    count: int
    rate: float = strawberry.field(description="count / the previous step's count (1 first).")


@strawberry.type(description="One go-live of a room.")
class LiveSessionSummary:
    id: strawberry.ID
    started_at: datetime
    ended_at: datetime | None
    peak_viewers: int

    @classmethod
    def from_model(cls, session: LiveSession) -> LiveSessionSummary:
        return from_model(cls, session, id=strawberry.ID(encode_id("LiveSession", session.id)))


@strawberry.type(description="A room's (or one live session's) metrics over a range.")
class RoomStats:
    room: RoomType
    session: LiveSessionSummary | None
    sessions: list[LiveSessionSummary] = strawberry.field(
        description="The room's latest live sessions (pass one's id as sessionId)."
    )
    start: datetime = strawberry.field(name="from")
    end: datetime = strawberry.field(name="to")
    interval: StatsIntervalEnum
    live: bool
    series: list[StatsPoint]
    totals: StatsTotals
    funnel: list[FunnelStep]

    @classmethod
    def from_stats(cls, found: analytics.RoomStats, sessions: list[LiveSession]) -> RoomStats:
        return cls(
            room=RoomType.from_model(found.room),
            session=LiveSessionSummary.from_model(found.session) if found.session else None,
            sessions=[LiveSessionSummary.from_model(s) for s in sessions],
            start=found.start,
            end=found.end,
            interval=StatsIntervalEnum(found.interval.value),
            live=found.live,
            series=[
                StatsPoint(start=p.start, values=StatsValues.from_values(p.values))
                for p in found.points
            ],
            totals=StatsTotals(
                **vars(StatsValues.from_values(found.totals)),
                avg_watch_seconds=float(found.totals.get("avg_watch_seconds", 0)),
            ),
            funnel=[
                FunnelStep(key=s.key, label=s.label, count=s.count, rate=round(s.rate, 4))
                for s in found.funnel
            ],
        )


@strawberry.type(description="A live room now.")
class LiveRoomNow:
    room: RoomType
    viewers: int


@strawberry.type(description="Money taken today in one currency.")
class MoneyTotal:
    currency: str
    cents: int
    orders: int


@strawberry.type(description="A room's day so far.")
class TopRoom:
    room_id: strawberry.ID
    title: str
    gmv_cents: int
    orders: int
    viewers_peak: int
    likes: int


@strawberry.type(description="A product's day so far.")
class TopProduct:
    product_id: strawberry.ID
    title: str
    units: int
    orders: int


@strawberry.type(description="The platform today (since 00:00 UTC), for moderators and admins.")
class PlatformStats:
    since: datetime
    live_room_count: int
    live_rooms: list[LiveRoomNow]
    gmv_today: list[MoneyTotal]
    top_rooms: list[TopRoom]
    top_products: list[TopProduct]

    @classmethod
    def from_stats(cls, found: analytics.PlatformStats) -> PlatformStats:
        return cls(
            since=found.since,
            live_room_count=len(found.live_rooms),
            live_rooms=[
                LiveRoomNow(room=RoomType.from_model(r.room), viewers=r.viewers)
                for r in found.live_rooms
            ],
            gmv_today=[
                MoneyTotal(currency=c, cents=cents, orders=n) for c, cents, n in found.gmv_today
            ],
            top_rooms=[
                TopRoom(
                    room_id=strawberry.ID(encode_id("Room", r["room_id"])),
                    title=r["title"],
                    gmv_cents=r["gmv_cents"],
                    orders=r["orders"],
                    viewers_peak=r["viewers_peak"],
                    likes=r["likes"],
                )
                for r in found.top_rooms
            ],
            top_products=[
                TopProduct(
                    product_id=strawberry.ID(encode_id("Product", p["product_id"])),
                    title=p["title"],
                    units=p["units"],
                    orders=p["orders"],
                )
                for p in found.top_products
            ],
        )


@strawberry.type(
    name="FraudFlag",
    description="Something a fraud rule found, with its evidence (moderators and admins).",
)
class FraudFlagType(relay.Node):
    id: relay.NodeID[int]
    kind: FraudFlagKindEnum
    subject: str
    summary: str
    evidence: JSON = strawberry.field(
        description="What the rule saw; always has user_ids and order_ids."
    )
    score: float
    status: FraudFlagStatusEnum
    action: FraudActionEnum
    action_result: JSON
    room_id: strawberry.ID | None
    created_at: datetime
    updated_at: datetime
    decided_at: datetime | None
    _decided_by_id: strawberry.Private[int | None]

    @strawberry.field
    async def decided_by(self, info: Info) -> UserType | None:
        if self._decided_by_id is None:
            return None
        return await user_loader(info).load(self._decided_by_id)

    @classmethod
    def from_model(cls, flag: FraudFlag) -> FraudFlagType:
        room_id = flag.room_id
        return cls(
            id=flag.id,
            kind=FraudFlagKindEnum(flag.kind),
            subject=flag.subject,
            summary=flag.summary,
            evidence=JSON(flag.evidence or {}),
            score=flag.score,
            status=FraudFlagStatusEnum(flag.status),
            action=FraudActionEnum(flag.action),
            action_result=JSON(flag.action_result or {}),
            room_id=strawberry.ID(encode_id("Room", room_id)) if room_id else None,
            created_at=flag.created_at,
            updated_at=flag.updated_at,
            decided_at=flag.decided_at,
            _decided_by_id=flag.decided_by_id,
        )

    resolve_nodes = visible_nodes(fraud.visible_flags)
