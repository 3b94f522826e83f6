"""Real counterparts for the notification tests: a Web Push endpoint that checks the
VAPID signature (RFC 8292) and decrypts what it receives with the subscription's keys
(RFC 8291, aes128gcm), and an SMTP server (aiosmtpd) that keeps the mails it receives."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import http_ece
from aiohttp import web
from aiosmtpd.controller import Controller
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, utils


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class BrowserKeys:
    """What a browser holds for one push subscription: its P-256 key pair and auth secret."""

    private: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    auth_secret: bytes = field(default_factory=lambda: os.urandom(16))

    @property
    def p256dh(self) -> str:
        return b64e(
            self.private.public_key().public_bytes(
                serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
            )
        )

    @property
    def auth(self) -> str:
        return b64e(self.auth_secret)


def check_vapid(authorization: str, audience: str, server_key: str | None) -> dict[str, Any]:
    """The claims of a ``vapid t=<JWT>, k=<key>`` header whose ES256 signature verifies
    with ``k``; raises ``ValueError`` otherwise."""
    scheme, _, params = authorization.partition(" ")
    if scheme.lower() != "vapid":
        raise ValueError(f"not a vapid authorization: {authorization[:20]!r}")
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    token, key = values["t"], values["k"]
    if server_key is not None and key != server_key:
        raise ValueError("signed with another key than the server's")
    head, body, signature = token.split(".")
    raw = b64d(signature)
    if len(raw) != 64:
        raise ValueError("an ES256 signature is 64 bytes")
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(key))
    der = utils.encode_dss_signature(int.from_bytes(raw[:32]), int.from_bytes(raw[32:]))
    public.verify(der, f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))  # raises
    if json.loads(b64d(head)).get("alg") != "ES256":
        raise ValueError("not ES256")
    claims: dict[str, Any] = json.loads(b64d(body))
    if claims.get("aud") != audience:
        raise ValueError(f"audience {claims.get('aud')!r}, expected {audience!r}")
    if not time.time() < claims["exp"] <= time.time() + 24 * 3600:
        raise ValueError("expired, or valid for more than a day")
    if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
        raise ValueError("no contact in sub")
    return claims


class PushEndpoint:
    """A push service on 127.0.0.1: ``POST /push/<name>`` for each subscribed browser
    (``subscribe``); answers 201 after checking and decrypting, or ``fail_first`` times
    500 before that, or 410 for a name marked gone."""

    def __init__(self, server_key: str | None = None, fail_first: int = 0) -> None:
        self.server_key = server_key
        self.fail_first = fail_first
        self.port = free_port()
        self.browsers: dict[str, BrowserKeys] = {}
        self.gone: set[str] = set()
        self.received: list[dict[str, Any]] = []  # the decrypted payloads, in order
        self.attempts = 0
        self.errors: list[str] = []
        self.arrived = asyncio.Event()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def subscribe(self, name: str) -> tuple[str, BrowserKeys]:
        keys = self.browsers[name] = BrowserKeys()
        return f"{self.origin}/push/{name}", keys

    async def handle(self, request: web.Request) -> web.Response:
        self.attempts += 1
        name = request.match_info["name"]
        if name in self.gone:
            return web.Response(status=410)
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.Response(status=500, text="try later")
        try:
            check_vapid(request.headers["Authorization"], self.origin, self.server_key)
            if request.headers.get("Content-Encoding") != "aes128gcm":
                raise ValueError("not aes128gcm")
            if not request.headers.get("TTL", "").isdigit():
                raise ValueError("no TTL")
            keys = self.browsers[name]
            plain = http_ece.decrypt(
                await request.read(),
                private_key=keys.private,
                auth_secret=keys.auth_secret,
                version="aes128gcm",
            )
        except Exception as exc:  # a bad message is the sender's bug: record and refuse
            self.errors.append(f"{type(exc).__name__}: {exc}")
            return web.Response(status=400, text=str(exc))
        self.received.append({"browser": name, **json.loads(plain)})
        self.arrived.set()
        return web.Response(status=201)

    @asynccontextmanager
    async def running(self) -> AsyncIterator[PushEndpoint]:
        app = web.Application()
        app.router.add_post("/push/{name}", self.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", self.port)
        await site.start()
        try:
            yield self
        finally:
            await runner.cleanup()


class MailBox:
    """aiosmtpd's handler: keeps every mail it receives, parsed."""

    def __init__(self) -> None:
        self.mails: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.mails.append(message_from_bytes(envelope.content))
        return "250 OK"


@asynccontextmanager
async def smtp_server() -> AsyncIterator[tuple[MailBox, int]]:
    """An SMTP server on 127.0.0.1 (a thread, as aiosmtpd runs it) and its mailbox."""
    box = MailBox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    await asyncio.to_thread(controller.start)
    try:
        yield box, port
    finally:
        await asyncio.to_thread(controller.stop)
