"""The notification centre over GraphQL (``graphql/operations/notify.graphql``): the
viewer's notifications page by page, the unread count, marking read (only one's own, all
or nothing), the switches and quiet hours, Web Push subscriptions, and the scopes."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from app.accounts import services as accounts
from app.accounts.models import User
from app.api.ids import encode_id
from app.notify import content, prefs, services
from app.notify.models import Channel, Kind, Notification, NotificationSettings, PushSubscription
from tests.commerce.helpers import make_merchant
from tests.notify.endpoints import BrowserKeys
from tests.support import op, register

pytestmark = pytest.mark.usefixtures("app")


async def _signed_in(client: httpx.AsyncClient, email: str, name: str = "Reader") -> User:
    await register(client, email, name)
    return await User.get(email=email)


async def _outbids(user: User, count: int) -> list[int]:
    """``count`` notifications of ``user``, one fan-out each (oldest first)."""
    for amount in range(count):
        await services.notify([user.id], Kind.OUTBID, content.outbid(7, 1000 + amount, "USD"))
    return list(
        await Notification.filter(user_id=user.id).order_by("id").values_list("id", flat=True)
    )


def _gid(pk: int) -> str:
    return encode_id("Notification", pk)


async def test_list_pages_newest_first_with_the_unread_count(client: httpx.AsyncClient) -> None:
    me = await _signed_in(client, "reader@example.com")
    other = await make_merchant("other@example.com", "Other")
    ids = await _outbids(me, 5)
    await _outbids(other, 2)  # never in my list

    first = (await op(client, "notify", "Notifications", {"first": 2}))["data"]["notifications"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"]
    nodes = [e["node"] for e in first["edges"]]
    assert [n["id"] for n in nodes] == [_gid(ids[4]), _gid(ids[3])]  # newest first
    newest = nodes[0]
    assert newest["kind"] == "OUTBID" and newest["title"] == "You were outbid"
    assert "10.04 USD" in newest["body"]
    assert newest["link"] == "/rooms/7" and newest["targetId"] == encode_id("Room", 7)
    assert newest["readAt"] is None and newest["read"] is False
    assert datetime.fromisoformat(newest["createdAt"]) <= datetime.now(UTC)

    seen = [n["id"] for n in nodes]
    after = first["pageInfo"]["endCursor"]
    while after:
        page = await op(client, "notify", "Notifications", {"first": 2, "after": after})
        found = page["data"]["notifications"]
        seen += [e["node"]["id"] for e in found["edges"]]
        after = found["pageInfo"]["endCursor"] if found["pageInfo"]["hasNextPage"] else None
    assert seen == [_gid(pk) for pk in reversed(ids)]

    count = await op(client, "notify", "NotificationUnreadCount")
    assert count["data"]["notificationUnreadCount"] == 5
    marked = await op(client, "notify", "MarkNotificationsRead", {"ids": [_gid(ids[4])]})
    assert marked["data"]["markNotificationsRead"] == {"marked": 1, "unreadCount": 4, "errors": []}
    unread = await op(client, "notify", "Notifications", {"unreadOnly": True})
    listed = [e["node"] for e in unread["data"]["notifications"]["edges"]]
    assert [n["id"] for n in listed] == [_gid(pk) for pk in reversed(ids[:4])]
    every = await op(client, "notify", "Notifications", {"first": 1})
    assert every["data"]["notifications"]["edges"][0]["node"]["read"] is True

    bad = await op(client, "notify", "Notifications", {"first": 500})
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_PAGE_SIZE"


async def test_mark_read_only_touches_ones_own(client: httpx.AsyncClient) -> None:
    me = await _signed_in(client, "reader@example.com")
    other = await make_merchant("other@example.com", "Other")
    mine = await _outbids(me, 3)
    theirs = await _outbids(other, 1)

    async def mark(variables: dict[str, object]) -> dict[str, object]:
        result = await op(client, "notify", "MarkNotificationsRead", variables)
        return dict(result["data"]["markNotificationsRead"])

    async def unread_of(user: User) -> int:
        return await services.unread_count(user.id)

    # someone else's notification, alone or among mine: refused, nothing changes
    for ids in ([_gid(theirs[0])], [_gid(mine[0]), _gid(theirs[0])]):
        refused = await mark({"ids": ids})
        assert refused["marked"] is None
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [("NOT_FOUND", "ids")]
    unknown = await mark({"ids": [_gid(10**6)]})
    assert unknown["errors"][0]["code"] == "NOT_FOUND"
    wrong_type = await mark({"ids": [encode_id("Room", mine[0])]})
    assert wrong_type["errors"][0]["code"] == "INVALID_ID"
    garbage = await mark({"ids": ["not an id"]})
    assert garbage["errors"][0]["code"] == "INVALID_ID"
    assert (await mark({}))["errors"][0]["code"] == "INVALID_INPUT"
    assert (await mark({"ids": []}))["errors"][0]["code"] == "INVALID_INPUT"
    both = await mark({"ids": [_gid(mine[0])], "all": True})
    assert both["errors"][0]["code"] == "INVALID_INPUT"
    assert await unread_of(me) == 3 and await unread_of(other) == 1

    done = await mark({"ids": [_gid(mine[0]), _gid(mine[1]), _gid(mine[0])]})
    assert done == {"marked": 2, "unreadCount": 1, "errors": []}
    again = await mark({"ids": [_gid(mine[0])]})  # already read: fine, nothing to do
    assert again == {"marked": 0, "unreadCount": 1, "errors": []}
    everything = await mark({"all": True})
    assert everything == {"marked": 1, "unreadCount": 0, "errors": []}
    assert await unread_of(other) == 1  # "all" is only mine
    assert await Notification.filter(id=theirs[0], read_at__isnull=True).exists()


async def test_preferences_round_trip_and_validation(client: httpx.AsyncClient) -> None:
    me = await _signed_in(client, "prefs@example.com")
    shown = (await op(client, "notify", "NotificationPreferences"))["data"]
    start = shown["notificationPreferences"]
    assert len(start["preferences"]) == len(Kind) * len(Channel)
    switches = {(p["kind"], p["channel"]): p["enabled"] for p in start["preferences"]}
    assert switches[("GO_LIVE", "EMAIL")] is False and switches[("OUTBID", "EMAIL")] is True
    assert (start["timeZone"], start["quietStart"], start["quietEnd"]) == ("UTC", None, None)
    labels = {p["kind"]: p["label"] for p in start["preferences"]}
    assert labels["GO_LIVE"] == "A streamer I follow goes live"

    async def update(variables: dict[str, object]) -> dict[str, object]:
        result = await op(client, "notify", "UpdateNotificationPreferences", variables)
        assert "errors" not in result, result
        return dict(result["data"]["updateNotificationPreferences"])

    changed = await update(
        {
            "preferences": [
                {"kind": "GO_LIVE", "channel": "EMAIL", "enabled": True},
                {"kind": "OUTBID", "channel": "PUSH", "enabled": False},
            ],
            "timeZone": "Asia/Shanghai",
            "quietStart": "22:30",
            "quietEnd": "07:00",
        }
    )
    assert changed["errors"] == []
    got = changed["preferences"]
    assert isinstance(got, dict)
    quiet = (got["timeZone"], got["quietStart"], got["quietEnd"])
    assert quiet == ("Asia/Shanghai", "22:30", "07:00")
    stored = await prefs.preferences(me.id)
    assert stored[(Kind.GO_LIVE, Channel.EMAIL)] is True
    assert stored[(Kind.OUTBID, Channel.PUSH)] is False
    assert stored[(Kind.OUTBID, Channel.IN_APP)] is True  # not listed: unchanged
    hours = await prefs.quiet_hours(me.id)
    assert (hours.time_zone, hours.start, hours.end) == ("Asia/Shanghai", 22 * 60 + 30, 7 * 60)

    # the time zone alone: the quiet hours stay
    zone_only = await update({"timeZone": "Europe/Paris"})
    assert zone_only["preferences"]["quietStart"] == "22:30"  # type: ignore[index]
    assert (await prefs.quiet_hours(me.id)).time_zone == "Europe/Paris"

    # bad input: a typed error and nothing changes (not even the valid part)
    before = await prefs.preferences(me.id), await prefs.quiet_hours(me.id)
    cases = [
        ({"quietStart": "25:00"}, "INVALID_TIME", "quietStart"),
        ({"quietEnd": "7pm"}, "INVALID_TIME", "quietEnd"),
        ({"quietStart": "", "quietEnd": "06:00"}, "INVALID_TIME", "quietEnd"),
        ({"quietStart": "06:00", "quietEnd": "06:00"}, "INVALID_TIME", "quietEnd"),
        ({"timeZone": "Mars/Olympus_Mons"}, "INVALID_TIME_ZONE", "timeZone"),
        (
            {
                "preferences": [
                    {"kind": "COUPON_DROP", "channel": "PUSH", "enabled": False},
                    {"kind": "COUPON_DROP", "channel": "PUSH", "enabled": True},
                ]
            },
            "DUPLICATE_PREFERENCE",
            "preferences",
        ),
    ]
    for variables, code, field in cases:
        variables.setdefault(
            "preferences", [{"kind": "REMINDER", "channel": "IN_APP", "enabled": False}]
        )
        refused = await update(variables)
        assert refused["preferences"] is None
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [(code, field)], variables  # type: ignore[union-attr]
        assert (await prefs.preferences(me.id), await prefs.quiet_hours(me.id)) == before
    unknown_kind = await op(
        client,
        "notify",
        "UpdateNotificationPreferences",
        {"preferences": [{"kind": "SPAM", "channel": "PUSH", "enabled": True}]},
    )
    assert unknown_kind["errors"] and unknown_kind["data"] is None

    # both empty: no quiet hours any more
    cleared = await update({"quietStart": "", "quietEnd": ""})
    assert cleared["preferences"]["quietStart"] is None  # type: ignore[index]
    assert not (await prefs.quiet_hours(me.id)).active
    assert await NotificationSettings.filter(user_id=me.id).count() == 1


async def test_push_subscriptions_register_and_remove(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    me = await _signed_in(client, "push@example.com")
    other = await _signed_in(other_client, "other@example.com", "Other")
    keys = BrowserKeys()
    endpoint = "https://push.example.com/send/abc123"

    async def register_push(
        on: httpx.AsyncClient, url: str, p256dh: str = keys.p256dh, auth: str = keys.auth
    ) -> dict[str, object]:
        variables = {"endpoint": url, "p256dh": p256dh, "auth": auth}
        result = await op(on, "notify", "RegisterPushSubscription", variables)
        return dict(result["data"]["registerPushSubscription"])

    for url, p256dh, auth, field in [
        ("not a url", keys.p256dh, keys.auth, "endpoint"),
        ("ftp://push.example.com/x", keys.p256dh, keys.auth, "endpoint"),
        ("javascript:alert(1)", keys.p256dh, keys.auth, "endpoint"),
        (endpoint, "too-short", keys.auth, "p256dh"),
        (endpoint, keys.p256dh, "AAAA", "auth"),
    ]:
        refused = await register_push(client, url, p256dh, auth)
        assert refused["pushSubscription"] is None
        assert [(e["code"], e["field"]) for e in refused["errors"]] == [  # type: ignore[union-attr]
            ("INVALID_SUBSCRIPTION", field)
        ]
    assert await PushSubscription.all().count() == 0

    made = await register_push(client, endpoint)
    assert made["errors"] == [] and made["pushSubscription"]["endpoint"] == endpoint  # type: ignore[index]
    again = await register_push(client, endpoint)  # the same browser again: replaced
    assert again["errors"] == []
    assert await PushSubscription.filter(user_id=me.id).count() == 1
    shown = await op(client, "notify", "NotificationPreferences")
    assert shown["data"]["notificationPreferences"]["pushSubscriptions"] == 1

    # someone else cannot remove mine
    theirs = await op(other_client, "notify", "RemovePushSubscription", {"endpoint": endpoint})
    assert theirs["data"]["removePushSubscription"] == {"removed": False, "errors": []}
    assert await PushSubscription.filter(user_id=me.id).count() == 1
    assert other.id != me.id

    removed = await op(client, "notify", "RemovePushSubscription", {"endpoint": endpoint})
    assert removed["data"]["removePushSubscription"] == {"removed": True, "errors": []}
    assert await PushSubscription.all().count() == 0


async def test_reading_needs_a_user_and_changing_a_write_token(client: httpx.AsyncClient) -> None:
    for name in ("Notifications", "NotificationUnreadCount", "NotificationPreferences"):
        anonymous = await op(client, "notify", name)
        assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", name
    denied = await op(client, "notify", "MarkNotificationsRead", {"all": True})
    assert denied["data"]["markNotificationsRead"]["errors"][0]["code"] == "UNAUTHENTICATED"

    me = await make_merchant("tokens@example.com", "Tok")
    await _outbids(me, 2)
    read = (await accounts.create_api_token(me, "reader", "read")).secret
    write = (await accounts.create_api_token(me, "writer", "write")).secret
    listed = await op(client, "notify", "Notifications", token=read)
    assert listed["data"]["notifications"]["totalCount"] == 2
    count = await op(client, "notify", "NotificationUnreadCount", token=read)
    assert count["data"]["notificationUnreadCount"] == 2
    refused = await op(client, "notify", "MarkNotificationsRead", {"all": True}, token=read)
    assert refused["data"]["markNotificationsRead"]["errors"][0]["code"] == "FORBIDDEN"
    assert await services.unread_count(me.id) == 2
    marked = await op(client, "notify", "MarkNotificationsRead", {"all": True}, token=write)
    assert marked["data"]["markNotificationsRead"]["marked"] == 2


async def test_titles_in_the_callers_language(client: httpx.AsyncClient) -> None:
    streamer = await make_merchant("ann@example.com", "Ann")
    me = await _signed_in(client, "zhu@example.com", "Zhu")
    await services.notify([me.id], Kind.GO_LIVE, await content.go_live(3, streamer.id))
    body = {"query": "{ notifications { nodes { title } } notificationPreferences"
            " { preferences { label channelLabel } } }"}  # fmt: skip
    headers = {"Accept-Language": "zh-CN", "X-CSRF-Token": client.cookies["lm_csrf"]}
    zh = (await client.post("/graphql", json=body, headers=headers)).json()["data"]
    assert zh["notifications"]["nodes"][0]["title"] == "Ann 正在直播"
    assert any("关注" in p["label"] for p in zh["notificationPreferences"]["preferences"])
    mark = {"query": "mutation { markNotificationsRead { errors { code message } } }"}
    refused = (await client.post("/graphql", json=mark, headers=headers)).json()["data"]
    assert refused["markNotificationsRead"]["errors"] == [
        {"code": "INVALID_INPUT", "message": "请填写要标为已读的 ids，或选择 all"}
    ]
    headers["Accept-Language"] = "en"
    en = (await client.post("/graphql", json=body, headers=headers)).json()["data"]
    assert en["notifications"]["nodes"][0]["title"] == "Ann is live"
