"""Web Push: the server's VAPID key pair (generated once into the var dir), and sending
one encrypted message (RFC 8291, ``aes128gcm``, through ``pywebpush``) with a VAPID
signature (RFC 8292) to a browser's push service."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02, b64urlencode
from pywebpush import WebPusher

from app.notify.endpoints import PublicResolver

log = logging.getLogger("livemart.notify.push")

KEY_FILE = "vapid_private.pem"
TOKEN_LIFETIME = 12 * 3600  # a VAPID token lasts this long (RFC 8292 allows up to 24 h)
TTL = 24 * 3600  # how long the push service keeps a message for an offline browser


class PushGone(Exception):
    """The subscription expired or was withdrawn (404/410): remove it."""


class PushFailed(Exception):
    """The push service refused the message for now: try again later."""


def vapid_key(var_dir: Path) -> Vapid02:
    """The server's VAPID key, created at ``var_dir/vapid_private.pem`` on first use
    (by one process: the file is created exclusively)."""
    path = var_dir / KEY_FILE
    if not path.exists():
        vapid = Vapid02()
        vapid.generate_keys()
        pem = vapid.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it meanwhile
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
            return vapid
    return Vapid02.from_file(str(path))


def application_server_key(vapid: Vapid02) -> str:
    """The public key browsers subscribe with (``applicationServerKey``), base64url."""
    raw = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return str(b64urlencode(raw))


class Pusher:
    """Sends push messages over one HTTP session; VAPID tokens are signed once per push
    service origin and reused until shortly before they expire."""

    def __init__(
        self, vapid: Vapid02, contact: str, timeout: float = 10.0, public_only: bool = True,
        offload: bool = True,
    ) -> None:  # fmt: skip
        self.vapid = vapid
        # Encrypt in a worker thread (a web process: its pages keep the event loop) or on
        # the loop (``livemart notify-worker``: nothing else waits there, and a thread
        # hand-off per message cost a fifth of its CPU, measured with py-spy).
        self.offload = offload
        self.contact = contact
        self.timeout = timeout
        # Never post to a private address, whatever name the endpoint uses (endpoints.py).
        self.public_only = public_only
        self._tokens: dict[str, tuple[float, dict[str, str]]] = {}
        self._session: aiohttp.ClientSession | None = None

    def _headers(self, endpoint: str) -> dict[str, str]:
        parts = urlsplit(endpoint)
        audience = f"{parts.scheme}://{parts.netloc}"
        cached = self._tokens.get(audience)
        if cached is None or cached[0] - time.time() < 3600:
            expires = int(time.time()) + TOKEN_LIFETIME
            claims = {"sub": self.contact, "aud": audience, "exp": expires}
            signed = {str(k): str(v) for k, v in self.vapid.sign(claims).items()}
            cached = (float(expires), signed)
            self._tokens[audience] = cached
        return dict(cached[1])

    async def send(self, endpoint: str, p256dh: str, auth: str, payload: dict[str, Any]) -> None:
        """Encrypt ``payload`` (JSON) for the subscription and hand it to its push service.
        Raises :class:`PushGone` (remove the subscription) or :class:`PushFailed`."""
        info = {"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}
        data = json.dumps(payload, separators=(",", ":")).encode()
        # ECDH + HKDF + AES-GCM per message: off the event loop in a web process, so a
        # fan-out of thousands of pushes does not stall the pages it serves meanwhile.
        encode = WebPusher(info).encode
        if self.offload:
            encoded = await asyncio.to_thread(encode, data, content_encoding="aes128gcm")
        else:
            encoded = encode(data, content_encoding="aes128gcm")
        body = encoded["body"]
        headers = {
            **self._headers(endpoint),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(TTL),
            "Urgency": "high",
        }
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout),
                connector=aiohttp.TCPConnector(
                    limit=64, resolver=PublicResolver() if self.public_only else None
                ),
            )
        async with self._session.post(endpoint, data=body, headers=headers) as response:
            if response.status in (404, 410):
                raise PushGone(f"push service answered {response.status}")
            if response.status >= 400:
                text = (await response.text())[:120]
                raise PushFailed(f"push service answered {response.status}: {text}")

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
