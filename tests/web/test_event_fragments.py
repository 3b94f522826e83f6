"""Every room event renders as its SSE fragment from the typed event (``web.sse``)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.accounts.models import User
from app.events import Event
from app.rooms import events as ev
from app.rooms.models import Room
from tests.api.test_room_event_types import _sample
from web.sse import format_sse, render_event, sse_name

TEMPLATES = Path(__file__).parents[2] / "web" / "templates" / "events"


def test_every_fragment_template_is_a_room_event() -> None:
    names = {p.name.removesuffix(".html") for p in TEMPLATES.glob("*.html")}
    assert names <= {cls.type for cls in ev.CATALOG}, names - {cls.type for cls in ev.CATALOG}


async def test_every_room_event_renders_from_the_wire(app: object) -> None:
    room = Room(id=7, title="Live shop", owner_id=1)
    for cls in ev.CATALOG:
        received = Event.decode(ev.envelope(7, _sample(cls)).encoded)
        for user in (None, User(id=1, display_name="Mia"), User(id=41, display_name="Bea")):
            for can_moderate in (False, True):
                context = {"room": room, "user": user, "can_moderate": can_moderate}
                html = render_event(received, context)
                has_template = (TEMPLATES / f"{cls.type}.html").exists()
                assert (html is not None) == has_template, cls.type
                if html is not None:
                    assert format_sse(sse_name(cls.type), html).startswith(
                        f"event: {cls.type.replace('.', '-')}\n"
                    )


async def test_times_render_as_iso_and_clock_text(app: object) -> None:
    room = Room(id=7, title="Live shop", owner_id=1)
    ends = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    context = {"room": room, "user": User(id=3, display_name="Bea"), "can_moderate": False}
    for event in (
        ev.FlashSaleChanged(
            sale_id=1, product_id=2, state="live", price=100, remaining=3, ends_at=ends
        ),
        ev.AuctionChanged(
            auction_id=1,
            product_id=2,
            state="live",
            current_price=100,
            leader_name=None,
            ends_at=ends,
        ),
        ev.CouponDropChanged(coupon_id=1, code="LIVE10", remaining=2, ends_at=ends),
    ):
        html = render_event(ev.envelope(7, event), context)
        assert html is not None and 'data-ends-at="2026-03-01T10:30:00+00:00"' in html
    muted = render_event(ev.envelope(7, ev.UserMuted(user_id=3, until=ends)), context)
    assert muted is not None and "You are muted until 10:30\u202fAM." in muted  # viewer's zone: UTC
    unmuted = render_event(ev.envelope(7, ev.UserMuted(user_id=3)), context)
    assert unmuted is not None and "You can chat again." in unmuted


async def test_unknown_and_malformed_events_render_nothing(app: object) -> None:
    context = {"room": Room(id=7, title="Live shop"), "user": None, "can_moderate": False}
    assert render_event(Event.create("room.renamed", {"title": "x"}, 7), context) is None
    assert render_event(Event.create(ev.VIEWERS, {"count": "x", "peak": 1}, 7), context) is None
