"""Probe finding 13: what ``node`` and ``Report.message`` leak to who may not see it.

Variants and images of a DRAFT product were readable by anyone through ``node``; a reporter
read a message's text after a moderator deleted it (``Report.message`` always used the
moderator's view).
"""

from __future__ import annotations

from strawberry import relay

from app.api.ids import encode_id
from app.chat import services as chat
from app.commerce import images
from app.commerce.models import Product, ProductStatus, Variant
from app.moderation.models import Report
from tests.hardening.world import ADMIN, ANON, MOD, OTHER, OWNER, VIEWER, World

NODE = """query($id: ID!) { node(id: $id) {
  ... on Variant { sku } ... on ProductImage { url } } }"""
NODES = """query($ids: [ID!]!) { nodes(ids: $ids) {
  ... on Variant { sku } ... on ProductImage { url } } }"""


async def _draft(world: World) -> tuple[str, str]:
    owner = world.users[OWNER]
    product = await Product.create(
        merchant_id=owner.id, title="Secret drop", price_cents=900, status=ProductStatus.DRAFT
    )
    variant = await Variant.create(
        product_id=product.id, merchant_id=owner.id, sku="SECRET-1", price_cents=900, stock=3
    )
    image = await images.add_product_image(owner, product.id, world.png())
    return encode_id("Variant", variant.id), encode_id("ProductImage", image.id)


async def test_draft_variants_and_images_are_hidden_from_others(world: World) -> None:
    variant_id, image_id = await _draft(world)
    for role in (ANON, VIEWER, OTHER):
        for gid in (variant_id, image_id):
            body = await world.gql(role, NODE, {"id": gid})
            assert body["data"] is None or body["data"]["node"] is None, (role, body)
            assert "SECRET" not in str(body) and "/media/" not in str(body)
        body = await world.gql(role, NODES, {"ids": [variant_id, image_id]})
        assert body["data"]["nodes"] == [None, None], (role, body)


async def test_draft_variants_and_images_stay_visible_to_their_merchant(world: World) -> None:
    variant_id, image_id = await _draft(world)
    for role in (OWNER, ADMIN):
        body = await world.gql(role, NODES, {"ids": [variant_id, image_id]})
        found = body["data"]["nodes"]
        assert found[0] == {"sku": "SECRET-1"} and found[1]["url"], (role, body)


async def test_active_product_variants_and_images_stay_public(world: World) -> None:
    image = await images.add_product_image(world.users[OWNER], world.product.id, world.png())
    body = await world.gql(
        ANON, NODES, {"ids": [world.variant_id, encode_id("ProductImage", image.id)]}
    )
    assert body["data"]["nodes"][0] == {"sku": "SCARF-1"} and body["data"]["nodes"][1]["url"]


REPORT = """query($id: ID!) { node(id: $id) { ... on Report { message { deleted text } } } }"""


async def test_a_reporter_cannot_read_a_deleted_message(world: World) -> None:
    report_id = await world.new_report()
    before = await world.gql(VIEWER, REPORT, {"id": report_id})
    message = before["data"]["node"]["message"]
    assert message["deleted"] is False and message["text"].startswith("bad ")
    found = await Report.get(id=int(relay.GlobalID.from_id(report_id).node_id))
    await chat.delete_message(world.users[MOD], found.message_id)  # type: ignore[attr-defined]
    after = await world.gql(VIEWER, REPORT, {"id": report_id})
    assert after["data"]["node"]["message"] == {"deleted": True, "text": ""}
    for role in (MOD, OWNER, ADMIN):  # the room's moderators still read it
        seen = await world.gql(role, REPORT, {"id": report_id})
        assert seen["data"]["node"]["message"]["text"].startswith("bad "), role
