"""The baseline of ``bench.fanout``: the least a websocket fan-out can do per delivery.

A bare Starlette app that subscribes to one Redis channel once and sends each message's
text, as published (already encoded), to every connected websocket: no GraphQL, no
per-socket queue, no re-encoding. It speaks just enough ``graphql-transport-ws``
(``connection_ack``; a ``subscribe`` adds the socket to the audience) for the bench
client to load it exactly as it loads ``/graphql``.

Run: ``BENCH_REDIS_URL=redis://… BENCH_CHANNEL=room:1 uvicorn bench.raw_fanout_app:create_app
--factory``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from collections.abc import AsyncIterator

from redis import asyncio as redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

PROTOCOL = "graphql-transport-ws"


def create_app() -> Starlette:
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    channel = os.environ.get("BENCH_CHANNEL", "room:1")
    audience: set[WebSocket] = set()

    async def pump(ready: asyncio.Event) -> None:
        conn = redis.Redis.from_url(url)
        pubsub = conn.pubsub()
        await pubsub.subscribe(channel)
        ready.set()
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if not message or message["type"] != "message":
                    continue
                text = message["data"].decode()
                for ws in tuple(audience):
                    try:
                        await ws.send_text(text)
                    except Exception:
                        audience.discard(ws)
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
                await conn.aclose()

    async def endpoint(ws: WebSocket) -> None:
        await ws.accept(subprotocol=PROTOCOL)
        try:
            while True:
                message = json.loads(await ws.receive_text())
                if message.get("type") == "connection_init":
                    await ws.send_text('{"type":"connection_ack"}')
                elif message.get("type") == "subscribe":
                    audience.add(ws)
        except (WebSocketDisconnect, RuntimeError):
            pass
        finally:
            audience.discard(ws)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        ready = asyncio.Event()
        task = asyncio.create_task(pump(ready))
        await ready.wait()
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def healthz(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route("/healthz", healthz), WebSocketRoute("/graphql", endpoint)],
        lifespan=lifespan,
    )
