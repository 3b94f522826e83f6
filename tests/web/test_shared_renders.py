"""A room event's SSE message is made once per process and per distinct render input
(``web.sse.Fragments``): language and time zone, whether the page moderates, whether
someone is signed in; a fragment that reads who the viewer is stays theirs alone. Every
page still gets exactly what rendering it alone would give."""

from __future__ import annotations

from datetime import UTC, datetime

from app.accounts.models import User
from app.events import Event
from app.i18n import using_locale
from app.rooms import events as ev
from app.rooms.models import Room
from tests.api.test_room_event_types import _sample
from web.sse import Fragments, Page, format_sse, render_event, sse_name, viewer_names
from web.templating import templates

ROOM = Room(id=7, title="Live shop", owner_id=1)
VIEWERS = [
    (None, False),
    (User(id=1, display_name="Mia"), False),
    (User(id=1, display_name="Mia"), True),
    (User(id=41, display_name="Bea"), False),
    (User(id=42, display_name="Cy"), True),
]
SALE = ev.FlashSaleChanged(
    sale_id=5,
    product_id=2,
    state="live",
    price=999,
    remaining=3,
    ends_at=datetime(2026, 3, 1, 10, 30, tzinfo=UTC),
)


def _page(user: User | None, can_moderate: bool = False) -> Page:
    return Page.of({"room": ROOM, "user": user, "can_moderate": can_moderate})


def _alone(event: Event, user: User | None, can_moderate: bool = False) -> bytes | None:
    """What the page would get if its fragment were rendered for it alone."""
    context = {"room": ROOM, "user": user, "can_moderate": can_moderate}
    html = render_event(event, context)
    return None if html is None else format_sse(sse_name(event.type), html).encode()


def _received(event: ev.RoomEvent) -> Event:
    return Event.decode(ev.envelope(ROOM.id, event).encoded)


async def test_shared_messages_are_what_each_page_would_render(app: object) -> None:
    fragments = Fragments()
    for locale in ("en", "zh_CN"):
        with using_locale(locale, "Asia/Shanghai" if locale == "zh_CN" else "UTC"):
            for cls in ev.CATALOG:
                received = _received(_sample(cls))
                for user, can_moderate in VIEWERS * 2:  # the second round comes shared
                    got = fragments.message(received, _page(user, can_moderate))
                    assert got == _alone(received, user, can_moderate), (locale, cls.type)
            received = _received(SALE)
            for user, can_moderate in VIEWERS * 2:
                got = fragments.message(received, _page(user, can_moderate))
                assert got == _alone(received, user, can_moderate)
    assert fragments.stats.shared > fragments.stats.renders


async def test_one_render_per_event_for_a_room_of_pages(app: object) -> None:
    fragments = Fragments()
    sale = _received(SALE)
    anonymous = {id(fragments.message(sale, _page(None))) for _ in range(50)}
    signed_in = {
        id(fragments.message(sale, _page(User(id=100 + i, display_name=f"V{i}"))))
        for i in range(50)
    }
    assert len(anonymous) == len(signed_in) == 1  # one bytes object each, handed to all
    # the sale box only asks whether someone is signed in ("Buy now" or "Log in to buy"):
    # one render for the anonymous pages, one for the signed-in ones
    assert (fragments.stats.renders, fragments.stats.shared) == (2, 98)
    assert fragments.stats.personal == 0 and fragments.stats.events == 1
    buy = fragments.message(sale, _page(User(id=7, display_name="Z")))
    assert buy is not None and b'data-testid="flash-sale-buy"' in buy
    login = fragments.message(sale, _page(None))
    assert login is not None and b"Log in to buy" in login and b"flash-sale-buy" not in login


async def test_languages_each_get_their_own_fragment(app: object) -> None:
    fragments = Fragments()
    sale = _received(SALE)
    with using_locale("zh_CN", "Asia/Shanghai"):
        chinese = [fragments.message(sale, _page(None)) for _ in range(3)]
        assert chinese[0] == _alone(sale, None)
    with using_locale("en", "UTC"):
        english = [fragments.message(sale, _page(None)) for _ in range(3)]
        assert english[0] == _alone(sale, None)
    assert chinese[0] is not None and "秒杀".encode() in chinese[0]
    assert english[0] is not None and b"Flash sale" in english[0]
    assert fragments.stats.renders == 2 and fragments.stats.shared == 4


async def test_a_fragment_that_reads_the_viewer_is_theirs_alone(app: object) -> None:
    assert viewer_names(templates.get_template("events/chat.message.html")) == (
        "can_moderate",
        "user",
    )
    fragments = Fragments()
    line = _received(_sample(ev.ChatMessageSent))
    mia, bea = User(id=1, display_name="Mia"), User(id=41, display_name="Bea")
    for user, can_moderate in ((mia, False), (bea, False), (mia, False), (None, False)):
        got = fragments.message(line, _page(user, can_moderate))
        assert got == _alone(line, user, can_moderate)
    # a chat line reads who the viewer is (their own line has no "report"): rendered for
    # each signed-in page; the anonymous pages share one
    assert fragments.stats.personal == 3 and fragments.stats.renders == 1
    as_viewer = fragments.message(line, _page(None))
    as_moderator = fragments.message(line, _page(User(id=9, display_name="Mo"), True))
    assert as_viewer != as_moderator  # the moderator's line has its delete button
    assert fragments.stats.shared == 1


async def test_a_fragment_that_reads_nothing_of_the_viewer_is_rendered_once(app: object) -> None:
    assert viewer_names(templates.get_template("events/gift.sent.html")) == ()
    fragments = Fragments()
    gift = _received(_sample(ev.GiftSent))
    shown = {id(fragments.message(gift, _page(user, mod))) for user, mod in VIEWERS}
    assert len(shown) == 1
    assert fragments.stats.renders == 1 and fragments.stats.shared == len(VIEWERS) - 1


async def test_kept_events_and_variants_are_bounded(app: object) -> None:
    fragments = Fragments(events=4, variants=2)
    for _ in range(10):
        fragments.message(_received(_sample(ev.GiftSent)), _page(None))
    assert len(fragments._events) == 4
    gift = _received(_sample(ev.GiftSent))
    for zone in ("UTC", "Asia/Shanghai", "Europe/Lisbon"):
        with using_locale("en", zone):
            assert fragments.message(gift, _page(None)) == _alone(gift, None)
    assert len(fragments._events[gift.id].messages) == 2  # the third zone: rendered, not kept
