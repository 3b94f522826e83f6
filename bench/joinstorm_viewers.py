"""The viewer side of ``bench.joinstorm``: many viewers in one asyncio process.

Each viewer, at its arrival time, does what a browser on the room page does: loads the
page, opens the room's SSE stream (``/rooms/<id>/events``, the stream the page's htmx SSE
extension opens) and keeps reading it, fetches the HLS master playlist, a variant playlist
and that playlist's newest segment (when that segment has already left the rolling window,
a 404, it reloads the playlist and fetches the newest one again, as a player does: counted
in ``retries``, an error only when that fails too; the segment time includes the reload).
A buyer (a share of the viewers, each with its own API token) taps "Buy" (GraphQL
``buyFlashSale``) as soon as its stream shows the flash sale, or right after loading when it
arrives after the sale has started.

Short requests go over httpx keep-alive pools (HTTP/1.1, per server and kind of request,
like autocannon's fixed connections). Every SSE stream has its own connection, as in a
browser, read by a bare asyncio protocol (:class:`SseStream`): with httpx the client spent
about as much CPU per viewer as both web processes together. Cookies are not shared: each
viewer sends the ``lm_csrf`` cookie its page load set, so the server counts it as its own
browser.

Every failure is counted under ``stage:kind`` (``page:HTTP 500``, ``sse:ReadTimeout``,
``buy:graphql``, ...) and never hidden.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import Counter
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any
from urllib.parse import urlsplit

import httpx

SSE_MARKER = b"event: flash_sale\n"
CONNECTED = b": connected"
SHORT_POOL = 64  # keep-alive connections per server for the short requests
# Idle connections are dropped well before uvicorn's 5 s keep-alive timeout; at the same 5 s
# (httpx's default) a reused connection may be the one the server is closing just then.
KEEPALIVE_EXPIRY_S = 2.0
CLEANUP_S = 30.0
SEGMENT_RELOADED = "segment:HTTP 404, playlist reloaded"  # a retry (see _hls), not an error
STALE_CONNECTION = (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError)
BUY = """mutation Buy($saleId: ID!, $shipping: ShippingAddressInput!, $key: String!) {
  buyFlashSale(saleId: $saleId, shipping: $shipping, idempotencyKey: $key) {
    order { id status }
    errors { code }
  }
}"""
START_SALE = """mutation Start($input: StartFlashSaleInput!) {
  startFlashSale(input: $input) { sale { id remaining } errors { code message } }
}"""
SHIPPING = {
    "name": "Storm Viewer",
    "line1": "1 Market Street",
    "city": "Lisbon",
    "postalCode": "1000-001",
    "country": "PT",
}


@dataclass
class Storm:
    """What the storm needs to know about the room and its people."""

    servers: list[str]
    room_id: int
    room_gid: str
    variant_gid: str
    streamer_token: str
    buyer_tokens: list[str]
    viewers: int
    arrival_s: float
    sale_at_s: float
    units: int
    timeout_s: float = 60.0
    linger_s: float = 30.0


@dataclass
class Figures:
    """Raw measurements (seconds) of one storm."""

    page: list[float] = field(default_factory=list)
    playlist: list[float] = field(default_factory=list)
    segment: list[float] = field(default_factory=list)
    buy: list[float] = field(default_factory=list)
    first_event: list[float] = field(default_factory=list)
    outcomes: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    retries: Counter[str] = field(default_factory=Counter)
    connected: int = 0
    sse_bytes: int = 0
    connected_before_sale: int = 0
    got_event_before_sale_connected: int = 0
    got_event_late_joiners: int = 0
    sale_id: str = ""
    sale_started_at: float = 0.0
    start_answer_s: float = 0.0
    wall_s: float = 0.0
    loop_lag: list[float] = field(default_factory=list)
    client_cpu_s: float = 0.0


def _no_cookies() -> CookieJar:
    return CookieJar(DefaultCookiePolicy(allowed_domains=[]))


def _buyers(viewers: int, share: float) -> set[int]:
    """Indices of the buyers: ``floor(viewers × share)`` of them, spread over the arrivals."""
    return {i for i in range(viewers) if int((i + 1) * share) > int(i * share)}


def buyer_indices(viewers: int, share: float) -> list[int]:
    return sorted(_buyers(viewers, share))


def _kind(exc: BaseException) -> str:
    return type(exc).__name__


def _first_uri(playlist: str) -> str:
    for line in playlist.splitlines():
        if line and not line.startswith("#"):
            return line.strip()
    raise ValueError("no URI in the playlist")


def _last_uri(playlist: str) -> str:
    uris = [line.strip() for line in playlist.splitlines() if line and not line.startswith("#")]
    if not uris:
        raise ValueError("no segment in the playlist")
    return uris[-1]


class SseStream(asyncio.Protocol):
    """One viewer's SSE stream on its own connection, read with a bare asyncio protocol
    (an HTTP/1.1 GET; the chunked body is searched, not decoded: Starlette sends each SSE
    message as one chunk, so a marker is never split by the framing), so that thousands
    of streams and their events cost this client little."""

    def __init__(self, viewers: Viewers, path: str, host: str, cookie: str) -> None:
        self.viewers = viewers
        self.request = (
            f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n"
            + (f"Cookie: {cookie}\r\n" if cookie else "")
            + "\r\n"
        ).encode()
        self.transport: asyncio.Transport | None = None
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.connected = asyncio.Event()
        self.got_event = asyncio.Event()
        self.headers_read = False
        self.before_sale = False
        self.failed = False
        self.closing = False  # this side closes it: the storm is over
        self.buffer = b""

    def fail(self, kind: str) -> None:
        if not self.failed:
            self.failed = True
            self.viewers._error("sse", kind)
        if not self.done.done():
            self.done.set_result(None)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)  # type: ignore[union-attr]

    def connection_lost(self, exc: Exception | None) -> None:
        if self.closing:
            return
        self.fail(_kind(exc) if exc else "closed by the server")

    def data_received(self, data: bytes) -> None:
        fig = self.viewers.fig
        fig.sse_bytes += len(data)
        if self.got_event.is_set():
            return
        buffer = self.buffer + data
        if not self.headers_read:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                self.buffer = buffer
                return
            status = buffer[: buffer.find(b"\r\n")].split()
            if len(status) < 2 or status[1] != b"200":
                code = status[1].decode(errors="replace") if len(status) > 1 else "?"
                self.fail(f"HTTP {code}")
                return
            self.headers_read = True
            buffer = buffer[end + 4 :]
        if not self.connected.is_set():
            at = buffer.find(CONNECTED)
            if at < 0:
                self.buffer = buffer[-len(SSE_MARKER) :]
                return
            self.connected.set()
            fig.connected += 1
            self.before_sale = not self.viewers.sale_started.is_set()
            fig.connected_before_sale += self.before_sale
            buffer = buffer[at + len(CONNECTED) :]
        if SSE_MARKER in buffer:
            self.got_event.set()
            self.viewers._got_event(self.before_sale)
            buffer = b""
        self.buffer = buffer[-len(SSE_MARKER) :]


class Viewers:
    """Runs one storm against ``storm.servers``; :meth:`run` returns its :class:`Figures`."""

    def __init__(self, storm: Storm) -> None:
        self.storm = storm
        self.fig = Figures()
        self.buyers = {
            index: storm.buyer_tokens[n]
            for n, index in enumerate(buyer_indices(storm.viewers, self._share()))
        }
        self.sale_started = asyncio.Event()
        self._sale_id_known = asyncio.Event()
        self._all_got_event = asyncio.Event()
        self._streams: list[asyncio.Task[None]] = []
        self.loop = asyncio.get_running_loop()
        timeout = httpx.Timeout(storm.timeout_s, pool=storm.timeout_s)

        def pool(base: str, size: int = SHORT_POOL) -> httpx.AsyncClient:
            return httpx.AsyncClient(
                base_url=base,
                timeout=timeout,
                cookies=_no_cookies(),
                limits=httpx.Limits(
                    max_connections=size,
                    max_keepalive_connections=size,
                    keepalive_expiry=KEEPALIVE_EXPIRY_S,
                ),
            )

        # One keep-alive pool per server and kind of request, so that a buyer's tap does not
        # wait in this client behind other viewers' page loads (in a browser it would not);
        # the streamer has its own connection.
        self.pools = {
            kind: [pool(base) for base in storm.servers] for kind in ("page", "hls", "buy")
        }
        self.streamer = pool(storm.servers[0], 1)

    def _share(self) -> float:
        return len(self.storm.buyer_tokens) / self.storm.viewers if self.storm.viewers else 0.0

    async def close(self) -> None:
        clients = [client for pools in self.pools.values() for client in pools]
        await asyncio.wait(
            [asyncio.ensure_future(c.aclose()) for c in (*clients, self.streamer)],
            timeout=CLEANUP_S,
        )

    def _error(self, stage: str, kind: str) -> None:
        self.fig.errors[f"{stage}:{kind}"] += 1

    async def _send(
        self, client: httpx.AsyncClient, stage: str, method: str, url: str, **kwargs: Any
    ) -> httpx.Response | None:
        """One request; a kept-alive connection that the server closed under it (nothing
        answered) is retried once on a fresh one, as browsers do, and counted in
        ``retries``. Any other failure is an error of ``stage``."""
        for attempt in range(2):
            try:
                return await client.request(method, url, **kwargs)
            except STALE_CONNECTION as exc:
                if attempt:
                    self._error(stage, _kind(exc))
                    return None
                self.fig.retries[f"{stage}:{_kind(exc)}"] += 1
            except httpx.HTTPError as exc:
                self._error(stage, _kind(exc))
                return None
        return None

    async def _get(self, client: httpx.AsyncClient, stage: str, url: str) -> httpx.Response | None:
        response = await self._send(client, stage, "GET", url)
        if response is None:
            return None
        if response.status_code != 200:
            self._error(stage, f"HTTP {response.status_code}")
            return None
        return response

    async def start_sale(self) -> None:
        """The streamer starts the flash sale through the API with its token."""
        s = self.storm
        variables = {
            "input": {
                "roomId": s.room_gid,
                "variantId": s.variant_gid,
                "priceCents": 999,
                "quantity": s.units,
                "perUserLimit": 1,
                "durationSeconds": 600,
            }
        }
        began = self.loop.time()
        self.fig.sale_started_at = began
        self.sale_started.set()  # from here on a new SSE stream may miss the start event
        response = await self.streamer.post(
            "/graphql",
            json={"query": START_SALE, "variables": variables},
            headers={"Authorization": f"Bearer {s.streamer_token}"},
        )
        self.fig.start_answer_s = self.loop.time() - began
        body = response.json()
        payload = (body.get("data") or {}).get("startFlashSale") or {}
        if response.status_code != 200 or body.get("errors") or payload.get("errors"):
            raise RuntimeError(f"startFlashSale failed: {response.status_code} {body}")
        self.fig.sale_id = payload["sale"]["id"]
        self._sale_id_known.set()

    async def _stream(
        self, base: str, cookie: str, connected: asyncio.Event, got_event: asyncio.Event
    ) -> None:
        """Read the room's SSE stream until the storm stops (this task is cancelled); note
        when it was connected and when the flash sale's event arrived."""
        url = urlsplit(base)
        stream = SseStream(self, f"/rooms/{self.storm.room_id}/events", url.netloc, cookie)
        stream.connected, stream.got_event = connected, got_event
        try:
            await asyncio.wait_for(
                self.loop.create_connection(lambda: stream, url.hostname, url.port),
                self.storm.timeout_s,
            )
            await stream.done
        except (OSError, TimeoutError) as exc:
            stream.fail(_kind(exc))
        finally:
            stream.closing = True
            if stream.transport is not None:
                stream.transport.close()
            if stream.before_sale and not got_event.is_set() and not stream.failed:
                self._error("sse", "flash sale event missed")

    def _got_event(self, connected_before_sale: bool) -> None:
        if not connected_before_sale:
            self.fig.got_event_late_joiners += 1
            return
        self.fig.first_event.append(self.loop.time() - self.fig.sale_started_at)
        self.fig.got_event_before_sale_connected += 1
        if self.fig.got_event_before_sale_connected == self.fig.connected_before_sale:
            self._all_got_event.set()

    async def _hls(self, client: httpx.AsyncClient) -> None:
        s = self.storm
        master = await self._timed(client, "playlist", f"/hls/{s.room_id}/master.m3u8")
        if master is None:
            return
        try:
            variant_uri = _first_uri(master.text)
        except ValueError:
            self._error("playlist", "master without variants")
            return
        variant_path = f"/hls/{s.room_id}/{variant_uri}"
        variant = await self._timed(client, "playlist", variant_path)
        if variant is None:
            return
        try:
            segment_uri = _last_uri(variant.text)
        except ValueError:
            self._error("playlist", "variant without segments")
            return
        folder = variant_path.rsplit("/", 1)[0]
        began = self.loop.time()
        response = await self._send(client, "segment", "GET", f"{folder}/{segment_uri}")
        if response is not None and response.status_code == 404:
            # The segment left the rolling window (6 × 1 s, then deleted) while this viewer
            # waited: a player reloads the playlist and takes its newest segment.
            self.fig.retries[SEGMENT_RELOADED] += 1
            response = None
            variant = await self._get(client, "playlist", variant_path)
            try:
                segment_uri = _last_uri(variant.text) if variant is not None else ""
            except ValueError:
                self._error("playlist", "variant without segments")
                return
            if segment_uri:
                response = await self._send(client, "segment", "GET", f"{folder}/{segment_uri}")
        if response is None:
            return
        if response.status_code != 200:
            self._error("segment", f"HTTP {response.status_code}")
            return
        self.fig.segment.append(self.loop.time() - began)

    async def _timed(
        self, client: httpx.AsyncClient, stage: str, url: str
    ) -> httpx.Response | None:
        began = self.loop.time()
        response = await self._get(client, stage, url)
        if response is not None:
            getattr(self.fig, stage).append(self.loop.time() - began)
        return response

    async def _buy(self, client: httpx.AsyncClient, index: int, token: str) -> None:
        await self._sale_id_known.wait()
        variables = {"saleId": self.fig.sale_id, "shipping": SHIPPING, "key": f"storm-{index}"}
        began = self.loop.time()
        response = await self._send(
            client,
            "buy",
            "POST",
            "/graphql",
            json={"query": BUY, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        if response is None:
            return
        elapsed = self.loop.time() - began
        if response.status_code != 200:
            self._error("buy", f"HTTP {response.status_code}")
            return
        try:
            body = response.json()
            payload = body["data"]["buyFlashSale"]
        except (ValueError, KeyError, TypeError):
            self._error("buy", "graphql")
            return
        if body.get("errors") or payload is None:
            self._error("buy", "graphql")
            return
        self.fig.buy.append(elapsed)
        if payload["order"]:
            self.fig.outcomes["won"] += 1
        elif payload["errors"]:
            self.fig.outcomes[payload["errors"][0]["code"]] += 1
        else:
            self._error("buy", "empty answer")

    async def viewer(self, index: int, arrive_at: float) -> None:
        await asyncio.sleep(max(0.0, arrive_at - self.loop.time()))
        server = index % len(self.storm.servers)
        base = self.storm.servers[server]
        began = self.loop.time()
        page = await self._get(self.pools["page"][server], "page", f"/rooms/{self.storm.room_id}")
        if page is None:
            return
        self.fig.page.append(self.loop.time() - began)
        csrf = page.cookies.get("lm_csrf")
        connected, got_event = asyncio.Event(), asyncio.Event()
        stream = asyncio.create_task(
            self._stream(base, f"lm_csrf={csrf}" if csrf else "", connected, got_event)
        )
        self._streams.append(stream)
        await self._hls(self.pools["hls"][server])
        token = self.buyers.get(index)
        if token is None:
            return
        # Tap "Buy" when the stream shows the sale (or at once when it started before
        # this viewer arrived: the page shows it then).
        if not self.sale_started.is_set():
            waiting = asyncio.ensure_future(got_event.wait())
            ended = asyncio.ensure_future(stream)
            await asyncio.wait({waiting, ended}, return_when="FIRST_COMPLETED")
            waiting.cancel()
            if not got_event.is_set():
                return  # its stream failed: counted there
        await self._buy(self.pools["buy"][server], index, token)

    async def _watch_loop_lag(self, every: float = 0.05) -> None:
        """How late this client's event loop wakes up: when it is busy, every latency it
        measures grows by about that much (the client, not the server, is then the limit)."""
        while True:
            planned = self.loop.time() + every
            await asyncio.sleep(every)
            self.fig.loop_lag.append(max(0.0, self.loop.time() - planned))

    async def run(self) -> Figures:
        s = self.storm
        cpu0 = time.process_time()
        t0 = self.loop.time() + 0.2
        spacing = s.arrival_s / max(1, s.viewers)
        viewers = [asyncio.create_task(self.viewer(i, t0 + i * spacing)) for i in range(s.viewers)]

        async def sale() -> None:
            await asyncio.sleep(max(0.0, t0 + s.sale_at_s - self.loop.time()))
            await self.start_sale()

        sale_task = asyncio.create_task(sale())
        lag = asyncio.create_task(self._watch_loop_lag())
        deadline = t0 + max(s.arrival_s, s.sale_at_s) + s.linger_s
        try:
            _, pending = await asyncio.wait(
                [sale_task, *viewers], timeout=max(1.0, deadline - self.loop.time())
            )
            unfinished = sum(1 for v in viewers if v in pending)
            if unfinished:
                self.fig.errors["viewer:unfinished at the deadline"] += unfinished
            # Everyone has bought or watched; streams that still wait for the sale's event
            # get until the deadline.
            if self.fig.got_event_before_sale_connected < self.fig.connected_before_sale:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        self._all_got_event.wait(), max(0.0, deadline - self.loop.time())
                    )
        finally:
            self.fig.wall_s = self.loop.time() - t0
            self.fig.client_cpu_s = time.process_time() - cpu0
            tasks = [*self._streams, *viewers, sale_task, lag]
            for task in tasks:
                task.cancel()
            _, stuck = await asyncio.wait(tasks, timeout=CLEANUP_S)
            if stuck:
                self.fig.errors["client:tasks stuck after the storm"] += len(stuck)
        if sale_task.done() and not sale_task.cancelled() and sale_task.exception():
            raise sale_task.exception()  # type: ignore[misc]
        return self.fig


async def healthz_floor(base: str, seconds: float, connections: int) -> dict[str, Any]:
    """An autocannon-style run: ``connections`` keep-alive connections hammering
    ``/healthz`` for ``seconds`` with this same client; rate and latency."""
    latencies: list[float] = []
    errors = 0
    loop = asyncio.get_running_loop()
    async with httpx.AsyncClient(
        base_url=base,
        timeout=30,
        cookies=_no_cookies(),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
    ) as client:
        end = loop.time() + seconds

        async def worker() -> None:
            nonlocal errors
            while loop.time() < end:
                began = loop.time()
                try:
                    response = await client.get("/healthz")
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                if ok:
                    latencies.append(loop.time() - began)
                else:
                    errors += 1

        cpu0, began = time.process_time(), loop.time()
        await asyncio.gather(*(worker() for _ in range(connections)))
        wall = loop.time() - began
        cpu = time.process_time() - cpu0
    return {
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": percentile_ms(latencies, 50),
        "p99_ms": percentile_ms(latencies, 99),
        "errors": errors,
        "connections": connections,
        "seconds": round(wall, 1),
        "client_cpu_pct": round(100 * cpu / wall),
    }


def percentile_ms(values: list[float], p: float) -> float | None:
    """The ``p``-th percentile (nearest rank) in milliseconds, or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return round(ordered[rank] * 1000, 1)
