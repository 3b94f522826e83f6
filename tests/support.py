"""Helpers shared by the test suites: GraphQL calls, CSRF tokens, live servers."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from app.auth import CSRF_COOKIE
from app.events import Event, get_bus
from app.tasks import cancel_and_wait

ROOT = Path(__file__).resolve().parent.parent
STRONG_PASSWORD = "correct-horse-42"


def data_dir() -> Path:
    """Where `make data` put MovieLens-100k: ``LIVEMART_DATA_DIR`` (relative to the checkout),
    default ``var/data``."""
    return ROOT / os.environ.get("LIVEMART_DATA_DIR", "var/data")


@asynccontextmanager
async def collecting(channel: str, events: list[Event]) -> AsyncIterator[None]:
    """Append the events published to the bus ``channel`` to ``events`` while the block runs."""
    async with get_bus().subscribe(channel) as sub:

        async def pump() -> None:
            async for event in sub:
                events.append(event)

        task = asyncio.create_task(pump())
        try:
            yield
        finally:
            await cancel_and_wait(task)


async def csrf(client: httpx.AsyncClient) -> str:
    """Fetch a page so the client holds a CSRF cookie; return the token."""
    if CSRF_COOKIE not in client.cookies:
        await client.get("/login")
    return client.cookies[CSRF_COOKIE]


async def _post_graphql(
    client: httpx.AsyncClient, body: dict[str, Any], token: str | None, with_csrf: bool
) -> dict[str, Any]:
    """POST ``body`` to /graphql; cookie auth carries the CSRF header like a browser app."""
    headers: dict[str, str] = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    elif with_csrf:
        headers["X-CSRF-Token"] = await csrf(client)
    response = await client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
    with_csrf: bool = True,
) -> dict[str, Any]:
    """POST a GraphQL operation (see :func:`_post_graphql`)."""
    body = {"query": query, "variables": variables or {}}
    return await _post_graphql(client, body, token, with_csrf)


REGISTER = """
mutation($input: RegisterInput!) {
  register(input: $input) { user { id displayName email role } errors { code field message } }
}"""


async def register(
    client: httpx.AsyncClient, email: str, name: str = "Tester", password: str = STRONG_PASSWORD
) -> dict[str, Any]:
    data = await gql(
        client, REGISTER, {"input": {"email": email, "password": password, "displayName": name}}
    )
    return data["data"]["register"]


def browser_login(browser: Any, server: str, email: str, **context: Any) -> Any:
    """A new Playwright page (in a browser context made with ``context``) logged in as
    ``email`` through the login form."""
    page = browser.new_context(**context).new_page()
    page.goto(server + "/login")
    page.fill("#email", email)
    page.fill("#password", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=me]")
    return page


async def seed_open_room(
    database_url: str,
    title: str,
    people: list[tuple[str, str, str]],
    then: Callable[[Any, Any], Awaitable[object]] | None = None,
) -> int:
    """For a browser test's server: create ``people`` (e-mail, display name, role; the first
    a streamer) with :data:`STRONG_PASSWORD`, the first opens a room ``title``, then
    ``then(streamer, room)`` adds to it; returns the room's id."""
    from app.accounts import services as accounts
    from app.accounts.models import Role
    from app.db import close_db, init_db
    from app.rooms import services as rooms

    await init_db(database_url)
    try:
        users = [
            await accounts.create_user(email, STRONG_PASSWORD, name, Role(role))
            for email, name, role in people
        ]
        room = await rooms.create_room(users[0], title)
        await rooms.open_room(users[0], room.id)
        if then is not None:
            await then(users[0], room)
        return room.id
    finally:
        await close_db()


def sse_login(browser: Any, base: str, email: str, to: str) -> Any:
    """A new Playwright page logged in as ``email`` and sent on to ``to``; it notes when its
    SSE stream opens (see :func:`sse_connected`)."""
    context = browser.new_context()
    context.add_init_script(
        "document.addEventListener('htmx:sseOpen', () => { window.__sseOpen = true; });"
    )
    page = context.new_page()
    page.goto(f"{base}/login?next={to}")
    page.fill("#email", email)
    page.fill("#password", STRONG_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}{to}")
    return page


def sse_connected(page: Any) -> None:
    """Wait until a :func:`sse_login` page's SSE stream is open (htmx's sse extension)."""
    page.wait_for_function("() => window.__sseOpen === true")


def sse_pages(browser: Any, base: str, to: str, *emails: str) -> list[Any]:
    """A :func:`sse_login` page at ``to`` for each of ``emails``, once all their SSE
    streams are open."""
    pages = [sse_login(browser, base, email, to) for email in emails]
    for page in pages:
        sse_connected(page)
    return pages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(
    command: list[str], port: int, cwd: Path, env: dict[str, str], within: float = 90
) -> Iterator[str]:
    """Run a web server ``command`` listening on ``port``; yields its base URL once
    ``/healthz`` answers (the server's output is shown when it dies first)."""
    proc = subprocess.Popen(command, cwd=cwd, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + within
        while True:
            try:
                if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"server exited with {proc.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start in {within:.0f} s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@asynccontextmanager
async def serve_in_process(app: Any) -> AsyncIterator[str]:
    """Serve ``app`` with uvicorn inside this process and task context (its services stay
    callable from the test, a statement counter sees its queries); yields its base URL."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    )
    serving = asyncio.create_task(server.serve())
    while not server.started:
        assert not serving.done(), "uvicorn did not start"
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        await serving


@contextmanager
def live_server(env: dict[str, str], port: int | None = None, within: float = 120) -> Iterator[str]:
    """Run ``uvicorn app.asgi:create_app`` in a subprocess; yields its base URL once it
    answers (``within`` seconds at most)."""
    port = port or free_port()
    command = [sys.executable, "-m", "uvicorn", "app.asgi:create_app", "--factory"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with serving(command, port, ROOT, {**os.environ, **env}, within) as url:
        yield url


async def eventually(check: Any, timeout: float = 15.0, interval: float = 0.05) -> Any:
    """Await ``check()`` until it returns something truthy."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(interval)


OPERATIONS_DIR = ROOT / "graphql" / "operations"


def operation(file: str) -> str:
    """The text of a documented operations file (``accounts`` → accounts.graphql)."""
    return (OPERATIONS_DIR / f"{file}.graphql").read_text()


async def op(
    client: httpx.AsyncClient,
    file: str,
    name: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
    with_csrf: bool = True,
) -> dict[str, Any]:
    """Execute the named operation from ``graphql/operations/<file>.graphql``."""
    body = {"query": operation(file), "operationName": name, "variables": variables or {}}
    return await _post_graphql(client, body, token, with_csrf)


class WsClient:
    """A minimal ``graphql-transport-ws`` client over the ``websockets`` library."""

    def __init__(
        self,
        url: str,
        payload: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        rcvbuf: int | None = None,
    ) -> None:
        self.rcvbuf = rcvbuf
        self.url = url.replace("http://", "ws://") + "/graphql"
        self.payload = payload or {}
        self.headers = headers or {}
        self.ws: Any = None
        self._next_id = 0

    async def __aenter__(self) -> WsClient:
        import json

        import websockets

        sock = None
        if self.rcvbuf:  # a small receive buffer makes a slow reader show quickly
            import socket
            from urllib.parse import urlparse

            parsed = urlparse(self.url)
            sock = socket.socket()
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, self.rcvbuf)
            sock.connect((parsed.hostname, parsed.port))
        self.ws = await websockets.connect(
            self.url,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            additional_headers=self.headers,
            max_size=2**22,
            max_queue=4,
            sock=sock,
        )
        await self.ws.send(json.dumps({"type": "connection_init", "payload": self.payload}))
        ack = json.loads(await asyncio.wait_for(self.ws.recv(), 10))
        if ack["type"] != "connection_ack":
            raise RuntimeError(f"no ack: {ack}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.ws.close()

    async def subscribe(
        self, query: str, variables: dict[str, Any] | None = None, operation_name: str | None = None
    ) -> str:
        import json

        self._next_id += 1
        sub_id = str(self._next_id)
        payload: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            payload["operationName"] = operation_name
        await self.ws.send(json.dumps({"id": sub_id, "type": "subscribe", "payload": payload}))
        return sub_id

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:
        """The next ``next``/``error``/``complete`` message (pings answered)."""
        import json

        while True:
            message = json.loads(await asyncio.wait_for(self.ws.recv(), timeout))
            if message["type"] == "ping":
                await self.ws.send(json.dumps({"type": "pong"}))
                continue
            if message["type"] == "pong":
                continue
            return message


def ffmpeg_processes(marker: str) -> list[int]:
    """Pids of live (not zombie) FFmpeg processes whose command line holds ``marker``
    (a test's tmp path): what a test leaves running when it leaks one. Linux only."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue  # gone meanwhile
        if state != "Z" and b"ffmpeg" in argv[0] and any(marker.encode() in a for a in argv):
            pids.append(int(proc.name))
    return pids


def wait_for_no_ffmpeg(marker: str, within: float = 20) -> None:
    """Fail unless every FFmpeg started for ``marker`` has exited within ``within`` s."""
    deadline = time.monotonic() + within
    while pids := ffmpeg_processes(marker):
        assert time.monotonic() < deadline, f"FFmpeg still running for {marker}: {pids}"
        time.sleep(0.2)
