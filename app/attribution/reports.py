"""What attribution tells: a room's visits, viewers, follows and GMV by traffic source
for a time window (:func:`by_source`, the streamer's analytics and the audience view
call it), and what came through one sharer's links (:func:`sharer_stats`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from tortoise.functions import Count, Sum

from app.accounts.models import User
from app.attribution.models import (
    AttributedFollow,
    AttributedOrder,
    Referral,
    RewardStatus,
    ShareLink,
    Visit,
)
from app.attribution.sources import SOURCES
from app.errors import AuthRequired, UserError
from app.i18n import N_
from app.rooms import services as rooms


@dataclass
class SourceStats:
    """One traffic source of a room in a window. ``gmv_cents`` sums paid orders (in the
    currency each was paid in; a room sells in one)."""

    source: str
    visits: int = 0
    viewers: int = 0
    follows: int = 0
    orders: int = 0
    gmv_cents: int = 0


def _window(column: str, since: datetime | None, until: datetime | None) -> dict[str, datetime]:
    found: dict[str, datetime] = {}
    if since is not None:
        found[f"{column}__gte"] = since
    if until is not None:
        found[f"{column}__lt"] = until
    return found


async def by_source(
    room_id: int, since: datetime | None = None, until: datetime | None = None
) -> list[SourceStats]:
    """The room's visits (page views), viewers (distinct browsers or accounts), follows
    and paid orders / GMV in ``[since, until)``, one row per source that has any, in the
    vocabulary's order (:data:`app.attribution.sources.SOURCES`)."""
    rows: dict[str, SourceStats] = {}

    def row(source: str) -> SourceStats:
        return rows.setdefault(source, SourceStats(source))

    visits = (
        await Visit.filter(room_id=room_id, **_window("at", since, until))
        .annotate(n=Count("id"), viewers=Count("viewer_key", distinct=True))
        .group_by("source")
        .values("source", "n", "viewers")
    )
    for v in visits:
        row(v["source"]).visits = int(v["n"])
        row(v["source"]).viewers = int(v["viewers"])
    follows = (
        await AttributedFollow.filter(room_id=room_id, **_window("at", since, until))
        .annotate(n=Count("id"))
        .group_by("source")
        .values("source", "n")
    )
    for f in follows:
        row(f["source"]).follows = int(f["n"])
    orders = (
        await AttributedOrder.filter(room_id=room_id, **_window("paid_at", since, until))
        .annotate(n=Count("id"), gmv=Sum("total_cents"))
        .group_by("source")
        .values("source", "n", "gmv")
    )
    for o in orders:
        row(o["source"]).orders = int(o["n"])
        row(o["source"]).gmv_cents = int(o["gmv"] or 0)
    order = {name: i for i, name in enumerate(SOURCES)}
    return sorted(rows.values(), key=lambda r: order.get(r.source, len(order)))


async def room_traffic(
    user: User | None, room_id: int, since: datetime | None = None, until: datetime | None = None
) -> list[SourceStats]:
    """:func:`by_source` for the room's owner (or an admin)."""
    await rooms.owned_room(
        user, room_id, N_("only the room's owner sees where its viewers came from")
    )
    if since is not None and until is not None and until <= since:
        raise UserError("INVALID_WINDOW", "the window must end after it starts", "until")
    return await by_source(room_id, since, until)


@dataclass
class LinkStats:
    """What came through one share link."""

    link: ShareLink
    visits: int = 0
    visitors: int = 0
    follows: int = 0
    signups: int = 0
    orders: int = 0
    gmv_cents: int = 0


@dataclass
class SharerStats:
    links: list[LinkStats] = field(default_factory=list)
    rewards: list[Referral] = field(default_factory=list)

    @property
    def visitors(self) -> int:
        return sum(s.visitors for s in self.links)

    @property
    def signups(self) -> int:
        return sum(s.signups for s in self.links)

    @property
    def orders(self) -> int:
        return sum(s.orders for s in self.links)

    @property
    def gmv_cents(self) -> int:
        return sum(s.gmv_cents for s in self.links)


async def sharer_stats(user: User | None) -> SharerStats:
    """How many came through the signed-in user's share links, per link."""
    if user is None:
        raise AuthRequired()
    links = list(
        await ShareLink.filter(sharer_id=user.id)
        .order_by("-id")
        .prefetch_related("room", "product")
    )
    stats = {link.id: LinkStats(link) for link in links}
    ids = list(stats)
    if ids:
        for v in (
            await Visit.filter(share_link_id__in=ids)
            .annotate(n=Count("id"), people=Count("viewer_key", distinct=True))
            .group_by("share_link_id")
            .values("share_link_id", "n", "people")
        ):
            stats[v["share_link_id"]].visits = int(v["n"])
            stats[v["share_link_id"]].visitors = int(v["people"])
        for f in (
            await AttributedFollow.filter(share_link_id__in=ids)
            .annotate(n=Count("id"))
            .group_by("share_link_id")
            .values("share_link_id", "n")
        ):
            stats[f["share_link_id"]].follows = int(f["n"])
        for r in (
            await Referral.filter(share_link_id__in=ids)
            .annotate(n=Count("id"))
            .group_by("share_link_id")
            .values("share_link_id", "n")
        ):
            stats[r["share_link_id"]].signups = int(r["n"])
        for o in (
            await AttributedOrder.filter(share_link_id__in=ids)
            .annotate(n=Count("id"), gmv=Sum("total_cents"))
            .group_by("share_link_id")
            .values("share_link_id", "n", "gmv")
        ):
            stats[o["share_link_id"]].orders = int(o["n"])
            stats[o["share_link_id"]].gmv_cents = int(o["gmv"] or 0)
    rewards = list(
        await Referral.filter(sharer_id=user.id)
        .exclude(status=RewardStatus.PENDING)
        .order_by("-id")
        .prefetch_related("coupon", "invitee")
    )
    return SharerStats(list(stats.values()), rewards)
