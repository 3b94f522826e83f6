"""The attribution recorder: visits are buffered in memory and written in batches, paid
orders and follows are attributed after them, off the request path.

A room page is served from a cache to anonymous viewers (``web.page_cache``): its visit
is reported by a small beacon the page sends after it loads (``POST /a/visit``), which
only appends to this buffer (no query). Every ``flush`` (the runtime runs it every few
seconds; tests call it) does, in order:

1. resolve the share codes of the buffered visits (one query) and classify each visit's
   source (:func:`app.attribution.sources.classify`), then insert them (one statement per
   500 visits);
2. for a signed-in visit from a browser that visited anonymously before: give those
   visits the account (the attribution survives sign-up) and, when the account was made
   after its browser came through a share link, record the invitation
   (:class:`~app.attribution.models.Referral`);
3. attribute buffered follows and paid orders to the newest earlier visit of the same
   person (:mod:`app.attribution.attributing`), and decide invite rewards on first orders.

Nothing here can double count: each buffered item is taken out once, an order is
attributed once (unique per order), a follow once per signal.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app import signals
from app.attribution import attributing
from app.attribution.models import ShareLink, Visit
from app.attribution.sources import classify
from app.commerce.models import Product
from app.rooms.models import Room

log = logging.getLogger("livemart.attribution")

BATCH = 500
MAX_BUFFER = 200_000  # visits kept while the database is away; the oldest are dropped


@dataclass(frozen=True, slots=True)
class VisitHit:
    """One beacon, as reported: classified at flush time."""

    viewer_key: str
    at: datetime
    room_id: int | None = None
    product_id: int | None = None
    user_id: int | None = None
    browser_key: str | None = None  # the browser of a signed-in visit (for the claim)
    src: str | None = None
    share_code: str | None = None
    referrer: str | None = None
    host: str | None = None
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class PaidOrder:
    order_id: int
    user_id: int
    room_id: int | None
    product_ids: tuple[int, ...]
    total_cents: int
    currency: str
    at: datetime


@dataclass(frozen=True, slots=True)
class NewFollow:
    streamer_id: int
    user_id: int
    at: datetime


class AttributionRecorder:
    """Buffers visits, paid orders and follows; :meth:`flush` writes and attributes them."""

    def __init__(self, reward_cents: int = 0, clock: Callable[[], datetime] | None = None) -> None:
        self.reward_cents = reward_cents
        self.clock = clock or signals.now
        self.visits: list[VisitHit] = []
        self.orders: list[PaidOrder] = []
        self.follows: list[NewFollow] = []
        self._lock = asyncio.Lock()

    # --- listening ---------------------------------------------------------------------

    def _listeners(self) -> dict[str, signals.Listener]:
        return {"order.paid": self.on_order_paid, "follow.added": self.on_follow}

    def connect(self) -> None:
        signals.connect_all(self._listeners())

    def disconnect(self) -> None:
        signals.disconnect_all(self._listeners())

    def add_visit(self, hit: VisitHit) -> None:
        """Buffer one visit (no I/O)."""
        if len(self.visits) >= MAX_BUFFER:
            del self.visits[:BATCH]
            log.warning("attribution: visit buffer full, dropped the oldest %s", BATCH)
        self.visits.append(hit)

    def on_order_paid(
        self,
        order_id: int,
        user_id: int,
        room_id: int | None,
        total_cents: int,
        currency: str,
        at: datetime,
        product_ids: Any = (),
        **_: Any,
    ) -> None:
        ids = tuple(int(p) for p in (product_ids or ()))
        self.orders.append(
            PaidOrder(order_id, user_id, room_id, ids, int(total_cents), currency, at)
        )

    def on_follow(self, streamer_id: int, user_id: int, at: datetime, **_: Any) -> None:
        self.follows.append(NewFollow(streamer_id, user_id, at))

    # --- writing -----------------------------------------------------------------------

    async def flush(self) -> None:
        """Write the buffered visits, then attribute the buffered follows and orders.
        What fails goes back into the buffer, to be tried at the next flush."""
        async with self._lock:
            visits, self.visits = self.visits, []
            try:
                await self._write_visits(visits)
            except Exception:
                self.visits[:0] = visits
                raise
            follows, self.follows = self.follows, []
            orders, self.orders = self.orders, []
            for i, follow in enumerate(follows):
                try:
                    await attributing.attribute_follow(
                        follow.streamer_id, follow.user_id, follow.at
                    )
                except Exception:
                    self.follows[:0] = follows[i:]
                    self.orders[:0] = orders
                    raise
            for i, order in enumerate(orders):
                try:
                    await attributing.attribute_order(
                        order.order_id,
                        order.user_id,
                        order.room_id,
                        order.product_ids,
                        order.total_cents,
                        order.currency,
                        order.at,
                        reward_cents=self.reward_cents,
                    )
                except Exception:
                    self.orders[:0] = orders[i:]
                    raise

    async def _write_visits(self, hits: list[VisitHit]) -> None:
        if not hits:
            return
        codes = {h.share_code for h in hits if h.share_code}
        links = {
            link.code: link
            for link in (await ShareLink.filter(code__in=list(codes)) if codes else [])
        }
        rooms = {h.room_id for h in hits if h.room_id is not None}
        products = {h.product_id for h in hits if h.product_id is not None}
        known_rooms = set(await Room.filter(id__in=list(rooms)).values_list("id", flat=True))
        known_products = set(
            await Product.filter(id__in=list(products)).values_list("id", flat=True)
        )
        rows = []
        for hit in hits:
            if hit.room_id is not None and hit.room_id not in known_rooms:
                continue  # a beacon for a room that does not exist (or no longer)
            if hit.product_id is not None and hit.product_id not in known_products:
                continue
            link = links.get(hit.share_code or "")
            if link is not None and not _same_target(link, hit):
                link = None  # a code for another room or product proves nothing here
            source = classify(hit.src, link is not None, hit.referrer, hit.host, hit.room_id)
            rows.append(
                Visit(
                    room_id=hit.room_id,
                    product_id=hit.product_id,
                    source=source.value,
                    viewer_key=hit.viewer_key,
                    user_id=hit.user_id,
                    share_link_id=link.id if link else None,
                    net=net_of(hit.ip),
                    at=hit.at,
                )
            )
        for start in range(0, len(rows), BATCH):
            await Visit.bulk_create(rows[start : start + BATCH])
        claims = {(h.user_id, h.browser_key) for h in hits if h.user_id and h.browser_key}
        for user_id, browser_key in claims:
            assert user_id is not None and browser_key is not None
            await attributing.claim_browser(user_id, browser_key)


def net_of(ip: str | None) -> str:
    """A short hash of an IP address (compared, never shown)."""
    if not ip:
        return ""
    return hashlib.sha256(f"livemart-net:{ip}".encode()).hexdigest()[:16]


def _same_target(link: ShareLink, hit: VisitHit) -> bool:
    if link.room_id is not None:
        return link.room_id == hit.room_id
    return link.product_id is not None and link.product_id == hit.product_id


_recorder: AttributionRecorder | None = None


def set_recorder(recorder: AttributionRecorder | None) -> None:
    global _recorder
    _recorder = recorder


def get_recorder() -> AttributionRecorder | None:
    """The running recorder (None outside the app: then visits are written at once)."""
    return _recorder


async def record_visit(hit: VisitHit) -> None:
    """Record one visit: buffered by the running recorder, else written at once."""
    if (hit.room_id is None) == (hit.product_id is None):
        raise ValueError("a visit is to a room or to a product")
    if _recorder is not None:
        _recorder.add_visit(hit)
        return
    once = AttributionRecorder()
    once.add_visit(hit)
    await once.flush()
