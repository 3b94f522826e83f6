"""Scale-out as users run it: two web processes and one media worker on PostgreSQL and
Redis, running a whole live session across them (go live, chat, gift, buy, end)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from tests.conftest import (
    PG_ADMIN_URL,
    REDIS_URL,
    _pg_admin,
    postgres_available,
    redis_available,
    run_async,
    unavailable,
)
from tests.support import (
    ROOT,
    STRONG_PASSWORD,
    WsClient,
    free_port,
    live_server,
    operation,
    wait_for_no_ffmpeg,
)

pytestmark = pytest.mark.media

SHIPPING = {
    "name": "Vi Ewer",
    "line1": "1 Main St",
    "city": "Springfield",
    "postalCode": "12345",
    "country": "US",
}


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """A new PostgreSQL database, migrated by ``livemart migrate`` as an operator would.

    The migration runs in its own process: this one may already have Tortoise bound to SQLite.
    """
    name = f"livemart_scale_{uuid.uuid4().hex[:8]}"
    run_async(_pg_admin(f'CREATE DATABASE "{name}"'))
    url = f"{PG_ADMIN_URL}/{name}"
    try:
        subprocess.run(
            [sys.executable, "-m", "app.cli", "migrate"],
            cwd=ROOT,
            check=True,
            env={**os.environ, "LIVEMART_DATABASE_URL": url},
            timeout=120,
        )
        yield url
    finally:
        run_async(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def media_worker(env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "media-worker"], cwd=ROOT, env={**os.environ, **env}
    )
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()


class Api:
    """A logged-in browser-like GraphQL client of one web process."""

    def __init__(self, base: str) -> None:
        self.http = httpx.AsyncClient(base_url=base, timeout=20)

    async def __call__(
        self, file: str, name: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        if "lm_csrf" not in self.http.cookies:
            await self.http.get("/login")
        response = await self.http.post(
            "/graphql",
            headers={"X-CSRF-Token": self.http.cookies["lm_csrf"]},
            json={"query": operation(file), "operationName": name, "variables": variables or {}},
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


async def _event(ws: WsClient, typename: str, timeout: float = 20) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        message = await ws.receive(max(0.1, deadline - asyncio.get_running_loop().time()))
        event = message["payload"]["data"]["roomEvents"]
        if event["__typename"] == typename:
            return event


async def test_live_session_across_two_web_processes_and_a_media_worker(tmp_path: Any) -> None:
    if not (postgres_available() and redis_available()):
        unavailable("needs PostgreSQL on 5432 and Redis on 6379")
    from app.accounts.models import Role, User
    from app.db import close_db, init_db

    with scratch_postgres() as db_url:
        env = {
            "LIVEMART_DATABASE_URL": db_url,
            "LIVEMART_BROADCAST_URL": REDIS_URL,
            "LIVEMART_VAR_DIR": str(tmp_path / "var"),
            "LIVEMART_SECRET_KEY": "scale-out-secret-key-0123",
            "LIVEMART_MEDIA_IN_PROCESS": "false",
            "LIVEMART_RTMP_PORT": str(free_port()),
            "LIVEMART_LADDER": "180p:200k:64k",
        }
        with media_worker(env), live_server(env) as web_a, live_server(env) as web_b:
            streamer, viewer = Api(web_a), Api(web_b)
            for api, email, name in (
                (streamer, "host@example.com", "Host"),
                (viewer, "fan@example.com", "Fan"),
            ):
                reg = await api(
                    "accounts",
                    "Register",
                    {"input": {"email": email, "password": STRONG_PASSWORD, "displayName": name}},
                )
                assert reg["register"]["errors"] == []
            await init_db(db_url)
            await User.filter(email="host@example.com").update(role=Role.STREAMER)
            from app.gifts.services import ensure_default_gifts

            await ensure_default_gifts()  # the operator's catalog (seed-demo does the same)
            await close_db()

            # Go live with the test source on A; the separate media worker streams it.
            room = (await streamer("rooms", "CreateRoom", {"input": {"title": "Scale out"}}))[
                "createRoom"
            ]["room"]
            from app.api.ids import decode_id

            pk = decode_id(room["id"], "Room")
            started = await streamer.http.post(
                f"/studio/rooms/{pk}/test-source",
                data={"csrf_token": streamer.http.cookies["lm_csrf"]},
            )
            assert started.status_code == 303
            deadline = asyncio.get_running_loop().time() + 40
            while (await viewer.http.get(f"/hls/{pk}/master.m3u8")).status_code != 200:
                assert asyncio.get_running_loop().time() < deadline, "no HLS from the worker"
                await asyncio.sleep(0.5)

            async with WsClient(web_b) as ws:
                await ws.subscribe(operation("rooms"), {"roomId": room["id"]}, "RoomEvents")
                await _event(ws, "ViewerCountEvent")

                # Chat posted to A reaches the subscriber on B.
                sent = await viewer(
                    "chat", "SendChatMessage", {"roomId": room["id"], "text": "hello from B"}
                )
                assert sent["sendChatMessage"]["errors"] == []
                assert (await _event(ws, "ChatMessageEvent"))["text"] == "hello from B"

                # Gift: top up on B, send, the event arrives.
                packs = (await viewer("gifts", "CoinPacks"))["coinPacks"]
                top = await viewer(
                    "gifts",
                    "TopUpCoins",
                    {
                        "packId": packs[0]["id"],
                        "cardNumber": "4242 4242 4242 4242",
                        "idempotencyKey": "top-1",
                    },
                )
                assert top["topUpCoins"]["errors"] == []
                gifts = (await viewer("gifts", "GiftCatalog"))["gifts"]
                gift_id = gifts["nodes"][0]["id"]
                gave = await viewer(
                    "gifts",
                    "SendGift",
                    {"roomId": room["id"], "giftId": gift_id, "idempotencyKey": "gift-1"},
                )
                assert gave["sendGift"]["errors"] == []
                assert (await _event(ws, "GiftEvent"))["userName"] == "Fan"

                # Buy: product on A, bought on B, paid with coins.
                product = (
                    await streamer("commerce", "CreateProduct", {"input": {"title": "Scale mug"}})
                )["createProduct"]["product"]
                variant = (
                    await streamer(
                        "commerce",
                        "AddVariant",
                        {
                            "input": {
                                "productId": product["id"],
                                "sku": "MUG-1",
                                "priceCents": 50,
                                "stock": 3,
                            }
                        },
                    )
                )["addVariant"]
                variant_id = (variant.get("variant") or variant["product"]["variants"][0])["id"]
                order = (
                    await viewer(
                        "commerce",
                        "BuyNow",
                        {
                            "input": {
                                "variantId": variant_id,
                                "shipping": SHIPPING,
                                "idempotencyKey": "buy-1",
                                "roomId": room["id"],
                            }
                        },
                    )
                )["buyNow"]
                assert order["errors"] == []
                paid = await viewer(
                    "commerce",
                    "PayOrderWithCoins",
                    {"orderId": order["order"]["id"], "idempotencyKey": "pay-1"},
                )
                assert paid["payOrderWithCoins"]["errors"] == []
                merchant = await streamer("commerce", "MerchantOrders")
                statuses = [e["node"]["status"] for e in merchant["merchantOrders"]["edges"]]
                assert statuses == ["PAID"]

                # End on A: B's subscriber hears it, the worker stops the stream.
                ended = await streamer("rooms", "EndRoom", {"roomId": room["id"]})
                assert ended["endRoom"]["errors"] == []
                while (await _event(ws, "RoomStatusEvent"))["status"] != "ended":
                    pass
        # Every process has stopped (the worker on SIGTERM): none of its FFmpeg runs on.
        wait_for_no_ffmpeg(str(tmp_path))
