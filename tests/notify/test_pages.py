"""The notification pages: the list with mark-read, the settings form (refusing bad
input without changing anything), and the push subscription endpoint."""

from __future__ import annotations

import httpx
import pytest

from app.notify import prefs, services
from app.notify.models import Channel, Kind, PushSubscription
from tests.commerce.helpers import login_as
from tests.notify.endpoints import BrowserKeys
from tests.support import csrf

pytestmark = pytest.mark.usefixtures("app")


async def test_the_list_shows_notifications_and_marks_them_read(
    client: httpx.AsyncClient,
) -> None:
    user = await login_as(client, "fan@example.com", "Fan")
    assert (await client.get("/notifications")).status_code == 200
    await services.notify([user.id], Kind.OUTBID, services.Content("You were outbid", url="/"))
    await services.notify([user.id], Kind.GO_LIVE, services.Content("Ann is live"))
    page = await client.get("/notifications")
    assert "You were outbid" in page.text and "Ann is live" in page.text
    assert "Mark all 2 read" in page.text
    first = (await services.recent(user.id))[-1]
    token = await csrf(client)
    done = await client.post("/notifications/read", data={"csrf_token": token, "id": first.id})
    assert done.status_code == 303
    assert await services.unread_count(user.id) == 1
    bad = await client.post("/notifications/read", data={"csrf_token": token, "id": "99999"})
    assert bad.status_code == 404
    assert await services.unread_count(user.id) == 1
    await client.post("/notifications/read", data={"csrf_token": token})
    assert await services.unread_count(user.id) == 0


async def test_signed_out_visitors_are_sent_to_log_in(client: httpx.AsyncClient) -> None:
    answer = await client.get("/notifications")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert (await client.get("/notifications/stream")).status_code == 403


async def test_settings_save_and_refuse_bad_quiet_hours(client: httpx.AsyncClient) -> None:
    user = await login_as(client, "fan@example.com", "Fan")
    page = await client.get("/notifications/settings")
    assert page.status_code == 200 and 'name="go_live:email"' in page.text
    token = await csrf(client)
    form = {"csrf_token": token, "go_live:in_app": "on", "outbid:email": "on",
            "quiet_start": "22:00", "quiet_end": "07:30", "time_zone": "Asia/Shanghai"}  # fmt: skip
    assert (await client.post("/notifications/settings", data=form)).status_code == 200
    chosen = await prefs.preferences(user.id)
    assert chosen[(Kind.GO_LIVE, Channel.IN_APP)] is True
    assert chosen[(Kind.GO_LIVE, Channel.PUSH)] is False
    assert chosen[(Kind.OUTBID, Channel.EMAIL)] is True
    quiet = await prefs.quiet_hours(user.id)
    assert (quiet.time_zone, quiet.start, quiet.end) == ("Asia/Shanghai", 22 * 60, 7 * 60 + 30)

    bad = {**form, "quiet_end": "7 pm", "go_live:push": "on"}
    answer = await client.post("/notifications/settings", data=bad)
    assert answer.status_code == 422 and "HH:MM" in answer.text
    assert await prefs.preferences(user.id) == chosen  # nothing changed
    assert (await prefs.quiet_hours(user.id)).end == 7 * 60 + 30


async def test_push_subscription_endpoint(client: httpx.AsyncClient) -> None:
    user = await login_as(client, "fan@example.com", "Fan")
    token = await csrf(client)
    keys = BrowserKeys()
    body = {"endpoint": "https://push.example/x", "keys": {"p256dh": keys.p256dh, "auth": "x"}}
    headers = {"X-CSRF-Token": token}
    bad = await client.post("/notifications/push/subscribe", json=body, headers=headers)
    assert bad.status_code == 422 and bad.json()["code"] == "INVALID_SUBSCRIPTION"
    body["keys"]["auth"] = keys.auth
    assert (await client.post("/notifications/push/subscribe", json=body)).status_code == 403
    ok = await client.post("/notifications/push/subscribe", json=body, headers=headers)
    assert ok.json() == {"ok": True}
    assert await PushSubscription.filter(user_id=user.id).count() == 1
    gone = await client.post(
        "/notifications/push/unsubscribe", json={"endpoint": body["endpoint"]}, headers=headers
    )
    assert gone.json()["removed"] == 1
    assert (await client.get("/sw.js")).status_code == 200
