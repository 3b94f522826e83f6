# ruff: noqa: E501  (one line per table entry)
"""THE authorization table: every GraphQL mutation and every page POST, per role.

Roles (see :mod:`tests.hardening.world`): ``anonymous``, ``viewer`` (also the buyer of the
world's orders), ``other_streamer``, ``owner`` (of the live room, merchant of its
products), ``moderator``, ``admin``, and the owner's API tokens ``token_read`` /
``token_write``. A role not in ``allow`` must be denied: a typed ``FORBIDDEN`` or
``UNAUTHENTICATED`` error, or ``NOT_FOUND`` where the rule hides that the object exists
(``hides=True``: orders, API tokens).

Adding a mutation is one line: ``"name": Rule(WHO, lambda w: {arguments})``. Argument
values may be coroutines of the world's builders (``w.new_order()`` …): they are awaited
for each call, so every role gets its own fresh object. A mutation with several
scopes may list several rules (a tuple).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.hardening.world import (
    ADDRESS,
    ADMIN,
    ANON,
    APPROVED_CARD,
    MOD,
    OTHER,
    OWNER,
    PASSWORD,
    ROLES,
    TOKEN_WRITE,
    VIEWER,
    World,
    png_base64,
)

EVERYONE = frozenset(ROLES)
USERS = frozenset({VIEWER, OTHER, OWNER, MOD, ADMIN, TOKEN_WRITE})  # any signed-in writer
SESSIONS = USERS - {TOKEN_WRITE}  # the web only: no API token
STREAMERS = frozenset({OTHER, OWNER, ADMIN, TOKEN_WRITE})
ROOM_OWNER = frozenset({OWNER, ADMIN, TOKEN_WRITE})  # the room's owner (merchant) or an admin
ROOM_MODS = ROOM_OWNER | {MOD}  # …and the site's moderators
SITE_MODS = frozenset({MOD, ADMIN})
BUYER = frozenset({VIEWER})
BUYER_OR_ADMIN = frozenset({VIEWER, ADMIN})
ORDER_PARTIES = frozenset({VIEWER, OWNER, ADMIN, TOKEN_WRITE})
TOKEN_OWNER = frozenset({OWNER, TOKEN_WRITE})

Args = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class Rule:
    allow: frozenset[str]
    args: Args
    hides: bool = False  # NOT_FOUND is how a non-party is denied

    @property
    def deny_codes(self) -> set[str]:
        return {"FORBIDDEN", "UNAUTHENTICATED"} | ({"NOT_FOUND"} if self.hides else set())


def _room(w: World, **more: Any) -> dict[str, Any]:
    return {"roomId": w.room_id, **more}


async def _new_faq(w: World) -> str:
    """A FAQ of the world's room (written by its owner)."""
    from app.api.ids import encode_id
    from app.faq.models import Faq

    faq = await Faq.create(
        room_id=w.room.id, questions=["Do you ship?"], answer="Yes.", created_by_id=w.users[OWNER].id
    )
    return encode_id("Faq", faq.id)


async def _new_faq_answer(w: World, unhelpful: bool = False) -> str:
    """An auto-answer given to the viewer in the world's room (marked "didn't help")."""
    from datetime import UTC, datetime

    from app.api.ids import encode_id
    from app.faq.models import FaqAnswer

    given = await FaqAnswer.create(
        room_id=w.room.id,
        asker_id=w.users[VIEWER].id,
        question="Do you ship?",
        answer="Yes.",
        unhelpful_at=datetime.now(UTC) if unhelpful else None,
    )
    return encode_id("FaqAnswer", given.id)


async def _new_destination(w: World) -> str:
    """A simulcast destination of the world's owner (made directly: no per-user limit)."""
    from app.api.ids import encode_id
    from app.simulcast.models import SimulcastDestination

    dest = await SimulcastDestination.create(
        owner_id=w.users[OWNER].id, name="YouTube", url_sealed="sealed", url_hint="rtmp://x/••••"
    )
    return encode_id("SimulcastDestination", dest.id)


RTMP_URL = "rtmp://a.rtmp.youtube.com/live2/key-1234-5678"

MUTATIONS: dict[str, Rule | tuple[Rule, ...]] = {
    # accounts
    "register": Rule(EVERYONE, lambda w: {"input": {"email": w.unique_email(), "password": PASSWORD, "displayName": "New Person"}}),
    "login": Rule(EVERYONE, lambda w: {"email": w.login_email, "password": PASSWORD}),
    "logout": Rule(EVERYONE, lambda w: {}),
    "requestPasswordReset": Rule(EVERYONE, lambda w: {"email": w.login_email}),
    "resetPassword": Rule(EVERYONE, lambda w: {"token": w.new_reset_token(), "newPassword": "another-horse-43"}),
    "changePassword": Rule(USERS, lambda w: {"_fresh": w.fresh_credentials(), "currentPassword": PASSWORD, "newPassword": PASSWORD + "x"}),
    "createApiToken": Rule(SESSIONS, lambda w: {"name": "my app", "scope": "WRITE"}),
    "revokeApiToken": Rule(TOKEN_OWNER, lambda w: {"id": w.new_api_token()}, hides=True),
    # faq (chat auto-answers)
    "createFaq": Rule(ROOM_MODS, lambda w: {"input": {"roomId": w.room_id, "questions": ["Do you ship?"], "answer": "Yes, worldwide."}}),
    "updateFaq": Rule(ROOM_MODS, lambda w: {"input": {"faqId": _new_faq(w), "answer": "Yes, in 2 days."}}),
    "deleteFaq": Rule(ROOM_MODS, lambda w: {"faqId": _new_faq(w)}),
    "setFaqDelivery": Rule(ROOM_MODS, lambda w: {"roomId": w.room_id, "toRoom": True}),
    "markFaqAnswerUnhelpful": Rule(BUYER, lambda w: {"answerId": _new_faq_answer(w)}, hides=True),
    "resolveFaqFeedback": Rule(ROOM_MODS, lambda w: {"answerId": _new_faq_answer(w, unhelpful=True)}),
    # rooms
    "createRoom": Rule(STREAMERS, lambda w: {"input": {"title": "A new room"}}),
    "updateRoom": Rule(ROOM_OWNER, lambda w: {"input": _room(w, title="Renamed room")}),
    "openRoom": Rule(ROOM_OWNER, lambda w: {"roomId": w.new_room(live=False)}),
    "endRoom": Rule(ROOM_OWNER, lambda w: {"roomId": w.new_room(live=True)}),
    "rotateStreamKey": Rule(ROOM_OWNER, lambda w: _room(w)),
    "followStreamer": Rule(USERS, lambda w: {"streamerId": w.owner_id}),
    "unfollowStreamer": Rule(USERS, lambda w: {"streamerId": w.owner_id}),
    "likeRoom": Rule(USERS, lambda w: _room(w, count=3)),
    # chat and moderation
    "sendChatMessage": Rule(USERS, lambda w: _room(w, text="hello room")),
    "deleteChatMessage": Rule(ROOM_MODS, lambda w: {"messageId": w.new_message()}),
    "muteUser": Rule(ROOM_MODS, lambda w: _room(w, userId=w.new_target(), minutes=5)),
    "unmuteUser": Rule(ROOM_MODS, lambda w: _room(w, userId=w.muted_target())),
    "banUser": Rule(ROOM_MODS, lambda w: _room(w, userId=w.new_target())),
    "unbanUser": Rule(ROOM_MODS, lambda w: _room(w, userId=w.banned_target())),
    "setSlowMode": Rule(ROOM_MODS, lambda w: _room(w, seconds=0)),
    "addBannedWord": (
        Rule(ROOM_MODS, lambda w: _room(w, word=w.unique_word())),
        Rule(SITE_MODS, lambda w: {"word": w.unique_word(), "roomId": None}),
    ),
    "removeBannedWord": (
        Rule(ROOM_MODS, lambda w: {"id": w.new_banned_word()}),
        Rule(SITE_MODS, lambda w: {"id": w.new_banned_word(room=False)}),
    ),
    "stopStream": Rule(ROOM_MODS, lambda w: {"roomId": w.new_room(live=True)}),
    "reportMessage": Rule(USERS, lambda w: {"messageId": w.new_message(), "reason": "spam"}),
    "resolveReport": Rule(ROOM_MODS, lambda w: {"reportId": w.new_report(), "action": "DISMISS"}),
    # gifts
    "topUpCoins": Rule(USERS, lambda w: {"packId": "Q29pblBhY2s6Y29pbnMtNjA=", "cardNumber": APPROVED_CARD, "idempotencyKey": w.key()}),
    "sendGift": Rule(USERS, lambda w: _room(w, giftId=w.gift_id, idempotencyKey=w.key())),
    # catalog
    "createProduct": Rule(STREAMERS, lambda w: {"input": {"title": "A new thing"}}),
    "updateProduct": Rule(ROOM_OWNER, lambda w: {"input": {"productId": w.product_id, "title": "Renamed thing"}}),
    "addVariant": Rule(ROOM_OWNER, lambda w: {"input": {"productId": w.product_id, "sku": w.unique_sku(), "priceCents": 900, "stock": 3}}),
    "updateVariant": Rule(ROOM_OWNER, lambda w: {"input": {"variantId": w.variant_id, "priceCents": 2500}}),
    "updateStock": Rule(ROOM_OWNER, lambda w: {"variantId": w.variant_id, "delta": 1}),
    "uploadProductImage": Rule(ROOM_OWNER, lambda w: {"productId": w.product_id, "imageBase64": png_base64()}),
    "removeProductImage": Rule(ROOM_OWNER, lambda w: {"imageId": w.new_image()}),
    # cart and orders (the world's orders: the viewer bought from the owner)
    "addToCart": Rule(USERS, lambda w: {"variantId": w.variant_id, "quantity": 1}),
    "removeFromCart": Rule(USERS, lambda w: {"variantId": w.variant_id}),
    "checkout": Rule(USERS, lambda w: {"input": {"shipping": ADDRESS, "idempotencyKey": w.key(), "_": w.cart_item()}}),
    "buyNow": Rule(USERS, lambda w: {"input": {"variantId": w.variant_id, "shipping": ADDRESS, "idempotencyKey": w.key()}}),
    "payOrderWithCoins": Rule(BUYER, lambda w: {"orderId": w.new_order(), "idempotencyKey": w.key()}, hides=True),
    "payOrderWithCard": Rule(BUYER, lambda w: {"orderId": w.new_order(), "cardNumber": APPROVED_CARD}, hides=True),
    "cancelOrder": Rule(ORDER_PARTIES, lambda w: {"orderId": w.new_order()}, hides=True),
    "shipOrder": Rule(ROOM_OWNER, lambda w: {"orderId": w.new_order("paid"), "trackingNumber": "TRACK12345"}, hides=True),
    "markDelivered": Rule(ROOM_OWNER, lambda w: {"orderId": w.new_order("shipped")}, hides=True),
    "completeOrder": Rule(BUYER_OR_ADMIN, lambda w: {"orderId": w.new_order("delivered")}, hides=True),
    "refundOrder": Rule(ROOM_OWNER, lambda w: {"orderId": w.new_order("paid")}, hides=True),
    "createCoupon": Rule(STREAMERS, lambda w: {"input": {"code": w.unique_code(), "kind": "FIXED", "amount": 100}}),
    "dropCoupon": Rule(ROOM_OWNER, lambda w: _room(w, couponId=w.new_coupon(), firstN=5)),
    "claimCoupon": Rule(USERS, lambda w: {"couponId": w.dropped_coupon()}),
    # live commerce
    "addToShelf": Rule(ROOM_OWNER, lambda w: _room(w, productId=w.new_product())),
    "removeFromShelf": Rule(ROOM_OWNER, lambda w: _room(w, productId=w.new_product(on_shelf=True))),
    "pinProduct": Rule(ROOM_OWNER, lambda w: _room(w, productId=w.product_id)),
    "setRoomRecognition": Rule(ROOM_OWNER, lambda w: _room(w, mode="OFFER")),
    "pinRecognizedProduct": Rule(ROOM_OWNER, lambda w: _room(w, productId=w.product_id)),
    "startFlashSale": Rule(ROOM_OWNER, lambda w: {"input": _room(w, variantId=w.variant_id, priceCents=500, quantity=2)}),
    "endFlashSale": Rule(ROOM_OWNER, lambda w: {"saleId": w.new_sale()}),
    "buyFlashSale": Rule(USERS, lambda w: {"saleId": w.new_sale(), "shipping": ADDRESS, "idempotencyKey": w.key()}),
    "startAuction": Rule(ROOM_OWNER, lambda w: {"input": _room(w, variantId=w.variant_id, startPrice=100, increment=10)}),
    "placeBid": Rule(USERS, lambda w: {"auctionId": w.new_auction(), "amount": 100, "shipping": ADDRESS}),
    # simulcast (a streamer's own RTMP destinations; another's look like none at all)
    "addSimulcastDestination": Rule(STREAMERS, lambda w: {"name": "YouTube", "url": RTMP_URL}),
    "setSimulcastDestinationEnabled": Rule(TOKEN_OWNER, lambda w: {"destinationId": _new_destination(w), "enabled": False}, hides=True),
    "removeSimulcastDestination": Rule(TOKEN_OWNER, lambda w: {"destinationId": _new_destination(w)}, hides=True),
    # analytics
    "decideFraudFlag": Rule(SITE_MODS, lambda w: {"flagId": w.new_fraud_flag(), "decision": "DISMISSED"}),
}


def rules(name: str) -> tuple[Rule, ...]:
    found = MUTATIONS[name]
    return found if isinstance(found, tuple) else (found,)


# --- pages -------------------------------------------------------------------------------
# Page POST routes × the roles a browser can be (API tokens do not log pages in: a Bearer
# header on a page is ignored, so ``token_write`` is denied like an anonymous visitor).
# ``form`` builds the path parameters and the form fields; the CSRF token is added.

PAGE_ROLES = (ANON, VIEWER, OTHER, OWNER, MOD, ADMIN, TOKEN_WRITE)
P_PUBLIC = frozenset(PAGE_ROLES)
P_USERS = frozenset({VIEWER, OTHER, OWNER, MOD, ADMIN})
P_STREAMERS = frozenset({OTHER, OWNER, ADMIN})
P_OWNER = frozenset({OWNER, ADMIN})
P_MODS = frozenset({OWNER, MOD, ADMIN})
P_SITE_MODS = frozenset({MOD, ADMIN})


@dataclass(frozen=True)
class PageRule:
    allow: frozenset[str]
    form: Callable[[World], dict[str, Any]]  # {"path": {...}, "data": {...}}
    hides: bool = False


def _p(path: dict[str, Any] | None = None, **data: Any) -> dict[str, Any]:
    return {"path": path or {}, "data": data}


def _rid(w: World) -> dict[str, Any]:
    return {"room_id": w.room.id}


PAGES: dict[str, PageRule] = {
    # accounts: public forms; /account and /logout need a session
    "/register": PageRule(P_PUBLIC, lambda w: _p(email=w.unique_email(), password=PASSWORD, display_name="New Person")),
    "/register/validate/{name:str}": PageRule(P_PUBLIC, lambda w: _p({"name": "email"}, email="x@example.com")),
    "/login": PageRule(P_PUBLIC, lambda w: _p(email=w.login_email, password=PASSWORD)),
    "/logout": PageRule(P_PUBLIC, lambda w: _p()),
    "/forgot": PageRule(P_PUBLIC, lambda w: _p(email=w.login_email)),
    "/reset/{token:str}": PageRule(P_PUBLIC, lambda w: _p({"token": w.new_reset_token()}, password="another-horse-43")),
    "/account": PageRule(P_USERS, lambda w: _p(action="create_token", name="app", scope="read")),
    # rooms
    "/rooms/{room_id:int}/like": PageRule(P_USERS, lambda w: _p(_rid(w), count="2")),
    "/rooms/{room_id:int}/follow": PageRule(P_USERS, lambda w: _p(_rid(w), action="follow")),
    "/studio": PageRule(P_STREAMERS, lambda w: _p(title="Studio room")),
    "/studio/rooms/{room_id:int}": PageRule(P_OWNER, lambda w: _p(_rid(w), action="rotate")),
    "/studio/rooms/{room_id:int}/test-source": PageRule(P_OWNER, lambda w: _p({"room_id": w.pk(w.new_room(live=False))})),
    # chat and moderation
    "/rooms/{room_id:int}/chat": PageRule(P_USERS, lambda w: _p(_rid(w), text="hello from a page")),
    "/rooms/{room_id:int}/messages/{message_id:int}/delete": PageRule(P_MODS, lambda w: _p({**_rid(w), "message_id": w.pk(w.new_message())})),
    "/rooms/{room_id:int}/messages/{message_id:int}/report": PageRule(P_USERS, lambda w: _p({**_rid(w), "message_id": w.pk(w.new_message())}, reason="spam")),
    "/rooms/{room_id:int}/mute": PageRule(P_MODS, lambda w: _p(_rid(w), user_id=w.pk(w.new_target()), minutes="5")),
    "/rooms/{room_id:int}/unmute": PageRule(P_MODS, lambda w: _p(_rid(w), user_id=w.pk(w.muted_target()))),
    "/rooms/{room_id:int}/ban": PageRule(P_MODS, lambda w: _p(_rid(w), user_id=w.pk(w.new_target()))),
    "/rooms/{room_id:int}/unban": PageRule(P_MODS, lambda w: _p(_rid(w), user_id=w.pk(w.banned_target()))),
    "/rooms/{room_id:int}/slow-mode": PageRule(P_MODS, lambda w: _p(_rid(w), seconds="0")),
    "/admin/reports/{report_id:int}/resolve": PageRule(P_MODS, lambda w: _p({"report_id": w.pk(w.new_report())}, action="dismiss")),
    "/admin/banned-words": PageRule(P_SITE_MODS, lambda w: _p(word=w.unique_word())),
    "/admin/banned-words/{word_id:int}/delete": PageRule(P_SITE_MODS, lambda w: _p({"word_id": w.pk(w.new_banned_word(room=False))})),
    "/admin/rooms/{room_id:int}/stop": PageRule(P_MODS, lambda w: _p({"room_id": w.pk(w.new_room(live=True))})),
    # gifts
    "/rooms/{room_id:int}/gift": PageRule(P_USERS, lambda w: _p(_rid(w), gift_id=str(w.gift.id), quantity="1", idempotency_key=w.key())),
    "/wallet/top-up": PageRule(P_USERS, lambda w: _p(pack_id="coins-60", card_number=APPROVED_CARD, idempotency_key=w.key())),
    # commerce
    "/cart/add": PageRule(P_USERS, lambda w: _p(variant_id=str(w.variant.id), quantity="1")),
    "/cart/update": PageRule(P_USERS, lambda w: _p(variant_id=str(w.variant.id), quantity="0")),
    "/checkout": PageRule(P_USERS, lambda w: _p(idempotency_key=w.key(), **w.page_address())),
    "/checkout/start": PageRule(P_USERS, lambda w: _p(variant_id=str(w.variant.id), quantity="1")),
    "/orders/{order_id:int}/{action:str}": PageRule(frozenset({VIEWER, OWNER, ADMIN}), lambda w: _p({"order_id": w.pk(w.new_order()), "action": "cancel"}), hides=True),
    "/studio/products": PageRule(P_STREAMERS, lambda w: _p(action="create_product", title="Studio thing")),
    "/studio/products/{product_id:int}/images": PageRule(P_OWNER, lambda w: {"path": {"product_id": w.product.id}, "data": {}, "files": {"image": ("a.png", w.png(), "image/png")}}),
    "/studio/orders": PageRule(P_OWNER, lambda w: _p(action="ship", order_id=w.pk(w.new_order("paid")), tracking="TRACK12345"), hides=True),
    "/studio/coupons": PageRule(P_STREAMERS, lambda w: _p(action="create", code=w.unique_code(), kind="fixed", amount="1.00")),
    "/coupons/{coupon_id:int}/claim": PageRule(P_USERS, lambda w: _p({"coupon_id": w.pk(w.dropped_coupon())})),
    # live commerce
    "/rooms/{room_id:int}/buy": PageRule(P_USERS, lambda w: _p(_rid(w), variant_id=str(w.variant.id), quantity="1")),
    "/rooms/{room_id:int}/quick-buy": PageRule(P_USERS, lambda w: _p(_rid(w), variant_id=str(w.variant.id), idempotency_key=w.key(), **w.page_address())),
    "/rooms/{room_id:int}/flash-sales/{sale_id:int}/buy": PageRule(P_USERS, lambda w: _p({**_rid(w), "sale_id": w.pk(w.new_sale())}, idempotency_key=w.key(), **w.page_address())),
    "/rooms/{room_id:int}/auctions/{auction_id:int}/bid": PageRule(P_USERS, lambda w: _p({**_rid(w), "auction_id": w.pk(w.new_auction())}, amount="1.00", **w.page_address())),
    "/studio/rooms/{room_id:int}/shelf": PageRule(P_OWNER, lambda w: _p(_rid(w), product_id=str(w.product.id))),
    "/studio/rooms/{room_id:int}/shelf/{action:str}": PageRule(P_OWNER, lambda w: _p({**_rid(w), "action": "pin"}, product_id=str(w.product.id))),
    # faq (chat auto-answers)
    "/studio/rooms/{room_id:int}/faq": PageRule(P_MODS, lambda w: _p(_rid(w), action="create", questions="Do you ship?", answer="Yes.")),
    "/rooms/{room_id:int}/faq-answers/{answer_id:int}/unhelpful": PageRule(frozenset({VIEWER}), lambda w: _p({**_rid(w), "answer_id": w.pk(_new_faq_answer(w))}), hides=True),
    # simulcast
    "/studio/simulcast": PageRule(P_STREAMERS, lambda w: _p(action="add", name="YouTube", url=RTMP_URL)),
    # analytics
    "/admin/fraud/scan": PageRule(P_SITE_MODS, lambda w: _p()),
    "/admin/fraud/{flag_id:int}/decide": PageRule(P_SITE_MODS, lambda w: _p({"flag_id": w.pk(w.new_fraud_flag())}, decision="dismissed")),
}

# POST routes that are not user actions: their own authentication, not a session.
NOT_PAGE_ACTIONS = {
    "/graphql": "the API: covered by the mutation table",
    "/webhooks/payments": "the payment provider's webhook: HMAC-signed body, no session",
}

from tests.hardening import authz_growth as _growth  # noqa: E402
from tests.hardening import authz_reach as _reach  # noqa: E402

MUTATIONS.update(_growth.MUTATIONS)
PAGES.update(_growth.PAGES)
MUTATIONS.update(_reach.MUTATIONS)
PAGES.update(_reach.PAGES)
NOT_PAGE_ACTIONS.update(_reach.NOT_PAGE_ACTIONS)
