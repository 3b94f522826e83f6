"""Push endpoints: the server posts only to public https push services (a viewer chooses the
URL; an internal one would let anyone reach inside the server's network)."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from app.errors import UserError
from app.notify.endpoints import PublicResolver, check_endpoint
from app.notify.models import PushSubscription
from app.settings import Settings
from tests.notify.endpoints import BrowserKeys
from tests.support import op, register

PUBLIC = [
    "https://fcm.googleapis.com/fcm/send/dE2x:APA91b",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAAB",
    "https://web.push.apple.com/QGuQyavXutnMH",
]
INTERNAL = [
    "http://fcm.googleapis.com/fcm/send/x",  # not https
    "https://localhost/push",
    "https://api.localhost/push",
    "https://127.0.0.1:6379/",
    "https://10.0.0.5/admin",
    "https://192.168.1.1/",
    "https://172.16.0.1/",
    "https://169.254.169.254/latest/meta-data/",  # the cloud metadata service
    "https://[::1]/push",
    "https://[fd00::1]/push",
    "https://0.0.0.0/",
    "https://100.64.0.1/",  # carrier-grade NAT
]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, push_private_endpoints=False)  # as in production


def test_public_https_push_services_only() -> None:
    for url in PUBLIC:
        assert check_endpoint(f"  {url} ") == url
    for url in INTERNAL:
        with pytest.raises(UserError) as refused:
            check_endpoint(url)
        assert (refused.value.code, refused.value.field) == ("INVALID_SUBSCRIPTION", "endpoint")
    # development and tests run a local push service
    assert check_endpoint("http://127.0.0.1:8999/push/1", allow_private=True)


async def test_a_public_name_resolving_to_a_private_address_is_not_posted_to() -> None:
    resolver = PublicResolver()
    try:
        with pytest.raises(OSError):
            await resolver.resolve("localhost", 443)
    finally:
        await resolver.close()


@pytest.mark.usefixtures("app")
async def test_an_internal_endpoint_is_refused_over_graphql_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "push@example.com", "Pat")
    keys = BrowserKeys()
    for url in ("http://127.0.0.1:6379/", "https://169.254.169.254/latest/meta-data/"):
        variables = {"endpoint": url, "p256dh": keys.p256dh, "auth": keys.auth}
        answer = await op(client, "notify", "RegisterPushSubscription", variables)
        payload = answer["data"]["registerPushSubscription"]
        assert payload["pushSubscription"] is None
        assert [(e["code"], e["field"]) for e in payload["errors"]] == [
            ("INVALID_SUBSCRIPTION", "endpoint")
        ]
    assert await PushSubscription.all().count() == 0
    good = {"endpoint": PUBLIC[0], "p256dh": keys.p256dh, "auth": keys.auth}
    made = await op(client, "notify", "RegisterPushSubscription", good)
    assert made["data"]["registerPushSubscription"]["errors"] == []
