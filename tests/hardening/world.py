"""The fixture world the hardening tests run in, and one HTTP caller per role.

A live room owned by ``owner`` with a product / variant on its shelf, a gift catalog, coins,
a chat message, and a session (or API token) for every role. Builders (``new_order``,
``new_message`` …) make a fresh object per call, so one role's successful call never
changes what the next role is checked against.
"""

from __future__ import annotations

import base64
import inspect
import io
import itertools
import secrets
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

import httpx
from PIL import Image

from app.accounts import services as accounts
from app.accounts.models import ApiToken, PasswordReset, Role, User
from app.accounts.passwords import hash_password
from app.accounts.tokens import digest, new_secret
from app.api.ids import encode_id
from app.auth import CSRF_COOKIE, SESSION_COOKIE, new_csrf_token
from app.chat.models import ChatMessage
from app.commerce import auctions, cart, coupons, flash_sales, images, shelf
from app.commerce.models import Order, Product, Variant
from app.gifts import wallet
from app.gifts.models import EntryKind, Gift
from app.moderation.models import BannedWord, Report, RoomBan, RoomMute
from app.rooms.models import Room, RoomStatus

ANON = "anonymous"
VIEWER = "viewer"
OTHER = "other_streamer"
OWNER = "owner"
MOD = "moderator"
ADMIN = "admin"
TOKEN_READ = "token_read"
TOKEN_WRITE = "token_write"
ROLES = (ANON, VIEWER, OTHER, OWNER, MOD, ADMIN, TOKEN_READ, TOKEN_WRITE)
# Which user each role is (the API tokens are the room owner's).
ROLE_USER = {
    VIEWER: VIEWER,
    OTHER: OTHER,
    OWNER: OWNER,
    MOD: MOD,
    ADMIN: ADMIN,
    TOKEN_READ: OWNER,
    TOKEN_WRITE: OWNER,
}

PASSWORD = "correct-horse-42"
APPROVED_CARD = "4242 4242 4242 4242"
ADDRESS = {
    "name": "Ada Buyer",
    "line1": "1 Market Street",
    "city": "Springfield",
    "postalCode": "12345",
    "country": "US",
}
_HASH: list[str] = []


def password_hash() -> str:
    """One Argon2 hash of :data:`PASSWORD`, computed once per run (hashing is slow)."""
    if not _HASH:
        _HASH.append(hash_password(PASSWORD))
    return _HASH[0]


def png_base64(size: tuple[int, int] = (32, 32)) -> str:
    out = io.BytesIO()
    Image.new("RGB", size, "teal").save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def png_bytes(size: tuple[int, int] = (32, 32)) -> bytes:
    return base64.b64decode(png_base64(size))


async def resolve(value: Any) -> Any:
    """Await every awaitable inside ``value`` (dicts and lists included)."""
    if inspect.isawaitable(value):
        value = await value
    if isinstance(value, dict):
        return {k: await resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [await resolve(v) for v in value]
    return value


@dataclass
class World:
    client: httpx.AsyncClient
    secret_key: str
    users: dict[str, User] = field(default_factory=dict)
    sessions: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    room: Room = None  # type: ignore[assignment]
    product: Product = None  # type: ignore[assignment]
    variant: Variant = None  # type: ignore[assignment]
    gift: Gift = None  # type: ignore[assignment]
    message: ChatMessage = None  # type: ignore[assignment]
    login_email: str = "login@example.com"
    csrf: str = ""
    caller: User | None = None  # the user of the role whose arguments are being built
    _seq: itertools.count = field(default_factory=lambda: itertools.count(1))

    # --- ids ----------------------------------------------------------------------------

    def n(self) -> int:
        return next(self._seq)

    def key(self) -> str:
        return f"key-{self.n()}-{secrets.token_hex(4)}"

    def user_id(self, role: str) -> str:
        return encode_id("User", self.users[role].id)

    @property
    def room_id(self) -> str:
        return encode_id("Room", self.room.id)

    @property
    def owner_id(self) -> str:
        return self.user_id(OWNER)

    @property
    def target_id(self) -> str:
        return self.user_id("target")

    @property
    def product_id(self) -> str:
        return encode_id("Product", self.product.id)

    @property
    def variant_id(self) -> str:
        return encode_id("Variant", self.variant.id)

    @property
    def gift_id(self) -> str:
        return encode_id("Gift", self.gift.id)

    @property
    def message_id(self) -> str:
        return encode_id("ChatMessage", self.message.id)

    def unique_email(self) -> str:
        return f"new{self.n()}-{secrets.token_hex(3)}@example.com"

    def unique_word(self) -> str:
        return f"badword{self.n()}x"

    def unique_code(self) -> str:
        return f"CODE{self.n()}X{secrets.token_hex(2).upper()}"

    def unique_sku(self) -> str:
        return f"SKU-{self.n()}-{secrets.token_hex(2)}"

    # --- fresh objects --------------------------------------------------------------------

    async def make_user(self, label: str, role: Role = Role.VIEWER) -> User:
        user = await User.create(
            email=f"{label}-{self.n()}@example.com",
            display_name=label.replace("_", " ").title()[:40],
            password_hash=password_hash(),
            role=role,
        )
        return user

    async def new_room(self, live: bool = True) -> str:
        room = await Room.create(
            owner_id=self.users[OWNER].id,
            title=f"Room {self.n()}",
            status=RoomStatus.LIVE if live else RoomStatus.SCHEDULED,
            stream_key="sk_" + secrets.token_urlsafe(12),
        )
        return encode_id("Room", room.id)

    async def new_message(self) -> str:
        message = await ChatMessage.create(
            room_id=self.room.id, user_id=self.users["target"].id, text=f"line {self.n()}"
        )
        return encode_id("ChatMessage", message.id)

    async def new_target(self) -> str:
        return encode_id("User", (await self.make_user("target")).id)

    async def muted_target(self) -> str:
        from datetime import UTC, datetime, timedelta

        user = await self.make_user("muted")
        await RoomMute.create(
            room_id=self.room.id,
            user_id=user.id,
            until=datetime.now(UTC) + timedelta(hours=1),
            by_id=self.users[OWNER].id,
        )
        return encode_id("User", user.id)

    async def banned_target(self) -> str:
        user = await self.make_user("banned")
        await RoomBan.create(room_id=self.room.id, user_id=user.id, by_id=self.users[OWNER].id)
        return encode_id("User", user.id)

    async def new_banned_word(self, room: bool = True) -> str:
        word = self.unique_word()
        room_id = self.room.id if room else None
        found = await BannedWord.create(
            room_id=room_id,
            word=word,
            normalized=word,
            scope_key=f"{room_id or 'global'}:{word}",
            created_by_id=self.users[MOD].id,
        )
        return encode_id("BannedWord", found.id)

    async def new_report(self) -> str:
        message = await ChatMessage.create(
            room_id=self.room.id, user_id=self.users["target"].id, text=f"bad {self.n()}"
        )
        report = await Report.create(
            message_id=message.id,
            room_id=self.room.id,
            reporter_id=self.users[VIEWER].id,
            reason="spam",
            open_key=f"{message.id}:{self.users[VIEWER].id}",
        )
        return encode_id("Report", report.id)

    async def new_api_token(self) -> str:
        created = await accounts.create_api_token(self.users[OWNER], f"t{self.n()}", "read")
        return encode_id("ApiToken", created.token.id)

    async def fresh_credentials(self) -> None:
        """Give the caller back the world's password, sessions and tokens: a password
        change revokes the user's tokens and ends their other sessions."""
        if self.caller is None:
            return
        await User.filter(id=self.caller.id).update(password_hash=password_hash())
        await ApiToken.filter(user_id=self.caller.id).update(revoked_at=None)
        for label, user in self.users.items():
            if user.id == self.caller.id and label in self.sessions:
                self.sessions[label] = await accounts.start_session(user)

    async def new_reset_token(self) -> str:
        from datetime import UTC, datetime, timedelta

        secret = new_secret()
        user = await User.get(email=self.login_email)
        await PasswordReset.create(
            user=user, token_hash=digest(secret), expires_at=datetime.now(UTC) + timedelta(hours=1)
        )
        return secret

    async def new_product(self, on_shelf: bool = False) -> str:
        product = await Product.create(
            merchant_id=self.users[OWNER].id, title=f"Thing {self.n()}", price_cents=1000
        )
        if on_shelf:
            await shelf.ensure_on_shelf(self.room.id, product.id)
        return encode_id("Product", product.id)

    async def new_image(self) -> str:
        image = await images.add_product_image(self.users[OWNER], self.product.id, png_bytes())
        return encode_id("ProductImage", image.id)

    async def new_order(self, status: str = "pending") -> str:
        order = await cart.buy_now(
            self.users[VIEWER],
            self.variant.id,
            1,
            shipping=_snake(ADDRESS),
            idempotency_key=self.key(),
        )
        if status != "pending":
            await Order.filter(id=order.id).update(status=status)
        return encode_id("Order", order.id)

    async def new_coupon(self) -> str:
        coupon = await coupons.create_coupon(self.users[OWNER], self.unique_code(), "fixed", 100)
        return encode_id("Coupon", coupon.id)

    async def dropped_coupon(self) -> str:
        coupon = await coupons.create_coupon(self.users[OWNER], self.unique_code(), "fixed", 100)
        await coupons.drop_coupon(self.users[OWNER], self.room.id, coupon.id, 50)
        return encode_id("Coupon", coupon.id)

    async def new_sale(self) -> str:
        sale = await flash_sales.start_flash_sale(
            self.users[OWNER],
            self.room.id,
            self.variant.id,
            price_cents=500,
            quantity=5,
            per_user_limit=2,
        )
        return encode_id("FlashSale", sale.id)

    async def new_auction(self) -> str:
        auction = await auctions.start_auction(
            self.users[OWNER], self.room.id, self.variant.id, start_price=100, increment=10
        )
        return encode_id("Auction", auction.id)

    async def new_fraud_flag(self) -> str:
        from app.analytics.models import FlagKind, FraudFlag

        flag = await FraudFlag.create(
            kind=FlagKind.GIFT_RING,
            subject=f"ring:{self.n()}",
            room_id=self.room.id,
            evidence={"user_ids": [self.users["target"].id], "order_ids": []},
        )
        return encode_id("FraudFlag", flag.id)

    async def pk(self, gid: Awaitable[str]) -> int:
        """The primary key inside a global ID (for page URLs and forms)."""
        from strawberry import relay

        return int(relay.GlobalID.from_id(await gid).node_id)

    def page_address(self) -> dict[str, str]:
        return _snake(ADDRESS)

    def png(self) -> bytes:
        return png_bytes()

    async def cart_item(self) -> None:
        """Put the variant in the caller's cart (so a checkout has something to order)."""
        if self.caller is not None and self.caller.id != self.variant.merchant_id:  # type: ignore[attr-defined]
            await cart.add_to_cart(self.caller, self.variant.id, 1, None)

    # --- HTTP -----------------------------------------------------------------------------

    def headers(self, role: str, csrf: bool = True) -> dict[str, str]:
        """Request headers that authenticate as ``role`` (cookie + CSRF, or Bearer)."""
        cookies = [f"{CSRF_COOKIE}={self.csrf}"]
        headers: dict[str, str] = {}
        if role in (TOKEN_READ, TOKEN_WRITE):
            headers["Authorization"] = f"Bearer {self.tokens[role]}"
        elif role != ANON:
            cookies.append(f"{SESSION_COOKIE}={self.sessions[role]}")
        if csrf:
            headers["X-CSRF-Token"] = self.csrf
        headers["Cookie"] = "; ".join(cookies)
        return headers

    async def post(self, role: str, url: str, **kwargs: Any) -> httpx.Response:
        """POST as ``role``; the client's cookie jar is emptied so roles never mix."""
        headers = {**self.headers(role, kwargs.pop("csrf", True)), **kwargs.pop("headers", {})}
        self.client.cookies.clear()
        try:
            return await self.client.post(url, headers=headers, **kwargs)
        finally:
            self.client.cookies.clear()

    async def gql(
        self, role: str, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        response = await self.post(role, "/graphql", json={"query": query, "variables": variables})
        assert response.status_code == 200, response.text[:500]
        return response.json()


def _snake(address: dict[str, str]) -> dict[str, str]:
    return {("postal_code" if k == "postalCode" else k): v for k, v in address.items()}


async def build_world(client: httpx.AsyncClient, secret_key: str) -> World:
    """Users of every role, a live room with a product on its shelf, coins and a gift."""
    world = World(client=client, secret_key=secret_key, csrf=new_csrf_token(secret_key))
    roles = {
        VIEWER: Role.VIEWER,
        OTHER: Role.STREAMER,
        OWNER: Role.STREAMER,
        MOD: Role.MODERATOR,
        ADMIN: Role.ADMIN,
        "target": Role.VIEWER,
    }
    for label, role in roles.items():
        world.users[label] = await world.make_user(label, role)
    await User.create(email=world.login_email, display_name="Login", password_hash=password_hash())
    for label in (VIEWER, OTHER, OWNER, MOD, ADMIN):
        world.sessions[label] = await accounts.start_session(world.users[label])
    for label, scope in ((TOKEN_READ, "read"), (TOKEN_WRITE, "write")):
        created = await accounts.create_api_token(world.users[OWNER], label, scope)
        world.tokens[label] = created.secret
    owner = world.users[OWNER]
    world.room = await Room.create(
        owner_id=owner.id,
        title="Friday live",
        status=RoomStatus.LIVE,
        stream_key="sk_" + secrets.token_urlsafe(12),
    )
    world.product = await Product.create(
        merchant_id=owner.id, title="Silk scarf", price_cents=2500, room_id=world.room.id
    )
    world.variant = await Variant.create(
        product_id=world.product.id,
        merchant_id=owner.id,
        sku="SCARF-1",
        price_cents=2500,
        stock=10_000,
    )
    await shelf.ensure_on_shelf(world.room.id, world.product.id)
    world.gift = await Gift.create(name="Rose", coins=1, icon="🌹")
    for label in (VIEWER, OTHER, OWNER, MOD, ADMIN):
        await wallet.credit(
            world.users[label].id,
            100_000,
            EntryKind.TOPUP,
            f"seed:{label}",
            from_system=wallet.SYSTEM_EXTERNAL,
        )
    world.message = await ChatMessage.create(
        room_id=world.room.id, user_id=world.users["target"].id, text="hello there"
    )
    world.sale_id = await world.new_sale()  # type: ignore[attr-defined]
    return world
