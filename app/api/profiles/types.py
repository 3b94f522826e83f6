"""GraphQL types for profiles and the audience view."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.profiles.audience import Audience, Segment
from app.profiles.services import ProfileView, Tag


@strawberry.type(name="ProfileTag", description="One learned interest, its weight decayed to now.")
class ProfileTagType:
    dimension: str = strawberry.field(
        description="category, topic, streamer, price (a price band) or hour (UTC)"
    )
    key: str
    label: str
    weight: float
    updated_at: datetime

    @classmethod
    def from_tag(cls, tag: Tag) -> ProfileTagType:
        return cls(
            dimension=tag.dimension,
            key=tag.key,
            label=tag.label,
            weight=tag.weight,
            updated_at=tag.updated_at,
        )


@strawberry.type(
    name="Profile",
    description="What the viewer's activity taught us (only the viewer sees it). Tags lose "
    "half their weight every 14 days without new activity.",
)
class ProfileType:
    interests: list[str] = strawberry.field(description="Categories the viewer picked.")
    personalise: bool = strawberry.field(
        description="False: recommendations and shelf ordering are the same as for everyone."
    )
    categories: list[ProfileTagType]
    topics: list[ProfileTagType]
    streamers: list[ProfileTagType]
    price_bands: list[ProfileTagType]
    active_hours: list[int] = strawberry.field(description="Most active UTC hours first.")
    price_band: str | None
    orders: int = strawberry.field(description="Paid orders (frequency).")
    spent_cents: int = strawberry.field(description="Paid, less refunds (monetary).")
    last_order_at: datetime | None = strawberry.field(description="Recency.")
    last_seen_at: datetime | None

    @classmethod
    def from_view(cls, view: ProfileView) -> ProfileType:
        def tags(dimension: str) -> list[ProfileTagType]:
            return [ProfileTagType.from_tag(t) for t in view.top(dimension)]

        return cls(
            interests=view.interests,
            personalise=view.personalise,
            categories=tags("category"),
            topics=tags("topic"),
            streamers=tags("streamer"),
            price_bands=tags("price"),
            active_hours=view.active_hours,
            price_band=view.price_band,
            orders=view.orders,
            spent_cents=view.spent_cents,
            last_order_at=view.last_order_at,
            last_seen_at=view.last_seen_at,
        )


@strawberry.type(
    name="AudienceSegment",
    description="A group of viewers; count is null when fewer than 5 people (not shown).",
)
class AudienceSegmentType:
    key: str
    label: str
    count: int | None

    @classmethod
    def of(cls, segments: list[Segment]) -> list[AudienceSegmentType]:
        return [cls(key=s.key, label=s.label, count=s.count) for s in segments]


@strawberry.type(name="Audience", description="Who watched a room: aggregates only.")
class AudienceType:
    room_id: int
    session_id: int | None
    since: datetime
    until: datetime
    viewers: int
    signed_in: int
    new_vs_returning: list[AudienceSegmentType]
    interests: list[AudienceSegmentType]
    price_bands: list[AudienceSegmentType]
    sources: list[AudienceSegmentType]
    buyers: int | None
    gmv_cents: int
    top_spenders: int | None
    top_spenders_cents: int | None
    top_spenders_share: float | None
    followers_gained: int
    hidden_segments: int

    @classmethod
    def from_audience(cls, a: Audience) -> AudienceType:
        return cls(
            room_id=a.room_id,
            session_id=a.session_id,
            since=a.since,
            until=a.until,
            viewers=a.viewers,
            signed_in=a.signed_in,
            new_vs_returning=AudienceSegmentType.of(a.new_vs_returning),
            interests=AudienceSegmentType.of(a.interests),
            price_bands=AudienceSegmentType.of(a.price_bands),
            sources=AudienceSegmentType.of(a.sources),
            buyers=a.spenders.buyers,
            gmv_cents=a.spenders.gmv_cents,
            top_spenders=a.spenders.top_count,
            top_spenders_cents=a.spenders.top_cents,
            top_spenders_share=a.spenders.top_share,
            followers_gained=a.followers_gained,
            hidden_segments=a.hidden_segments,
        )
