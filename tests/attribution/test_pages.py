"""The pages: short links, the visit beacon, Open Graph tags, QR codes (checked module by
module against segno's own matrix), the streamer's sources, the raid console."""

from __future__ import annotations

import re

import httpx
import segno

from app.accounts.models import Role, User
from app.attribution import links
from app.attribution.models import Visit
from app.attribution.qr import BORDER, ERROR_LEVEL, qr_svg
from app.attribution.recorder import AttributionRecorder
from app.commerce import shelf
from app.rooms import services as rooms
from tests.commerce.helpers import live_room, make_product
from tests.support import csrf, register


async def login(client: httpx.AsyncClient, email: str, role: Role = Role.VIEWER) -> User:
    await register(client, email, email.split("@")[0].title())
    await User.filter(email=email).update(role=role)
    return await User.get(email=email)


def svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules a segno SVG draws: its path is rows of ``h`` runs and ``m`` moves
    (absolute ``M x y`` first; ``y`` is the row's centre line)."""
    path = re.search(r'class="qrline"[^>]* d="([^"]+)"', svg)
    assert path is not None, svg[:200]
    dark: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, a, b in re.findall(r"([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?", path.group(1)):
        if op == "M":
            x, y = float(a), float(b)
        elif op == "m":
            x, y = x + float(a), y + float(b)
        else:
            for i in range(int(float(a))):
                dark.add((int(y - 0.5), int(x) + i))
            x += float(a)
    return dark


def matrix_modules(url: str) -> set[tuple[int, int]]:
    code = segno.make(url, error=ERROR_LEVEL)
    return {
        (r + BORDER, c + BORDER)
        for r, row in enumerate(code.matrix)
        for c, value in enumerate(row)
        if value
    }


def test_the_qr_svg_draws_exactly_segnos_matrix_of_the_url() -> None:
    url = "http://shop.example/s/abc23def"
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "<title>http://shop.example/s/abc23def</title>" in svg
    assert svg_modules(svg) == matrix_modules(url)
    assert svg_modules(svg) != matrix_modules("http://shop.example/s/abc23deg")


async def test_a_short_link_leads_to_the_page_and_the_beacon_counts_it(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient, recorder: AttributionRecorder
) -> None:
    owner = await login(client, "owner@example.com", Role.STREAMER)
    room = await live_room(owner, "Silk live")
    share = await client.get(f"/share/rooms/{room.id}")
    assert share.status_code == 200
    link = await links.by_code(re.search(r"/s/([a-z0-9]+)", share.text).group(1))  # type: ignore[union-attr]
    url = f"http://testserver/s/{link.code}"
    assert f'value="{url}"' in share.text
    assert svg_modules(share.text[share.text.index("<svg") :]) == matrix_modules(url)
    # a stranger opens it
    hop = await other_client.get(f"/s/{link.code}")
    assert (
        hop.status_code == 302 and hop.headers["location"] == f"/rooms/{room.id}?share={link.code}"
    )
    assert (await other_client.get("/s/nosuch22")).status_code == 404
    page = await other_client.get(hop.headers["location"])
    assert page.status_code == 200 and f'data-visit-room="{room.id}"' in page.text
    token = await csrf(other_client)
    beacon = {"csrf_token": token, "room": str(room.id), "share": link.code, "ref": ""}
    assert (await other_client.post("/a/visit", data=beacon)).status_code == 204
    assert (await other_client.post("/a/visit", data={"room": str(room.id)})).status_code == 403
    bad = await other_client.post("/a/visit", data={"csrf_token": token, "room": "x"})
    assert bad.status_code == 400
    both = {"csrf_token": token, "room": str(room.id), "product": "1"}
    assert (await other_client.post("/a/visit", data=both)).status_code == 400
    await other_client.post(
        "/a/visit", data={"csrf_token": token, "room": str(room.id), "src": "raid"}
    )
    await recorder.flush()
    visits = await Visit.filter(room_id=room.id).order_by("id")
    assert [v.source for v in visits] == ["share", "raid"]
    assert visits[0].share_link_id == link.id and visits[0].viewer_key.startswith("browser:")
    # the streamer's sources: owner only
    sources = await client.get(f"/studio/rooms/{room.id}/sources")
    assert sources.status_code == 200 and 'data-source="share"' in sources.text
    assert (await other_client.get(f"/studio/rooms/{room.id}/sources")).status_code in (303, 403)
    bad_window = await client.get(f"/studio/rooms/{room.id}/sources?since=yesterday")
    assert bad_window.status_code == 400
    stats = await client.get(f"/studio/rooms/{room.id}/stats")
    assert f"/studio/rooms/{room.id}/sources?since=" in stats.text
    # the sharer's own numbers
    mine = await client.get("/account/shares")
    assert mine.status_code == 200 and f"/s/{link.code}" in mine.text
    assert 'hx-get="/account/shares"' in (await client.get("/account")).text


async def test_rooms_and_products_carry_open_graph_and_twitter_tags(
    client: httpx.AsyncClient,
) -> None:
    owner = await login(client, "owner@example.com", Role.STREAMER)
    room = await live_room(owner, "Silk & satin live")
    product, _ = await make_product(owner, "Silk scarf", 2500, room_id=room.id)
    await shelf.add_to_shelf(owner, room.id, product.id)
    await shelf.pin_product(owner, room.id, product.id)
    anonymous = httpx.AsyncClient(transport=client._transport, base_url="http://testserver")
    async with anonymous:
        page = (await anonymous.get(f"/rooms/{room.id}")).text
        head = page[: page.index("</head>")]
        assert '<meta property="og:title" content="Silk &amp; satin live">' in head
        assert f'content="http://testserver/hls/{room.id}/thumb.jpg"' in head
        assert '<meta name="twitter:card" content="summary_large_image">' in head
        assert '<meta property="product:price:amount" content="25.00">' in head
        assert "Silk scarf $25.00" in head
        item = (await anonymous.get(f"/products/{product.id}")).text
        head = item[: item.index("</head>")]
        assert '<meta property="og:title" content="Silk scarf">' in head
        assert '<meta property="og:type" content="product">' in head
        assert '<meta property="product:price:currency" content="USD">' in head
        assert f'data-visit-product="{product.id}"' in item


async def test_the_studio_shows_a_qr_overlay_and_raids_after_the_live(
    client: httpx.AsyncClient, other_client: httpx.AsyncClient
) -> None:
    owner = await login(client, "owner@example.com", Role.STREAMER)
    room = await live_room(owner, "Mine")
    other = await login(other_client, "other@example.com", Role.STREAMER)
    target = await live_room(other, "Theirs")
    console = await client.get(f"/studio/rooms/{room.id}")
    assert f"/studio/rooms/{room.id}/qr" in console.text
    overlay = await client.get(f"/studio/rooms/{room.id}/qr")
    link = await links.share(owner, room_id=room.id)
    assert overlay.status_code == 200 and f"http://testserver/s/{link.code}" in overlay.text
    assert (await other_client.get(f"/studio/rooms/{room.id}/qr")).status_code == 403
    early = await client.get(f"/studio/rooms/{room.id}/raid")
    assert "end the live first" in early.text
    await rooms.end_room(owner, room.id)
    listing = await client.get(f"/studio/rooms/{room.id}/raid")
    assert f'data-testid="raid-{target.id}"' in listing.text
    token = await csrf(client)
    wrong = await client.post(
        f"/studio/rooms/{room.id}/raid", data={"csrf_token": token, "to_room_id": "abc"}
    )
    assert wrong.status_code == 422
    done = await client.post(
        f"/studio/rooms/{room.id}/raid", data={"csrf_token": token, "to_room_id": str(target.id)}
    )
    assert done.status_code == 200 and 'data-testid="raid-done"' in done.text
    again = await client.post(
        f"/studio/rooms/{room.id}/raid", data={"csrf_token": token, "to_room_id": str(target.id)}
    )
    assert again.status_code == 422 and "already" in again.text
