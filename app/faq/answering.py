"""Answering chat questions: the per-room index, the confidence gate and delivery.

:func:`after_message` is the chat hook: called once a message is accepted (stored and
published), it schedules the answer in a background task and returns at once, so the
send path never waits on it. The work is bounded: at most :data:`MAX_PENDING` questions
wait per process (more are dropped) and each gets :data:`TIMEOUT` seconds.

A room's index (:class:`app.faq.index.BM25Index`) holds one document per FAQ (its
phrasings, its answer, the title of its product) and one per product-fact kind
(:mod:`app.faq.facts`). Changes in this process update it in place
(:func:`faq_changed`, :func:`faq_removed`); a change made by another process is noticed
by the room's stamp (FAQ count and last change) and the index is rebuilt.

A question is answered when the best document's confidence (share of the question's
information it covers, :mod:`app.faq.index`) reaches :data:`MIN_CONFIDENCE` and its BM25
score :data:`MIN_SCORE`; the thresholds are calibrated on ``tests/faq/questions.json``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import typing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.functions import Count, Max

from app.accounts.models import User
from app.commerce.live_models import ShelfItem
from app.faq import facts
from app.faq.index import BM25Index, Hit
from app.faq.models import Faq, FaqAnswer, FaqRoomSettings
from app.faq.tokens import tokenize
from app.rooms import events

log = logging.getLogger("livemart.faq")

MIN_CONFIDENCE = 0.3
MIN_SCORE = 1.0
MAX_PENDING = 64
TIMEOUT = 5.0
ANSWER_LIMIT = 500  # characters of an answer sent to chat

_QUESTION_START = re.compile(
    r"^(what|whats|how|do|does|did|is|are|can|could|will|would|when|where|which|who|why|"
    r"any|should|shall|may|have|has)\b",
    re.IGNORECASE,
)
_ZH_QUESTION = re.compile(r"吗|呢|么|多少|几|哪|怎|什么|是否|有没有|能不能|可不可以|会不会|是不是")


def is_question(text: str) -> bool:
    """Whether a chat line asks something: a question mark, an English question word first,
    or a Chinese question word or particle."""
    text = (text or "").strip()
    if not text:
        return False
    if text.endswith(("?", "？")) or "?" in text or "？" in text:
        return True
    return bool(_QUESTION_START.match(text) or _ZH_QUESTION.search(text))


FaqKey = tuple[str, int]  # ("faq", id)
FactKey = tuple[str, str]  # ("fact", kind)


@dataclass
class RoomIndex:
    stamp: tuple[Any, ...]
    index: BM25Index = field(default_factory=BM25Index)
    # faq id → (answer, product id)
    answers: dict[int, tuple[str, int | None]] = field(default_factory=dict)


_rooms: dict[int, RoomIndex] = {}
_pending: set[asyncio.Task[None]] = set()


def faq_terms(faq: Faq, product_title: str = "") -> list[str]:
    text = " ".join([*faq.questions, *faq.questions, faq.answer, product_title])
    return tokenize(text)


async def _stamp(room_id: int) -> tuple[Any, ...]:
    """What the room's index was built from: its FAQ count and last change, and the
    products on its shelf (their titles are in the fact documents)."""
    shelf = (
        await ShelfItem.filter(room_id=room_id)
        .order_by("product_id")
        .values_list("product_id", flat=True)
    )
    rows: list[dict[str, Any]] = (
        await Faq.filter(room_id=room_id)
        .annotate(n=Count("id"), last=Max("updated_at"))
        .group_by("room_id")
        .values("n", "last")
    )
    if not rows:
        return (0, None, tuple(shelf))
    last = rows[0]["last"]
    last = last.isoformat() if isinstance(last, datetime) else last
    return (int(rows[0]["n"]), last, tuple(shelf))


async def _titles(product_ids: set[int]) -> dict[int, str]:
    from app.commerce.models import Product

    if not product_ids:
        return {}
    rows = await Product.filter(id__in=list(product_ids)).values_list("id", "title")
    return {int(pid): str(title) for pid, title in rows}


async def _build(room_id: int, stamp: tuple[Any, ...]) -> RoomIndex:
    faqs = await Faq.filter(room_id=room_id).order_by("id")
    titles = await _titles({f.product_id for f in faqs if f.product_id})
    # Every fact document names every shelf product: a product's name then tells no fact
    # kind from another, and a question about one fact of a product matches its kind.
    shelf_titles = " ".join(p.title for p in await facts.shelf_products(room_id))

    def terms() -> list[tuple[Any, list[str]]]:
        docs: list[tuple[Any, list[str]]] = [
            (("fact", kind), tokenize(f"{text} {shelf_titles}"))
            for kind, text in facts.FACT_TEXT.items()
        ]
        docs += [(("faq", f.id), faq_terms(f, titles.get(f.product_id or 0, ""))) for f in faqs]
        return docs

    built = RoomIndex(stamp)
    for key, bag in await asyncio.to_thread(terms):
        built.index.put(key, bag)
    built.answers = {f.id: (f.answer, f.product_id) for f in faqs}
    return built


async def room_index(room_id: int) -> RoomIndex:
    """The room's index, rebuilt when another process changed its FAQs."""
    stamp = await _stamp(room_id)
    found = _rooms.get(room_id)
    if found is None or found.stamp != stamp:
        found = _rooms[room_id] = await _build(room_id, stamp)
    return found


async def faq_changed(room_id: int, faq: Faq) -> None:
    """Put one FAQ (new or changed) into the room's index in place."""
    found = _rooms.get(room_id)
    if found is None:
        return
    titles = await _titles({faq.product_id} if faq.product_id else set())
    bag = await asyncio.to_thread(faq_terms, faq, titles.get(faq.product_id or 0, ""))
    found.index.put(("faq", faq.id), bag)
    found.answers[faq.id] = (faq.answer, faq.product_id)
    found.stamp = await _stamp(room_id)


async def faq_removed(room_id: int, faq_id: int) -> None:
    found = _rooms.get(room_id)
    if found is None:
        return
    found.index.remove(("faq", faq_id))
    found.answers.pop(faq_id, None)
    found.stamp = await _stamp(room_id)


def forget_indexes() -> None:
    """Drop every cached index (tests that recreate databases)."""
    _rooms.clear()


@dataclass(frozen=True, slots=True)
class Match:
    """What a question matched: a FAQ (``faq_id``) or a product fact (``fact``)."""

    answer: str
    confidence: float
    score: float
    faq_id: int | None = None
    fact: str = ""
    product_id: int | None = None

    @property
    def key(self) -> str:
        return f"faq:{self.faq_id}" if self.faq_id is not None else f"fact:{self.fact}"


def confident(hit: Hit) -> bool:
    return hit.confidence >= MIN_CONFIDENCE and hit.score >= MIN_SCORE


async def find_answer(room_id: int, question: str) -> Match | None:
    """The confident answer to ``question`` in the room, or None (facts generated now)."""
    terms = await asyncio.to_thread(tokenize, question)
    if not terms:
        return None
    room = await room_index(room_id)
    hits = room.index.search(terms, limit=1)
    if not hits or not confident(hits[0]):
        return None
    hit = hits[0]
    kind, ident = typing.cast(tuple[str, Any], hit.key)
    if kind == "faq":
        answer, product_id = room.answers[int(ident)]
        return Match(answer, hit.confidence, hit.score, faq_id=int(ident), product_id=product_id)
    product = facts.product_for(terms, await facts.shelf_products(room_id))
    if product is None:
        return None
    text = await facts.answer(str(ident), room_id, product.id)
    if text is None:
        return None
    return Match(text, hit.confidence, hit.score, fact=str(ident), product_id=product.id)


async def answer_message(
    room_id: int, asker: User, message_id: int | None, text: str
) -> FaqAnswer | None:
    """Answer a chat line when it is a question that matches confidently: store the
    answer and publish ``faq.answer`` to the asker (or the room, per the room's setting)."""
    if not is_question(text):
        return None
    settings = await FaqRoomSettings.get_or_none(room_id=room_id)
    if settings is not None and not settings.enabled:
        return None
    match = await find_answer(room_id, text)
    if match is None:
        return None
    to_room = bool(settings and settings.to_room)
    given = await FaqAnswer.create(
        room_id=room_id,
        faq_id=match.faq_id,
        product_id=match.product_id,
        fact=match.fact,
        asker_id=asker.id,
        message_id=message_id,
        question=text,
        answer=match.answer[:ANSWER_LIMIT],
        to_room=to_room,
        confidence=match.confidence,
    )
    event = events.FaqAnswered(
        answer_id=given.id,
        message_id=message_id,
        asker_id=asker.id,
        asker_name=asker.display_name,
        question=text,
        answer=given.answer,
        to_room=to_room,
    )
    if to_room:
        await events.publish(room_id, event)
    else:
        await events.publish_to_viewer(room_id, asker.id, event)
    return given


async def _answer_bounded(room_id: int, asker: User, message_id: int, text: str) -> None:
    try:
        async with asyncio.timeout(TIMEOUT):
            await answer_message(room_id, asker, message_id, text)
    except TimeoutError:
        log.warning("auto-answer in room %s took longer than %s s; dropped", room_id, TIMEOUT)
    except Exception:
        log.exception("auto-answer in room %s failed", room_id)


def after_message(room_id: int, asker: User, message_id: int, text: str, badge: str) -> None:
    """The chat hook: schedule the auto-answer of an accepted message and return at once.
    Messages of the room's streamer and moderators are not answered; when
    :data:`MAX_PENDING` answers are already running, the question is skipped."""
    if badge in ("streamer", "moderator") or not is_question(text):
        return
    if len(_pending) >= MAX_PENDING:
        log.warning("auto-answers are behind; skipping a question in room %s", room_id)
        return
    task = asyncio.get_running_loop().create_task(_answer_bounded(room_id, asker, message_id, text))
    _pending.add(task)
    task.add_done_callback(_pending.discard)


def pending() -> int:
    """How many scheduled answers are still running in this process."""
    return len(_pending)


async def drain() -> None:
    """Wait for the answers scheduled so far (tests, shutdown)."""
    while _pending:
        await asyncio.gather(*tuple(_pending), return_exceptions=True)
