"""``notificationAdded`` reads each fan-out once per process, not once per socket: real
``graphql-transport-ws`` sockets on the app served by uvicorn in this process get their
own notification with its fields, another user's socket gets nothing, and the SQL
statements counted while one fan-out reaches one socket or five are the same."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest

from app.accounts import services as accounts
from app.api.ids import encode_id
from app.api.notify.feed import feed_for
from app.asgi import create_app
from app.db import close_db, init_db
from app.events import get_bus
from app.notify import services as notify
from app.notify.models import Kind, Notification
from app.querycount import count_queries
from app.settings import Settings
from tests.support import (
    STRONG_PASSWORD,
    WsClient,
    eventually,
    operation,
    serve_in_process,
)

# Statements reading notification rows back (the feed's; per socket before), not the
# fan-out's own INSERT ... SELECT and its row count.
READS_ROWS = re.compile(r'^\s*SELECT\b(?!\s+COUNT).*\bFROM\s+"?notifications"?\s', re.I | re.S)


@asynccontextmanager
async def served(settings: Settings) -> AsyncIterator[str]:
    """The app under uvicorn in this task's context (so a counter sees its statements);
    the notify runtime off, so only the test writes notifications."""
    app = create_app(replace(settings, notify_in_process=False))
    async with serve_in_process(app) as base:
        yield base


async def _token(email: str, name: str) -> tuple[int, str]:
    user = await accounts.register(email, STRONG_PASSWORD, name)
    return user.id, (await accounts.create_api_token(user, "app", "read")).secret


async def _listening(user_id: int, sockets: int) -> None:
    async def ready() -> bool:
        return len(feed_for(get_bus()).listeners.get(user_id, ())) == sockets

    await eventually(ready, timeout=10)


def _touching(statements: list[str]) -> list[str]:
    return [s for s in statements if re.search(r"\bnotifications\b", s)]


async def _next(ws: WsClient, sub: str) -> dict[str, Any]:
    message = await ws.receive(timeout=15)
    assert message["type"] == "next" and message["id"] == sub, message
    return dict(message["payload"]["data"]["notificationAdded"])


async def test_one_read_per_fan_out_whatever_the_sockets(settings: Settings) -> None:
    added = operation("notify")
    await init_db(settings.database_url)  # the counter finds the connection's class
    with count_queries() as sql:
        async with served(settings) as base:
            async with AsyncExitStack() as stack:
                fan, fan_token = await _token("fan@example.com", "Fan")
                other, other_token = await _token("other@example.com", "Oli")
                stranger = await stack.enter_async_context(
                    WsClient(base, {"authorization": f"Bearer {other_token}"})
                )
                stranger_sub = await stranger.subscribe(added, operation_name="NotificationAdded")
                sockets: list[tuple[WsClient, str]] = []
                touched: list[int] = []
                for count in (1, 5):
                    while len(sockets) < count:
                        ws = await stack.enter_async_context(
                            WsClient(base, {"authorization": f"Bearer {fan_token}"})
                        )
                        sockets.append(
                            (ws, await ws.subscribe(added, operation_name="NotificationAdded"))
                        )
                    await _listening(fan, count)
                    await _listening(other, 1)

                    start = sql.count
                    title = f"Shipped to {count} sockets"
                    await notify.notify(
                        [fan], Kind.ORDER_SHIPPED, notify.Content(title, "Box 1", "/orders/7")
                    )
                    notes = [await _next(ws, sub) for ws, sub in sockets]
                    window = sql.statements[start:]

                    row = await Notification.get(user_id=fan, title=title)
                    assert (
                        notes
                        == [
                            {
                                "id": encode_id("Notification", row.id),
                                "kind": "ORDER_SHIPPED",
                                "title": title,
                                "body": "Box 1",
                                "link": "/orders/7",
                                "targetId": encode_id("Order", 7),
                                "createdAt": notes[0]["createdAt"],
                                "readAt": None,
                                "read": False,
                            }
                        ]
                        * count
                    )
                    reads = [s for s in window if READS_ROWS.search(s)]
                    assert len(reads) == 1, reads  # the feed's one read, however many sockets
                    touched.append(len(_touching(window)))
                assert touched[0] == touched[1]  # five sockets cost what one did

                with pytest.raises(TimeoutError):  # the fan-outs were not for the other user
                    await stranger.receive(timeout=1.0)
                assert await notify.unread_count(fan) == 2 and await notify.unread_count(other) == 0

                # Their own notification reaches the other user's socket, and only theirs.
                await notify.notify([other], Kind.OUTBID, notify.Content("Outbid", "", "/rooms/3"))
                note = await _next(stranger, stranger_sub)
                assert (note["kind"], note["title"], note["targetId"]) == (
                    "OUTBID",
                    "Outbid",
                    encode_id("Room", 3),
                )
                for ws, _ in sockets:
                    with pytest.raises(TimeoutError):
                        await ws.receive(timeout=0.3)
            feed = feed_for(get_bus())

            async def stopped() -> bool:  # every socket left: the feed stopped
                return feed.listeners == {} and feed._task is None

            await eventually(stopped, timeout=10)
    await close_db()
