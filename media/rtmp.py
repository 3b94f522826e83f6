"""An asyncio RTMP front on one port: ``rtmp://host:port/<app>/<stream key>``.

Only what a publisher (OBS, FFmpeg, a phone app) needs: the plain handshake, the chunk
stream, AMF0 commands (``connect``, ``createStream``, ``publish``...), and audio/video/
metadata messages. At ``publish`` the stream key goes through the async `authorize`
callback; a key it does not know is answered with ``NetStream.Publish.BadName`` and the
connection is closed. An accepted publisher's messages go to the `PublishSink` that
`on_publish(room_id, stream_key)` returns (usually a `media.flv.FlvIngest`).

Unlike FFmpeg's ``-listen 1``, one server takes any number of publishers and nothing
reaches FFmpeg before the key is checked.

What one peer may cost is bounded: a connection must ``publish`` with a valid key within
`publish_timeout_s` of connecting (small messages do not extend it), buffers at most
`MAX_BUFFERED_BEFORE_PUBLISH` bytes of partial messages before that and
`MAX_BUFFERED` after, over at most `MAX_CHUNK_STREAMS` chunk streams; once publishing,
only media keeps it open (`idle_timeout_s`); an address holds at most
`max_connections_per_ip` connections. A peer past a bound is dropped with one log line.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from media import amf

logger = logging.getLogger("media.rtmp")

# Message type ids.
SET_CHUNK_SIZE, ABORT, ACK, USER_CONTROL, WINDOW_ACK_SIZE, SET_PEER_BANDWIDTH = 1, 2, 3, 4, 5, 6
AUDIO, VIDEO, DATA_AMF3, COMMAND_AMF3, DATA_AMF0, COMMAND_AMF0, AGGREGATE = 8, 9, 15, 17, 18, 20, 22

HANDSHAKE_SIZE = 1536
OUR_CHUNK_SIZE = 4096
WINDOW = 2_500_000
MAX_MESSAGE = 4 * 1024 * 1024  # one message once publishing (a keyframe)
MAX_MESSAGE_BEFORE_PUBLISH = 64 * 1024  # commands only
MAX_BUFFERED = 6 * 1024 * 1024  # partial messages of all chunk streams, once publishing
MAX_BUFFERED_BEFORE_PUBLISH = 128 * 1024
MAX_CHUNK_STREAMS = 32  # publishers use a handful (control, command, audio, video)
CS_CONTROL, CS_COMMAND, CS_STATUS = 2, 3, 5


class RtmpError(Exception):
    """The peer broke the protocol or a bound; the connection is closed."""


class PublishRejected(Exception):
    """Raised by `on_publish` to refuse a publisher with an RTMP status code."""

    def __init__(self, description: str, code: str = "NetStream.Publish.BadName") -> None:
        super().__init__(description)
        self.code = code
        self.description = description


class PublishSink(Protocol):
    """Where an accepted publisher's media goes."""

    async def on_metadata(self, metadata: dict[str, Any]) -> None: ...

    async def on_media(self, tag_type: int, timestamp: int, payload: bytes) -> None: ...

    async def close(self) -> None: ...


AuthorizeCallback = Callable[[str], Awaitable[str | None]]
PublishCallback = Callable[[str, str], Awaitable[PublishSink]]


@dataclass(slots=True)
class Message:
    """One reassembled RTMP message."""

    type_id: int
    stream_id: int
    timestamp: int
    payload: bytes


@dataclass(slots=True)
class _ChunkStream:
    timestamp: int = 0
    ts_field: int = 0
    length: int = 0
    type_id: int = 0
    stream_id: int = 0
    extended: bool = False
    buf: bytearray = field(default_factory=bytearray)


# -- wire format -----------------------------------------------------------------------


class ChunkReader:
    """Reads the RTMP chunk stream and reassembles messages."""

    def __init__(self, reader: asyncio.StreamReader) -> None:
        self._reader = reader
        self._streams: dict[int, _ChunkStream] = {}
        self.chunk_size = 128
        self.max_message = MAX_MESSAGE_BEFORE_PUBLISH
        self.max_buffered = MAX_BUFFERED_BEFORE_PUBLISH
        self.max_streams = MAX_CHUNK_STREAMS
        self.buffered = 0  # bytes of partly received messages, over all chunk streams
        self.bytes_read = 0

    def allow_publishing(self) -> None:
        """The peer is an authorised publisher: media-sized messages from now on."""
        self.max_message = MAX_MESSAGE
        self.max_buffered = MAX_BUFFERED

    async def _take(self, n: int) -> bytes:
        data = await self._reader.readexactly(n)
        self.bytes_read += n
        return data

    def abort(self, csid: int) -> None:
        """Drop a partly received message (Abort Message)."""
        if csid in self._streams:
            st = self._streams[csid]
            self.buffered -= len(st.buf)
            st.buf = bytearray()

    async def read_message(self) -> Message:
        """Read chunks until one message is complete."""
        while True:
            message = await self._read_chunk()
            if message is not None:
                return message

    async def _read_chunk(self) -> Message | None:
        first = (await self._take(1))[0]
        fmt, csid = first >> 6, first & 0x3F
        if csid == 0:
            csid = 64 + (await self._take(1))[0]
        elif csid == 1:
            b = await self._take(2)
            csid = 64 + b[0] + b[1] * 256
        st = self._streams.get(csid)
        if st is None:
            if len(self._streams) >= self.max_streams:
                raise RtmpError(f"more than {self.max_streams} chunk streams")
            st = self._streams[csid] = _ChunkStream()
        ts_field = st.ts_field
        if fmt <= 2:
            header = await self._take((11, 7, 3)[fmt])
            ts_field = int.from_bytes(header[0:3], "big")
            if fmt <= 1:
                st.length = int.from_bytes(header[3:6], "big")
                st.type_id = header[6]
            if fmt == 0:
                st.stream_id = struct.unpack("<I", header[7:11])[0]
            st.extended = ts_field == 0xFFFFFF
            if st.extended:
                ts_field = struct.unpack(">I", await self._take(4))[0]
        elif st.extended:
            ts_field = struct.unpack(">I", await self._take(4))[0]
        if not st.buf:  # first chunk of a new message
            if st.length > self.max_message:
                raise RtmpError(f"message of {st.length} bytes is too large")
            st.timestamp = ts_field if fmt == 0 else (st.timestamp + ts_field) & 0xFFFFFFFF
            st.ts_field = ts_field
        elif st.length < len(st.buf) or st.length > self.max_message:
            raise RtmpError("message length changed mid-message")
        want = min(self.chunk_size, st.length - len(st.buf))
        if len(st.buf) + want < st.length and self.buffered + want > self.max_buffered:
            raise RtmpError(f"more than {self.max_buffered} bytes of partial messages")
        data = await self._take(want)
        if len(st.buf) + want >= st.length:  # complete: never counted as buffered
            message = Message(st.type_id, st.stream_id, st.timestamp, bytes(st.buf) + data)
            self.buffered -= len(st.buf)
            st.buf = bytearray()
            return message
        st.buf += data
        self.buffered += want
        return None


def encode_message(
    csid: int, type_id: int, payload: bytes, *, stream_id: int = 0, timestamp: int = 0,
    chunk_size: int = 128,
) -> bytes:  # fmt: skip
    """Split one message into chunks (a type-0 chunk, then type-3 continuations)."""
    ts = min(timestamp, 0xFFFFFF)
    header = bytes([csid & 0x3F]) + ts.to_bytes(3, "big") + len(payload).to_bytes(3, "big")
    header += bytes([type_id]) + struct.pack("<I", stream_id)
    extended = struct.pack(">I", timestamp) if ts == 0xFFFFFF else b""
    out = [header, extended]
    for offset in range(0, max(len(payload), 1), chunk_size):
        if offset:
            out += [bytes([0xC0 | (csid & 0x3F)]), extended]
        out.append(payload[offset : offset + chunk_size])
    return b"".join(out)


# -- one connection --------------------------------------------------------------------


class RtmpSession:
    """One client connection: handshake, commands, then media into a sink."""

    def __init__(
        self,
        server: RtmpServer,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.chunks = ChunkReader(reader)
        self.peer = writer.get_extra_info("peername")
        self.out_chunk_size = 128
        self.window = WINDOW
        self.last_ack = 0
        self.app: str | None = None
        self.stream_key: str | None = None
        self.room_id: str | None = None
        self.sink: PublishSink | None = None
        self.done = False

    async def run(self) -> None:
        """Serve the connection until the peer leaves, is rejected or breaks a bound.

        One deadline covers the handshake, ``connect`` and ``publish``; once publishing,
        only audio/video messages move it on (`idle_timeout_s`).
        """
        loop = asyncio.get_running_loop()
        server = self.server
        deadline = loop.time() + server.publish_timeout_s
        try:
            async with asyncio.timeout_at(min(deadline, loop.time() + server.handshake_timeout_s)):
                await self._handshake()
            while not self.done:
                async with asyncio.timeout_at(deadline):
                    message = await self.chunks.read_message()
                publishing = self.sink is not None
                await self._handle(message)
                if self.sink is not None and (
                    not publishing or message.type_id in (AUDIO, VIDEO, AGGREGATE)
                ):
                    deadline = loop.time() + server.idle_timeout_s
                await self._maybe_ack()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        except PublishRejected as exc:
            logger.info("rtmp %s: publish rejected: %s", self.peer, exc.description)
        except TimeoutError:
            what = "no media" if self.sink is not None else "no publish with a valid key"
            logger.info("rtmp %s: closed: %s in time", self.peer, what)
        except (RtmpError, amf.AMFError) as exc:
            logger.warning("rtmp %s: protocol error: %s", self.peer, exc)
        except Exception:
            logger.exception("rtmp %s: session failed", self.peer)
        finally:
            await self._finish()

    async def _finish(self) -> None:
        sink, self.sink = self.sink, None
        if sink is not None:
            try:
                await sink.close()
            except Exception:
                logger.exception("rtmp %s: closing the sink failed", self.peer)
        self.writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer.wait_closed(), 2.0)

    # -- handshake --------------------------------------------------------------------

    async def _handshake(self) -> None:
        c0c1 = await self.reader.readexactly(1 + HANDSHAKE_SIZE)
        if c0c1[0] != 3:
            raise RtmpError(f"unsupported RTMP version {c0c1[0]}")
        c1 = c0c1[1:]
        # S1 with a zero version field asks the client for the plain (digest-less) handshake.
        s1 = struct.pack(">I", int(time.monotonic() * 1000) & 0xFFFFFFFF) + b"\x00" * 4
        s1 += os.urandom(HANDSHAKE_SIZE - 8)
        s2 = c1[:4] + struct.pack(">I", int(time.monotonic() * 1000) & 0xFFFFFFFF) + c1[8:]
        self.writer.write(b"\x03" + s1 + s2)
        await self.writer.drain()
        await self.reader.readexactly(HANDSHAKE_SIZE)  # C2

    # -- sending ----------------------------------------------------------------------

    async def _send(self, csid: int, type_id: int, payload: bytes, stream_id: int = 0) -> None:
        self.writer.write(
            encode_message(
                csid, type_id, payload, stream_id=stream_id, chunk_size=self.out_chunk_size
            )
        )
        await self.writer.drain()

    async def _command(self, *values: Any, stream_id: int = 0, csid: int = CS_COMMAND) -> None:
        await self._send(csid, COMMAND_AMF0, amf.encode(*values), stream_id)

    async def _status(self, stream_id: int, level: str, code: str, description: str) -> None:
        info = {"level": level, "code": code, "description": description}
        if self.stream_key is not None:
            info["details"] = self.stream_key
        await self._command("onStatus", 0, None, info, stream_id=stream_id, csid=CS_STATUS)

    async def _maybe_ack(self) -> None:
        if self.chunks.bytes_read - self.last_ack >= self.window:
            self.last_ack = self.chunks.bytes_read
            await self._send(CS_CONTROL, ACK, struct.pack(">I", self.last_ack & 0xFFFFFFFF))

    # -- receiving --------------------------------------------------------------------

    async def _handle(self, msg: Message) -> None:
        t = msg.type_id
        if t == SET_CHUNK_SIZE:
            size = _uint32(msg) & 0x7FFFFFFF
            if not 1 <= size <= MAX_MESSAGE:
                raise RtmpError(f"bad chunk size {size}")
            self.chunks.chunk_size = size
        elif t == ABORT:
            self.chunks.abort(_uint32(msg))
        elif t == WINDOW_ACK_SIZE:
            self.window = max(1, _uint32(msg))
        elif t in (COMMAND_AMF0, COMMAND_AMF3):
            payload = msg.payload[1:] if t == COMMAND_AMF3 else msg.payload
            await self._on_command(msg, amf.decode(payload))
        elif self.sink is None:
            return  # media, metadata, user control... before publish: ignored
        elif t in (DATA_AMF0, DATA_AMF3):
            payload = msg.payload[1:] if t == DATA_AMF3 else msg.payload
            await self._on_data(amf.decode(payload))
        elif t in (AUDIO, VIDEO):
            await self.sink.on_media(t, msg.timestamp, msg.payload)
        elif t == AGGREGATE:
            for sub_type, ts, body in split_aggregate(msg):
                await self.sink.on_media(sub_type, ts, body)

    async def _on_data(self, values: list[Any]) -> None:
        if values and values[0] == "@setDataFrame":
            values = values[1:]
        if len(values) >= 2 and values[0] == "onMetaData" and isinstance(values[1], dict):
            assert self.sink is not None
            await self.sink.on_metadata(values[1])

    async def _on_command(self, msg: Message, values: list[Any]) -> None:
        if not values or not isinstance(values[0], str):
            raise RtmpError("malformed command")
        name = values[0]
        txn = values[1] if len(values) > 1 and isinstance(values[1], float) else 0.0
        args = values[2:]
        if name == "connect":
            await self._on_connect(txn, args[0] if args and isinstance(args[0], dict) else {})
        elif self.app is None:
            raise RtmpError(f"{name!r} before connect")
        elif name == "createStream":
            await self._command("_result", txn, None, 1.0)
        elif name == "publish":
            await self._on_publish(msg.stream_id, args)
        elif name in ("FCUnpublish", "deleteStream", "closeStream"):
            if self.sink is not None:
                self.done = True
        elif name in ("releaseStream", "FCPublish", "_checkbw"):
            if txn:
                await self._command("_result", txn, None)
        elif name in ("play", "play2"):
            await self._status(
                msg.stream_id, "error", "NetStream.Play.Failed", "playback is over HLS"
            )
            self.done = True

    async def _on_connect(self, txn: float, props: dict[str, Any]) -> None:
        app = str(props.get("app", "")).split("?")[0].strip("/")
        if app != self.server.app:
            await self._command(
                "_error", txn, None,
                {"level": "error", "code": "NetConnection.Connect.Rejected",
                 "description": f"unknown application {app!r}"},
            )  # fmt: skip
            self.done = True
            return
        self.app = app
        await self._send(CS_CONTROL, WINDOW_ACK_SIZE, struct.pack(">I", WINDOW))
        await self._send(CS_CONTROL, SET_PEER_BANDWIDTH, struct.pack(">IB", WINDOW, 2))
        await self._send(CS_CONTROL, SET_CHUNK_SIZE, struct.pack(">I", OUR_CHUNK_SIZE))
        self.out_chunk_size = OUR_CHUNK_SIZE
        await self._command(
            "_result", txn,
            {"fmsVer": "FMS/3,0,1,123", "capabilities": 31.0},
            {"level": "status", "code": "NetConnection.Connect.Success",
             "description": "Connection succeeded.", "objectEncoding": 0.0},
        )  # fmt: skip

    async def _on_publish(self, stream_id: int, args: list[Any]) -> None:
        raw = args[1] if len(args) > 1 and isinstance(args[1], str) else ""
        key = raw.split("?")[0].strip()
        self.stream_key = key
        if self.sink is not None:
            raise RtmpError("publish twice on one connection")
        room_id = await self.server.authorize(key) if key else None
        if room_id is None:
            logger.info("rtmp %s: rejected stream key", self.peer)
            await self._status(
                stream_id, "error", "NetStream.Publish.BadName", "invalid stream key"
            )
            self.done = True
            return
        try:
            sink = await self.server.on_publish(str(room_id), key)
        except PublishRejected as exc:
            await self._status(stream_id, "error", exc.code, exc.description)
            self.done = True
            return
        self.room_id = str(room_id)
        self.sink = sink
        self.chunks.allow_publishing()
        await self._send(CS_CONTROL, USER_CONTROL, struct.pack(">HI", 0, stream_id))
        await self._status(stream_id, "status", "NetStream.Publish.Start", "publishing")
        logger.info("rtmp %s: publishing to room %s", self.peer, room_id)


def _uint32(msg: Message) -> int:
    """The 4-byte big-endian number a control message carries."""
    if len(msg.payload) < 4:
        raise RtmpError(f"control message {msg.type_id} is too short")
    return int(struct.unpack(">I", msg.payload[:4])[0])


def split_aggregate(msg: Message) -> list[tuple[int, int, bytes]]:
    """Split an aggregate message into (type, timestamp, body) sub-messages."""
    out: list[tuple[int, int, bytes]] = []
    data, pos, base = msg.payload, 0, None
    while pos + 11 <= len(data):
        sub_type = data[pos]
        size = int.from_bytes(data[pos + 1 : pos + 4], "big")
        ts = int.from_bytes(data[pos + 4 : pos + 7], "big") | (data[pos + 7] << 24)
        body = data[pos + 11 : pos + 11 + size]
        if len(body) < size:
            break
        base = ts if base is None else base
        if sub_type in (AUDIO, VIDEO):
            out.append((sub_type, (msg.timestamp + ts - base) & 0xFFFFFFFF, body))
        pos += 11 + size + 4
    return out


# -- the server ------------------------------------------------------------------------


class RtmpServer:
    """Accepts RTMP publishers on one port and hands authorised ones to `on_publish`.

    `authorize(stream_key)` returns the room id for a valid key, or None.
    `on_publish(room_id, stream_key)` returns the sink for the media (or raises
    `PublishRejected`, e.g. when the room already has a publisher).
    """

    def __init__(
        self,
        *,
        authorize: AuthorizeCallback,
        on_publish: PublishCallback,
        host: str = "127.0.0.1",
        port: int = 1935,
        app: str = "live",
        handshake_timeout_s: float = 5.0,
        publish_timeout_s: float = 5.0,
        idle_timeout_s: float = 30.0,
        max_connections_per_ip: int = 4,
        close_timeout_s: float = 5.0,
    ) -> None:
        self.authorize = authorize
        self.on_publish = on_publish
        self.host = host
        self.requested_port = port
        self.app = app
        self.handshake_timeout_s = handshake_timeout_s
        self.publish_timeout_s = publish_timeout_s
        self.idle_timeout_s = idle_timeout_s
        self.max_connections_per_ip = max_connections_per_ip
        self.close_timeout_s = close_timeout_s
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._per_ip: dict[str, int] = {}

    @property
    def port(self) -> int:
        """The bound port (useful with port 0)."""
        if self._server is None or not self._server.sockets:
            raise RuntimeError("server not started")
        return self._server.sockets[0].getsockname()[1]

    async def start(self) -> None:
        """Start listening."""
        self._server = await asyncio.start_server(self._accept, self.host, self.requested_port)
        logger.info("rtmp listening on %s:%s", self.host, self.port)

    async def close(self) -> None:
        """Stop listening and drop every connection (their sinks are closed), waiting at
        most `close_timeout_s` for them."""
        if self._server is not None:
            self._server.close()
            self._server = None
        tasks = set(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=self.close_timeout_s)
            if pending:
                logger.warning("rtmp: %d connection(s) did not close in time", len(pending))

    async def __aenter__(self) -> RtmpServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        ip = str(peer[0]) if isinstance(peer, tuple) and peer else "?"
        if self._per_ip.get(ip, 0) >= self.max_connections_per_ip:
            logger.warning("rtmp %s: refused: %s connections from this address", peer,
                           self.max_connections_per_ip)  # fmt: skip
            writer.close()
            return
        self._per_ip[ip] = self._per_ip.get(ip, 0) + 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await RtmpSession(self, reader, writer).run()
        finally:
            self._tasks.discard(task)
            left = self._per_ip.pop(ip, 1) - 1
            if left > 0:
                self._per_ip[ip] = left
