"""GraphQL over WebSocket (``graphql-transport-ws``) with shared fan-out for rooms.

Strawberry's own subscription path executes the whole operation for every subscriber on
every event. For ``roomEvents`` this endpoint instead keeps, per process:

- one bus subscription per room (``RoomFanout``),
- one group per distinct operation (document, operation name, variables): the event is
  executed once per group and the encoded ``payload`` is shared by its sockets (only the
  subscription id differs in the frame),
- one bounded send buffer per socket: a socket that cannot keep up is closed with code
  4008, and never delays the others; a receive loop per socket notices disconnects at once.

``RoomEvent`` types resolve from the event alone (never from who is asking, never from the
database; ``tests/api/test_room_event_types.py`` holds them to it), which is what makes
sharing one execution safe. A group's execution runs with a :class:`SharedContext` of its
own, never a subscriber's: room events are public, so everyone allowed to subscribe to a
room may see the same frame, and no one's principal or socket is held by the group.
Every other operation (other subscriptions, queries and mutations sent over the socket)
runs through Strawberry as usual.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import uuid
from collections import deque
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from graphql.execution import Executor, execute_subscription_event
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.extensions import max_aliases, query_depth_limiter
from strawberry.types import ExecutionResult

from app.accounts.services import is_banned
from app.api import limits
from app.api.context import Context
from app.api.rooms.events import to_graphql
from app.api.rooms.schema import room_for_subscription
from app.api.ws_revocation import CLOSE_FORBIDDEN, CLOSE_UNAUTHORIZED, watch
from app.auth import (
    ANONYMOUS,
    CSRF_COOKIE,
    SESSION_COOKIE,
    Principal,
    bearer_from,
    cross_site,
    principal_for,
)
from app.events import get_bus
from app.i18n import _, negotiate
from app.i18n.catalog import set_locale
from app.rooms.events import room_channel
from app.rooms.presence import TooManyWatchers, get_presence
from app.settings import Settings
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLFormattedError,
    OperationDefinitionNode,
    OperationType,
    StringValueNode,
    VariableNode,
    parse,
    specified_rules,
    validate,
)

log = logging.getLogger("livemart.ws")

PROTOCOL = "graphql-transport-ws"
INIT_TIMEOUT = 10.0
SEND_BUFFER = 512
CLOSE_SLOW = 4008
MAX_SUBSCRIPTIONS = 50
ROOM_QUEUE = 20000


def _validation_rules() -> list[Any]:
    return [
        *specified_rules,
        query_depth_limiter.create_validator(limits.MAX_DEPTH, None, None),
        max_aliases.create_validator(limits.MAX_ALIASES),
        limits.CostLimitRule,
    ]


def _error_payload(errors: list[GraphQLError]) -> list[GraphQLFormattedError]:
    return [e.formatted for e in errors]


class Socket:
    """One client connection with a bounded send buffer.

    A frame is written at once, in the caller's task, whenever the connection can take it:
    an ASGI ``send`` only suspends while the transport is paused (the peer reads slowly).
    Only then does a task of this socket finish that write and drain the frames that
    queued up behind it, at most ``buffer_size``; one more and the socket is closed with
    4008. So the common case costs no task switch and no queue per delivery (what asyncio's
    eager tasks do from Python 3.12), and a slow socket never delays the others.
    """

    def __init__(self, ws: WebSocket, buffer_size: int = SEND_BUFFER) -> None:
        self.ws = ws
        self.buffer: deque[str] = deque()
        self.buffer_size = buffer_size
        self.closed = False
        self.failed = False
        self.sender: asyncio.Task[None] | None = None  # set while a write waits

    def enqueue(self, frame: str) -> None:
        if self.closed or self.failed:
            return
        if self.sender is not None:
            if len(self.buffer) >= self.buffer_size:
                log.warning("closing a websocket that fell %d frames behind", self.buffer_size)
                self.closed = True
                asyncio.get_running_loop().create_task(self._close_slow())
                return
            self.buffer.append(frame)
            return
        send = self.ws.send_text(frame)
        try:
            waiting = send.send(None)
        except StopIteration:
            return  # written
        except Exception:
            self.failed = True  # the connection is gone; its receive loop ends it
            return
        self.sender = asyncio.get_running_loop().create_task(self._finish(send, waiting))

    async def send_json(self, message: dict[str, Any]) -> None:
        self.enqueue(json.dumps(message, separators=(",", ":")))

    async def _finish(self, send: Coroutine[Any, Any, None], waiting: Any) -> None:
        """Finish a write that had to wait, then write what queued up behind it."""
        try:
            await _resume(send, waiting)
            while self.buffer:
                await self.ws.send_text(self.buffer.popleft())
        except asyncio.CancelledError:
            raise
        except Exception:
            self.failed = True
            self.buffer.clear()
        finally:
            self.sender = None

    async def _close_slow(self) -> None:
        self.closed = False
        await self.close(CLOSE_SLOW, "slow consumer")

    async def close(self, code: int = 1000, reason: str = "") -> None:
        if self.closed:
            return
        self.closed = True
        if self.sender is not None:
            self.sender.cancel()
        self.buffer.clear()
        if self.ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await self.ws.close(code, reason)


async def _resume(coro: Coroutine[Any, Any, None], waiting: Any) -> None:
    """Drive ``coro``, already stepped once and now waiting on ``waiting``, to its end
    (what an ``asyncio.Task`` does with a coroutine it runs)."""
    try:
        while True:
            if waiting is None:  # a bare yield: go round the loop once
                await asyncio.sleep(0)
            else:
                waiting._asyncio_future_blocking = False
                await asyncio.wait((waiting,))
            waiting = coro.send(None)
    except StopIteration:
        return
    except BaseException:
        coro.close()
        raise


@dataclass(frozen=True)
class SharedContext:
    """``info.context`` of a shared ``roomEvents`` execution: it belongs to no subscriber.

    The group key (document, operation, variables) names an operation whose result is
    what any viewer may see, hence the anonymous principal; nothing of a connection is
    here: no request, no socket, no loaders. A ``RoomEvent`` field that reached for more
    would fail here rather than answer with one subscriber's data to all of them.
    """

    settings: Settings
    principal: Principal = ANONYMOUS


@dataclass(eq=False)
class Member:
    socket: Socket
    prefix: str  # '{"id":"<id>","type":"next","payload":'


@dataclass(eq=False)
class Group:
    executor: Executor
    members: set[Member] = field(default_factory=set)


class RoomFanout:
    """One bus subscription for one room; executes each event once per group."""

    def __init__(self, hub: FanoutHub, room_id: int) -> None:
        self.hub = hub
        self.room_id = room_id
        self.groups: dict[tuple[str, ...], Group] = {}
        self.ready = asyncio.Event()
        self.task = asyncio.create_task(self._run())
        self.deliveries = 0

    def empty(self) -> bool:
        return not any(g.members for g in self.groups.values())

    async def _run(self) -> None:
        while True:
            try:
                async with get_bus().subscribe(room_channel(self.room_id), ROOM_QUEUE) as events:
                    self.ready.set()
                    async for event in events:
                        value = to_graphql(event)
                        if value is not None:
                            await self.deliver(value)
                            await asyncio.sleep(0)  # let the sockets' send loops drain
                    log.warning("room %s fan-out fell behind the bus; resubscribing", self.room_id)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("room %s fan-out failed; resubscribing", self.room_id)
                self.ready.set()
                await asyncio.sleep(0.5)

    async def deliver(self, value: Any) -> None:
        for group in list(self.groups.values()):
            if not group.members:
                continue
            result = execute_subscription_event(group.executor.build_per_event_executor(value))
            if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
                result = await result
            payload = result.formatted  # type: ignore[union-attr]
            if payload.get("errors"):
                log.error("roomEvents execution failed: %s", payload["errors"])
                payload = {
                    "data": payload.get("data"),
                    "errors": [{"message": "Internal server error."}],
                }
            encoded = json.dumps(payload, separators=(",", ":"), default=str)
            for member in tuple(group.members):
                member.socket.enqueue(member.prefix + encoded + "}")
            self.deliveries += len(group.members)


class FanoutHub:
    """Every room fan-out of this process."""

    def __init__(self) -> None:
        self.rooms: dict[int, RoomFanout] = {}

    async def join(
        self, room_id: int, key: tuple[str, ...], executor: Executor, member: Member
    ) -> None:
        """Add ``member`` to the group of ``key``; ``executor`` (built with the group's
        :class:`SharedContext`) becomes the group's when the group is new."""
        fanout = self.rooms.get(room_id)
        if fanout is None:
            fanout = self.rooms[room_id] = RoomFanout(self, room_id)
        group = fanout.groups.get(key)
        if group is None:
            group = fanout.groups[key] = Group(executor)
        group.members.add(member)
        await fanout.ready.wait()

    def leave(self, room_id: int, key: tuple[str, ...], member: Member) -> None:
        fanout = self.rooms.get(room_id)
        if fanout is None:
            return
        group = fanout.groups.get(key)
        if group is not None:
            group.members.discard(member)
            if not group.members:
                del fanout.groups[key]
        if fanout.empty():
            fanout.task.cancel()
            del self.rooms[room_id]


hub = FanoutHub()


def _room_events_field(doc: DocumentNode, operation_name: str | None) -> FieldNode | None:
    """The ``roomEvents`` field when the operation is exactly that subscription."""
    ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        ops = [o for o in ops if o.name and o.name.value == operation_name]
    if len(ops) != 1 or ops[0].operation != OperationType.SUBSCRIPTION:
        return None
    selections = ops[0].selection_set.selections
    if len(selections) != 1 or not isinstance(selections[0], FieldNode):
        return None
    node = selections[0]
    return node if node.name.value == "roomEvents" else None


def _room_id_argument(node: FieldNode, variables: dict[str, Any]) -> str | None:
    for arg in node.arguments or ():
        if arg.name.value == "roomId":
            if isinstance(arg.value, VariableNode):
                value = variables.get(arg.value.name.value)
                return value if isinstance(value, str) else None
            if isinstance(arg.value, StringValueNode):
                return arg.value.value
    return None


class Connection:
    def __init__(self, ws: WebSocket, schema: Any, settings: Settings) -> None:
        self.ws = ws
        self.schema = schema
        self.settings = settings
        self.socket = Socket(ws, settings.ws_send_buffer)
        self.principal: Principal = ANONYMOUS
        self.session: str | None = None  # the credentials the principal came from
        self.bearer: str | None = None
        self.acked = False
        self.tasks: dict[str, asyncio.Task[None]] = {}
        # Presence: an anonymous socket is one viewer however many subscriptions it holds.
        self.socket_viewer = f"socket:{uuid.uuid4().hex[:12]}"

    @property
    def user_id(self) -> int | None:
        return self.principal.user.id if self.principal.user else None

    async def recheck(self, reason: str = "") -> bool:
        """Resolve this socket's credentials again (their scope may have narrowed); close
        the socket when they no longer hold: 4403 for a banned user, else 4401."""
        if self.socket.closed:
            return False
        if self.session is None and self.bearer is None:
            return True
        user = self.principal.user
        principal = await principal_for(self.session, self.bearer)
        if user is not None and principal.user is None:
            if await is_banned(user.id):
                await self.socket.close(CLOSE_FORBIDDEN, "Forbidden: account banned")
            else:
                await self.socket.close(CLOSE_UNAUTHORIZED, "Unauthorized: credentials revoked")
            return False
        self.principal = principal
        return True

    def context(self) -> Context:
        return Context(self.ws, None, self.settings, self.principal)

    async def run(self) -> None:
        self.principal = await self._initial_principal()
        init_timer = asyncio.get_running_loop().call_later(
            INIT_TIMEOUT, lambda: asyncio.ensure_future(self._init_timeout())
        )
        try:
            while not self.socket.closed:
                try:
                    message = await self.ws.receive()
                except (WebSocketDisconnect, RuntimeError):
                    break
                if message["type"] == "websocket.disconnect":
                    break
                text = message.get("text")
                if text is None:  # a binary frame: not part of the protocol
                    await self.socket.close(4400, "Binary frames are not supported")
                    break
                await self._handle(text)
        finally:
            init_timer.cancel()
            watch.unwatch(self)
            for task in self.tasks.values():
                task.cancel()
            if self.tasks:
                await asyncio.gather(*self.tasks.values(), return_exceptions=True)
            await self.socket.close()

    async def _init_timeout(self) -> None:
        if not self.acked:
            await self.socket.close(4408, "Connection initialisation timeout")

    async def _initial_principal(self) -> Principal:
        bearer = bearer_from(self.ws.headers.get("authorization"))
        if bearer:
            self.bearer = bearer
            return await principal_for(bearer=bearer)
        if cross_site(self.ws):
            return ANONYMOUS  # a cookie from another site's page does not count
        self.session = self.ws.cookies.get(SESSION_COOKIE)
        return await principal_for(session_secret=self.session)

    async def _handle(self, text: str) -> None:
        try:
            message = json.loads(text)
            kind = message["type"]
        except (ValueError, KeyError, TypeError, RecursionError):
            await self.socket.close(4400, "Invalid message")
            return
        if not isinstance(message, dict):
            await self.socket.close(4400, "Invalid message")
            return
        if kind == "connection_init":
            await self._on_init(message.get("payload"))
        elif kind == "ping":
            await self.socket.send_json({"type": "pong"})
        elif kind == "pong":
            return
        elif kind == "subscribe":
            await self._on_subscribe(message)
        elif kind == "complete":
            task = self.tasks.pop(str(message.get("id")), None)
            if task:
                task.cancel()
        else:
            await self.socket.close(4400, f"Unknown message type {kind!r}"[:120])

    async def _on_init(self, payload: Any) -> None:
        if self.acked:
            await self.socket.close(4429, "Too many initialisation requests")
            return
        if payload is not None and not isinstance(payload, dict):
            await self.socket.close(4400, "Invalid connection init payload")
            return
        params = payload or {}
        language = params.get("language") or params.get("acceptLanguage")
        if isinstance(language, str):  # the socket's operations speak it from now on
            set_locale(negotiate(language[:200]))
        raw = params.get("authorization") or params.get("Authorization") or ""
        token = bearer_from(raw) if isinstance(raw, str) else None
        if token is None and isinstance(params.get("token"), str):
            token = params["token"]
        if token:
            principal = await principal_for(bearer=token)
            if principal.user is None:
                await self.socket.close(4403, "Forbidden: invalid or revoked API token")
                return
            self.principal = principal
            self.session, self.bearer = None, token
        if self.principal.user is not None:
            # Follow this user's credential changes from now on; one that landed while
            # this process subscribed is caught by checking once more.
            await watch.watch(self)
            if not await self.recheck():
                return
        self.acked = True
        await self.socket.send_json({"type": "connection_ack"})

    async def _on_subscribe(self, message: dict[str, Any]) -> None:
        if not self.acked:
            await self.socket.close(4401, "Unauthorized")
            return
        if not await self.recheck():  # every operation runs with the credentials' scope now
            return
        sub_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(sub_id, str) or not sub_id or not isinstance(payload, dict):
            await self.socket.close(4400, "Invalid subscribe message")
            return
        if sub_id in self.tasks:
            await self.socket.close(4409, f"Subscriber for {sub_id} already exists"[:120])
            return
        if len(self.tasks) >= MAX_SUBSCRIPTIONS:
            await self._send_error(sub_id, [GraphQLError(_("too many subscriptions"))])
            return
        query = payload.get("query")
        variables = payload.get("variables") or {}
        operation_name = payload.get("operationName")
        if not isinstance(query, str) or not isinstance(variables, dict):
            await self._send_error(sub_id, [GraphQLError(_("query must be a string"))])
            return
        try:
            doc = parse(query, max_tokens=limits.MAX_TOKENS)
        except GraphQLError as exc:
            await self._send_error(sub_id, [exc])
            return
        node = _room_events_field(doc, operation_name)
        if node is None:
            task = asyncio.create_task(
                self._run_strawberry(sub_id, query, variables, operation_name)
            )
        else:
            errors = validate(self.schema._schema, doc, _validation_rules())
            if errors:
                await self._send_error(sub_id, errors)
                return
            task = asyncio.create_task(
                self._run_room_events(sub_id, doc, node, query, variables, operation_name)
            )
        self.tasks[sub_id] = task
        task.add_done_callback(lambda _t: self.tasks.pop(sub_id, None))

    async def _send_error(self, sub_id: str, errors: list[GraphQLError]) -> None:
        await self.socket.send_json(
            {"id": sub_id, "type": "error", "payload": _error_payload(errors)}
        )

    async def _run_room_events(
        self,
        sub_id: str,
        doc: DocumentNode,
        node: FieldNode,
        query: str,
        variables: dict[str, Any],
        operation_name: str | None,
    ) -> None:
        shared = SharedContext(self.settings)
        executor = Executor.build(self.schema._schema, doc, None, shared, variables, operation_name)
        if isinstance(executor, list):
            await self._send_error(sub_id, executor)
            return
        raw_room = _room_id_argument(node, variables)
        try:
            room_id = await room_for_subscription(raw_room or "")
        except GraphQLError as exc:
            await self._send_error(sub_id, [exc])
            return
        key = (query, operation_name or "", json.dumps(variables, sort_keys=True, default=str))
        member = Member(self.socket, '{"id":' + json.dumps(sub_id) + ',"type":"next","payload":')
        try:
            user = self.principal.user
            browser = self.ws.cookies.get(CSRF_COOKIE, "")[:16]  # as the room page's stream
            anonymous = f"browser:{browser}" if browser else self.socket_viewer
            viewer = f"user:{user.id}" if user else anonymous
            address = self.ws.client.host if self.ws.client else None
            async with get_presence().watching(room_id, user.id if user else None, viewer, address):
                await hub.join(room_id, key, executor, member)
                await asyncio.Event().wait()  # until completed or disconnected
        except TooManyWatchers as exc:
            refused = GraphQLError(exc.message, extensions={"code": exc.code})
            await self._send_error(sub_id, [refused])
        finally:
            hub.leave(room_id, key, member)

    async def _run_strawberry(
        self, sub_id: str, query: str, variables: dict[str, Any], operation_name: str | None
    ) -> None:
        context = self.context()
        try:
            doc = parse(query, max_tokens=limits.MAX_TOKENS)
            ops = [d for d in doc.definitions if isinstance(d, OperationDefinitionNode)]
            is_subscription = any(o.operation == OperationType.SUBSCRIPTION for o in ops)
        except GraphQLError as exc:
            await self._send_error(sub_id, [exc])
            return
        if not is_subscription:
            result = await self.schema.execute(
                query,
                variable_values=variables,
                context_value=context,
                operation_name=operation_name,
            )
            await self._send_result(sub_id, result)
            await self.socket.send_json({"id": sub_id, "type": "complete"})
            return
        stream = await self.schema.subscribe(
            query,
            variable_values=variables,
            context_value=context,
            operation_name=operation_name,
        )
        if isinstance(stream, ExecutionResult):
            await self._send_error(sub_id, stream.errors or [GraphQLError(_("invalid operation"))])
            return
        try:
            async for result in stream:
                await self._send_result(sub_id, result)
        finally:
            with contextlib.suppress(Exception):
                await stream.aclose()
        await self.socket.send_json({"id": sub_id, "type": "complete"})

    async def _send_result(self, sub_id: str, result: Any) -> None:
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [e.formatted for e in result.errors]
        await self.socket.send_json({"id": sub_id, "type": "next", "payload": payload})


class GraphQLWebSocket:
    """ASGI endpoint for ``/graphql`` websockets."""

    def __init__(self, schema: Any, settings: Settings) -> None:
        self.schema = schema
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        ws = WebSocket(scope, receive, send)
        offered = [p.strip() for p in scope.get("subprotocols", [])]
        if PROTOCOL not in offered:
            await ws.close(4406, "Subprotocol not acceptable")
            return
        await ws.accept(subprotocol=PROTOCOL)
        await Connection(ws, self.schema, self.settings).run()
