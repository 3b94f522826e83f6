"""The subscriber side of ``bench.fanout``: many websocket connections in one process.

Run by ``bench.fanout`` as ``python -m bench.fanout_client URL ROOM_ID MARKER N``; it talks
to its parent over stdin/stdout, one JSON object (or word) per line:

1. opens ``N`` connections to ``URL`` (subprotocol ``graphql-transport-ws``), each doing
   ``connection_init`` and, after the ack, one ``roomEvents`` subscription; prints
   ``{"event": "connected", ...}``;
2. prints ``{"event": "ready"}`` once every connection has received a warm-up event (the
   parent publishes warm-ups until then, so a subscription that is not live yet never
   counts as a loss);
3. counts measured events and their latency (receive time minus the send time the
   publisher wrote into the chat text) until the parent writes ``stop EXPECTED``; it then
   waits (at most ``DRAIN_S``) for the stragglers and prints the result.

The client is deliberately minimal (asyncio protocols, hand-parsed websocket frames, the
send time found with ``bytes.find`` instead of decoding JSON) so that one client core can
take far more deliveries per second than one server core can send: the measurement is
of the server.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import resource
import sys
import time
from array import array
from typing import Any
from urllib.parse import urlparse

QUERY = (
    "subscription($r: ID!){ roomEvents(roomId: $r){ __typename "
    "... on ChatMessageEvent { eventId text at } } }"
)
CONNECT_CONCURRENCY = 64
CONNECT_TIMEOUT_S = 60.0
DRAIN_S = 15.0


def _mask(payload: bytes) -> bytes:
    mask = os.urandom(4)
    return mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))


def _frame(text: str) -> bytes:
    """A masked client text frame (RFC 6455 §5.3)."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes([0x81, 0x80 | size])
    elif size < 1 << 16:
        header = bytes([0x81, 0x80 | 126]) + size.to_bytes(2, "big")
    else:
        header = bytes([0x81, 0x80 | 127]) + size.to_bytes(8, "big")
    return header + _mask(payload)


def _control(opcode: int, payload: bytes = b"") -> bytes:
    return bytes([0x80 | opcode, 0x80 | len(payload)]) + _mask(payload)


class Stats:
    """Counters shared by every connection of this process."""

    def __init__(self, marker: str) -> None:
        self.measured = (marker + ":m ").encode()
        self.warmup = (marker + ":w ").encode()
        self.prefix = marker.encode() + b":"
        self.latencies = array("d")
        self.sent = array("d")
        self.received = 0
        self.other_frames = 0
        self.warm = 0
        self.acked = 0
        self.closed = 0
        self.close_codes: dict[int, int] = {}
        self.failed = 0
        self.first_at = 0.0
        self.last_at = 0.0
        self.warm_event = asyncio.Event()
        self.expected_warm = 0


class Client(asyncio.Protocol):
    """One websocket connection, parsed by hand."""

    def __init__(self, stats: Stats, host: str, path: str, room_id: str, sub_id: str) -> None:
        self.stats = stats
        self.host = host
        self.path = path
        self.room_id = room_id
        self.sub_id = sub_id
        self.transport: asyncio.Transport | None = None
        self.upgraded = False
        self.buffer = b""
        self.warm = False
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        key = base64.b64encode(os.urandom(16)).decode()
        self.transport.write(  # type: ignore[union-attr]
            (
                f"GET {self.path} HTTP/1.1\r\nHost: {self.host}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n"
            ).encode()
        )

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.done.set_exception(ConnectionError(f"lost before subscribing: {exc}"))

    def data_received(self, data: bytes) -> None:
        if self.buffer:
            data = self.buffer + data
            self.buffer = b""
        if not self.upgraded:
            end = data.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = data
                return
            status = data[: data.find(b"\r\n")]
            if b" 101 " not in status:
                self.done.set_exception(ConnectionError(status.decode(errors="replace")))
                self.transport.close()  # type: ignore[union-attr]
                return
            self.upgraded = True
            self.transport.write(  # type: ignore[union-attr]
                _frame('{"type":"connection_init","payload":{}}')
            )
            data = data[end + 4 :]
        stats = self.stats
        size = len(data)
        pos = 0
        now = 0.0
        while pos + 2 <= size:
            length = data[pos + 1] & 0x7F
            head = 2
            if length == 126:
                if pos + 4 > size:
                    break
                length = int.from_bytes(data[pos + 2 : pos + 4], "big")
                head = 4
            elif length == 127:
                if pos + 10 > size:
                    break
                length = int.from_bytes(data[pos + 2 : pos + 10], "big")
                head = 10
            start = pos + head
            end = start + length
            if end > size:
                break
            opcode = data[pos] & 0x0F
            pos = end
            if opcode == 1:
                found = data.find(stats.prefix, start, end)
                if found >= 0:
                    if not now:
                        now = time.time()
                    if data.startswith(stats.measured, found):
                        begin = found + len(stats.measured)
                        stop = data.find(b'"', begin, end)
                        sent = float(data[begin:stop])
                        stats.latencies.append(now - sent)
                        stats.sent.append(sent)
                        stats.received += 1
                        if not stats.first_at:
                            stats.first_at = now
                        stats.last_at = now
                    elif not self.warm and data.startswith(stats.warmup, found):
                        self.warm = True
                        stats.warm += 1
                        if stats.warm >= stats.expected_warm:
                            stats.warm_event.set()
                elif data.find(b'"connection_ack"', start, end) >= 0:
                    stats.acked += 1
                    self.transport.write(_frame(self._subscribe()))  # type: ignore[union-attr]
                    if not self.done.done():
                        self.done.set_result(None)
                else:
                    stats.other_frames += 1
            elif opcode == 9:  # ping
                self.transport.write(_control(10, data[start:end]))  # type: ignore[union-attr]
            elif opcode == 8:  # close
                code = int.from_bytes(data[start : start + 2], "big") if length >= 2 else 1005
                stats.closed += 1
                stats.close_codes[code] = stats.close_codes.get(code, 0) + 1
                self.transport.close()  # type: ignore[union-attr]
                return
        if pos < size:
            self.buffer = data[pos:]

    def _subscribe(self) -> str:
        return json.dumps(
            {
                "id": self.sub_id,
                "type": "subscribe",
                "payload": {"query": QUERY, "variables": {"r": self.room_id}},
            },
            separators=(",", ":"),
        )


def _percentile(ordered: list[float], q: float) -> float:
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


async def _read_line(reader: asyncio.StreamReader) -> str:
    return (await reader.readline()).decode().strip()


async def run(url: str, room_id: str, marker: str, count: int) -> None:
    parsed = urlparse(url)
    host, port = parsed.hostname or "127.0.0.1", parsed.port or 80
    stats = Stats(marker)
    stats.expected_warm = count
    loop = asyncio.get_running_loop()
    clients: list[Client] = []
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def open_one(index: int) -> None:
        async with gate:
            try:
                _, client = await loop.create_connection(
                    lambda: Client(stats, f"{host}:{port}", parsed.path or "/", room_id, "1"),
                    host,
                    port,
                )
                clients.append(client)
                await asyncio.wait_for(client.done, CONNECT_TIMEOUT_S)
            except (TimeoutError, OSError, ConnectionError) as exc:
                stats.failed += 1
                if stats.failed <= 3:
                    print(f"connection {index} failed: {exc!r}", file=sys.stderr)

    started = time.perf_counter()
    await asyncio.gather(*(open_one(i) for i in range(count)))
    stats.expected_warm = count - stats.failed
    _emit(
        {
            "event": "connected",
            "connected": stats.acked,
            "failed": stats.failed,
            "seconds": round(time.perf_counter() - started, 2),
        }
    )

    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    if stats.expected_warm <= 0:
        stats.warm_event.set()
    try:
        await asyncio.wait_for(stats.warm_event.wait(), 60)
    except TimeoutError:
        pass
    _emit({"event": "ready", "warm": stats.warm})

    command = await _read_line(reader)  # "start"
    cpu0 = resource.getrusage(resource.RUSAGE_SELF)
    wall0 = time.perf_counter()
    command = await _read_line(reader)  # "stop EXPECTED"
    expected = int(command.split()[1]) if command.startswith("stop") else 0
    deadline = time.perf_counter() + DRAIN_S
    while stats.received < expected and time.perf_counter() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)
    cpu1 = resource.getrusage(resource.RUSAGE_SELF)
    wall = time.perf_counter() - wall0
    cpu = (cpu1.ru_utime + cpu1.ru_stime) - (cpu0.ru_utime + cpu0.ru_stime)
    ordered = sorted(stats.latencies)
    # The worst latency of the events sent in each second of the run.
    timeline: list[float] = []
    if stats.sent:
        origin = min(stats.sent)
        for sent, latency in zip(stats.sent, stats.latencies, strict=True):
            second = int(sent - origin)
            while len(timeline) <= second:
                timeline.append(0.0)
            timeline[second] = max(timeline[second], round(latency * 1000, 1))
    _emit(
        {
            "event": "result",
            "received": stats.received,
            "first_at": stats.first_at,
            "last_at": stats.last_at,
            "p50_ms": _percentile(ordered, 0.50) * 1000,
            "p90_ms": _percentile(ordered, 0.90) * 1000,
            "p99_ms": _percentile(ordered, 0.99) * 1000,
            "max_ms": (ordered[-1] if ordered else float("nan")) * 1000,
            "closed": stats.closed,
            "close_codes": stats.close_codes,
            "other_frames": stats.other_frames,
            "client_cpu_pct": round(100 * cpu / wall, 1) if wall else 0.0,
            "max_ms_by_second": timeline,
        }
    )
    for client in clients:
        if client.transport is not None:
            client.transport.close()


def main() -> None:
    url, room_id, marker, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, count + 256)), hard))
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    asyncio.run(run(url, room_id, marker, count))


if __name__ == "__main__":
    main()
