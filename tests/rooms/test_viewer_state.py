"""``app.rooms.viewer_state`` reads in one statement what the per-domain services say about
a viewer: follow, balance, ban, mute, units bought per sale."""

from __future__ import annotations

from datetime import timedelta

from app.chat import services as chat
from app.commerce import flash_sales
from app.gifts import wallet
from app.moderation.models import RoomBan, RoomMute
from app.querycount import count_queries
from app.rooms import services as rooms
from app.rooms.viewer_state import ViewerState, viewer_state
from app.signals import now
from tests.live_commerce.conftest import SHIPPING, make_shop, make_user


async def _by_services(user_id: int, shop, sale_ids: list[int]) -> ViewerState:  # type: ignore[no-untyped-def]
    from app.accounts.models import User

    user = await User.get(id=user_id)
    return ViewerState(
        following=await rooms.is_following(user, shop.seller.id),
        balance=await wallet.balance_of(user_id),
        banned=await chat.is_banned(shop.room.id, user_id),
        muted_until=await chat.active_mute(shop.room.id, user_id),
        bought=await flash_sales.bought_by(user, sale_ids),
    )


async def test_one_statement_says_what_the_services_say(app: object) -> None:
    shop = await make_shop()
    sale = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 1900, 10, per_user_limit=3
    )
    other = await flash_sales.start_flash_sale(
        shop.seller, shop.room.id, shop.variant.id, 1800, 10, per_user_limit=3
    )
    quiet = await make_user("quiet@example.com", "Quiet")
    busy = await make_user("busy@example.com", "Busy")
    await rooms.follow(busy, shop.seller.id)
    await RoomBan.create(room_id=shop.room.id, user_id=busy.id)
    await RoomMute.create(room_id=shop.room.id, user_id=busy.id, until=now() + timedelta(minutes=9))
    await RoomMute.create(
        room_id=shop.room.id, user_id=quiet.id, until=now() - timedelta(minutes=1)
    )
    for key in ("a", "b"):
        await flash_sales.buy_flash_sale(busy, sale.id, shipping=SHIPPING, idempotency_key=key)
    sales = [sale.id, other.id]
    for user in (quiet, busy):
        with count_queries() as sql:
            state = await viewer_state(user.id, shop.room.id, shop.seller.id, sales)
        assert sql.count == 1
        expected = await _by_services(user.id, shop, sales)
        assert state.following == expected.following
        assert state.balance == expected.balance
        assert state.banned == expected.banned
        assert (state.muted_until is None) == (expected.muted_until is None)
        assert state.bought == expected.bought
    busy_state = await viewer_state(busy.id, shop.room.id, shop.seller.id, sales)
    assert busy_state.following and busy_state.banned and busy_state.muted_until is not None
    assert busy_state.bought == {sale.id: 2}
    assert await viewer_state(quiet.id, shop.room.id, shop.seller.id, []) == ViewerState(
        balance=await wallet.balance_of(quiet.id)
    )
