"""Notification mails through a real SMTP server (aiosmtpd): each carries a one-click
unsubscribe link (in its text and its List-Unsubscribe headers) that works without a
sign-in and turns that kind of mail off; without SMTP settings mails go to the outbox."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace

import httpx
import pytest

from app.accounts.models import OutboxMessage
from app.notify import prefs, services
from app.notify.models import Channel, DeliveryStatus, Kind, NotificationDelivery
from app.settings import Settings
from tests.commerce.helpers import make_user
from tests.notify.endpoints import smtp_server
from tests.support import eventually

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
async def mailbox(settings: Settings):  # type: ignore[no-untyped-def]
    async with smtp_server() as (box, port):
        yield box, port


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    fast = replace(settings, notify_tick_seconds=0.05, notify_retry_seconds=0.05)
    if "mailbox" not in request.fixturenames:
        return fast
    port = request.getfixturevalue("mailbox")[1]
    return replace(fast, smtp_host="127.0.0.1", smtp_port=port, smtp_starttls=False)


async def test_a_mail_arrives_with_a_working_one_click_unsubscribe(
    mailbox: tuple[object, int], client: httpx.AsyncClient, settings: Settings
) -> None:
    box = mailbox[0]
    buyer = await make_user("buyer@example.com", "Bo")
    content = services.Content("Your order #7 is on its way", "Tracking number ZX9", "/orders/7")
    await services.notify([buyer.id], Kind.ORDER_SHIPPED, content)

    async def arrived() -> bool:
        return bool(box.mails)  # type: ignore[attr-defined]

    await eventually(arrived, timeout=20)
    [mail] = box.mails  # type: ignore[attr-defined]
    assert mail["To"] == "buyer@example.com"
    assert mail["Subject"] == "Your order #7 is on its way"
    text = mail.get_payload(decode=True).decode()
    assert "Tracking number ZX9" in text and f"{settings.public_url}/orders/7" in text
    link = re.search(r"Stop these mails with one click: (\S+)", text).group(1)  # type: ignore[union-attr]
    assert mail["List-Unsubscribe"] == f"<{link}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    async def recorded() -> bool:
        return (await NotificationDelivery.get(channel="email")).status == DeliveryStatus.SENT

    await eventually(recorded)

    path = link.removeprefix(settings.public_url)
    page = await client.get(path)  # no sign-in: the link is signed
    assert page.status_code == 200 and "My order is shipped" in page.text
    chosen = await prefs.preferences(buyer.id)
    assert chosen[(Kind.ORDER_SHIPPED, Channel.EMAIL)] is False
    assert chosen[(Kind.ORDER_DELIVERED, Channel.EMAIL)] is True  # only that kind
    assert chosen[(Kind.ORDER_SHIPPED, Channel.IN_APP)] is True

    # the next one of that kind is not mailed, but still shown in the app
    await services.notify([buyer.id], Kind.ORDER_SHIPPED, services.Content("Order #8 shipped"))
    await asyncio.sleep(0.3)
    assert len(box.mails) == 1  # type: ignore[attr-defined]
    assert await services.unread_count(buyer.id) == 2


async def test_rfc8058_one_click_post_and_a_forged_link(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    buyer = await make_user("buyer@example.com")
    token = prefs.unsubscribe_token(settings.secret_key, buyer.id, Kind.OUTBID)
    answer = await client.post(
        f"/notifications/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}
    )
    assert answer.status_code == 200
    assert (await prefs.preferences(buyer.id))[(Kind.OUTBID, Channel.EMAIL)] is False
    forged = prefs.unsubscribe_token("another-secret-key-123456", buyer.id, Kind.REMINDER)
    bad = await client.get(f"/notifications/unsubscribe/{forged}")
    assert bad.status_code == 400 and "not valid" in bad.text
    assert (await prefs.preferences(buyer.id))[(Kind.REMINDER, Channel.EMAIL)] is True


async def test_without_smtp_the_mail_goes_to_the_outbox() -> None:
    buyer = await make_user("buyer@example.com")
    await services.notify([buyer.id], Kind.ORDER_REFUNDED, services.Content("Refunded"))

    async def kept() -> OutboxMessage | None:
        return await OutboxMessage.filter(to="buyer@example.com").first()

    mail = await eventually(kept)
    assert mail.subject == "Refunded" and "/notifications/unsubscribe/" in mail.body
