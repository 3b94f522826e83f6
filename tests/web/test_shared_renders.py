"""A room event's fragment is rendered once per process and per what it reads of the
viewer (``web.sse.render_shared``), and every page still gets exactly what rendering it
alone would give."""

from __future__ import annotations

from app.accounts.models import User
from app.events import Event
from app.rooms import events as ev
from app.rooms.models import Room
from tests.api.test_room_event_types import _sample
from web.sse import render_event, render_shared, viewer_names
from web.templating import templates

VIEWERS = [
    (None, False),
    (User(id=1, display_name="Mia"), False),
    (User(id=1, display_name="Mia"), True),
    (User(id=41, display_name="Bea"), False),
    (User(id=42, display_name="Cy"), True),
]


async def test_shared_fragments_are_what_each_page_would_render(app: object) -> None:
    room = Room(id=7, title="Live shop", owner_id=1)
    for cls in ev.CATALOG:
        received = Event.decode(ev.envelope(7, _sample(cls)).encoded)
        for user, can_moderate in VIEWERS * 2:  # the second round comes from the cache
            context = {"room": room, "user": user, "can_moderate": can_moderate}
            assert render_shared(received, context) == render_event(received, context), cls.type


async def test_a_fragment_that_reads_nothing_of_the_viewer_is_rendered_once(app: object) -> None:
    room = Room(id=7, title="Live shop", owner_id=1)
    assert viewer_names(templates.get_template("events/gift.sent.html")) == ()
    gift = ev.envelope(7, _sample(ev.GiftSent))
    shown = {
        id(render_shared(gift, {"room": room, "user": user, "can_moderate": mod}))
        for user, mod in VIEWERS
    }
    assert len(shown) == 1  # one string, handed to every page


async def test_a_fragment_that_reads_the_viewer_is_rendered_per_viewer(app: object) -> None:
    assert viewer_names(templates.get_template("events/chat.message.html")) == (
        "can_moderate",
        "user",
    )
    room = Room(id=7, title="Live shop", owner_id=1)
    line = ev.envelope(7, _sample(ev.ChatMessageSent))
    as_viewer = render_shared(line, {"room": room, "user": None, "can_moderate": False})
    as_moderator = render_shared(
        line, {"room": room, "user": User(id=9, display_name="Mo"), "can_moderate": True}
    )
    assert as_viewer != as_moderator  # the moderator's line has its delete button
    again = render_shared(line, {"room": room, "user": None, "can_moderate": False})
    assert again is as_viewer
