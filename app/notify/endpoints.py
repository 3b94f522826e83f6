"""Which push endpoints the server calls: public ``https`` push services only.

A browser's push subscription names the URL the server posts to, and a viewer can send any
URL: an internal address (``http://127.0.0.1:6379``, ``https://10.0.0.5/admin``, the cloud
metadata service) would let anyone make the server send requests inside its network. So a
subscription's endpoint must be ``https`` on a host that is not an IP literal of a private,
loopback, link-local or reserved network, and when a push is sent the resolver drops such
addresses too (a public name can resolve to a private address). Development and the tests
run a local push service: ``LIVEMART_PUSH_PRIVATE_ENDPOINTS=true`` allows it.
"""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from app.errors import UserError

MAX_LENGTH = 1000
LOCAL_NAMES = ("localhost", "localhost.localdomain")


def is_public_address(address: str) -> bool:
    """Whether ``address`` (an IP) is on the public internet."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    return ip.is_global and not ip.is_multicast


def check_endpoint(endpoint: str, allow_private: bool = False) -> str:
    """``endpoint`` stripped, or ``INVALID_SUBSCRIPTION`` when the server must not post to it."""
    endpoint = (endpoint or "").strip()
    parts = urlsplit(endpoint)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes or not parts.hostname or len(endpoint) > MAX_LENGTH:
        raise UserError(
            "INVALID_SUBSCRIPTION", "this push endpoint is not a web address", "endpoint"
        )
    if not allow_private:
        host = parts.hostname.rstrip(".").lower()
        local_name = host in LOCAL_NAMES or host.endswith(".localhost")
        if local_name or (_is_ip(host) and not is_public_address(host)):
            raise UserError(
                "INVALID_SUBSCRIPTION",
                "push endpoints must be on a public push service",
                "endpoint",
            )
    return endpoint


class PublicResolver(AbstractResolver):
    """aiohttp's resolver without the addresses :func:`is_public_address` refuses."""

    def __init__(self) -> None:
        self._inner = DefaultResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        found = [r for r in await self._inner.resolve(host, port, family) if _public(r)]
        if not found:
            raise OSError(f"{host} resolves to no public address")
        return found

    async def close(self) -> None:
        await self._inner.close()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _public(result: Any) -> bool:
    return is_public_address(str(result["host"]))
