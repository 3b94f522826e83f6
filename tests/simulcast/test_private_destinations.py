"""Simulcast destinations must be public servers (server-side request forgery): a streamer
cannot make the media worker connect to the server's own network. Every class of local or
private host is refused over GraphQL and on the studio page (in the viewer's language),
a name that resolves to a private address too, and nothing is stored; the typed opt-in
(``Settings.simulcast_private_destinations``) lets development and tests use local ones."""

from __future__ import annotations

import socket

import httpx
import pytest

from app.accounts import services as accounts
from app.accounts.models import Role
from app.errors import UserError
from app.simulcast import services as simulcast
from app.simulcast.models import SimulcastDestination
from media.addresses import is_public_address
from tests.rooms.helpers import streamer_client
from tests.support import STRONG_PASSWORD, csrf, op

PRIVATE = "the address must be a public server, not a local or private network"
PRIVATE_ZH = "地址必须是公网服务器，不能是本机或内网地址"

#: One address of every class the media worker must never be sent to.
BAD_HOSTS = {
    "loopback": "rtmp://127.0.0.1:1935/live/key",
    "loopback, elsewhere in 127/8": "rtmp://127.8.9.10/live/key",
    "10/8": "rtmp://10.0.0.5/live/key",
    "172.16/12": "rtmps://172.16.3.4:443/app/key",
    "192.168/16": "rtmp://192.168.1.10/live/key",
    "metadata (link-local)": "rtmp://169.254.169.254/latest/meta-data",
    "shared address space": "rtmp://100.64.0.1/live/key",
    "unspecified": "rtmp://0.0.0.0/live/key",
    "multicast": "rtmp://224.0.0.1/live/key",
    "documentation": "rtmp://203.0.113.7/live/key",
    "IPv6 loopback": "rtmp://[::1]:1935/live/key",
    "IPv6 link-local": "rtmp://[fe80::1]/live/key",
    "IPv6 unique local": "rtmp://[fd00::5]/live/key",
    "IPv4-mapped loopback": "rtmp://[::ffff:127.0.0.1]/live/key",
    "localhost": "rtmp://localhost/live/key",
    "localhost, upper case, dot": "rtmp://LOCALHOST./live/key",
    "a .localhost name": "rtmp://studio.localhost/live/key",
    "decimal IPv4": "rtmp://2130706433/live/key",
    "hexadecimal IPv4": "rtmp://0x7f.1/live/key",
}


def private_hostname() -> str:
    """This machine's name, which resolves to one of its own (private) addresses."""
    name = socket.gethostname()
    try:
        found = {info[4][0] for info in socket.getaddrinfo(name, None)}
    except OSError:
        pytest.skip(f"{name} does not resolve here")
    if any(is_public_address(str(a)) for a in found):
        pytest.skip(f"{name} resolves to a public address here")
    return name


async def test_every_private_host_class_is_refused_over_graphql(
    client: httpx.AsyncClient,
) -> None:
    await streamer_client(client)
    cases = {**BAD_HOSTS, "a name resolving privately": f"rtmp://{private_hostname()}/live/k"}
    for kind, url in cases.items():
        data = await op(client, "simulcast", "AddSimulcastDestination", {"name": "x", "url": url})
        payload = data["data"]["addSimulcastDestination"]
        assert payload["destination"] is None, kind
        assert [(e["code"], e["field"], e["message"]) for e in payload["errors"]] == [
            ("INVALID_DESTINATION", "url", PRIVATE)
        ], kind
    assert await SimulcastDestination.all().count() == 0


async def test_the_page_refuses_them_in_the_viewers_language(client: httpx.AsyncClient) -> None:
    await streamer_client(client)
    token = await csrf(client)
    for url in (BAD_HOSTS["metadata (link-local)"], f"rtmp://{private_hostname()}/live/key"):
        form = {"csrf_token": token, "action": "add", "name": "Inside", "url": url}
        page = await client.post("/studio/simulcast", data=form)
        assert page.status_code == 422 and PRIVATE in page.text
        zh = await client.post(
            "/studio/simulcast", data=form, headers={"Accept-Language": "zh-CN,zh;q=0.9"}
        )
        assert zh.status_code == 422 and PRIVATE_ZH in zh.text
    assert await SimulcastDestination.all().count() == 0


async def test_public_addresses_and_the_opt_in_are_accepted(app: object) -> None:
    owner = await accounts.register("pub@example.com", STRONG_PASSWORD, "Pub", Role.STREAMER)
    public = await simulcast.add_destination(owner, "Public", "rtmp://8.8.8.8/live2/k", "s")
    assert public.url_hint == "rtmp://8.8.8.8/live2/••••"
    # A name that does not resolve now is kept: the worker checks it before each connection.
    await simulcast.add_destination(owner, "Later", "rtmps://unresolved.invalid/app/k", "s")
    with pytest.raises(UserError) as refused:
        await simulcast.add_destination(owner, "Local", "rtmp://127.0.0.1:1935/live/k", "s")
    assert (refused.value.code, refused.value.field) == ("INVALID_DESTINATION", "url")
    local = await simulcast.add_destination(
        owner, "Local", "rtmp://127.0.0.1:1935/live/k", "s", allow_private=True
    )
    assert local.url_hint == "rtmp://127.0.0.1:1935/live/••••"
    await simulcast.record_status(local.id, "refused", PRIVATE)  # the worker's report
    assert (await SimulcastDestination.get(id=local.id)).status == "refused"
