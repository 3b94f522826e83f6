"""``livemart seed-demo`` builds the demo the README promises, and is idempotent."""

from __future__ import annotations

from app.seed import seed_demo
from app.settings import Settings


async def test_seed_demo_twice(app: object, settings: Settings) -> None:
    from app.accounts.models import User
    from app.chat.models import ChatMessage
    from app.commerce.live_models import FlashSale, ShelfItem
    from app.commerce.models import Product
    from app.gifts import wallet
    from app.gifts.models import Gift
    from app.rooms.models import Room

    first = await seed_demo(settings)
    second = await seed_demo(settings)
    assert "demo users ready" in first and "demo users ready" in second
    room = await Room.get(status="live")
    assert room.media_source == "test"
    assert await Room.filter(status="live").count() == 1
    assert await Product.all().count() == 3
    assert await ShelfItem.filter(room_id=room.id).count() == 3
    assert await FlashSale.filter(room_id=room.id).count() == 1
    assert await ChatMessage.filter(room_id=room.id).count() == 3
    # the gifts' demo data, called by seed_demo (no seeder registers itself on import)
    assert "gifts:" in first and "holds 2000 coins" in second
    viewer = await User.get(email="viewer@demo.livemart")
    assert await wallet.balance_of(viewer.id) == 2000
    assert await Gift.all().exists()
