"""Chat over GraphQL: history, sending with every typed error, deleting, the bus."""

from __future__ import annotations

import httpx

from app.accounts import services as accounts
from app.accounts.models import Role
from app.chat.models import ChatMessage
from app.moderation import services as moderation
from app.rooms import events
from app.rooms.services import create_room
from tests.chat.helpers import errors_of, gid, live_room, login_as, make_user, recording
from tests.support import op


async def send(client: httpx.AsyncClient, room_id: int, text: str, token: str | None = None):  # type: ignore[no-untyped-def]
    result = await op(
        client,
        "chat",
        "SendChatMessage",
        {"roomId": gid("Room", room_id), "text": text},
        token=token,
    )
    assert "errors" not in result, result
    return result["data"]["sendChatMessage"]


async def test_send_publishes_the_envelope_on_the_bus(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    viewer = await login_as(other_client, "v@example.com", "Vi")
    room = await live_room(streamer)
    async with recording(room.id) as rec:
        payload = await send(other_client, room.id, "hello <b>world</b>")
        [event] = await rec.wait_for(events.CHAT_MESSAGE)
    assert payload["errors"] == [] and payload["retryAfter"] is None
    message = payload["message"]
    assert message["text"] == "hello <b>world</b>"
    assert message["badge"] is None and message["deleted"] is False
    assert message["user"]["displayName"] == "Vi"
    assert message["roomId"] == gid("Room", room.id)
    stored = await ChatMessage.get(user_id=viewer.id)
    assert message["id"] == gid("ChatMessage", stored.id)
    envelope = event.encoded
    assert '"type":"chat.message"' in envelope
    assert event.type == "chat.message" and event.room_id == str(room.id)
    assert event.data["message_id"] == stored.id
    assert event.data["user_id"] == viewer.id
    assert event.data["text"] == "hello <b>world</b>"
    assert event.data["badge"] == ""
    streamer_payload = await send(client, room.id, "welcome!")
    assert streamer_payload["message"]["badge"] == "STREAMER"


async def test_every_typed_error_and_nothing_stored(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    viewer = await login_as(other_client, "v@example.com", "Vi")
    scheduled = await create_room(streamer, "Later")
    room = await live_room(streamer)
    await moderation.add_banned_word(streamer, room.id, "bad")

    async def expect(room_id: int, text: str, code: str) -> dict:  # type: ignore[type-arg]
        before = await ChatMessage.all().count()
        payload = await send(other_client, room_id, text)
        assert errors_of(payload) == [code], payload
        assert payload["message"] is None
        assert await ChatMessage.all().count() == before
        return payload

    await expect(scheduled.id, "hi", "ROOM_NOT_LIVE")
    await expect(room.id, "   ", "EMPTY")
    error = (await expect(room.id, "x" * 201, "TOO_LONG"))["errors"][0]
    assert error["field"] == "text"
    for text in ("ｂａｄ", "B A D", "b\u200bad", "BaD"):
        await expect(room.id, text, "BANNED_WORD")
    await moderation.set_slow_mode(streamer, room.id, 60)
    assert (await send(other_client, room.id, "ok"))["errors"] == []
    slow = await expect(room.id, "again", "SLOW_MODE")
    assert 59 <= slow["retryAfter"] <= 60
    await moderation.set_slow_mode(streamer, room.id, 0)
    for i in range(4):
        assert (await send(other_client, room.id, f"m{i}"))["errors"] == []
    limited = await expect(room.id, "fast", "RATE_LIMITED")
    assert 1 <= limited["retryAfter"] <= 10
    await moderation.mute(streamer, room.id, viewer.id, 10)
    muted = await expect(room.id, "hi", "MUTED")
    assert muted["retryAfter"] > 500
    await moderation.unmute(streamer, room.id, viewer.id)
    await moderation.ban(streamer, room.id, viewer.id)
    await expect(room.id, "hi", "BANNED")
    bad_id = await op(other_client, "chat", "SendChatMessage", {"roomId": "nope", "text": "x"})
    assert errors_of(bad_id["data"]["sendChatMessage"]) == ["INVALID_ID"]


async def test_anonymous_and_read_tokens_cannot_send(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    room = await live_room(streamer)
    anonymous = await send(other_client, room.id, "hi")
    assert errors_of(anonymous) == ["UNAUTHENTICATED"]
    read = await accounts.create_api_token(streamer, "reader", "read")
    assert errors_of(await send(other_client, room.id, "hi", token=read.secret)) == ["FORBIDDEN"]
    write = await accounts.create_api_token(streamer, "writer", "write")
    assert (await send(other_client, room.id, "hi", token=write.secret))["errors"] == []
    assert await ChatMessage.all().count() == 1


async def test_history_connection_newest_first_and_deleted_for_moderators(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    await login_as(other_client, "v@example.com", "Vi")
    room = await live_room(streamer)
    for i in range(5):
        await send(client, room.id, f"m{i}")
    ids = [m.id for m in await ChatMessage.all().order_by("id")]
    deleted = await op(
        client, "chat", "DeleteChatMessage", {"messageId": gid("ChatMessage", ids[1])}
    )
    assert deleted["data"]["deleteChatMessage"]["message"]["deleted"] is True
    assert deleted["data"]["deleteChatMessage"]["message"]["text"] == "m1"

    page = (
        await op(
            other_client,
            "chat",
            "ChatMessages",
            {
                "roomId": gid("Room", room.id),
                "first": 2,
            },
        )
    )["data"]["chatMessages"]
    assert [e["node"]["text"] for e in page["edges"]] == ["m4", "m3"]
    assert page["totalCount"] == 4 and page["pageInfo"]["hasNextPage"] is True
    # A new message does not shift the next page.
    assert (await send(other_client, room.id, "m5"))["errors"] == []
    rest = (
        await op(
            other_client,
            "chat",
            "ChatMessages",
            {
                "roomId": gid("Room", room.id),
                "first": 10,
                "after": page["pageInfo"]["endCursor"],
            },
        )
    )["data"]["chatMessages"]
    assert [e["node"]["text"] for e in rest["edges"]] == ["m2", "m0"]
    assert rest["pageInfo"]["hasNextPage"] is False

    # includeDeleted is honoured for moderators only.
    viewer_all = (
        await op(
            other_client,
            "chat",
            "ChatMessages",
            {
                "roomId": gid("Room", room.id),
                "includeDeleted": True,
            },
        )
    )["data"]["chatMessages"]
    assert "m1" not in [e["node"]["text"] for e in viewer_all["edges"]]
    mod_all = (
        await op(
            client,
            "chat",
            "ChatMessages",
            {
                "roomId": gid("Room", room.id),
                "includeDeleted": True,
            },
        )
    )["data"]["chatMessages"]
    texts = {e["node"]["text"]: e["node"]["deleted"] for e in mod_all["edges"]}
    assert texts["m1"] is True and len(texts) == 6

    bad = await op(
        other_client,
        "chat",
        "ChatMessages",
        {
            "roomId": gid("Room", room.id),
            "after": "garbage",
        },
    )
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"
    missing = await op(other_client, "chat", "ChatMessages", {"roomId": gid("Room", 999)})
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_delete_needs_a_moderator_and_is_node_resolvable(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    streamer = await login_as(client, "s@example.com", "Sam", Role.STREAMER)
    await login_as(other_client, "v@example.com", "Vi")
    room = await live_room(streamer)
    sent = await send(other_client, room.id, "mine")
    message_id = sent["message"]["id"]
    denied = await op(other_client, "chat", "DeleteChatMessage", {"messageId": message_id})
    assert errors_of(denied["data"]["deleteChatMessage"]) == ["FORBIDDEN"]
    assert (await ChatMessage.get(id=int(await _pk(message_id)))).deleted_at is None
    mod_client = client
    ok = await op(mod_client, "chat", "DeleteChatMessage", {"messageId": message_id})
    assert ok["data"]["deleteChatMessage"]["errors"] == []
    again = await op(mod_client, "chat", "DeleteChatMessage", {"messageId": message_id})
    assert errors_of(again["data"]["deleteChatMessage"]) == ["ALREADY_DELETED"]
    query = "query($id: ID!) { node(id: $id) { ... on ChatMessage { text deleted } } }"
    from tests.support import gql

    as_viewer = await gql(other_client, query, {"id": message_id})
    assert as_viewer["data"]["node"] == {"text": "", "deleted": True}
    as_mod = await gql(client, query, {"id": message_id})
    assert as_mod["data"]["node"] == {"text": "mine", "deleted": True}


async def _pk(global_id: str) -> int:
    from app.api.ids import decode_id

    return decode_id(global_id, "ChatMessage")


async def test_moderator_badge_over_the_api(client: httpx.AsyncClient) -> None:
    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    await login_as(client, "m@example.com", "Mo", Role.MODERATOR)
    room = await live_room(streamer)
    assert (await send(client, room.id, "hello"))["message"]["badge"] == "MODERATOR"
