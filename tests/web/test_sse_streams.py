"""Room pages' SSE streams on the real bus (``web.sse.room_stream`` and
``EventStreamResponse``): each page gets its language's fragment, a room's pages share one
render per event, and a stuck or closed page does not hold up the others."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.types import Message

from app.events import Event, get_bus
from app.i18n import using_locale
from app.rooms import events as ev
from app.rooms.models import Room
from web.sse import KEEPALIVE, EventStreamResponse, Heartbeats, fragments, room_stream

ROOM = Room(id=9173, title="Storm", owner_id=1)
ENDS = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)


def _sale(remaining: int) -> ev.FlashSaleChanged:
    return ev.FlashSaleChanged(
        sale_id=5, product_id=2, state="live", price=999, remaining=remaining, ends_at=ENDS
    )


def _request() -> Request:
    return Request({"type": "http", "method": "GET", "path": "/", "headers": []})


def _stream() -> AsyncIterator[bytes]:
    return room_stream(_request(), ROOM, None, False, watching=False)


async def _until(condition: Callable[[], bool]) -> None:
    """Wait (at most 10 s) until ``condition()`` holds."""
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("not in 10 s")


async def _until_sale(stream: AsyncIterator[bytes]) -> bytes:
    async for chunk in stream:
        if b"event: flash_sale" in chunk:
            return chunk
    raise AssertionError("the stream ended")


async def _page(locale: str, ready: asyncio.Event, opened: list[int]) -> bytes:
    """One page in ``locale`` (its own task, as a request is): connect, then the sale."""
    with using_locale(locale, "Asia/Shanghai" if locale == "zh_CN" else "UTC"):
        stream = _stream()
        try:
            assert await anext(stream) == b": connected\n\n"
            opened.append(1)
            await ready.wait()
            return await _until_sale(stream)
        finally:
            await stream.aclose()  # type: ignore[attr-defined]


async def test_each_language_gets_its_fragment_rendered_once_for_all(app: object) -> None:
    ready, opened = asyncio.Event(), []
    languages = ["zh_CN"] * 4 + ["en"] * 8
    pages = [asyncio.create_task(_page(lang, ready, opened)) for lang in languages]
    await _until(lambda: len(opened) == len(pages))
    before = (fragments.stats.renders, fragments.stats.shared, fragments.stats.personal)
    await ev.publish(ROOM.id, _sale(3))
    ready.set()
    got = await asyncio.wait_for(asyncio.gather(*pages), 10)
    renders, shared, personal = (
        fragments.stats.renders - before[0],
        fragments.stats.shared - before[1],
        fragments.stats.personal - before[2],
    )
    assert (renders, shared, personal) == (2, len(pages) - 2, 0)  # one per language
    for lang, chunk in zip(languages, got, strict=True):
        text = chunk.decode()
        assert ('data-remaining="3"' in text) and ("Log in to buy" in text) == (lang == "en")
        assert ("秒杀" in text) == (lang == "zh_CN") and ("登录" in text) == (lang == "zh_CN")
    chinese = [c for lang, c in zip(languages, got, strict=True) if lang == "zh_CN"]
    assert all(c is chinese[0] for c in chinese)  # the same bytes, not copies


async def test_a_stuck_or_closed_page_does_not_hold_up_the_others(app: object) -> None:
    bus = get_bus()
    channel = ev.room_channel(ROOM.id)
    fast: list[bytes] = []
    stuck_forever = asyncio.Event()

    async def fast_send(message: Message) -> None:
        if message["type"] == "http.response.body":
            fast.append(message["body"])

    async def stuck_send(message: Message) -> None:
        if message["type"] == "http.response.body":
            await stuck_forever.wait()  # a client that stopped reading

    async def connected() -> Message:
        await asyncio.Event().wait()
        raise AssertionError

    left = asyncio.Event()

    async def leaves() -> Message:
        await left.wait()
        return {"type": "http.disconnect"}

    async def ignore(message: Message) -> None:
        pass

    scope = {"type": "http"}
    tasks = [
        asyncio.create_task(EventStreamResponse(_stream())(scope, connected, fast_send)),
        asyncio.create_task(EventStreamResponse(_stream())(scope, connected, stuck_send)),
        asyncio.create_task(EventStreamResponse(_stream())(scope, leaves, ignore)),
    ]
    await _until(lambda: bus.listener_count(channel) == 3)
    left.set()  # the third page closes
    await asyncio.wait_for(tasks[2], 5)
    assert bus.listener_count(channel) == 2

    total = 300  # more than a page's queue holds: the stuck page falls behind
    for batch in range(0, total, 50):
        for remaining in range(batch, batch + 50):
            await ev.publish(ROOM.id, _sale(remaining))
        sent = batch + 50
        await _until(lambda n=sent: sum(c.count(b"event: flash_sale") for c in fast) == n)
    body = b"".join(fast).decode()
    assert body.count("event: flash_sale") == total
    order = [int(part.split('"', 1)[0]) for part in body.split('data-remaining="')[1:]]
    assert order == list(range(total))
    assert not tasks[0].done() and not tasks[1].done()
    for task in tasks[:2]:
        task.cancel()
    await asyncio.gather(*tasks[:2], return_exceptions=True)
    assert bus.listener_count(channel) == 0


async def test_quiet_pages_hear_a_keep_alive_and_busy_ones_do_not() -> None:
    beats = Heartbeats(every=0.05)
    quiet: asyncio.Queue[Event | None] = asyncio.Queue(4)
    busy: asyncio.Queue[Event | None] = asyncio.Queue(4)
    with beats.beating(quiet), beats.beating(busy):
        beats.sent(busy)
        beats.round()
        assert quiet.get_nowait() is KEEPALIVE and busy.empty()
        beats.round()  # busy said nothing since
        assert busy.get_nowait() is KEEPALIVE
        beats.sent(busy, holding=True)  # it holds a paced event back: poked all the same
        beats.round()
        assert busy.get_nowait() is KEEPALIVE
        assert await asyncio.wait_for(quiet.get(), 5) is KEEPALIVE  # from the timer
        running = beats._task
    await asyncio.sleep(0)
    assert running is not None and running.cancelled() and beats._task is None


async def test_a_burst_of_viewer_counts_reaches_a_page_paced_and_ends_on_the_newest(
    app: object,
) -> None:
    stream = room_stream(_request(), ROOM, None, False, watching=False, paced={"viewers": 0.3})
    assert await anext(stream) == b": connected\n\n"
    received: list[bytes] = []

    async def read() -> None:
        async for chunk in stream:
            received.append(chunk)

    reader = asyncio.create_task(read())
    for count in range(1, 21):
        await ev.publish(ROOM.id, ev.ViewerCount(count=count, peak=count))
        if count == 10:
            await ev.publish(ROOM.id, _sale(3))  # not paced: goes out at once
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.35)  # the newest count is due: it goes out with the next write
    await ev.publish(ROOM.id, _sale(2))
    await _until(lambda: b"data: 20\n" in b"".join(received))
    body = b"".join(received).decode()
    counts = [int(part.split("\n", 1)[0]) for part in body.split("event: viewers\ndata: ")[1:]]
    assert counts[0] == 1 and counts[-1] == 20 and counts == sorted(counts)
    assert len(counts) < 10  # 20 counts in ~0.2 s: the first, then the newest when due
    assert body.count("event: flash_sale") == 2
    reader.cancel()
    await asyncio.gather(reader, return_exceptions=True)
    await stream.aclose()  # type: ignore[attr-defined]
