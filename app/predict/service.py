"""Purchase prediction in the app: the served model, background training and live scoring.

Training reads the interaction log (product impressions, clicks, cart adds, orders and room
views), builds examples with :func:`app.predict.features.build_examples` and fits the model
in a worker thread (``asyncio.to_thread``), so the event loop keeps serving. Each fit is
saved as a new version in ``<var_dir>/models/purchase`` (the ``current`` pointer swapped
atomically) and then served by replacing one reference: a request sees the old model or
the new one, never a mix. Without a model, orderings keep their input order and the
console says there is no model yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from app.analytics.models import ViewerVisit
from app.commerce.live_models import FlashSale
from app.commerce.models import Order, OrderItem, Product
from app.predict import features
from app.predict.model import PredictStore, PurchaseModel, TooLittleData, train
from app.profiles import services as profiles
from app.recs.models import Interaction, ItemType, Kind
from app.settings import Settings
from app.tasks import RetryLog

log = logging.getLogger("livemart.predict")

#: A viewer whose P(purchase) of the pinned product is at least this counts as likely.
LIKELY = 0.3
KEEP_VERSIONS = 3
TICK_SECONDS = 30.0
PAID = ("paid", "shipped", "delivered", "completed")
_LOGGED_KINDS = {
    Kind.IMPRESSION: "impression",
    Kind.CLICK: "click",
    Kind.CART: "cart",
    Kind.ORDER: "order",
    Kind.VIEW: "view",
}


async def read_log() -> tuple[list[features.Event], dict[int, int], dict[int, list[Any]]]:
    """The interaction log as feature events, with product prices and flash-sale windows."""
    rows: list[dict[str, Any]] = await Interaction.filter(kind__in=list(_LOGGED_KINDS)).values(
        "user_id", "item_type", "item_id", "kind", "created_at"
    )
    events = [
        features.Event(
            r["user_id"],
            r["item_id"] if r["item_type"] == ItemType.PRODUCT else None,
            _LOGGED_KINDS[Kind(r["kind"])],
            r["created_at"],
        )
        for r in rows
    ]
    prices = dict(await Product.all().values_list("id", "price_cents"))
    windows: dict[int, list[Any]] = defaultdict(list)
    for pid, start, end in await FlashSale.all().values_list("product_id", "starts_at", "ends_at"):
        windows[pid].append((start, end))
    return events, {int(k): int(v) for k, v in prices.items()}, dict(windows)


class PredictService:
    """Holds the served :class:`PurchaseModel`, trains new ones and scores viewers."""

    def __init__(self, settings: Settings, minutes: float | None = None) -> None:
        self.store = PredictStore(Path(settings.var_dir) / "models" / "purchase")
        self.model: PurchaseModel | None = None
        self.version: str | None = None
        self.train_minutes = settings.recs_train_minutes if minutes is None else minutes
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None
        self._last_rows = 0

    async def load(self) -> None:
        """Serve the store's current version if it is not the one served."""
        version = await asyncio.to_thread(self.store.current)
        if version is None or version == self.version:
            return
        try:
            model = await asyncio.to_thread(self.store.load, version)
        except Exception:
            log.exception("could not load purchase model %s", version)
            return
        self.swap(model, version)

    def swap(self, model: PurchaseModel, version: str) -> None:
        """Serve ``model``: one assignment of a (model, version) pair."""
        self.model, self.version = model, version

    async def train(self) -> str | None:
        """Fit on the whole log in a worker thread, save a version and serve it; returns
        the version (None when the log is too thin to learn from)."""
        async with self._lock:
            events, prices, windows = await read_log()
            self._last_rows = len(events)

            def fit() -> PurchaseModel:
                examples = features.build_examples(events, prices, windows)
                return train(examples, source="interaction log", events=len(events))

            try:
                model = await asyncio.to_thread(fit)
            except TooLittleData as exc:
                log.info("purchase model not trained: %s", exc)
                return None
            version = await asyncio.to_thread(self.store.save, model)
            await asyncio.to_thread(self.store.prune, KEEP_VERSIONS)
            model.info["version"] = version
            self.swap(model, version)
            log.info("serving purchase model %s (%s examples)", version, model.info["examples"])
            return version

    async def start(self) -> None:
        await self.load()
        self._task = asyncio.create_task(self._loop(), name="predict-service")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        failures = RetryLog(log, "purchase model upkeep")
        last_train = time.monotonic()
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                await self.load()
                due = self.train_minutes > 0 and (
                    time.monotonic() - last_train >= self.train_minutes * 60
                )
                if due:
                    last_train = time.monotonic()
                    if await Interaction.filter(id__gt=0).count() != self._last_rows:
                        await self.train()
            except Exception:
                failures.failed()
            else:
                failures.succeeded()

    # -- live scoring --------------------------------------------------------------------

    async def features_for(
        self, user_ids: Sequence[int], product_id: int, now: datetime | None = None
    ) -> np.ndarray:
        """Feature rows (one per user) for ``product_id`` at ``now`` from the log."""
        return (await live_features(user_ids, [product_id], now))[:, 0, :]

    async def p_purchase(
        self, user_ids: Sequence[int], product_ids: Sequence[int], now: datetime | None = None
    ) -> np.ndarray | None:
        """P(purchase) per (user, product), shape (users, products); None with no model."""
        model = self.model
        if model is None or not user_ids or not product_ids:
            return None
        X = await live_features(user_ids, product_ids, now)
        return model.p_purchase(X.reshape(-1, len(features.FEATURES))).reshape(X.shape[:2])


async def live_features(
    user_ids: Sequence[int], product_ids: Sequence[int], now: datetime | None = None
) -> np.ndarray:
    """Features of each (user, product) pair now, shape (users, products, features)."""
    now = now or datetime.now(UTC)
    since = now - features.SESSION_GAP
    users = list(dict.fromkeys(int(u) for u in user_ids))
    recent: list[dict[str, Any]] = await Interaction.filter(
        user_id__in=users, created_at__gte=since
    ).values("user_id", "kind", "created_at")
    first_seen: dict[int, datetime] = {}
    clicks: dict[int, int] = defaultdict(int)
    carts: dict[int, int] = defaultdict(int)
    for r in recent:
        u = r["user_id"]
        first_seen[u] = min(first_seen.get(u, r["created_at"]), r["created_at"])
        if r["kind"] == Kind.CLICK:
            clicks[u] += 1
        elif r["kind"] == Kind.CART:
            carts[u] += 1
    for u, at in await ViewerVisit.filter(user_id__in=users, open_connections__gt=0).values_list(
        "user_id", "first_seen"
    ):
        first_seen[u] = min(first_seen.get(u, at), at)
    past_prices: dict[int, list[int]] = defaultdict(list)
    for u, price in await OrderItem.filter(
        order__buyer_id__in=users, order__status__in=PAID, order__created_at__lt=since
    ).values_list("order__buyer_id", "unit_price_cents"):
        past_prices[u].append(int(price))
    past_orders: dict[int, int] = defaultdict(int)
    buyer_ids: list[Any] = await Order.filter(
        buyer_id__in=users, status__in=PAID, created_at__lt=since
    ).values_list("buyer_id", flat=True)
    for u in buyer_ids:
        past_orders[int(u)] += 1
    prices = dict(await Product.filter(id__in=list(product_ids)).values_list("id", "price_cents"))
    flash = set(
        await FlashSale.filter(
            product_id__in=list(product_ids), starts_at__lte=now, ends_at__gt=now, state="live"
        ).values_list("product_id", flat=True)
    )
    shown: dict[int, int] = defaultdict(int)
    bought: dict[int, int] = defaultdict(int)
    for pid, kind in await Interaction.filter(
        item_type=ItemType.PRODUCT,
        item_id__in=list(product_ids),
        kind__in=[Kind.IMPRESSION, Kind.ORDER],
    ).values_list("item_id", "kind"):
        if kind == Kind.IMPRESSION:
            shown[pid] += 1
        else:
            bought[pid] += 1
    out = np.zeros((len(user_ids), len(product_ids), len(features.FEATURES)))
    for i, u in enumerate(user_ids):
        start = first_seen.get(int(u))
        minutes = (now - start).total_seconds() / 60 if start else 0.0
        for j, p in enumerate(product_ids):
            out[i, j] = features.vector(
                watch_minutes=minutes,
                clicks=clicks[int(u)],
                cart_adds=carts[int(u)],
                past_purchases=past_orders[int(u)],
                price_match=features.price_match(prices.get(p), past_prices[int(u)]),
                flash_sale=p in flash,
                popularity=features.popularity(bought[p], shown[p]),
            )
    return out


# --- the running service -----------------------------------------------------------------

_service: PredictService | None = None


def get_service() -> PredictService | None:
    """The service started with the app (None outside it)."""
    return _service


@contextlib.asynccontextmanager
async def predict_runtime(settings: Settings) -> AsyncIterator[PredictService]:
    """Load the served model and keep it fresh beside the requests."""
    global _service
    service = PredictService(settings)
    await service.start()
    _service = service
    try:
        yield service
    finally:
        _service = None
        await service.stop()


async def rank_for_viewer(user_id: int | None, product_ids: Sequence[int]) -> list[int]:
    """``product_ids`` ordered by the viewer's P(purchase), highest first (input order
    kept for ties, for anonymous viewers, viewers with personalisation off and when no
    model is served)."""
    service = _service
    ids = list(product_ids)
    if service is None or service.model is None or user_id is None or len(ids) < 2:
        return ids
    if not await profiles.personalisation_enabled(user_id):
        return ids  # the viewer turned personalisation off
    p = await service.p_purchase([user_id], ids)
    if p is None:
        return ids
    order = sorted(range(len(ids)), key=lambda k: (-float(p[0, k]), k))
    return [ids[k] for k in order]


@dataclass(frozen=True)
class LikelyBuyers:
    """How many current viewers are likely to buy a product."""

    viewers: int  # signed-in viewers watching now
    likely: int  # of them, P(purchase) >= LIKELY
    expected: float  # the sum of their probabilities: expected buyers
    model_version: str | None


async def likely_buyers(room_id: int, product_id: int) -> LikelyBuyers:
    """Score the room's signed-in viewers for ``product_id`` with the served model."""
    found: list[Any] = await ViewerVisit.filter(
        room_id=room_id, open_connections__gt=0, user_id__isnull=False
    ).values_list("user_id", flat=True)
    user_ids = [int(u) for u in found if u is not None]
    user_ids = list(dict.fromkeys(user_ids))
    service = _service
    if service is None or service.model is None or not user_ids:
        version = service.version if service else None
        return LikelyBuyers(len(user_ids), 0, 0.0, version)
    p = await service.p_purchase(user_ids, [product_id])
    probs = p[:, 0] if p is not None else np.zeros(0)
    return LikelyBuyers(
        len(user_ids), int((probs >= LIKELY).sum()), float(probs.sum()), service.version
    )
