"""Finding 1 (probe, issue 15): the RTMP chunk reader, AMF0 and the FLV side under fuzz.

Random bytes and mutated valid streams (built with the module's own encoders): only the
protocol's error types come out (`RtmpError`, `AMFError`, a short read), the bytes a
reader holds stay within its bound, and a real `RtmpServer` fed the same bytes never logs
an unexpected error.
"""

from __future__ import annotations

import asyncio
import logging
import struct
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from media import amf
from media.feed import MediaFeed
from media.flv import FlvIngest, StreamInfo, is_audio_config, is_video_config, video_codec
from media.rtmp import (
    AGGREGATE,
    AUDIO,
    COMMAND_AMF0,
    COMMAND_AMF3,
    DATA_AMF0,
    SET_CHUNK_SIZE,
    VIDEO,
    ChunkReader,
    Message,
    RtmpError,
    RtmpServer,
    encode_message,
    split_aggregate,
)

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def valid_stream(chunk_size: int, key: str, media: list[bytes]) -> bytes:
    """What a publisher sends after the handshake: connect, createStream, publish, media."""
    out = [encode_message(2, SET_CHUNK_SIZE, struct.pack(">I", chunk_size))]

    def command(*values: Any, stream_id: int = 0) -> None:
        payload = amf.encode(*values)
        out.append(encode_message(3, COMMAND_AMF0, payload, stream_id=stream_id,
                                  chunk_size=chunk_size))  # fmt: skip

    command("connect", 1.0, {"app": "live", "tcUrl": "rtmp://127.0.0.1/live"})
    command("createStream", 2.0, None)
    command("publish", 3.0, None, key, "live", stream_id=1)
    meta = amf.encode("@setDataFrame", "onMetaData", amf.ECMAArray({"width": 320.0}))
    out.append(encode_message(4, DATA_AMF0, meta, stream_id=1, chunk_size=chunk_size))
    for n, body in enumerate(media):
        csid, type_id = (6, VIDEO) if n % 2 else (7, AUDIO)
        out.append(
            encode_message(
                csid, type_id, body, stream_id=1, timestamp=n * 33, chunk_size=chunk_size
            )
        )
    return b"".join(out)


media_bodies = st.lists(
    st.one_of(
        st.sampled_from(
            [b"\x17\x00\x00\x00\x00\x01\x64", b"\x17\x01\x00\x00\x00", b"\xaf\x00\x12\x10"]
        ),
        st.binary(max_size=300),
    ),
    max_size=6,
)


@st.composite
def mutated_streams(draw: st.DrawFn) -> bytes:
    data = bytearray(
        valid_stream(draw(st.sampled_from([1, 64, 128, 4096])), "good", draw(media_bodies))
    )
    for _ in range(draw(st.integers(0, 8))):
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["flip", "insert", "delete", "truncate"]))
        if not data:
            break
        if action == "flip":
            data[pos] = draw(st.integers(0, 255))
        elif action == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del data[pos : pos + draw(st.integers(1, 16))]
        else:
            del data[pos:]
    return bytes(data)


byte_streams = st.one_of(st.binary(max_size=4000), mutated_streams())


async def read_everything(data: bytes) -> None:
    """Run the chunk reader over `data` and decode what it reassembles, as a session does."""
    stream = asyncio.StreamReader()
    stream.feed_data(data)
    stream.feed_eof()
    chunks = ChunkReader(stream)
    while True:
        try:
            message = await chunks.read_message()
        except (RtmpError, asyncio.IncompleteReadError):
            break
        finally:
            assert chunks.buffered <= chunks.max_buffered
            assert len(chunks._streams) <= chunks.max_streams
        if message.type_id == SET_CHUNK_SIZE and len(message.payload) >= 4:
            size = struct.unpack(">I", message.payload[:4])[0] & 0x7FFFFFFF
            if not 1 <= size <= 4 * 1024 * 1024:
                break
            chunks.chunk_size = size
        if message.type_id == COMMAND_AMF0 and message.payload[:1] == b"\x02":
            chunks.allow_publishing()
        decode_payload(message)


def decode_payload(message: Message) -> None:
    if message.type_id in (COMMAND_AMF0, COMMAND_AMF3, DATA_AMF0):
        try:
            amf.decode(message.payload)
        except amf.AMFError:
            pass
    elif message.type_id == AGGREGATE:
        for _, _, body in split_aggregate(message):
            video_codec(body), is_video_config(body), is_audio_config(body)


@FUZZ
@given(byte_streams)
def test_the_chunk_reader_raises_only_protocol_errors_and_stays_bounded(data: bytes) -> None:
    asyncio.run(read_everything(data))


amf_values = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
amf_bytes = st.one_of(
    st.binary(max_size=2000),
    st.builds(lambda values: amf.encode(*values), st.lists(amf_values, max_size=5)),
)


@FUZZ
@given(amf_bytes)
@example(b"\x0a\x00\x00\x00\x01" * 2000)  # arrays in arrays: a RecursionError before
def test_amf0_decoding_raises_only_amf_errors(data: bytes) -> None:
    try:
        values = amf.decode(data)
    except amf.AMFError:
        return
    amf.encode(*values)  # whatever decodes can be written back (FLV headers replay metadata)


async def ingest_everything(items: list[tuple[int, bytes]]) -> None:
    started: list[StreamInfo] = []

    async def start(info: StreamInfo) -> MediaFeed:
        started.append(info)
        return MediaFeed()  # nothing attached: media is counted and dropped

    ingest = FlvIngest(start, attach_timeout_s=0)
    for n, (tag_type, payload) in enumerate(items):
        if tag_type == 18:
            try:
                values = amf.decode(payload)
            except amf.AMFError:
                continue
            if values and isinstance(values[-1], dict):
                await ingest.on_metadata(values[-1])
        else:
            await ingest.on_media(tag_type, n * 33, payload)
    await ingest.close()
    assert len(started) <= 1


@FUZZ
@given(
    st.lists(st.tuples(st.sampled_from([AUDIO, VIDEO, 18]), st.binary(max_size=64)), max_size=20)
)
def test_the_flv_ingest_takes_any_tag_bodies(items: list[tuple[int, bytes]]) -> None:
    asyncio.run(ingest_everything(items))


class Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def serve_one(data: bytes) -> None:
    """A real RTMP front (key ``good`` publishes) gets the handshake, then `data`."""

    async def authorize(key: str) -> str | None:
        return "7" if key == "good" else None

    async def on_publish(room_id: str, key: str) -> FlvIngest:
        async def start(info: StreamInfo) -> MediaFeed:
            return MediaFeed()

        return FlvIngest(start, attach_timeout_s=0)

    async with RtmpServer(
        authorize=authorize, on_publish=on_publish, host="127.0.0.1", port=0,
        publish_timeout_s=5, close_timeout_s=5,
    ) as server:  # fmt: skip
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(b"\x03" + bytes(1536) + bytes(1536) + data)
        writer.write_eof()
        async with asyncio.timeout(10):
            while await reader.read(65536):
                pass
        writer.close()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(byte_streams)
@example(encode_message(2, SET_CHUNK_SIZE, b"\x01"))  # too short: a struct.error before
def test_the_rtmp_front_logs_no_unexpected_error_for_any_stream(data: bytes) -> None:
    errors = Errors()
    logger = logging.getLogger("media")
    logger.addHandler(errors)
    try:
        asyncio.run(serve_one(data))
    finally:
        logger.removeHandler(errors)
    assert [r.getMessage() for r in errors.records] == []
