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
