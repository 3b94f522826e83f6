"""Hostile image uploads over the API and the page: polyglots are re-encoded into plain
pictures (the payload does not survive), oversized files are refused before decoding,
truncated files of every format are refused, and nothing is stored for a refusal.
(``tests/commerce/test_images.py`` covers SVG, bombs, BMP, tiny and empty files.)"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

from PIL import Image

from app.commerce import images
from app.commerce.models import ProductImage
from tests.hardening.world import OWNER, World

PAYLOAD = b"<script>alert(document.cookie)</script><?php system($_GET['c']); ?>"
UPLOAD = (
    "mutation($p: ID!, $b: String!) { uploadProductImage(productId: $p, imageBase64: $b) "
    "{ image { id url width height } errors { code } } }"
)


def encoded(fmt: str, size: tuple[int, int] = (64, 64), **save: Any) -> bytes:
    out = io.BytesIO()
    mode = "P" if fmt == "GIF" else "RGB"
    Image.new(mode, size, 3 if mode == "P" else "orange").save(out, fmt, **save)
    return out.getvalue()


def polyglots() -> dict[str, bytes]:
    """Files that are valid images and carry markup or code too."""
    gif_js = b"GIF89a/*" + encoded("GIF")[8:] + b"*/=1;alert(1)//" + PAYLOAD
    return {
        "png+html appended": encoded("PNG") + PAYLOAD,
        "jpeg comment": encoded("JPEG", comment=PAYLOAD),
        "png text chunk": _png_with_text(PAYLOAD.decode()),
        "gif/js": gif_js,
        "jpeg exif": encoded("JPEG", exif=b"Exif\x00\x00" + PAYLOAD),
    }


def _png_with_text(text: str) -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", text)
    out = io.BytesIO()
    Image.new("RGB", (64, 64), "blue").save(out, "PNG", pnginfo=info)
    return out.getvalue()


async def _upload(world: World, data: bytes | str) -> dict[str, Any]:
    value = data if isinstance(data, str) else base64.b64encode(data).decode()
    result = await world.gql(OWNER, UPLOAD, {"p": world.product_id, "b": value})
    return result["data"]["uploadProductImage"]


def _stored(settings: Any) -> list[Path]:
    return [p for p in (settings.var_dir / "uploads").rglob("*") if p.is_file()]


async def test_polyglots_are_reencoded_without_their_payload(world: World, settings: Any) -> None:
    for name, data in polyglots().items():
        payload = await _upload(world, data)
        if payload["errors"]:  # refusing is fine too; storing the payload is not
            assert payload["errors"][0]["code"] == "INVALID_IMAGE", name
            continue
        served = await world.client.get(payload["image"]["url"])
        assert served.status_code == 200, name
        assert served.headers["content-type"] in ("image/webp", "image/jpeg"), name
        assert served.headers["x-content-type-options"] == "nosniff"
        assert b"script" not in served.content and b"<?php" not in served.content, name
        Image.open(io.BytesIO(served.content)).verify()  # a plain picture
    for path in _stored(settings):
        content = path.read_bytes()
        assert PAYLOAD[:20] not in content and b"alert" not in content, path
        assert path.suffix in (".webp", ".jpg")


async def test_truncated_files_of_every_format_are_refused(world: World, settings: Any) -> None:
    for fmt in ("PNG", "JPEG", "GIF", "WEBP"):
        whole = encoded(fmt, (300, 300))
        for cut in (len(whole) // 2, len(whole) - 30, 40):
            payload = await _upload(world, whole[:cut])
            assert [e["code"] for e in payload["errors"]] == ["INVALID_IMAGE"], (fmt, cut)
    assert await ProductImage.all().count() == 0
    assert _stored(settings) == []


async def test_oversized_uploads_are_refused_before_decoding(world: World, settings: Any) -> None:
    too_big = encoded("PNG") + b"\0" * images.MAX_UPLOAD_BYTES
    payload = await _upload(world, too_big)
    assert [e["code"] for e in payload["errors"]] == ["IMAGE_TOO_LARGE"]
    # Over the request body limit: refused before the JSON is even parsed.
    response = await world.post(
        OWNER,
        "/graphql",
        json={"query": UPLOAD, "variables": {"p": world.product_id, "b": "A" * 13_000_000}},
    )
    assert response.status_code == 413
    # The page: multipart over the limit is a 413 from the Content-Length alone.
    page = await world.post(
        OWNER,
        f"/studio/products/{world.product.id}/images",
        data={"csrf_token": world.csrf},
        files={"image": ("big.png", too_big + b"\0" * 100_000, "image/png")},
    )
    assert page.status_code == 413
    just_over = await world.post(
        OWNER,
        f"/studio/products/{world.product.id}/images",
        data={"csrf_token": world.csrf},
        files={"image": ("big.png", too_big, "image/png")},
    )
    assert just_over.status_code == 422 and "limited to 8 MB" in just_over.text
    wide = encoded("PNG", (20_000, 2_100))  # 42 megapixels in a small file
    assert [e["code"] for e in (await _upload(world, wide))["errors"]] == ["INVALID_IMAGE"]
    assert await ProductImage.all().count() == 0
    assert _stored(settings) == []


async def test_names_and_declared_types_do_not_matter(world: World, settings: Any) -> None:
    html = b"<!doctype html><html><script>alert(1)</script></html>"
    page = await world.post(
        OWNER,
        f"/studio/products/{world.product.id}/images",
        data={"csrf_token": world.csrf},
        files={"image": ("photo.png", html, "image/png")},
    )
    assert page.status_code == 422 and "JPEG, PNG, WebP or GIF" in page.text
    disguised = await world.post(
        OWNER,
        f"/studio/products/{world.product.id}/images",
        data={"csrf_token": world.csrf},
        files={"image": ("x.html", encoded("PNG"), "text/html")},
    )
    assert disguised.status_code == 303
    (stored,) = await ProductImage.all()
    assert stored.path.endswith((".webp", ".jpg")) and ".html" not in stored.path
