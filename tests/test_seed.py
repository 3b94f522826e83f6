"""``livemart seed-demo`` builds the demo the README promises, and is idempotent."""

from __future__ import annotations

from PIL import Image

from app.seed import seed_demo
from app.settings import Settings


async def test_seed_demo_twice(app: object, settings: Settings) -> None:
    from app.accounts.models import User
    from app.chat.models import ChatMessage
    from app.commerce.live_models import FlashSale, ShelfItem
    from app.commerce.models import Product, ProductImage
    from app.gifts import wallet
    from app.gifts.models import Gift
    from app.rooms import replays, schedule
    from app.rooms.models import LiveSession, Room

    first = await seed_demo(settings)
    second = await seed_demo(settings)
    assert "demo users ready" in first and "demo users ready" in second
    mia = await User.get(email="streamer@demo.livemart")
    room = await Room.get(status="live", owner_id=mia.id)
    assert room.media_source == "test"
    # three live rooms, each showing its own test picture
    lives = await Room.filter(status="live").order_by("id")
    assert [r.media_source for r in lives] == ["test", "test:mandelbrot", "test:smptehdbars"]
    assert await Product.filter(merchant_id=mia.id).count() == 3
    # every product has a photo: a real PNG drawn at seed time, not a grey box
    for product in await Product.all():
        [image] = await ProductImage.filter(product_id=product.id)
        with Image.open(settings.var_dir / "uploads" / image.path) as photo:
            colours = photo.convert("RGB").resize((32, 32)).getcolors(1024) or []
        assert len(colours) > 50, f"{product.title}'s photo is flat"
    # recorded replays with their chat on the timeline, upcoming lives with reminders
    sessions = await LiveSession.exclude(replay_path="")
    assert len(sessions) == 3
    for session in sessions:
        playlist = settings.hls_dir / session.replay_path
        assert "#EXT-X-ENDLIST" in playlist.read_text()
        origin = replays.replay_origin(session, settings.hls_dir)
        lines = await replays.chat_timeline(session, origin)
        assert [line.at for line in lines][:3] == [2.0, 4.0, 6.0]
        assert len(await replays.pin_timeline(session, origin)) == 2
    upcoming = await schedule.upcoming()
    assert len(upcoming) == 2
    for scheduled in upcoming:
        assert len(await schedule.reminder_recipients(scheduled.id)) == 3
    handles = await User.filter(email__in=["kai@demo.livemart", "streamer@demo.livemart"])
    assert sorted(u.handle or "" for u in handles) == ["kaiglow", "miastreams"]
    assert await ShelfItem.filter(room_id=room.id).count() == 3
    assert await FlashSale.filter(room_id=room.id).count() == 1
    assert await ChatMessage.filter(room_id=room.id).count() == 3
    # the gifts' demo data, called by seed_demo (no seeder registers itself on import)
    assert "gifts:" in first and "holds 2000 coins" in second
    viewer = await User.get(email="viewer@demo.livemart")
    assert await wallet.balance_of(viewer.id) == 2000
    assert await Gift.all().exists()
