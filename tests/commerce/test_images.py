"""Product images: validated by content, size-limited, re-encoded, stored and served."""

from __future__ import annotations

import base64
import io

import httpx
import pytest
from PIL import Image

from app.accounts.models import Role
from app.api.ids import encode_id
from app.commerce import images
from app.commerce.models import ProductImage
from app.errors import UserError
from tests.commerce.helpers import login_as, make_merchant, make_product, png_bytes
from tests.support import csrf, op


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


async def _upload(client: httpx.AsyncClient, product_id: int, data: bytes) -> dict:  # type: ignore[type-arg]
    result = await op(
        client,
        "commerce",
        "UploadProductImage",
        {"productId": encode_id("Product", product_id), "imageBase64": _b64(data)},
    )
    return result["data"]["uploadProductImage"]


async def test_upload_reencodes_stores_and_serves(
    client: httpx.AsyncClient, settings: object
) -> None:
    shop = await login_as(client, "shop@example.com", "Shop", Role.STREAMER)
    product, _ = await make_product(shop)
    out = io.BytesIO()
    big = Image.new("RGB", (2400, 1200), "blue")
    big.save(out, "JPEG", exif=Image.Exif())
    payload = await _upload(client, product.id, out.getvalue())
    assert payload["errors"] == []
    image = payload["image"]
    assert (image["width"], image["height"]) == (1600, 800)
    assert image["format"] == images.output_format()
    assert image["url"].startswith(f"/media/uploads/products/{product.id}/")
    stored = await ProductImage.get(product_id=product.id)
    uploads = settings.var_dir / "uploads"  # type: ignore[attr-defined]
    assert (uploads / stored.path).is_file() and (uploads / stored.thumb_path).is_file()
    served = await client.get(image["url"])
    assert served.status_code == 200
    assert served.headers["content-type"] == f"image/{images.output_format()}"
    with Image.open(io.BytesIO(served.content)) as again:
        assert again.size == (1600, 800)
    thumb = await client.get(image["thumbUrl"])
    with Image.open(io.BytesIO(thumb.content)) as small:
        assert max(small.size) == images.THUMB_SIDE
    # A data: URL prefix is accepted; the product shows its images.
    data_url = "data:image/png;base64," + _b64(png_bytes())
    second = await op(
        client,
        "commerce",
        "UploadProductImage",
        {"productId": encode_id("Product", product.id), "imageBase64": data_url},
    )
    assert second["data"]["uploadProductImage"]["errors"] == []
    shown = await op(client, "commerce", "Product", {"id": encode_id("Product", product.id)})
    assert len(shown["data"]["product"]["images"]) == 2
    removed = await op(client, "commerce", "RemoveProductImage", {"imageId": image["id"]})
    assert removed["data"]["removeProductImage"]["errors"] == []
    assert not (uploads / stored.path).exists()
    assert (await client.get(image["url"])).status_code == 404


async def test_bad_uploads_are_refused_and_store_nothing(
    client: httpx.AsyncClient, settings: object
) -> None:
    shop = await login_as(client, "shop@example.com", "Shop", Role.STREAMER)
    product, _ = await make_product(shop)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    bomb = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(bomb, "PNG")
    truncated = png_bytes((200, 200))[:-40]
    bmp = io.BytesIO()
    Image.new("RGB", (32, 32)).save(bmp, "BMP")
    for data, code in [
        (svg, "INVALID_IMAGE"),
        (b"GIF89a not really", "INVALID_IMAGE"),
        (bomb.getvalue(), "INVALID_IMAGE"),
        (truncated, "INVALID_IMAGE"),
        (bmp.getvalue(), "INVALID_IMAGE"),
        (png_bytes((8, 8)), "INVALID_IMAGE"),
        (b"", "INVALID_IMAGE"),
    ]:
        payload = await _upload(client, product.id, data)
        assert [e["code"] for e in payload["errors"]] == [code], data[:20]
    not_base64 = await op(
        client,
        "commerce",
        "UploadProductImage",
        {"productId": encode_id("Product", product.id), "imageBase64": "***"},
    )
    assert not_base64["data"]["uploadProductImage"]["errors"][0]["code"] == "INVALID_IMAGE"
    with pytest.raises(UserError) as err:
        await images.add_product_image(shop, product.id, b"\0" * (images.MAX_UPLOAD_BYTES + 1))
    assert err.value.code == "IMAGE_TOO_LARGE"
    other = await make_merchant("other@example.com", "Other")
    with pytest.raises(UserError) as err:
        await images.add_product_image(other, product.id, png_bytes())
    assert err.value.code == "FORBIDDEN"
    assert await ProductImage.all().count() == 0
    uploads = settings.var_dir / "uploads"  # type: ignore[attr-defined]
    assert not any(p.is_file() for p in uploads.rglob("*"))


async def test_page_upload_with_multipart(client: httpx.AsyncClient) -> None:
    shop = await login_as(client, "shop@example.com", "Shop", Role.STREAMER)
    product, _ = await make_product(shop)
    token = await csrf(client)
    files = {"image": ("photo.png", png_bytes((300, 200), "green"), "image/png")}
    refused = await client.post(f"/studio/products/{product.id}/images", files=files)
    assert refused.status_code == 403
    response = await client.post(
        f"/studio/products/{product.id}/images", data={"csrf_token": token}, files=files
    )
    assert response.status_code == 303
    stored = await ProductImage.get(product_id=product.id)
    assert (stored.width, stored.height) == (300, 200)
    page = await client.get(f"/products/{product.id}")
    assert stored.url in page.text
    fake = {"image": ("evil.png", b"<html>not an image</html>", "image/png")}
    bad = await client.post(
        f"/studio/products/{product.id}/images", data={"csrf_token": token}, files=fake
    )
    assert bad.status_code == 422 and "upload a JPEG, PNG, WebP or GIF image" in bad.text
    assert await ProductImage.all().count() == 1
