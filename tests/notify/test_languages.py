"""A notification is written once for every recipient but read in each one's language:
the notifications page in the reader's, a mail (and a push) in the recipient's saved one."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from app.accounts.models import OutboxMessage, User
from app.notify import content, services
from app.notify.models import Kind, Notification
from app.notify.runtime import fan_outs_done
from app.rooms import services as rooms
from app.settings import Settings
from tests.commerce.helpers import make_merchant
from tests.rooms.helpers import streamer_client
from tests.support import eventually, register

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return replace(settings, notify_tick_seconds=0.05, notify_retry_seconds=0.05)


async def test_a_go_live_reads_in_each_followers_language(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await make_merchant("ann@example.com", "Ann")
    await register(client, "zhu@example.com", "Zhu")
    await register(other_client, "eve@example.com", "Eve")
    await User.filter(email="zhu@example.com").update(language="zh_CN")
    for email in ("zhu@example.com", "eve@example.com"):
        await rooms.follow(await User.get(email=email), streamer.id)

    room = await rooms.create_room(streamer, "Spring scarves")
    await rooms.open_room(streamer, room.id)
    await fan_outs_done()
    assert await Notification.filter(kind=Kind.GO_LIVE).count() == 2  # one fan-out, one text
    assert {n.title for n in await Notification.all()} == {"Ann is live"}  # kept in English

    zh = await client.get("/notifications", headers={"Accept-Language": "zh-CN"})
    en = await other_client.get("/notifications", headers={"Accept-Language": "en"})
    assert "Ann 正在直播" in zh.text and "Spring scarves" in zh.text
    assert "Ann is live" in en.text and "正在直播" not in en.text


async def test_mails_go_out_in_the_recipients_language(app: object) -> None:
    buyer = await make_merchant("buyer@example.com", "Bo")
    await User.filter(id=buyer.id).update(language="zh_CN")
    found = await content.order(Kind.ORDER_REFUNDED, 42)
    await services.notify([buyer.id], Kind.ORDER_REFUNDED, found)

    async def kept() -> OutboxMessage | None:
        return await OutboxMessage.filter(to="buyer@example.com").first()

    mail = await eventually(kept)
    assert mail.subject == "您的订单 #42 已退款"
    assert "一键退订此类邮件" in mail.body and "我的订单已退款" in mail.body


async def test_old_notifications_without_message_ids_show_as_written(
    client: httpx.AsyncClient,
) -> None:
    user = await streamer_client(client, "old@example.com")
    await services.notify([user.id], Kind.ORDER_SHIPPED, services.Content("Shipped!", "Box 1"))
    page = await client.get("/notifications", headers={"Accept-Language": "zh-CN"})
    assert "Shipped!" in page.text and "Box 1" in page.text
