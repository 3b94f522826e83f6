"""Export my data and delete my account: the export holds every table that points at the
user, deletion leaves no personal data behind and the ledger balanced."""

from __future__ import annotations

import json

import pytest
from tortoise import Tortoise
from tortoise.fields.relational import ForeignKeyFieldInstance, OneToOneFieldInstance
from tortoise.models import Model

from app.accounts import services as accounts
from app.accounts.models import User
from app.chat import services as chat
from app.commerce import cart
from app.commerce.models import Order, Variant
from app.commerce.ordering.payment import pay_with_coins
from app.errors import UserError
from app.gifts import services as gifts
from app.gifts import wallet
from app.profiles import privacy
from app.profiles import services as profiles
from app.profiles.models import Profile
from app.recs.runtime import get_log
from app.rooms import services as rooms
from tests.commerce.helpers import ADDRESS, PASSWORD, fund, make_user
from tests.profiles.helpers import make_shop, updater, watch_and_buy

NAME = "Zenobia Quill"
EMAIL = "zenobia@example.com"
CHAT = "hello from zenobia-7781"


def privacy_models() -> list[type[Model]]:
    assert Tortoise.apps is not None
    return [
        m for m in dict(Tortoise.apps.items())["models"].values() if m._meta.db_table != "aerich"
    ]


def tables_pointing_at_users() -> set[str]:
    """Every table with a foreign key (or one-to-one key) to users, found independently of
    the code under test."""
    found = set()
    for model in privacy_models():
        for field in model._meta.fields_map.values():
            if (
                isinstance(field, ForeignKeyFieldInstance | OneToOneFieldInstance)
                and field.related_model is User
            ):
                found.add(model._meta.db_table)
    return found


async def _busy_user() -> User:
    """A user with data in many tables: profile, interests, interactions, a follow, a chat
    message, a session, a token, coins, a gift and a paid order with an address."""
    shop = await make_shop()
    await rooms.open_room(shop.merchant, shop.sneaker_room.id)
    user = await make_user(EMAIL, NAME)
    await accounts.start_session(user)
    await accounts.create_api_token(user, "my app", "read")
    await profiles.update_interests(user, ["fashion"])
    await rooms.follow(user, shop.merchant.id)
    await chat.post_message(user, shop.sneaker_room.id, CHAT)
    await fund(user, 50_000)
    rose = (await gifts.ensure_default_gifts())[0]
    await gifts.send_gift(user, shop.sneaker_room.id, rose.id, 1, "gift-1")
    variant = await Variant.get(product_id=shop.sneakers[0].id)
    order = await cart.buy_now(
        user,
        variant.id,
        1,
        shipping=ADDRESS,
        idempotency_key="order-1",
        room_id=shop.sneaker_room.id,
    )
    await pay_with_coins(user, order.id, "pay-1")
    await watch_and_buy(user.id, shop.sneaker_room, shop.sneakers, order.created_at)
    await updater().flush()
    log = get_log()
    assert log is not None
    await log.flush()
    return user


async def test_export_contains_every_table_that_holds_the_users_data(app: object) -> None:
    user = await _busy_user()
    data = await privacy.export_data(user)
    text = privacy.export_json(data)
    exported = json.loads(text)["tables"]

    missing = tables_pointing_at_users() - set(exported)
    assert missing == set(), f"tables not in the export: {missing}"
    for table in (
        "profiles",
        "profile_tags",
        "chat_messages",
        "follows",
        "orders",
        "ledger_entries",
        "interactions",
        "api_tokens",
        "web_sessions",
    ):
        assert exported[table], f"{table} exported empty"
    assert exported["users"][0]["email"] == EMAIL
    assert exported["chat_messages"][0]["text"] == CHAT
    assert exported["orders"][0]["shipping"]["name"] == ADDRESS["name"]
    assert "password_hash" not in exported["users"][0]
    assert all("token_hash" not in row for row in exported["api_tokens"])


async def _dump_everything() -> str:
    rows = {}
    for model in privacy_models():
        rows[model._meta.db_table] = await model.all().values()
    return json.dumps(rows, default=str)


async def test_deleting_the_account_leaves_no_personal_data_and_a_balanced_ledger(
    app: object,
) -> None:
    user = await _busy_user()
    assert await wallet.audit() == []
    entries_before = await wallet.ledger_sums()
    orders_before = await Order.all().count()

    with pytest.raises(UserError) as wrong:
        await privacy.delete_account(user, "not my password")
    assert wrong.value.code == "WRONG_PASSWORD"
    assert await User.filter(id=user.id, email=EMAIL).exists()  # nothing changed

    await privacy.delete_account(user, PASSWORD)

    everything = await _dump_everything()
    for personal in (EMAIL, NAME, CHAT, ADDRESS["line1"], ADDRESS["name"]):
        assert personal not in everything, f"{personal!r} is still stored"
    assert await wallet.audit() == []  # every wallet adds up, every transfer sums to zero
    assert await wallet.ledger_sums() == entries_before  # no entry changed or lost
    assert await Order.all().count() == orders_before  # the merchant's sales stay whole
    assert not await Profile.filter(user_id=user.id).exists()
    gone = await User.get(id=user.id)
    assert not gone.is_active and gone.display_name == privacy.DELETED_NAME
    with pytest.raises(UserError):
        await accounts.authenticate(EMAIL, PASSWORD)
    with pytest.raises(UserError):  # deleting twice is a clear error
        await privacy.delete_account(user, PASSWORD)
