"""Auto-answers over the real paths (a uvicorn process): to the asker only by default (their
room page's SSE stream and the ``faqAnswers`` subscription; another viewer's stream and
``roomEvents`` get nothing), then to the whole room once the streamer chooses so."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx

from app.api.ids import decode_id
from app.settings import Settings
from tests.conftest import settings_env
from tests.rooms.test_room_events_ws import _promote_and_open, _streamer_with_live_room
from tests.support import WsClient, live_server, op, operation, register


async def _until(lines: AsyncIterator[str], wanted: str, seen: list[str]) -> list[str]:
    """Read SSE lines into ``seen`` until a whole event named ``wanted`` arrived; its data
    lines, joined, end the list."""
    start = len(seen)

    async def read() -> None:
        async for line in lines:
            seen.append(line)
            if line == "" and wanted in seen[start:]:
                at = len(seen) - 1 - seen[::-1].index(wanted)
                seen.append(" ".join(x.removeprefix("data: ") for x in seen[at + 1 : -1]))
                return

    await asyncio.wait_for(read(), 15)
    return seen


async def _room_events_until(ws: WsClient, typename: str, seen: list[dict]) -> dict:
    while True:
        message = await ws.receive(15)
        assert message["type"] == "next", message
        event = message["payload"]["data"]["roomEvents"]
        seen.append(event)
        if event["__typename"] == typename:
            return event


async def _chat(client: httpx.AsyncClient, room_id: str, text: str) -> None:
    sent = await op(client, "chat", "SendChatMessage", {"roomId": room_id, "text": text})
    assert sent["data"]["sendChatMessage"]["errors"] == [], sent


async def test_to_the_asker_then_to_the_room(settings: Settings) -> None:
    with live_server(settings_env(settings)) as base:
        streamer, _ = await _streamer_with_live_room(base, "faqs@example.com")
        room = await _promote_and_open(settings, streamer, "faqs@example.com")
        room_id, pk = room["id"], decode_id(room["id"], "Room")
        created = await op(
            streamer,
            "faq",
            "CreateFaq",
            {
                "input": {
                    "roomId": room_id,
                    "questions": ["How long does shipping take?", "发货要多久？"],
                    "answer": "Orders ship within 24 hours.",
                }
            },
        )
        assert created["data"]["createFaq"]["errors"] == [], created
        asker = httpx.AsyncClient(base_url=base, timeout=15)
        other = httpx.AsyncClient(base_url=base, timeout=15)
        await register(asker, "asker@example.com", "Asker")
        await register(other, "other@example.com", "Other")
        made = await op(asker, "accounts", "CreateApiToken", {"name": "ws", "scope": "WRITE"})
        secret = made["data"]["createApiToken"]["secret"]
        try:
            async with (
                WsClient(base, {"authorization": f"Bearer {secret}"}) as asker_ws,
                WsClient(base) as room_ws,
                asker.stream("GET", f"/rooms/{pk}/events") as asker_sse,
                other.stream("GET", f"/rooms/{pk}/events") as other_sse,
            ):
                asker_lines, other_lines = asker_sse.aiter_lines(), other_sse.aiter_lines()
                assert (await asker_lines.__anext__()).startswith(": connected")
                assert (await other_lines.__anext__()).startswith(": connected")
                await asker_ws.subscribe(operation("faq"), {"roomId": room_id}, "FaqAnswers")
                await room_ws.subscribe(operation("faq"), {"roomId": room_id}, "RoomFaqAnswers")
                await asyncio.sleep(2)  # both subscriptions reach the bus (no ack in the protocol)

                # 1. To the asker only (the default).
                await _chat(asker, room_id, "how long does delivery take?")
                seen = await _until(asker_lines, "event: faq-answer", [])
                fragment = seen[-1]
                assert "auto" in fragment and "Orders ship within 24 hours." in fragment
                assert "didn't help" in fragment  # the asker's own button
                private = await asker_ws.receive(15)
                answer = private["payload"]["data"]["faqAnswers"]
                assert answer["answer"] == "Orders ship within 24 hours."
                assert answer["toRoom"] is False and answer["askerName"] == "Asker"
                # A later chat line reaches everyone; the answer reached no one else before it.
                await _chat(asker, room_id, "great, thanks")
                other_seen: list[str] = []
                while not any("great, thanks" in line for line in other_seen):
                    await _until(other_lines, "event: chat-message", other_seen)
                assert "event: faq-answer" not in other_seen
                room_seen: list[dict] = []
                while True:
                    event = await _room_events_until(room_ws, "ChatMessageEvent", room_seen)
                    if event["text"] == "great, thanks":
                        break
                assert all(e["__typename"] != "FaqAnswerEvent" for e in room_seen)

                # 2. The streamer sends answers to the room: everyone sees the next one.
                changed = await op(
                    streamer, "faq", "SetFaqDelivery", {"roomId": room_id, "toRoom": True}
                )
                assert changed["data"]["setFaqDelivery"]["delivery"]["toRoom"] is True
                await _chat(asker, room_id, "发货要几天？")
                other_seen = await _until(other_lines, "event: faq-answer", other_seen)
                assert "Orders ship within 24 hours." in other_seen[-1]
                assert "didn't help" not in other_seen[-1]  # not their question
                public = await _room_events_until(room_ws, "FaqAnswerEvent", room_seen)
                assert public["toRoom"] is True and public["question"] == "发货要几天？"
                seen = await _until(asker_lines, "event: faq-answer", seen)
                assert "didn't help" in seen[-1]
        finally:
            for client in (streamer, asker, other):
                await client.aclose()
