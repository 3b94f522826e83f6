"""The room setting and the console's pin: GraphQL, the studio console, bad inputs."""

from __future__ import annotations

import cv2
import httpx
import numpy as np
import pytest

from app.accounts import services as accounts
from app.accounts.models import Role
from app.api.ids import decode_id
from app.commerce import catalog
from app.commerce.live_models import ShelfItem
from app.errors import PermissionDenied, UserError
from app.recognition import services as recognition
from app.rooms.events import ProductRecognized, envelope
from app.rooms.models import Room
from tests.rooms.helpers import live_room, streamer_client
from tests.support import STRONG_PASSWORD, csrf, op
from web.sse import render_event


async def test_the_streamer_turns_recognition_on_through_graphql_and_the_console(
    client: httpx.AsyncClient,
) -> None:
    await streamer_client(client)
    room = await live_room(client)
    data = await op(
        client, "recognition", "SetRoomRecognition", {"roomId": room["id"], "mode": "AUTO"}
    )
    assert data["data"]["setRoomRecognition"] == {"mode": "AUTO", "errors": []}
    pk = decode_id(room["id"], "Room")
    assert (await Room.get(id=pk)).recognition == "auto"

    page = await client.get(f"/studio/rooms/{pk}")
    assert 'data-testid="recognition-offers"' in page.text
    assert 'sse-swap="product-recognized"' in page.text
    posted = await client.post(
        f"/studio/rooms/{pk}",
        data={"csrf_token": await csrf(client), "action": "recognition", "mode": "offer"},
    )
    assert posted.status_code == 200
    assert "offers to pin what the camera shows" in posted.text
    assert (await Room.get(id=pk)).recognition == "offer"

    bad = await client.post(
        f"/studio/rooms/{pk}",
        data={"csrf_token": await csrf(client), "action": "recognition", "mode": "always"},
    )
    assert bad.status_code == 422
    assert (await Room.get(id=pk)).recognition == "offer"  # unchanged


async def test_the_offer_pins_in_one_click(client: httpx.AsyncClient) -> None:
    owner = await streamer_client(client)
    room = await live_room(client)
    pk = decode_id(room["id"], "Room")
    product = await catalog.create_product(owner, "Canvas tote", "")
    await catalog.add_variant(owner, product.id, "TOTE-1", 2400, stock=3)
    fragment = render_event(
        envelope(pk, ProductRecognized(product.id, "Canvas tote", 0.9, False)),
        {"room": await Room.get(id=pk)},
    )
    assert fragment is not None and "Showing <strong>Canvas tote</strong>?" in fragment
    assert 'value="pin_recognized"' in fragment

    posted = await client.post(
        f"/studio/rooms/{pk}",
        data={"action": "pin_recognized", "product_id": str(product.id)},
        headers={"X-CSRF-Token": await csrf(client), "HX-Request": "true"},
    )
    assert posted.status_code == 200
    assert "Pinned Canvas tote." in posted.text
    pinned = await ShelfItem.get(room_id=pk, pinned=True)  # put on the shelf, then pinned
    assert pinned.product_id == product.id


async def test_bad_modes_and_strangers_change_nothing(app: object) -> None:
    owner = await accounts.register("own@example.com", STRONG_PASSWORD, "Own", Role.STREAMER)
    other = await accounts.register("oth@example.com", STRONG_PASSWORD, "Oth", Role.STREAMER)
    from app.rooms import services as rooms

    room = await rooms.create_room(owner, "Mine")
    with pytest.raises(UserError) as bad:
        await recognition.set_recognition(owner, room.id, "sometimes")
    assert bad.value.code == "INVALID_MODE"
    with pytest.raises(PermissionDenied):
        await recognition.set_recognition(other, room.id, "auto")
    theirs = await catalog.create_product(other, "Their thing", "")
    with pytest.raises(UserError):
        await recognition.pin_recognized(owner, room.id, theirs.id)
    assert (await Room.get(id=room.id)).recognition == "off"
    assert not await ShelfItem.filter(room_id=room.id).exists()


async def test_features_follow_the_image_they_belong_to(app: object) -> None:
    from app.commerce import images
    from bench.recognition import product_image

    owner = await accounts.register("img@example.com", STRONG_PASSWORD, "Img", Role.STREAMER)
    product = await catalog.create_product(owner, "Kumo tea", "")
    ok, png = cv2.imencode(".png", product_image(3, "Kumo tea", "KUMO-1"))
    assert ok
    image = await images.add_product_image(owner, product.id, png.tobytes())
    features = recognition.features_path(image.path)
    assert features.exists()  # computed at upload
    await images.remove_product_image(owner, image.id)
    assert not features.exists()  # and gone with the image

    plain = np.full((240, 240, 3), 200, np.uint8)  # no texture: stored, not recognisable
    ok, png = cv2.imencode(".png", plain)
    flat = await images.add_product_image(owner, product.id, png.tobytes())
    assert not recognition.features_path(flat.path).exists()
