"""Which network addresses the server may connect to on a user's behalf: public ones only.

Users choose some of the addresses the server connects to: a browser's push endpoint (the
notify package posts to it), a simulcast destination (the media worker's FFmpeg publishes
to it). Any of them could name an internal service (``127.0.0.1:6379``, ``10.0.0.5``, the
cloud metadata service at ``169.254.169.254``, ``[::1]``, a name that resolves to one of
those): server-side request forgery. Both guards share these checks:

* `refused_host`: a URL's host that is a local name or an IP literal outside the public
  internet (checked when the address is typed);
* `resolve_public`: the addresses a host resolves to, refusing a host with any non-public
  one (checked again right before connecting: DNS can change).

It lives in `media` because `media` imports nothing of `app` while `app` may import `media`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

LOCAL_NAMES = ("localhost", "localhost.localdomain")
RESOLVE_TIMEOUT_S = 5.0


class PrivateAddressError(ValueError):
    """A host that is, or resolves to, an address the server must not connect to."""

    def __init__(self, host: str, address: str) -> None:
        super().__init__(f"{host} is not a public address ({address})")
        self.host = host
        self.address = address


def is_public_address(address: str) -> bool:
    """Whether ``address`` (an IP, an IPv6 zone allowed) is on the public internet
    (an IPv4-mapped IPv6 address counts as the IPv4 address it carries)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def is_ip(host: str) -> bool:
    """Whether ``host`` is an IP literal (IPv4 dotted quad or IPv6, an IPv6 zone allowed)."""
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def normal_host(host: str) -> str:
    """``host`` as compared here: lower case, without a trailing dot or IPv6 brackets."""
    return host.strip().strip("[]").rstrip(".").lower()


def refused_host(host: str) -> bool:
    """Whether a URL's host is refused without resolving it: a local name
    (``localhost``, ``*.localhost``) or an IP literal that is not public. A name is not
    refused here (`resolve_public` checks what it resolves to)."""
    host = normal_host(host)
    if not host or host in LOCAL_NAMES or host.endswith(".localhost"):
        return True
    return is_ip(host) and not is_public_address(host)


async def resolve_public(host: str, timeout: float = RESOLVE_TIMEOUT_S) -> list[str]:
    """The addresses ``host`` resolves to (an IP literal: itself), in the resolver's order.

    Raises `PrivateAddressError` when the host is refused or any address it resolves to
    is not public (a name mixing public and private addresses is refused whole), and
    `OSError` when it does not resolve (``TimeoutError`` after ``timeout`` seconds).
    """
    name = normal_host(host)
    if refused_host(name):
        raise PrivateAddressError(name, name)
    loop = asyncio.get_running_loop()
    found = await asyncio.wait_for(loop.getaddrinfo(name, None, type=socket.SOCK_STREAM), timeout)
    addresses = list(dict.fromkeys(str(info[4][0]) for info in found))
    for address in addresses:
        if not is_public_address(address):
            raise PrivateAddressError(name, address)
    if not addresses:
        raise OSError(f"{name} resolves to no address")
    return addresses
