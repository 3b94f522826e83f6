"""The demo room's FAQs (English and Chinese phrasings), for ``livemart seed-demo`` and the
answer-quality test (``tests/faq/questions.json`` names them by ``slug``)."""

from __future__ import annotations

from app.accounts.models import User
from app.faq.models import Faq

# (slug, product title or None for a room FAQ, phrasings, answer)
DEMO_FAQS: list[tuple[str, str | None, list[str], str]] = [
    (
        "sizing",
        "Cloudrunner sneakers",
        [
            "Do the sneakers run true to size?",
            "What size should I order?",
            "Do they run small or large?",
            "Is there a size chart?",
            "鞋子尺码标准吗？",
            "尺码偏大还是偏小？",
            "怎么选尺码？",
        ],
        "Cloudrunners run true to size; if you are between sizes, take the larger one. "
        "尺码标准，介于两个尺码之间请选大一码。",
    ),
    (
        "shipping",
        None,
        [
            "How long does shipping take?",
            "When will my order arrive?",
            "How much is shipping?",
            "Is shipping free?",
            "Do you ship internationally?",
            "多久发货？",
            "几天能到？",
            "包邮吗？",
            "运费多少？",
        ],
        "Orders ship within 24 hours and arrive in 2-5 days; shipping is free over USD 30. "
        "24小时内发货，2-5天送达，满30美元包邮。",
    ),
    (
        "returns",
        None,
        [
            "What is your return policy?",
            "Can I return it if it doesn't fit?",
            "How do I get a refund?",
            "Can I exchange for another size?",
            "可以退货吗？",
            "支持七天无理由退换吗？",
            "怎么退款？",
        ],
        "Returns and exchanges are free within 30 days, unworn with tags; refunds land in "
        "3-5 days. 30天内免费退换，退款3-5天到账。",
    ),
    (
        "payment",
        None,
        [
            "Which payment methods do you accept?",
            "Can I pay by card?",
            "Do you take PayPal?",
            "支持什么付款方式？",
            "可以用信用卡支付吗？",
        ],
        "We take cards and your livemart wallet at checkout. 支持银行卡和钱包支付。",
    ),
    (
        "tote-laptop",
        "Canvas tote",
        [
            "Does the tote fit a laptop?",
            "How big is the tote bag?",
            "What are the tote's dimensions?",
            "托特包能装笔记本电脑吗？",
            "包包有多大？",
        ],
        "The tote is 40 × 35 × 12 cm and fits a 15-inch laptop in its padded pocket. "
        "尺寸40×35×12厘米，可放15寸笔记本电脑。",
    ),
    (
        "socks-material",
        "Merino socks (3 pairs)",
        [
            "What are the socks made of?",
            "Are the socks wool?",
            "Can I machine wash the socks?",
            "袜子是什么材质？",
            "袜子可以机洗吗？",
        ],
        "80% merino wool, 20% nylon; machine wash cold, no tumble dry. "
        "80%美利奴羊毛，可冷水机洗，勿烘干。",
    ),
    (
        "tracking",
        None,
        [
            "How do I track my order?",
            "Where is my package?",
            "Where can I see my order status?",
            "怎么查物流？",
            "我的快递到哪了？",
        ],
        "Open Orders in your account: each order shows its status and tracking link. "
        "在“我的订单”里查看物流。",
    ),
]


async def seed_faqs(streamer: User, room_id: int) -> str:
    """The demo FAQs in the demo room (idempotent: the ones missing are added)."""
    from app.commerce.models import Product
    from app.faq import services

    existing = {tuple(f.questions[:1]) for f in await Faq.filter(room_id=room_id)}
    added = 0
    for _slug, title, questions, answer in DEMO_FAQS:
        if (questions[0],) in existing:
            continue
        product = (
            await Product.filter(merchant_id=streamer.id, title=title).first() if title else None
        )
        await services.create_faq(
            streamer, room_id, questions, answer, product.id if product else None
        )
        added += 1
    return f"faq: {len(DEMO_FAQS)} demo FAQs ({added} new)"


async def demo_faq_ids(room_id: int) -> dict[str, int]:
    """``{slug: faq id}`` of the demo FAQs in a room."""
    by_first = {f.questions[0]: f.id for f in await Faq.filter(room_id=room_id)}
    return {slug: by_first[qs[0]] for slug, _t, qs, _a in DEMO_FAQS if qs[0] in by_first}
