"""The streamer's audience view: who watched a room (one live session, or every session
in a window) as aggregates only.

New vs returning viewers (returning: seen in one of the streamer's rooms before), the
interest mix and price bands of signed-in viewers (from
their profiles, leaving out those who turned personalisation off), top spenders, followers
gained and where viewers came from. Any segment of fewer than :data:`MIN_SEGMENT` people is
not shown (its count is withheld, and it is folded into "other" where that makes sense),
so nobody can be singled out.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise.functions import Min

from app.accounts.models import User
from app.analytics.models import ViewerVisit
from app.attribution import reports as attribution
from app.attribution.sources import SOURCES
from app.commerce.models import Order
from app.errors import NotFound
from app.i18n import N_
from app.profiles import decay
from app.profiles.models import Profile, ProfileTag
from app.rooms import services as rooms
from app.rooms.models import Follow, LiveSession, Room

#: The smallest group of people the view shows.
MIN_SEGMENT = 5
#: The share of buyers counted as top spenders (at least MIN_SEGMENT of them).
TOP_SPENDER_SHARE = 0.2
#: Orders that count as spending.
PAID = ("paid", "shipped", "delivered", "completed")
DEFAULT_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class Segment:
    """One group of viewers; ``count`` None when it is too small to show."""

    key: str
    label: str
    count: int | None

    @property
    def hidden(self) -> bool:
        return self.count is None


@dataclass
class Spenders:
    buyers: int | None
    gmv_cents: int
    top_count: int | None = None
    top_cents: int | None = None  # what the top spenders spent together
    top_share: float | None = None  # of the GMV


@dataclass
class Audience:
    room_id: int
    session_id: int | None
    since: datetime
    until: datetime
    viewers: int
    signed_in: int
    new_vs_returning: list[Segment] = field(default_factory=list)
    interests: list[Segment] = field(default_factory=list)
    price_bands: list[Segment] = field(default_factory=list)
    sources: list[Segment] = field(default_factory=list)
    spenders: Spenders = field(default_factory=lambda: Spenders(None, 0))
    followers_gained: int = 0
    hidden_segments: int = 0


def shown(count: int) -> int | None:
    """``count`` when at least :data:`MIN_SEGMENT` people, else None (withheld)."""
    return count if count >= MIN_SEGMENT else None


def segments(counts: Counter[str], labels: dict[str, str] | None = None) -> list[Segment]:
    """Segments largest first; those under the floor are withheld and, when together
    they reach it, shown as one "other" segment."""
    labels = labels or {}
    out: list[Segment] = []
    small = 0
    for key, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if n >= MIN_SEGMENT:
            out.append(Segment(key, labels.get(key, key), n))
        else:
            small += n
            out.append(Segment(key, labels.get(key, key), None))
    if small >= MIN_SEGMENT:
        out.append(Segment("other", "other (small groups together)", small))
    return out


async def _owned_room(user: User | None, room_id: int) -> Room:
    return await rooms.owned_room(user, room_id, N_("only the room's owner sees its audience"))


async def sessions_of(user: User | None, room_id: int) -> list[LiveSession]:
    """The room's live sessions, newest first (owner or admin only)."""
    room = await _owned_room(user, room_id)
    return await LiveSession.filter(room_id=room.id).order_by("-started_at", "-id")


async def audience(
    user: User | None,
    room_id: int,
    session_id: int | None = None,
    now: datetime | None = None,
) -> Audience:
    """The audience of one live session of the room, or (``session_id`` None) of every
    visit in the last :data:`DEFAULT_WINDOW`. Owner or admin only."""
    room = await _owned_room(user, room_id)
    now = now or datetime.now(UTC)
    visits = ViewerVisit.filter(room_id=room.id)
    if session_id is not None:
        session = await LiveSession.get_or_none(id=session_id, room_id=room.id)
        if session is None:
            raise NotFound("live session", "sessionId")
        since = decay.utc(session.started_at)
        until = decay.utc(session.ended_at) if session.ended_at else now
        visits = visits.filter(session_id=session.id)
    else:
        since, until = now - DEFAULT_WINDOW, now
        visits = visits.filter(last_seen__gte=since)
    rows = await visits.values("viewer_key", "user_id", "first_seen")
    keys = {r["viewer_key"] for r in rows}
    users = {int(r["user_id"]) for r in rows if r["user_id"] is not None}
    result = Audience(room.id, session_id, since, until, len(keys), len(users))

    # New vs returning: returning viewers watched this streamer (any room) before.
    first = (
        {
            r["viewer_key"]: decay.utc(r["first"])
            for r in await ViewerVisit.filter(
                room__owner_id=room.owner_id, viewer_key__in=list(keys)
            )
            .annotate(first=Min("first_seen"))
            .group_by("viewer_key")
            .values("viewer_key", "first")
        }
        if keys
        else {}
    )
    kinds = Counter("returning" if first.get(k, since) < since else "new" for k in keys)
    result.new_vs_returning = [
        Segment("new", "new viewers", shown(kinds["new"])),
        Segment("returning", "returning viewers", shown(kinds["returning"])),
    ]

    # Interests and price bands of signed-in viewers who allow personalisation.
    interests: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    if users:
        profiles = dict(
            await Profile.filter(user_id__in=list(users), personalise=True).values_list(
                "id", "user_id"
            )
        )
        best: dict[tuple[int, str], tuple[float, str]] = {}
        for tag in await ProfileTag.filter(
            profile_id__in=list(profiles), dimension__in=("category", "price")
        ):
            weight = decay.decayed(tag.weight, decay.utc(tag.updated_at), until)
            key = (tag.profile_id, tag.dimension)
            if key not in best or weight > best[key][0]:
                best[key] = (weight, tag.key)
        for (_, dimension), (_, value) in best.items():
            (interests if dimension == "category" else bands)[value] += 1
    result.interests = segments(interests)
    result.price_bands = segments(bands, decay.PRICE_BAND_LABELS)

    # Spending: orders paid in the room within the window.
    spent: Counter[int] = Counter()
    for buyer_id, total in await Order.filter(
        room_id=room.id, status__in=PAID, paid_at__gte=since, paid_at__lt=until
    ).values_list("buyer_id", "total_cents"):
        spent[int(buyer_id)] += int(total)
    gmv = sum(spent.values())
    result.spenders = Spenders(shown(len(spent)), gmv)
    if len(spent) >= MIN_SEGMENT:
        top_n = max(MIN_SEGMENT, math.ceil(len(spent) * TOP_SPENDER_SHARE))
        top = sum(v for _, v in spent.most_common(top_n))
        result.spenders.top_count = top_n
        result.spenders.top_cents = top
        result.spenders.top_share = top / gmv if gmv else 0.0

    result.followers_gained = await Follow.filter(
        streamer_id=room.owner_id, created_at__gte=since, created_at__lt=until
    ).count()
    result.sources = await _sources(room.id, since, until)
    result.hidden_segments = sum(
        1
        for group in (result.new_vs_returning, result.interests, result.price_bands, result.sources)
        for s in group
        if s.hidden
    )
    return result


async def _sources(room_id: int, since: datetime, until: datetime) -> list[Segment]:
    """Distinct viewers by traffic source (:func:`app.attribution.reports.by_source`)."""
    stats = await attribution.by_source(room_id, since, until)
    labels = {s: s.replace("_", " ") for s in SOURCES}
    return segments(Counter({str(s.source): int(s.viewers) for s in stats if s.viewers}), labels)
