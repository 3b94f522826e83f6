"""Recognition rules: the room setting, product image features, a room's matcher, decisions."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path

from app.accounts.models import User
from app.commerce import shelf
from app.commerce.config import get_config
from app.commerce.live_models import ShelfItem
from app.commerce.models import Product, ProductImage, ProductStatus
from app.errors import UserError
from app.rooms.events import ProductRecognized, publish_to_viewer
from app.rooms.models import Room
from media.recognition import (
    Matcher,
    ProductFeatures,
    Recognition,
    RecognitionError,
    decode_features,
    decode_image,
    encode_features,
    product_features,
)

log = logging.getLogger("livemart.recognition")

MODES = ("off", "offer", "auto")
FEATURES_SUFFIX = ".features.npz"
#: The same product is offered again only after this long (the camera keeps showing it).
REPEAT_AFTER_S = 60.0


async def set_recognition(user: User, room_id: int, mode: str) -> Room:
    """Turn recognition ``off``, on as an ``offer`` in the console, or on with ``auto`` pin.

    Errors: ``INVALID_MODE``, ``NOT_FOUND``, ``FORBIDDEN``, ``ROOM_ENDED``.
    """
    if mode not in MODES:
        raise UserError("INVALID_MODE", "recognition is off, offer or auto", "mode")
    room = await shelf.room_for_selling(user, room_id)
    if room.recognition != mode:
        room.recognition = mode
        await Room.filter(id=room.id).update(recognition=mode)
    return room


def features_path(image_path: str) -> Path:
    return get_config().uploads_dir / (image_path + FEATURES_SUFFIX)


def _compute_features(image_path: str) -> ProductFeatures | None:
    """Read (or compute and keep) the features of an uploaded image; None when it has too
    little texture or is gone."""
    target = features_path(image_path)
    if target.exists():
        try:
            return decode_features(target.read_bytes())
        except RecognitionError:
            log.warning("recomputing unreadable features of %s", image_path)
    try:
        features = product_features(
            decode_image((get_config().uploads_dir / image_path).read_bytes())
        )
    except (OSError, RecognitionError):
        return None
    tmp = target.with_suffix(".tmp")
    tmp.write_bytes(encode_features(features))
    tmp.replace(target)
    return features


async def index_image(image: ProductImage) -> bool:
    """Compute an uploaded image's features now (the upload hook); False when it cannot be
    recognised (too little texture), which is not an error."""
    return await asyncio.to_thread(_compute_features, image.path) is not None


def forget_image(image_path: str) -> None:
    features_path(image_path).unlink(missing_ok=True)


@dataclass
class RoomMatcher:
    """A room's matcher, rebuilt when the set of its images changes."""

    images: frozenset[int]
    matcher: Matcher
    titles: dict[int, str]


async def room_catalog(room: Room) -> tuple[list[ProductImage], dict[int, str]]:
    """The images of the owner's active catalog (a room's shelf holds only the owner's
    products), with their titles."""
    products = await Product.filter(merchant_id=room.owner_id, status=ProductStatus.ACTIVE)
    titles = {p.id: p.title for p in products}
    images = await ProductImage.filter(product_id__in=list(titles)).order_by("id")
    return list(images), titles


def build_matcher(images: list[ProductImage]) -> Matcher:
    """A matcher over ``images`` (keyed by product id); blocking: run it off the loop."""
    catalog: dict[Hashable, ProductFeatures] = {}
    for image in images:
        features = _compute_features(image.path)
        if features is not None:
            catalog[(image.product_id, image.id)] = features
    return Matcher(catalog)


def _product_of(found: Recognition) -> int:
    """The product of a match: :func:`build_matcher` keys images as (product id, image id)."""
    key = found.key
    return int(key[0]) if isinstance(key, tuple) else int(str(key))


@dataclass
class Decider:
    """What a room's recognitions lead to: at most one offer per product per minute."""

    last: dict[int, tuple[int, float]] = field(default_factory=dict)

    async def decide(self, room: Room, found: Recognition, titles: dict[int, str]) -> bool:
        product_id = _product_of(found)
        now = time.monotonic()
        previous = self.last.get(room.id)
        if previous and previous[0] == product_id and now - previous[1] < REPEAT_AFTER_S:
            return False
        self.last[room.id] = (product_id, now)
        pinned = False
        if room.recognition == "auto":
            owner = await User.get(id=room.owner_id)
            await shelf.ensure_on_shelf(room.id, product_id)
            current = await ShelfItem.get_or_none(room_id=room.id, pinned=True)
            if current is None or current.product_id != product_id:
                await shelf.pin_product(owner, room.id, product_id)
            pinned = True
        await publish_to_viewer(
            room.id,
            room.owner_id,
            ProductRecognized(
                product_id=product_id,
                title=titles.get(product_id, ""),
                confidence=found.confidence,
                pinned=pinned,
            ),
        )
        return True


async def pin_recognized(user: User, room_id: int, product_id: int) -> ShelfItem | None:
    """The console's "Pin it": put the recognised product on the shelf and pin it."""
    room = await shelf.room_for_selling(user, room_id)
    await shelf.product_for_room(room, product_id)
    await shelf.ensure_on_shelf(room.id, product_id)
    return await shelf.pin_product(user, room.id, product_id)
