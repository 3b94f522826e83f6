"""Probe finding 5: stored CSS injection. A room's cover URL went inside
``style="background-image:url('…')"``; a ``'`` (escaped as ``&#39;``, which the browser
decodes back) broke out of ``url()`` into a full-screen overlay linking anywhere. Cover URLs
are validated strictly now, and no template puts a user's value into CSS."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.rooms.models import Room
from tests.hardening.world import OWNER, World

UPDATE = """mutation($input: UpdateRoomInput!) { updateRoom(input: $input) {
  room { coverUrl } errors { code field } } }"""
CREATE = """mutation($input: CreateRoomInput!) { createRoom(input: $input) {
  room { id } errors { code field } } }"""

ATTACK = (
    "https://x.example/a.jpg'); } .room-card .thumb { position:fixed; inset:0; "
    "background:url('https://evil.example/overlay.png"
)
BAD = [
    ATTACK,
    "https://x.example/a.jpg')",
    '/covers/a.jpg"onmouseover=alert(1)',
    "https://x.example/a b.jpg",
    "https://x.example/a\tb.jpg",
    "https://x.example/\x00.jpg",
    "https://x.example/a\\.jpg",
    "https://x.example/<b>.jpg",
    "//evil.example/a.jpg",
    "javascript:alert(1)",
    "data:image/png;base64,AAAA",
    "ftp://x.example/a.jpg",
    "https:///a.jpg",
    "covers/a.jpg",
    "https://x.example/" + "a" * 500,
]
GOOD = [
    "",
    "https://cdn.example.com/covers/a.jpg?w=640&h=360,fit",
    "http://127.0.0.1:8000/static/cover.png",
    "/static/covers/a%20b.jpg",
]
TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates"


@pytest.mark.parametrize("cover", BAD)
async def test_a_bad_cover_url_is_refused_and_changes_nothing(world: World, cover: str) -> None:
    before = (await Room.get(id=world.room.id)).cover_url
    body = await world.gql(OWNER, UPDATE, {"input": {"roomId": world.room_id, "coverUrl": cover}})
    result = body["data"]["updateRoom"]
    assert result["room"] is None
    assert result["errors"] == [{"code": "INVALID_COVER", "field": "coverUrl"}], cover
    assert (await Room.get(id=world.room.id)).cover_url == before
    count = await Room.all().count()
    created = await world.gql(OWNER, CREATE, {"input": {"title": "New room", "coverUrl": cover}})
    assert created["data"]["createRoom"]["errors"][0]["code"] == "INVALID_COVER"
    assert await Room.all().count() == count


@pytest.mark.parametrize("cover", GOOD)
async def test_a_plain_cover_url_is_kept(world: World, cover: str) -> None:
    body = await world.gql(OWNER, UPDATE, {"input": {"roomId": world.room_id, "coverUrl": cover}})
    assert body["data"]["updateRoom"] == {"room": {"coverUrl": cover}, "errors": []}


async def test_a_stored_hostile_cover_never_reaches_css(world: World) -> None:
    """A cover stored before the check (or by any other path) is only ever an <img src>."""
    await Room.filter(id=world.room.id).update(cover_url=ATTACK)
    page = await world.client.get("/")
    assert page.status_code == 200
    assert "evil.example" in page.text  # the card is on the page ...
    assert "background-image" not in page.text  # ... and not in CSS
    for style in re.findall(r'style="([^"]*)"', page.text):
        assert "evil" not in style and "&#39;" not in style
    images = re.findall(r'<img src="([^"]*)"', page.text)
    assert any("evil.example" in src for src in images)


def test_no_template_interpolates_a_value_into_css() -> None:
    offenders = []
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        for style in re.findall(r'style="([^"]*)"', text):
            if "{{" in style or "{%" in style:
                offenders.append((template.name, style))
        for block in re.findall(r"<style[^>]*>(.*?)</style>", text, flags=re.S):
            if "{{" in block:
                offenders.append((template.name, block[:60]))
    assert offenders == []
