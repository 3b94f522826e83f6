"""Which push endpoints the server calls: public ``https`` push services only.

A browser's push subscription names the URL the server posts to, and a viewer can send any
URL: an internal address (``http://127.0.0.1:6379``, ``https://10.0.0.5/admin``, the cloud
metadata service) would let anyone make the server send requests inside its network. So a
subscription's endpoint must be ``https`` on a host that is not an IP literal of a private,
loopback, link-local or reserved network, and when a push is sent the resolver drops such
addresses too (a public name can resolve to a private address). Development and the tests
run a local push service: ``LIVEMART_PUSH_PRIVATE_ENDPOINTS=true`` allows it. The address
checks are shared with the simulcast destinations (:mod:`media.addresses`).
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import urlsplit

from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import DefaultResolver

from app.errors import UserError
from media.addresses import LOCAL_NAMES, is_public_address, refused_host

__all__ = ["LOCAL_NAMES", "MAX_LENGTH", "PublicResolver", "check_endpoint", "is_public_address"]

MAX_LENGTH = 1000


def check_endpoint(endpoint: str, allow_private: bool = False) -> str:
    """``endpoint`` stripped, or ``INVALID_SUBSCRIPTION`` when the server must not post to it."""
    endpoint = (endpoint or "").strip()
    parts = urlsplit(endpoint)
    schemes = ("https", "http") if allow_private else ("https",)
    if parts.scheme not in schemes or not parts.hostname or len(endpoint) > MAX_LENGTH:
        raise UserError(
            "INVALID_SUBSCRIPTION", "this push endpoint is not a web address", "endpoint"
        )
    if not allow_private and refused_host(parts.hostname):
        raise UserError(
            "INVALID_SUBSCRIPTION", "push endpoints must be on a public push service", "endpoint"
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


def _public(result: Any) -> bool:
    return is_public_address(str(result["host"]))
