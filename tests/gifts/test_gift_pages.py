"""The wallet page, the room's gift panel, gifting from the page, and the room events."""

from __future__ import annotations

import asyncio
import re

import httpx

from app.accounts.models import Role
from app.events import get_bus
from app.gifts import services, wallet
from app.gifts.models import GiftSend
from app.rooms import events
from tests.gifts.helpers import fund, live_room, make_user, viewer_and_room
from tests.support import csrf


def _hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden {name} in page"
    return found.group(1)


async def test_top_up_on_the_wallet_page_then_gift_from_the_room_page(
    app: object, client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    viewer, streamer, room, catalog = await viewer_and_room(client, other_client)
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as anon:
        assert (await anon.get("/wallet")).headers["location"] == "/login?next=/wallet"

    page = await client.get("/wallet")
    assert page.status_code == 200
    assert 'data-testid="wallet-balance">0<' in page.text
    token, key = _hidden(page.text, "csrf_token"), _hidden(page.text, "idempotency_key")
    form = {"csrf_token": token, "idempotency_key": key, "pack_id": "coins-300"}
    declined = await client.post(
        "/wallet/top-up", data={**form, "card_number": "4000 0000 0000 0002"}
    )
    assert declined.status_code == 422
    assert "your card was declined" in declined.text
    assert await wallet.balance_of(viewer.id) == 0

    done = await client.post("/wallet/top-up", data={**form, "card_number": "4242 4242 4242 4242"})
    assert done.status_code == 303 and done.headers["location"] == "/wallet?topped=300"
    # The same rendered form submitted twice (a double-click) is charged once.
    twice = await client.post("/wallet/top-up", data={**form, "card_number": "4242424242424242"})
    assert twice.status_code == 303
    assert await wallet.balance_of(viewer.id) == 300
    page = await client.get("/wallet?topped=300")
    assert "Added 300 coins" in page.text and 'data-testid="wallet-balance">300<' in page.text
    assert "+300" in page.text

    room_page = await client.get(f"/rooms/{room.id}")
    assert room_page.status_code == 200
    assert 'id="leaderboard"' in room_page.text and 'sse-swap="leaderboard"' in room_page.text
    assert 'data-testid="gift-balance">300<' in room_page.text
    gift_key = _hidden(room_page.text, "idempotency_key")
    post = {
        "csrf_token": _hidden(room_page.text, "csrf_token"),
        "idempotency_key": gift_key,
        "gift_id": str(catalog["Rocket"].id),
        "quantity": "2",
    }
    htmx = {"HX-Request": "true"}
    sent = await client.post(f"/rooms/{room.id}/gift", data=post, headers=htmx)
    assert sent.status_code == 200
    assert "Sent 2× Rocket (200 coins)" in sent.text
    assert 'data-testid="gift-balance">100<' in sent.text
    assert _hidden(sent.text, "idempotency_key") != gift_key
    double = await client.post(f"/rooms/{room.id}/gift", data=post, headers=htmx)
    assert double.status_code == 200
    assert await GiftSend.all().count() == 1
    assert await wallet.balance_of(viewer.id) == 100
    assert await wallet.balance_of(streamer.id) == 200

    poor = await client.post(
        f"/rooms/{room.id}/gift", data={**post, "idempotency_key": "new"}, headers=htmx
    )
    assert poor.status_code == 422 and "top up first" in poor.text
    without_csrf = await client.post(
        f"/rooms/{room.id}/gift", data={**post, "csrf_token": "forged"}, headers=htmx
    )
    assert without_csrf.status_code == 403
    assert await wallet.balance_of(viewer.id) == 100

    room_page = await client.get(f"/rooms/{room.id}")
    board = room_page.text.split('data-testid="leaderboard"')[1].split("</ol>")[0]
    assert "Leo" in board and "200 coins" in board
    # The streamer sees no gift buttons in their own room.
    own = await other_client.get(f"/rooms/{room.id}")
    assert 'name="gift_id"' not in own.text


async def test_anonymous_gift_post_goes_to_login(client: httpx.AsyncClient) -> None:
    streamer = await make_user("mia@example.com", "Mia", Role.STREAMER)
    room = await live_room(streamer)
    token = await csrf(client)
    answer = await client.post(
        f"/rooms/{room.id}/gift",
        data={"csrf_token": token, "gift_id": "1", "idempotency_key": "k"},
        headers={"HX-Request": "true"},
    )
    assert answer.headers["HX-Redirect"] == f"/login?next=/rooms/{room.id}"
    page = await client.get(f"/rooms/{room.id}")
    assert "to send gifts" in page.text


async def test_gift_publishes_gift_sent_and_leaderboard(app: object) -> None:
    if True:
        catalog = {g.name: g for g in await services.ensure_default_gifts()}
        streamer = await make_user("mia@example.com", "Mia", Role.STREAMER)
        viewer = await make_user("leo@example.com", "Leo")
        room = await live_room(streamer)
        await fund(viewer, 100)
        received: list[tuple[str, dict]] = []

        async with get_bus().subscribe(events.room_channel(room.id)) as sub:
            result = await services.send_gift(viewer, room.id, catalog["Rose"].id, 3, "k")
            await services.send_gift(viewer, room.id, catalog["Rose"].id, 3, "k")  # replay

            async def collect() -> None:
                async for event in sub:
                    received.append((event.type, event.data))
                    if len(received) == 2:
                        return

            await asyncio.wait_for(collect(), 10)
            # The replay published nothing more.
            await asyncio.sleep(0.3)
            assert sub.queue.empty()

        assert received[0] == (
            events.GIFT_SENT,
            {
                "gift_send_id": result.gift_send.id,
                "user_id": viewer.id,
                "user_name": "Leo",
                "gift_id": catalog["Rose"].id,
                "gift_name": "Rose",
                "quantity": 3,
                "coins": 15,
            },
        )
        assert received[1] == (
            events.LEADERBOARD,
            {"entries": [{"user_id": viewer.id, "user_name": "Leo", "coins": 15}]},
        )


def test_sse_fragments_render() -> None:
    from app.events import Event
    from web.sse import render_event

    toast = render_event(
        Event.create(
            events.GIFT_SENT,
            {
                "gift_send_id": 1,
                "user_id": 2,
                "user_name": "<Leo>",
                "gift_id": 3,
                "gift_name": "Rose",
                "quantity": 3,
                "coins": 15,
            },
            1,
        ),
        {},
    )
    assert toast is not None and "&lt;Leo&gt;" in toast and "3× Rose" in toast
    board = render_event(
        Event.create(
            events.LEADERBOARD,
            {
                "entries": [
                    {"user_id": 2, "user_name": "Ana", "coins": 100},
                    {"user_id": 3, "user_name": "Bo", "coins": 10},
                ]
            },
            1,
        ),
        {},
    )
    assert board is not None
    items = re.findall(r"<li[^>]*>.*?</li>", board.replace("\n", ""))
    assert [re.sub(r"<[^>]+>", "", item) for item in items] == ["Ana 100 coins", "Bo 10 coins"]
    assert 'data-user-id="2"' in items[0]
