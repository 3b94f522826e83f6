"""The fan-out executes each event once per operation and cuts off slow sockets.

The peers here are in-process stand-ins for websockets (one that never drains its sends);
everything else — the schema, the executor, the event conversion — is the real code.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from graphql.execution import Executor
from starlette.websockets import WebSocketState

from app.api.rooms.events import to_graphql
from app.api.schema import schema
from app.api.ws import CLOSE_SLOW, Group, Member, RoomFanout, SharedContext, Socket
from app.events import Event
from app.settings import Settings
from graphql import parse

QUERY = (
    "subscription($r: ID!) { roomEvents(roomId: $r) "
    "{ __typename ... on LikeBurstEvent { total } } }"
)


class PeerStandIn:
    """Records frames; ``stuck`` peers never finish a send (a client that stopped reading)."""

    def __init__(self, stuck: bool = False) -> None:
        self.stuck = stuck
        self.frames: list[str] = []
        self.closed_with: int | None = None
        self.application_state = WebSocketState.CONNECTED
        self.cookies: dict[str, str] = {}  # what presence reads of a peer: no browser cookie
        self.client = None  # and no address

    async def send_text(self, text: str) -> None:
        if self.stuck:
            await asyncio.Event().wait()
        self.frames.append(text)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        self.closed_with = code
        self.application_state = WebSocketState.DISCONNECTED


async def test_one_execution_shared_and_slow_socket_closed() -> None:
    executor = Executor.build(
        schema._schema,
        parse(QUERY),
        None,
        SharedContext(Settings()),
        {"r": "x"},  # type: ignore[arg-type]
    )
    assert not isinstance(executor, list)
    fast_peers = [PeerStandIn() for _ in range(3)]
    stuck_peer = PeerStandIn(stuck=True)
    sockets = [Socket(p, buffer_size=8) for p in [*fast_peers, stuck_peer]]  # type: ignore[arg-type]
    fanout = RoomFanout.__new__(RoomFanout)
    fanout.groups = {("q",): Group(executor)}
    fanout.deliveries = 0
    for i, sock in enumerate(sockets):
        fanout.groups[("q",)].members.add(Member(sock, f'{{"id":"s{i}","type":"next","payload":'))

    executions = 0
    real_build = executor.build_per_event_executor

    def counting(payload: Any) -> Any:
        nonlocal executions
        executions += 1
        return real_build(payload)

    executor.build_per_event_executor = counting  # type: ignore[method-assign]
    for total in range(1, 41):
        event = Event.create("like.burst", {"count": 1, "total": total}, 1)
        await fanout.deliver(to_graphql(event))
        await asyncio.sleep(0)
    await asyncio.sleep(0.05)

    assert executions == 40  # once per event, not once per socket
    for peer in fast_peers:
        assert len(peer.frames) == 40
        last = json.loads(peer.frames[-1])
        assert last["payload"]["data"]["roomEvents"] == {
            "__typename": "LikeBurstEvent",
            "total": 40,
        }
    assert stuck_peer.closed_with == CLOSE_SLOW
    for sock in sockets:
        await sock.close()


async def test_a_group_executes_with_its_own_context_not_a_subscribers(app: object) -> None:
    """Two connections, one logged in, share one group: the execution they share runs with
    the group's SharedContext (anonymous, no socket), whichever of them subscribed first."""
    from app.accounts.models import Role
    from app.api import ws as ws_module
    from app.api.ids import encode_id
    from app.auth import ANONYMOUS, Principal
    from app.rooms import events as ev
    from tests.chat.helpers import live_room, make_user

    streamer = await make_user("s@example.com", "Sam", Role.STREAMER)
    room = await live_room(streamer)
    settings = Settings()
    peers = [PeerStandIn(), PeerStandIn()]
    connections = [ws_module.Connection(p, schema, settings) for p in peers]  # type: ignore[arg-type]
    connections[0].principal = Principal(user=streamer, via="session")
    connections[1].principal = ANONYMOUS
    for i, conn in enumerate(connections):
        conn.acked = True
        await conn._on_subscribe(
            {
                "id": f"s{i}",
                "type": "subscribe",
                "payload": {"query": QUERY, "variables": {"r": encode_id("Room", room.id)}},
            }
        )

    async def joined() -> bool:
        fanout = ws_module.hub.rooms.get(room.id)
        return fanout is not None and sum(len(g.members) for g in fanout.groups.values()) == 2

    for _ in range(200):
        if await joined():
            break
        await asyncio.sleep(0.01)
    [group] = ws_module.hub.rooms[room.id].groups.values()
    context = group.executor.context_value
    assert isinstance(context, SharedContext)
    assert context.principal is ANONYMOUS and not hasattr(context, "request")

    await ev.publish(room.id, ev.LikeBurst(count=2, total=9))
    for _ in range(200):
        if all(any('"total":9' in f for f in p.frames) for p in peers):
            break
        await asyncio.sleep(0.01)
    payloads = [json.loads(next(f for f in p.frames if '"total":9' in f))["payload"] for p in peers]
    assert (
        payloads[0]
        == payloads[1]
        == {"data": {"roomEvents": {"__typename": "LikeBurstEvent", "total": 9}}}
    )
    for conn in connections:
        for task in list(conn.tasks.values()):
            task.cancel()
        await asyncio.gather(*conn.tasks.values(), return_exceptions=True)
    assert room.id not in ws_module.hub.rooms
