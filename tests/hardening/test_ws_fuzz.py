"""Malformed ``graphql-transport-ws`` traffic against a real uvicorn process: every bad
frame gets a GraphQL error or a protocol close code (4400, 4401, 4403, 4409, 4429), never
an internal error (1011), and a healthy subscriber in the same process keeps receiving."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import websockets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed

from app.settings import Settings
from tests.conftest import settings_env
from tests.support import STRONG_PASSWORD, WsClient, live_server

# Normal closure, "message too big" (uvicorn's frame limit) and the protocol's 44xx codes.
PROTOCOL_CLOSES = {1000, 1009, 4400, 4401, 4403, 4409, 4429}
ACCOUNT_EVENTS = "subscription { accountEvents { type } }"
ROOM_EVENTS = "subscription($id: ID!) { roomEvents(roomId: $id) { __typename } }"


@dataclass
class Server:
    base: str
    client: httpx.AsyncClient
    csrf: str
    token: str

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.client.post(
            "/graphql",
            headers={"X-CSRF-Token": self.csrf},
            json={"query": query, "variables": variables or {}},
        )
        return response.json()


@pytest.fixture
def live(settings: Settings) -> Iterator[str]:
    with live_server(settings_env(settings)) as base:
        yield base


@pytest.fixture
async def server(live: str) -> AsyncIterator[Server]:
    """The live server, a logged-in client and a write token of that user."""
    async with httpx.AsyncClient(base_url=live, timeout=20) as client:
        await client.get("/login")
        found = Server(live, client, client.cookies["lm_csrf"], "")
        await found.gql(
            "mutation($i: RegisterInput!) { register(input: $i) { user { id } } }",
            {"i": {"email": "wes@example.com", "password": STRONG_PASSWORD, "displayName": "Wes"}},
        )
        created = await found.gql(
            'mutation { createApiToken(name: "ws", scope: WRITE) { secret } }'
        )
        found.token = created["data"]["createApiToken"]["secret"]
        yield found


@contextlib.asynccontextmanager
async def raw(base: str, init: bool | dict[str, Any] = True) -> AsyncIterator[Any]:
    ws = await websockets.connect(
        base.replace("http://", "ws://") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        max_size=2**24,
        open_timeout=10,
    )
    try:
        if init:
            payload = init if isinstance(init, dict) else {}
            await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
            assert json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] == "connection_ack"
        yield ws
    finally:
        await ws.close()


async def outcome(ws: Any, timeout: float = 5.0) -> tuple[str, Any]:
    """("message", parsed) for the next non-ping message, ("closed", code), or
    ("quiet", None) when nothing comes."""
    try:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), timeout))
            if message.get("type") != "ping":
                return "message", message
    except ConnectionClosed as exc:
        return "closed", exc.rcvd.code if exc.rcvd else None
    except TimeoutError:
        return "quiet", None


async def closes_with(
    base: str, frames: list[Any], code: int, init: bool | dict[str, Any] = True
) -> None:
    async with raw(base, init) as ws:
        for frame in frames:
            await ws.send(frame if isinstance(frame, str | bytes) else json.dumps(frame))
        found = await outcome(ws)
        assert found == ("closed", code), (str(frames[-1])[:80], found)


async def test_protocol_violations_close_with_their_codes(server: Server) -> None:
    base = server.base
    sub = {"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }"}}
    await closes_with(base, [b"\x00\x01binary"], 4400)
    await closes_with(base, ["not json"], 4400)
    await closes_with(base, ["[" * 50_000 + "]" * 50_000], 4400)
    await closes_with(base, [json.dumps([1, 2])], 4400)
    await closes_with(base, [{"type": 5}], 4400)
    await closes_with(base, [{"type": "nope"}], 4400)
    await closes_with(base, [{"no": "type"}], 4400)
    await closes_with(base, [{"type": "subscribe", "payload": sub["payload"]}], 4400)
    await closes_with(base, [{**sub, "id": 7}], 4400)
    await closes_with(base, [{**sub, "id": ""}], 4400)
    await closes_with(base, [{**sub, "payload": "query"}], 4400)
    await closes_with(base, [sub], 4401, init=False)
    await closes_with(base, [{"type": "connection_init", "payload": "x"}], 4400, init=False)
    await closes_with(base, [{"type": "connection_init"}], 4429)
    forged = {"type": "connection_init", "payload": {"authorization": "Bearer lm_forged"}}
    await closes_with(base, [forged], 4403, init=False)
    twice = {"id": "same", "type": "subscribe", "payload": {"query": ACCOUNT_EVENTS}}
    await closes_with(base, [twice, twice], 4409, init={"authorization": f"Bearer {server.token}"})


async def test_bad_operations_get_graphql_errors(server: Server) -> None:
    cases: list[dict[str, Any]] = [
        {"query": "{"},
        {"query": 42},
        {"query": "{ __typename }", "variables": [1]},
        {"query": "{ nope }"},
        {"query": 'subscription { roomEvents(roomId: "garbage") { __typename } }'},
        {"query": ROOM_EVENTS, "variables": {"id": "Um9vbTo5OTk5OTk5OTk5OTk5OTk5OTk5"}},
        {"query": ROOM_EVENTS, "variables": {"id": "Um9vbTo5OTk5OTk5"}},
        {"query": "{ viewer " * 5_000 + "}" * 5_000},
        {"query": "{ " + " ".join(f"a{i}: viewer {{ id }}" for i in range(100)) + " }"},
        {"query": ACCOUNT_EVENTS},  # anonymous
        {"query": "{ __typename }", "variables": {"big": "x" * 1_000_000}},
        {"query": "#" * 1_048_576 + "\n{ __typename }"},  # a 1 MB frame
    ]
    async with raw(server.base) as ws:
        for index, payload in enumerate(cases):
            await ws.send(json.dumps({"id": f"c{index}", "type": "subscribe", "payload": payload}))
            kind, message = await outcome(ws)
            assert kind == "message", (str(payload)[:80], kind, message)
            assert message["id"] == f"c{index}" and message["type"] in ("error", "next"), message
            if message["type"] == "next":
                assert message["payload"].get("errors") or message["payload"].get("data")
                assert (await outcome(ws))[1]["type"] == "complete"
        await ws.send(json.dumps({"type": "ping"}))
        assert await outcome(ws) == ("message", {"type": "pong"})
        ok = {"id": "ok", "type": "subscribe", "payload": {"query": "{ __typename }"}}
        await ws.send(json.dumps(ok))
        kind, message = await outcome(ws)
        assert message == {"id": "ok", "type": "next", "payload": {"data": {"__typename": "Query"}}}


async def test_frames_beyond_the_size_limit_close_the_socket(server: Server) -> None:
    async with raw(server.base) as ws:
        await ws.send("x" * (17 * 1024 * 1024))  # beyond uvicorn's 16 MiB frame limit
        kind, code = await outcome(ws)
        assert kind == "closed" and code in PROTOCOL_CLOSES, code


def _json(value: Any) -> str:
    return json.dumps(value)


message_types = st.sampled_from(
    ["connection_init", "subscribe", "complete", "ping", "pong", "next", "error", "x"]
)
payloads = st.one_of(
    st.none(),
    st.text(max_size=10),
    st.integers(),
    st.fixed_dictionaries(
        {},
        optional={
            "query": st.one_of(
                st.text(max_size=30),
                st.sampled_from(
                    ["{ __typename }", ACCOUNT_EVENTS, ROOM_EVENTS, "mutation { logout { ok } }"]
                ),
            ),
            "variables": st.one_of(
                st.none(),
                st.integers(),
                st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2),
            ),
            "operationName": st.one_of(st.none(), st.integers(), st.text(max_size=5)),
        },
    ),
)
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
frames = st.one_of(
    st.binary(max_size=64),
    st.text(max_size=64),
    json_values.map(_json),
    st.fixed_dictionaries(
        {"type": message_types},
        optional={
            "id": st.one_of(st.sampled_from(["1", "2"]), st.integers(), st.none()),
            "payload": payloads,
        },
    ).map(_json),
)


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(sequence=st.lists(frames, min_size=1, max_size=5), init=st.booleans())
async def test_random_frames_never_crash_the_endpoint(
    live: str, sequence: list[Any], init: bool
) -> None:
    async with raw(live, init) as ws:
        for frame in sequence:
            with contextlib.suppress(ConnectionClosed):
                await ws.send(frame)
        while True:
            kind, value = await outcome(ws, timeout=0.5)
            if kind == "quiet":
                break
            if kind == "closed":
                assert value in PROTOCOL_CLOSES, (sequence, value)
                break
            assert value.get("type") in ("connection_ack", "next", "error", "complete", "pong")
    ok = await outcome_of_fresh_client(live)
    assert ok == {"data": {"__typename": "Query"}}


async def outcome_of_fresh_client(base: str) -> Any:
    async with raw(base) as ws:
        await ws.send(
            _json({"id": "x", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        )
        return (await outcome(ws))[1]["payload"]


async def test_a_healthy_subscriber_keeps_receiving_while_others_misbehave(
    server: Server,
) -> None:
    async with WsClient(server.base, {"authorization": f"Bearer {server.token}"}) as healthy:
        await healthy.subscribe(ACCOUNT_EVENTS)
        await asyncio.sleep(0.3)

        async def misbehave(i: int) -> None:
            with contextlib.suppress(ConnectionClosed, OSError, TimeoutError):
                async with raw(server.base, init=i % 2 == 0) as ws:
                    bad = [b"\xff", "nope", "[" * 20_000, _json({"type": "subscribe"})][i % 4]
                    await ws.send(bad)
                    await outcome(ws, 2)

        await asyncio.gather(*(misbehave(i) for i in range(40)))
        created = await server.gql('mutation { createApiToken(name: "again") { secret } }')
        assert created["data"]["createApiToken"]["secret"]
        message = await healthy.receive(timeout=10)
        assert message["type"] == "next"
        assert message["payload"]["data"]["accountEvents"]["type"] == "token_created"
