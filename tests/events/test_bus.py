"""The event bus: deployments sharing one Redis (or one process) never hear each other."""

from __future__ import annotations

import asyncio
import uuid

from app.events.bus import Event, EventBus


async def _heard(listener: EventBus, speaker: EventBus, channel: str) -> list[str]:
    async with listener.subscribe(channel) as events:
        await speaker.publish(channel, Event.create("ping", {"n": 1}, 1))
        heard: list[str] = []
        try:
            async with asyncio.timeout(1.0):
                async for event in events:
                    heard.append(event.type)
                    break
        except TimeoutError:
            pass
        return heard


async def test_a_prefix_namespaces_the_channels(broadcast_url: str) -> None:
    """``room:1`` of one deployment is not ``room:1`` of another on the same backend (on
    Redis two buses are two connections; in memory each bus is its own broadcaster)."""
    run = uuid.uuid4().hex[:8]
    ours = EventBus(broadcast_url, prefix=f"{run}-a")
    ours_too = EventBus(broadcast_url, prefix=f"{run}-a")
    theirs = EventBus(broadcast_url, prefix=f"{run}-b")
    for bus in (ours, ours_too, theirs):
        await bus.connect()
    try:
        assert await _heard(ours, ours, "room:1") == ["ping"]
        assert await _heard(theirs, ours, "room:1") == []
        if broadcast_url.startswith("redis"):  # across connections: same prefix, one room
            assert await _heard(ours_too, ours, "room:1") == ["ping"]
    finally:
        for bus in (ours, ours_too, theirs):
            await bus.disconnect()
