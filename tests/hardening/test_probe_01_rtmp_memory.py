"""Finding 1 (probe, issue 15): one RTMP client, no login, must not exhaust the server.

Against a real ``livemart serve`` (the RTMP front in its process): a client opening
partial messages on thousands of chunk streams, one that keeps a connection open with
tiny messages and never publishes, and one address opening many connections. The
server's resident memory may not grow by 50 MB, the hostile connections are dropped, and
the RTMP front listens on the host the server was told to bind.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest

from app.settings import Settings, SettingsError, load_settings
from media import amf
from media.rtmp import COMMAND_AMF0, SET_CHUNK_SIZE, WINDOW_ACK_SIZE, encode_message
from tests.conftest import settings_env
from tests.support import ROOT, free_port

MB = 1024 * 1024


@dataclass
class Server:
    proc: subprocess.Popen[bytes]
    http: str
    rtmp_port: int
    log: Path

    def status(self, field: str) -> int:
        """A ``VmRSS``/``VmHWM`` line of /proc/<pid>/status, in bytes."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
        raise AssertionError(f"no {field} for {self.proc.pid}")

    def reset_peak(self) -> None:
        """Start VmHWM (the peak resident size) again from the current size."""
        Path(f"/proc/{self.proc.pid}/clear_refs").write_text("5")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def server(settings: Settings, tmp_path: Path) -> Iterator[Server]:
    """``livemart serve --host 127.0.0.1`` with the media worker (and RTMP) in process."""
    rtmp_port, http_port = free_port(), free_port()
    env = {
        **os.environ,
        **settings_env(replace(settings, media_in_process=True, rtmp_port=rtmp_port)),
    }
    env.pop("LIVEMART_RTMP_HOST", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve",
             "--host", "127.0.0.1", "--port", str(http_port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        url = f"http://127.0.0.1:{http_port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                assert proc.poll() is None, log.read_text(errors="replace")
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
            yield Server(proc, url, rtmp_port, log)
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


async def handshake(port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"\x03" + bytes(1536))
    s0s1s2 = await asyncio.wait_for(reader.readexactly(1 + 1536 * 2), 10)
    writer.write(s0s1s2[1 : 1 + 1536])
    await writer.drain()
    return reader, writer


def partial_message_on(csid: int, length: int, body: bytes) -> bytes:
    """A type-0 chunk on a 3-byte-header chunk stream id (64..65599) announcing a
    `length`-byte command message, carrying only `body` of it."""
    basic = bytes([0x01, (csid - 64) & 0xFF, (csid - 64) >> 8])
    header = (0).to_bytes(3, "big") + length.to_bytes(3, "big") + bytes([COMMAND_AMF0])
    return basic + header + struct.pack("<I", 0) + body


async def sends_until_dropped(writer: asyncio.StreamWriter, chunks: Iterator[bytes]) -> bool:
    """Write every chunk; True if the server closed the connection on the way."""
    try:
        for chunk in chunks:
            writer.write(chunk)
            await writer.drain()
    except ConnectionError:
        return True
    return False


async def closed_by_server(reader: asyncio.StreamReader, within: float) -> bool:
    """Read (and drop) what the server sends until it closes the connection."""
    try:
        async with asyncio.timeout(within):
            while await reader.read(65536):
                pass
    except TimeoutError:
        return False
    except ConnectionError:
        pass
    return True


async def test_a_hostile_rtmp_client_cannot_raise_the_servers_rss_by_50_mb(server: Server) -> None:
    before = server.status("VmRSS")
    server.reset_peak()

    # Partial 64 KB messages on 2,000 chunk stream ids: 125 MB held by the old reader.
    reader, writer = await handshake(server.rtmp_port)
    big_chunks = encode_message(2, SET_CHUNK_SIZE, struct.pack(">I", 65000))
    body = os.urandom(65000)
    attack = (partial_message_on(64 + n, 65535, body) for n in range(2000))
    dropped = await sends_until_dropped(writer, iter([big_chunks, *attack]))
    assert dropped or await closed_by_server(reader, within=30)
    writer.close()

    # Many tiny messages and never a publish: they no longer keep the connection open.
    reader, writer = await handshake(server.rtmp_port)
    connect = encode_message(3, COMMAND_AMF0, amf.encode("connect", 1.0, {"app": "live"}))
    writer.write(connect)
    tiny = encode_message(2, WINDOW_ACK_SIZE, struct.pack(">I", 2_500_000))

    async def keep_alive() -> None:
        with contextlib.suppress(ConnectionError):
            while True:
                writer.write(tiny * 100)
                await writer.drain()
                await asyncio.sleep(0.05)

    pinger = asyncio.create_task(keep_alive())
    try:
        assert await closed_by_server(reader, within=30), "tiny messages kept it open"
    finally:
        pinger.cancel()
        writer.close()

    grown = server.status("VmHWM") - before
    assert grown < 50 * MB, f"the server grew by {grown / MB:.0f} MB"
    async with httpx.AsyncClient() as client:
        assert (await client.get(server.http + "/healthz", timeout=5)).status_code == 200
    log = server.log_text()
    assert "protocol error: more than" in log  # one line, no traceback
    assert "no publish with a valid key in time" in log
    assert "Traceback" not in log


async def test_one_address_gets_a_few_rtmp_connections(server: Server) -> None:
    opened = [await asyncio.open_connection("127.0.0.1", server.rtmp_port) for _ in range(10)]
    try:
        answered = 0
        for reader, writer in opened:
            writer.write(b"\x03" + bytes(1536))
            with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError):
                await asyncio.wait_for(reader.readexactly(1 + 1536 * 2), 10)
                answered += 1
        assert answered == 4
    finally:
        for _, writer in opened:
            writer.close()


async def test_publish_deadline_closes_silent_and_handshake_only_connections(
    server: Server,
) -> None:
    silent, silent_writer = await asyncio.open_connection("127.0.0.1", server.rtmp_port)
    shook, shook_writer = await handshake(server.rtmp_port)
    try:
        assert await closed_by_server(silent, within=30)
        assert await closed_by_server(shook, within=30)
    finally:
        silent_writer.close()
        shook_writer.close()
    # A wrong version byte is a protocol error: one WARNING line, no traceback.
    reader, writer = await asyncio.open_connection("127.0.0.1", server.rtmp_port)
    writer.write(b"\x06" + bytes(1536))
    assert await closed_by_server(reader, within=30)
    writer.close()
    log = server.log_text()
    assert "WARNING media.rtmp" in log and "protocol error: unsupported RTMP version 6" in log
    assert "Traceback" not in log and "ERROR" not in log


def listening_addresses(port: int) -> set[str]:
    """The IPv4 addresses a TCP socket listens on at `port` (from /proc/net/tcp)."""
    found = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(".".join(str(b) for b in reversed(bytes.fromhex(address))))
    return found


def test_the_rtmp_front_listens_on_the_host_serve_binds(server: Server) -> None:
    assert listening_addresses(server.rtmp_port) == {"127.0.0.1"}
    assert f"rtmp listening on 127.0.0.1:{server.rtmp_port}" in server.log_text()


def test_rtmp_host_is_a_typed_setting(tmp_path: Path) -> None:
    env = {"LIVEMART_VAR_DIR": str(tmp_path), "LIVEMART_SECRET_KEY": "x" * 32}
    assert load_settings(env).rtmp_host == "127.0.0.1"
    assert load_settings({**env, "LIVEMART_RTMP_HOST": "0.0.0.0"}).rtmp_host == "0.0.0.0"
    with pytest.raises(SettingsError, match="LIVEMART_RTMP_HOST"):
        load_settings({**env, "LIVEMART_RTMP_HOST": "a b"})
