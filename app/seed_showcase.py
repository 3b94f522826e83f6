"""The demo's shop window (called by :func:`app.seed.seed_demo`, idempotent): streamers
with handles and bios, products with photos drawn at seed time, live rooms that each show
a different test picture, past lives with a real recorded replay, their chat and pins on
its timeline, upcoming lives with reminders, and the chatters whose lines keep the demo's
chat moving (:mod:`app.demo_chatter`)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.accounts import handles
from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.chat.models import ChatMessage
from app.commerce import catalog, images, shelf
from app.commerce.models import PinMoment, Product, ProductImage
from app.rooms import schedule
from app.rooms import services as rooms
from app.rooms.models import LiveSession, Room, RoomStatus
from app.seed_photos import product_photo
from app.settings import Settings, default_ffmpeg

Color = tuple[int, int, int]


@dataclass(frozen=True)
class DemoProduct:
    title: str
    description: str
    sku: str
    price_cents: int
    stock: int
    kind: str  # app.seed_photos.KINDS
    main: Color
    accent: Color
    backdrop: tuple[Color, Color]


WARM = ((246, 238, 228), (214, 196, 178))
COOL = ((232, 240, 246), (176, 196, 214))
BLUSH = ((250, 236, 236), (226, 190, 196))
SAGE = ((236, 242, 232), (186, 204, 180))

# Mia's three products are the demo room's shelf (app.seed); their photos come from here.
PHOTOS: dict[str, tuple[str, Color, Color, tuple[Color, Color]]] = {
    "Cloudrunner sneakers": ("sneaker", (232, 90, 60), (30, 30, 30), WARM),
    "Canvas tote": ("tote", (226, 208, 170), (40, 70, 120), COOL),
    "Merino socks (3 pairs)": ("socks", (120, 130, 150), (200, 60, 60), WARM),
}


@dataclass(frozen=True)
class DemoStreamer:
    email: str
    name: str
    handle: str
    bio: str
    category: str
    live_title: str
    pattern: str  # media.TEST_PATTERNS: each live room shows its own picture
    products: tuple[DemoProduct, ...]


STREAMERS = (
    DemoStreamer(
        "kai@demo.livemart",
        "Kai Glow",
        "kaiglow",
        "Skincare that works, tested live. New serums every Tuesday.",
        "beauty",
        "Glow hour: serums and body oils",
        "mandelbrot",
        (
            DemoProduct(
                "Glow serum 30 ml",
                "Vitamin C and niacinamide, fragrance free.",
                "GLOW-30",
                3200,
                80,
                "bottle",
                (250, 210, 200),
                (190, 120, 110),
                BLUSH,
            ),
            DemoProduct(
                "Rose body oil",
                "Cold-pressed, light, absorbs in a minute.",
                "ROSE-OIL",
                2600,
                60,
                "bottle",
                (214, 120, 140),
                (120, 60, 70),
                BLUSH,
            ),
        ),
    ),
    DemoStreamer(
        "noor@demo.livemart",
        "Noor Home",
        "noorhome",
        "Slow living, good objects. Stoneware, gadgets and small luxuries.",
        "home",
        "Sunday home haul: mugs, vases and gadgets",
        "smptehdbars",
        (
            DemoProduct(
                "Stoneware mug",
                "Hand-glazed, 350 ml, dishwasher safe.",
                "MUG-350",
                1800,
                150,
                "mug",
                (60, 110, 150),
                (240, 240, 230),
                SAGE,
            ),
            DemoProduct(
                "Bud vase",
                "Speckled ceramic, for one stem or three.",
                "VASE-BUD",
                2200,
                70,
                "vase",
                (230, 220, 205),
                (220, 120, 140),
                WARM,
            ),
            DemoProduct(
                "Studio headphones",
                "Closed-back, 40 h battery, folds flat.",
                "HEAD-40",
                12900,
                25,
                "headphones",
                (40, 40, 45),
                (200, 160, 90),
                COOL,
            ),
            DemoProduct(
                "Pulse smartwatch",
                "Heart rate, GPS, a week per charge.",
                "WATCH-P1",
                14900,
                30,
                "watch",
                (60, 60, 66),
                (80, 220, 140),
                COOL,
            ),
        ),
    ),
)

CHATTERS = (
    ("chatter1@demo.livemart", "Zoe"),
    ("chatter2@demo.livemart", "Sam K."),
    ("chatter3@demo.livemart", "Priya"),
    ("chatter4@demo.livemart", "Tom"),
)

REPLAY_SECONDS = 24
# (seconds into the live, chatter index or -1 for the streamer, text)
REPLAY_CHAT = (
    (2, -1, "Hi everyone, welcome back!"),
    (4, 0, "Hiii!"),
    (6, 1, "What are we looking at today?"),
    (9, -1, "First up: the one on screen now"),
    (12, 2, "Is there a discount code?"),
    (14, -1, "Pinned the next one for you"),
    (17, 3, "Ordered!!"),
    (20, 0, "See you next week"),
)


async def _user(email: str, name: str, role: Role, password: str) -> User:
    user = await User.get_or_none(email=email)
    if user is None:
        user = await User.create(
            email=email, display_name=name, role=role, password_hash=hash_password(password)
        )
    return user


async def product_with_photo(merchant: User, item: DemoProduct) -> Product:
    """The merchant's product (created with its variant the first time) with a photo."""
    product = await Product.filter(merchant_id=merchant.id, title=item.title).first()
    if product is None:
        product = await catalog.create_product(merchant, item.title, item.description)
        await catalog.add_variant(
            merchant, product.id, item.sku, item.price_cents, stock=item.stock
        )
    await ensure_photo(merchant, product, item.kind, item.main, item.accent, item.backdrop)
    return product


async def ensure_photo(
    merchant: User,
    product: Product,
    kind: str,
    main: Color,
    accent: Color,
    backdrop: tuple[Color, Color],
) -> None:
    """Give ``product`` a drawn photo unless it has one already."""
    if await ProductImage.filter(product_id=product.id).exists():
        return
    data = await asyncio.to_thread(product_photo, kind, main, accent, backdrop)
    await images.add_product_image(merchant, product.id, data)


async def _record_replay(ffmpeg: str, hls_dir: Path, room: Room, pattern: str) -> str:
    """A real recorded replay (HLS VOD, H.264/AAC) of a test picture, plus the room's
    thumbnail; returns the playlist's path relative to the HLS root."""
    out = hls_dir / str(room.id) / "replay"
    out.mkdir(parents=True, exist_ok=True)
    playlist = out / "index.m3u8"
    if not playlist.exists():
        graph = (
            f"{pattern}=s=640x360:r=25,trim=duration={REPLAY_SECONDS}[out0];"
            f"sine=f=330:r=48000:d={REPLAY_SECONDS}[out1]"
        )
        args = [
            ffmpeg,
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            graph,
            "-map",
            "0:v",
            "-map",
            "0:a",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "50",
            "-c:a",
            "aac",
            "-b:a",
            "64k",
            "-f",
            "hls",
            "-hls_time",
            "2",
            "-hls_playlist_type",
            "vod",
            "-hls_segment_filename",
            str(out / "seg_%03d.ts"),
            str(playlist),
            "-map",
            "0:v",
            "-ss",
            "3",
            "-frames:v",
            "1",
            str(hls_dir / str(room.id) / "thumb.jpg"),
        ]
        proc = await asyncio.create_subprocess_exec(
            *args, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
        )
        _, err = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f"ffmpeg could not record the demo replay: {err.decode()[-300:]}")
    return f"{room.id}/replay/index.m3u8"


async def past_live(
    settings: Settings,
    streamer: User,
    title: str,
    category: str,
    pattern: str,
    days_ago: int,
    products: list[Product],
    chatters: list[User],
) -> Room:
    """An ended live of ``streamer`` with a recorded replay, its chat and pins."""
    room = await Room.filter(owner_id=streamer.id, title=title).first()
    if room is not None:
        return room
    room = await rooms.create_room(streamer, title, category)
    start = (datetime.now(UTC) - timedelta(days=days_ago)).replace(
        hour=18, minute=0, second=0, microsecond=0
    )
    end = start + timedelta(seconds=REPLAY_SECONDS)
    await Room.filter(id=room.id).update(
        status=RoomStatus.ENDED, started_at=start, ended_at=end, peak_viewers=40 + days_ago * 7
    )
    path = await _record_replay(
        settings.ffmpeg or default_ffmpeg(), settings.hls_dir, room, pattern
    )
    await LiveSession.create(
        room_id=room.id,
        started_at=start,
        ended_at=end,
        peak_viewers=40 + days_ago * 7,
        replay_path=path,
        replay_seconds=float(REPLAY_SECONDS),
    )
    for second, who, text in REPLAY_CHAT:
        author = streamer if who < 0 else chatters[who % len(chatters)]
        badge = "streamer" if who < 0 else ""
        message = await ChatMessage.create(
            room_id=room.id, user_id=author.id, text=text, badge=badge
        )
        at = start + timedelta(seconds=second)
        await ChatMessage.filter(id=message.id).update(created_at=at)
    for product in products:
        await shelf.ensure_on_shelf(room.id, product.id)
    for i, product in enumerate(products[:2]):  # pinned at 0 s, the next at 14 s
        await PinMoment.create(
            room_id=room.id, product_id=product.id, at=start + timedelta(seconds=i * 14)
        )
    return room


async def seed_showcase(
    settings: Settings, mia: User, viewer: User, password: str, live_rooms: int = 3
) -> list[str]:
    """Everything beyond the first demo room; returns summary lines. ``live_rooms``
    counts the demo room too (tests that run FFmpeg for one room only pass 1)."""
    lines: list[str] = []
    await handles.ensure_handle(mia)
    if not mia.bio:
        await handles.update_public_profile(
            mia, mia.handle or "mia", "Sneakers, bags and everyday carry. Live Fridays at 6."
        )
    mia_products = []
    for title, (kind, main, accent, backdrop) in PHOTOS.items():
        product = await Product.filter(merchant_id=mia.id, title=title).first()
        if product is not None:
            await ensure_photo(mia, product, kind, main, accent, backdrop)
            mia_products.append(product)
    chatters = [await _user(e, n, Role.VIEWER, password) for e, n in CHATTERS]
    live_count = 1
    for spec in STREAMERS:
        streamer = await _user(spec.email, spec.name, Role.STREAMER, password)
        if not streamer.handle:
            await handles.update_public_profile(streamer, spec.handle, spec.bio)
        products = [await product_with_photo(streamer, p) for p in spec.products]
        if live_count < live_rooms:
            room = await Room.filter(owner_id=streamer.id, status=RoomStatus.LIVE).first()
            if room is None:
                room = await rooms.create_room(streamer, spec.live_title, spec.category)
                room = await rooms.use_test_source(streamer, room.id, spec.pattern)
            for product in products:
                await shelf.ensure_on_shelf(room.id, product.id)
            if not await shelf.pinned_item(room.id):
                await shelf.pin_product(streamer, room.id, products[0].id)
            live_count += 1
            lines.append(f"live: {spec.name} in room {room.id} ({spec.pattern})")
        await past_live(
            settings,
            streamer,
            f"{spec.name}: last week's live",
            spec.category,
            spec.pattern,
            7,
            products,
            chatters,
        )
    replayed = await past_live(
        settings,
        mia,
        "Autumn sneaker preview",
        "fashion",
        "testsrc2",
        3,
        mia_products,
        chatters,
    )
    lines.append(f"replays: 3 recorded lives with chat, e.g. /rooms/{replayed.id}/replay")
    lines.append(await _upcoming(mia, viewer, chatters))
    return lines


async def _upcoming(mia: User, viewer: User, chatters: list[User]) -> str:
    """Two scheduled lives, with reminders asked for by the viewer and chatters."""
    noor = await User.get(email=STREAMERS[1].email)
    plans = [
        (mia, "Friday restock: new colours", "fashion", timedelta(days=1, hours=2)),
        (noor, "Table setting masterclass", "home", timedelta(days=2, hours=5)),
    ]
    for owner, title, category, ahead in plans:
        room = await Room.filter(owner_id=owner.id, title=title).first()
        if room is None:
            room = await schedule.schedule_live(owner, title, datetime.now(UTC) + ahead, category)
        for user in (viewer, *chatters[:2]):
            await schedule.remind_me(user, room.id)
    return "upcoming: 2 scheduled lives with reminders"
