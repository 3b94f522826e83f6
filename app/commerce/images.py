"""Product images: validated by content with Pillow, re-encoded, stored and served.

An upload is accepted when Pillow recognises it as a JPEG, PNG, WebP or GIF within the
size and pixel limits, whatever its name or declared type. It is re-encoded (WebP, or
JPEG where Pillow lacks WebP) to at most :data:`MAX_SIDE` pixels plus a thumbnail, which
drops any metadata and anything that is not the picture, and stored under
``<var_dir>/uploads/products/<product_id>/``; the app serves that folder at
``/media/uploads/``.
"""

from __future__ import annotations

import asyncio
import io
import secrets
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps, UnidentifiedImageError, features

from app.accounts.models import User
from app.commerce.catalog import is_visible, owned_product
from app.commerce.config import get_config
from app.commerce.models import ProductImage
from app.errors import NotFound, PermissionDenied, UserError
from app.events.changes import announce
from app.i18n import N_
from app.recognition import services as recognition

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 16
MAX_SIDE = 1600
THUMB_SIDE = 400
MAX_IMAGES_PER_PRODUCT = 10
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}


@dataclass(frozen=True)
class EncodedImage:
    main: bytes
    thumb: bytes
    width: int
    height: int
    format: str  # "webp" or "jpeg"

    @property
    def extension(self) -> str:
        return "webp" if self.format == "webp" else "jpg"


def _invalid(
    message: str = N_("upload a JPEG, PNG, WebP or GIF image"),
    params: dict[str, Any] | None = None,
) -> UserError:
    """``message`` is a msgid (marked with ``N_`` where it is written)."""
    return UserError("INVALID_IMAGE", message, "image", params)


def _too_large() -> UserError:
    return UserError(
        "IMAGE_TOO_LARGE",
        "images are limited to {mb} MB",
        "image",
        {"mb": MAX_UPLOAD_BYTES // (1024 * 1024)},
    )


def output_format() -> str:
    return "webp" if features.check("webp") else "jpeg"


def _encode(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    if fmt == "webp":
        image.save(out, "WEBP", quality=82, method=4)
    else:
        if image.mode != "RGB":
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image, mask=image.getchannel("A") if "A" in image.mode else None)
            image = background
        image.save(out, "JPEG", quality=85, optimize=True, progressive=True)
    return out.getvalue()


def encode_image(data: bytes) -> EncodedImage:
    """Validate ``data`` by its content and re-encode it (blocking: run in a thread)."""
    if not data:
        raise _invalid(N_("the file is empty"))
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large()
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise _invalid()
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise _invalid(N_("the image has too many pixels"))
                if min(width, height) < MIN_SIDE:
                    raise _invalid(
                        N_("the image must be at least {side}×{side} pixels"), {"side": MIN_SIDE}
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as source:
                source.seek(0)  # the first frame of an animation
                image = ImageOps.exif_transpose(source)
                image.load()
        except UserError:
            raise
        except (
            UnidentifiedImageError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
            OSError,
            ValueError,
            SyntaxError,
            EOFError,
        ):
            raise _invalid() from None
    has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
    image = image.convert("RGBA" if has_alpha else "RGB")
    fmt = output_format()
    main = image.copy()
    main.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    thumb = image.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return EncodedImage(
        main=_encode(main, fmt),
        thumb=_encode(thumb, fmt),
        width=main.width,
        height=main.height,
        format=fmt,
    )


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)


async def add_product_image(merchant: User, product_id: int, data: bytes) -> ProductImage:
    """Validate, re-encode and store an image of the merchant's product.

    Errors: ``INVALID_IMAGE``, ``IMAGE_TOO_LARGE``, ``TOO_MANY_IMAGES``, ``NOT_FOUND``,
    ``FORBIDDEN``.
    """
    product = await owned_product(merchant, product_id)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large()
    count = await ProductImage.filter(product_id=product.id).count()
    if count >= MAX_IMAGES_PER_PRODUCT:
        raise UserError(
            "TOO_MANY_IMAGES",
            "a product has at most {max} images",
            "image",
            {"max": MAX_IMAGES_PER_PRODUCT},
        )
    encoded = await asyncio.to_thread(encode_image, data)
    uploads = get_config().uploads_dir
    name = secrets.token_hex(12)
    rel_main = f"products/{product.id}/{name}.{encoded.extension}"
    rel_thumb = f"products/{product.id}/{name}_thumb.{encoded.extension}"
    await asyncio.to_thread(_write, uploads / rel_main, encoded.main)
    await asyncio.to_thread(_write, uploads / rel_thumb, encoded.thumb)
    try:
        image = await ProductImage.create(
            product_id=product.id,
            path=rel_main,
            thumb_path=rel_thumb,
            width=encoded.width,
            height=encoded.height,
            format=encoded.format,
            position=count,
        )
    except Exception:
        await asyncio.to_thread(_remove, [uploads / rel_main, uploads / rel_thumb])
        raise
    await recognition.index_image(image)  # its local features, for recognition in the live
    await announce("product", product_id=product.id)
    return image


async def remove_product_image(merchant: User, image_id: int) -> ProductImage:
    """Delete an image (row and files) of the merchant's product."""
    image = await ProductImage.get_or_none(id=image_id).prefetch_related("product")
    if image is None:
        raise NotFound("image", "imageId")
    try:
        await owned_product(merchant, image.product.id)
    except NotFound:
        raise NotFound("image", "imageId") from None
    except PermissionDenied:
        raise
    await ProductImage.filter(id=image.id).delete()
    await announce("product", product_id=image.product.id)
    uploads = get_config().uploads_dir
    await asyncio.to_thread(
        _remove,
        [uploads / image.path, uploads / image.thumb_path, recognition.features_path(image.path)],
    )
    return image


async def visible_images(ids: list[int], viewer: User | None) -> dict[int, ProductImage]:
    """The images among ``ids`` whose product ``viewer`` may see (a draft's images only for
    its merchant)."""
    images = await ProductImage.filter(id__in=list(ids)).prefetch_related("product")
    return {i.id: i for i in images if is_visible(i.product, viewer)}


async def images_for_products(product_ids: list[int]) -> dict[int, list[ProductImage]]:
    """``{product_id: [images in position order]}`` in one query."""
    found: dict[int, list[ProductImage]] = {pid: [] for pid in product_ids}
    rows = await ProductImage.filter(product_id__in=list(product_ids)).order_by("position", "id")
    for image in rows:
        found.setdefault(image.product_id, []).append(image)
    return found
