# ruff: noqa: E501  (one line per table entry)
"""Authorization entries for profiles (interests, personalisation, export, account
deletion), the public profile and its follow button, the language switcher, live
reminders and the notification centre. Merged into :mod:`tests.hardening.authz_table`
(``MUTATIONS`` / ``PAGES`` / ``NOT_PAGE_ACTIONS``); see its docstring for the rules."""

from __future__ import annotations

import asyncio
import base64
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.hardening.authz_table import (
    EVERYONE,
    P_PUBLIC,
    P_USERS,
    USERS,
    PageRule,
    Rule,
    _p,
)
from tests.hardening.world import ANON, PASSWORD, TOKEN_READ, TOKEN_WRITE, World

READERS = EVERYONE - {ANON}  # any signed-in caller, read-only API tokens included


async def _stand_in(w: World) -> None:
    """Point the calling role's session and API tokens at a FRESH user of the same role,
    so deleting "my account" deletes that stand-in, never one of the world's users."""
    if w.caller is None:
        return
    from app.accounts import services as accounts

    fresh = await w.make_user(f"standin_{w.caller.role.value}", w.caller.role)
    w.stand_in = fresh  # type: ignore[attr-defined]  # (the write-limit test exhausts it too)
    for label, user in w.users.items():
        if user.id == w.caller.id and label in w.sessions:
            w.sessions[label] = await accounts.start_session(fresh)
    if w.caller.id == w.users["owner"].id:  # the world's API tokens are the owner's
        for label, scope in ((TOKEN_READ, "read"), (TOKEN_WRITE, "write")):
            w.tokens[label] = (await accounts.create_api_token(fresh, label, scope)).secret


async def _tag(w: World) -> str:
    """A learned tag on the caller's profile (the key to forget)."""
    from app.profiles import services as profiles
    from app.profiles.models import ProfileTag

    key = f"topic{w.n()}"
    if w.caller is not None:
        profile = await profiles.profile_of(w.caller)
        await ProfileTag.create(
            profile_id=profile.id,
            dimension="topic",
            key=key,
            weight=1.0,
            updated_at=datetime.now(UTC),
        )
    return key


async def _handle(w: World) -> str:
    """The handle of a streamer none of the roles is (the target gets one)."""
    from app.accounts.models import User

    target = w.users["target"]
    if not target.handle:
        target.handle = f"target{target.id}"
        await User.filter(id=target.id).update(handle=target.handle)
    return target.handle


async def _scheduled_room(w: World) -> int:
    """A scheduled (not yet live) room of the owner, to be reminded of."""
    from app.rooms.models import Room, RoomStatus

    room = await Room.create(
        owner_id=w.users["owner"].id,
        title=f"Soon {w.n()}",
        status=RoomStatus.SCHEDULED,
        scheduled_at=datetime.now(UTC) + timedelta(days=1),
        stream_key="sk_" + secrets.token_urlsafe(12),
    )
    return room.id


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _push(w: World) -> dict[str, Any]:
    """A browser's ``PushSubscription.toJSON()`` (sent as a JSON body, not a form)."""
    return {
        "endpoint": f"https://push.example.com/send/{w.key()}",
        "keys": {
            "p256dh": _b64(b"\x04" + secrets.token_bytes(64)),
            "auth": _b64(secrets.token_bytes(16)),
        },
    }


async def _notification(w: World) -> str:
    """The global ID of a fresh notification of the caller (of the owner for anonymous)."""
    from app.api.ids import encode_id
    from app.notify import content, services
    from app.notify.models import DeliveryStatus, Kind, Notification, NotificationDelivery

    user = w.caller or w.users["owner"]
    await services.notify([user.id], Kind.OUTBID, content.outbid(w.room.id, 500, "USD"))
    note = await Notification.filter(user_id=user.id).order_by("-id").first()
    assert note is not None
    # Its e-mail goes out in the background (a row in the mail outbox): let it, so the
    # tests that compare table counts around the mutation see a world at rest.
    pending = NotificationDelivery.filter(
        notification_id=note.id, status=DeliveryStatus.PENDING.value
    )
    for _ in range(200):
        if not await pending.exists():
            break
        await asyncio.sleep(0.05)
    return encode_id("Notification", note.id)


def _push_arguments(w: World) -> dict[str, Any]:
    sub = _push(w)
    return {"endpoint": sub["endpoint"], **sub["keys"]}


async def _push_endpoint(w: World) -> str:
    """The endpoint of a push subscription of the caller (to remove)."""
    from app.notify import services

    sub = _push(w)
    if w.caller is not None:
        await services.subscribe_push(
            w.caller.id, sub["endpoint"], sub["keys"]["p256dh"], sub["keys"]["auth"]
        )
    return str(sub["endpoint"])


MUTATIONS: dict[str, Rule | tuple[Rule, ...]] = {
    # profiles and privacy
    "updateInterests": Rule(USERS, lambda w: {"interests": ["fashion", "home"]}),
    "setPersonalisation": Rule(USERS, lambda w: {"enabled": True}),
    "removeProfileTag": Rule(USERS, lambda w: {"dimension": "topic", "key": _tag(w)}),
    "exportMyData": Rule(READERS, lambda w: {}),
    "deleteMyAccount": Rule(USERS, lambda w: {"_standin": _stand_in(w), "password": PASSWORD}),
    # the notification centre (each caller's own; reading needs no write scope)
    "markNotificationsRead": (
        Rule(USERS, lambda w: {"ids": [_notification(w)]}),
        Rule(USERS, lambda w: {"all": True}),
    ),
    "updateNotificationPreferences": Rule(
        USERS,
        lambda w: {
            "preferences": [{"kind": "GO_LIVE", "channel": "EMAIL", "enabled": True}],
            "timeZone": "Europe/Paris",
            "quietStart": "22:00",
            "quietEnd": "07:00",
        },
    ),
    "registerPushSubscription": Rule(USERS, lambda w: _push_arguments(w)),
    "removePushSubscription": Rule(USERS, lambda w: {"endpoint": _push_endpoint(w)}),
}

PAGES: dict[str, PageRule] = {
    # profiles
    "/account/profile": PageRule(P_USERS, lambda w: _p(action="personalise", enabled="on")),
    "/account/public": PageRule(
        P_USERS, lambda w: _p(handle=f"h{w.n()}{secrets.token_hex(3)}", bio="Hello.", avatar_url="")
    ),
    "/@{handle}/follow": PageRule(P_USERS, lambda w: _p({"handle": _handle(w)}, action="follow")),
    # the language switcher: anyone (a visitor gets the cookie, a user also saves it)
    "/language": PageRule(P_PUBLIC, lambda w: _p(language="en", next="/")),
    # live reminders
    "/rooms/{room_id:int}/remind": PageRule(
        P_USERS, lambda w: _p({"room_id": _scheduled_room(w)}, action="remind", next="/")
    ),
    # notifications
    "/notifications/read": PageRule(P_USERS, lambda w: _p()),
    "/notifications/settings": PageRule(
        P_USERS,
        lambda w: _p(time_zone="UTC", quiet_start="", quiet_end="", **{"go_live:email": "on"}),
    ),
    "/notifications/push/subscribe": PageRule(
        P_USERS, lambda w: {"path": {}, "data": {}, "json": _push(w)}
    ),
    "/notifications/push/unsubscribe": PageRule(
        P_USERS,
        lambda w: {
            "path": {},
            "data": {},
            "json": {"endpoint": "https://push.example.com/send/none"},
        },
    ),
}

# POST routes that are not session actions (their own authentication).
NOT_PAGE_ACTIONS: dict[str, str] = {
    "/notifications/unsubscribe/{token:str}": "a mail's RFC 8058 one-click unsubscribe: the mail client POSTs the signed link, no session or CSRF token; a forged link is refused (tests/notify/test_mail.py::test_rfc8058_one_click_post_and_a_forged_link)",
}
