"""Ids in page paths: a word or a number no row can have is a readable 404, never a database
error; Starlette's own ``int`` convertor stays as it is for everything else in the process."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from starlette.convertors import CONVERTOR_TYPES, IntegerConvertor

from tests.support import csrf

HTML = {"Accept": "text/html"}
NO_IDS = ["abc", "0", "2147483648", "99999999999999999999999", "-1", "1.5"]


def test_the_int_convertor_is_starlettes() -> None:
    import web.routes  # noqa: F401  (every page module)

    assert type(CONVERTOR_TYPES["int"]) is IntegerConvertor


@pytest.mark.parametrize("bad", NO_IDS)
async def test_a_page_for_no_id_is_a_readable_404(client: httpx.AsyncClient, bad: str) -> None:
    for path in (f"/rooms/{bad}", f"/products/{bad}", f"/orders/{bad}/status"):
        page = await client.get(path, headers=HTML)
        assert page.status_code == 404, path
        assert page.headers["content-type"].startswith("text/html")
        assert "Not Found" in page.text


async def test_the_largest_id_reaches_the_page(client: httpx.AsyncClient) -> None:
    page = await client.get("/rooms/2147483647", headers=HTML)
    assert page.status_code == 404
    assert "This room does not exist." in page.text


async def test_a_post_for_no_id_is_a_404_and_changes_nothing(client: httpx.AsyncClient) -> None:
    from app.rooms.models import Follow

    token = await csrf(client)
    for path in ("/rooms/2147483648/follow", "/rooms/1/flash-sales/4294967296/buy"):
        answer = await client.post(path, data={"csrf_token": token}, headers=HTML)
        assert answer.status_code == 404, path
    assert await Follow.all().count() == 0


async def test_a_websocket_for_no_id_is_closed(app: Any) -> None:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "websocket",
        "asgi": {"version": "3.0"},
        "path": "/studio/rooms/2147483648/ingest",
        "raw_path": b"/studio/rooms/2147483648/ingest",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "scheme": "ws",
        "server": ("testserver", 80),
        "client": ("127.0.0.1", 1),
        "subprotocols": [],
        "root_path": "",
        "app": app,
    }
    await app(scope, receive, send)
    assert [m["type"] for m in sent] == ["websocket.close"]
