"""Demo data for ``make run`` (idempotent): users of each role, a live room with a shop and
its FAQs, a few chat lines, each domain's demo data (the gift catalog and coins), then the
shop window (:mod:`app.seed_showcase`): more streamers and live rooms, product photos,
recorded replays with chat, upcoming lives with reminders."""

from __future__ import annotations

from app.accounts.models import Role, User
from app.accounts.passwords import hash_password
from app.faq import answering
from app.faq.seed import seed_faqs
from app.gifts.seed import seed_gifts
from app.seed_showcase import seed_showcase
from app.settings import Settings

DEMO_PASSWORD = "livemart-demo-1"
DEMO_USERS = [
    ("streamer@demo.livemart", "Mia Streams", Role.STREAMER),
    ("viewer@demo.livemart", "Leo Viewer", Role.VIEWER),
    ("mod@demo.livemart", "Ada Moderator", Role.MODERATOR),
    ("admin@demo.livemart", "Root Admin", Role.ADMIN),
]


async def seed_demo(settings: Settings, live_rooms: int = 3) -> str:
    """Seed the demo; ``live_rooms`` (1 to 3) live rooms stream a test picture each.
    Files (product photos, replays) go under ``settings.var_dir``."""
    from app.commerce import config as commerce_config

    commerce_config.configure(settings)
    users: dict[str, User] = {}
    for email, name, role in DEMO_USERS:
        user = await User.get_or_none(email=email)
        if user is None:
            user = await User.create(
                email=email,
                display_name=name,
                role=role,
                password_hash=hash_password(DEMO_PASSWORD),
            )
        users[email] = user
    lines = [f"demo users ready (password {DEMO_PASSWORD!r}): " + ", ".join(users)]
    room_line, room_id = await _seed_live_room(users["streamer@demo.livemart"])
    lines.append(room_line)
    lines.append(await _seed_shop(users["streamer@demo.livemart"], room_id))
    lines.append(await seed_faqs(users["streamer@demo.livemart"], room_id))
    lines.append(await _seed_chat(users, room_id))
    await answering.drain()  # the demo chat's question gets its auto-answer
    lines.append(await seed_gifts(settings, users))
    lines.extend(
        await seed_showcase(
            settings,
            users["streamer@demo.livemart"],
            users["viewer@demo.livemart"],
            DEMO_PASSWORD,
            live_rooms,
        )
    )
    return "\n".join(lines)


async def _seed_live_room(streamer: User) -> tuple[str, int]:
    """A live room streaming the test pattern (the media worker picks it up)."""
    from app.rooms import services as rooms
    from app.rooms.models import Room, RoomStatus

    room = await Room.filter(owner_id=streamer.id, status=RoomStatus.LIVE).first()
    if room is None:
        room = await rooms.create_room(streamer, "Demo live: spring sneaker drop", "fashion")
        room = await rooms.use_test_source(streamer, room.id)
    return f"demo room {room.id} is live: http://127.0.0.1:8000/rooms/{room.id}", room.id


DEMO_PRODUCTS = [
    ("Cloudrunner sneakers", "Light knit runners with a recycled sole.", "CLOUD-42", 8900, 40),
    ("Canvas tote", "Heavy canvas, inside pocket, fits a laptop.", "TOTE-NAT", 2400, 120),
    ("Merino socks (3 pairs)", "Soft, warm, no itch.", "SOCK-3P", 1500, 200),
]


async def _seed_shop(streamer: User, room_id: int) -> str:
    """Products on the demo room's shelf, one pinned, and a running flash sale."""
    from app.commerce import catalog, flash_sales, shelf
    from app.commerce.models import Product

    created = 0
    products = []
    for title, description, sku, price, stock in DEMO_PRODUCTS:
        product = await Product.filter(merchant_id=streamer.id, title=title).first()
        if product is None:
            product = await catalog.create_product(streamer, title, description)
            await catalog.add_variant(streamer, product.id, sku, price, stock=stock)
            created += 1
        products.append(product)
        await shelf.ensure_on_shelf(room_id, product.id)
    await shelf.pin_product(streamer, room_id, products[0].id)
    if not await flash_sales.active_sales(room_id):
        variant = (await catalog.variants_for_products([products[0].id]))[products[0].id][0]
        await flash_sales.start_flash_sale(
            streamer,
            room_id,
            variant.id,
            5900,
            quantity=20,
            per_user_limit=1,
            duration_seconds=6 * 3600,
        )
    return f"shop: {len(products)} products on the shelf ({created} new), a flash sale running"


async def _seed_chat(users: dict[str, User], room_id: int) -> str:
    """A few chat lines so the demo room does not open empty."""
    from app.chat import services as chat
    from app.chat.models import ChatMessage
    from app.errors import UserError

    if await ChatMessage.filter(room_id=room_id).exists():
        return "chat: already has messages"
    lines = [
        ("viewer@demo.livemart", "Hi! Do the sneakers run true to size?"),
        ("streamer@demo.livemart", "They do. Flash sale on them right now!"),
        ("viewer@demo.livemart", "Grabbing a pair 🎉"),
    ]
    for email, text in lines:
        try:
            await chat.post_message(users[email], room_id, text)
        except UserError:
            continue
    return "chat: 3 messages"
