"""The recommender in the app: a products model and a rooms model, and what they serve.

Models (``recsys``) are trained in a worker thread (``asyncio.to_thread``, one OpenMP
thread), saved as versions under ``<var_dir>/models/{products,rooms}`` (the ``current``
pointer is swapped atomically) and loaded at start. Each model remembers the id of the last
interaction it was trained on; every interaction logged after it (by this process or any
other) is folded into the user's factors with ``recalculate_user``, so a user's
recommendations follow what they do without retraining. Training runs again every
:func:`train_minutes` minutes when there are new interactions (or on demand:
``livemart recsys train``; a version saved by another process is picked up within seconds).

Serving filters what may be shown: products must be active, have an active variant in
stock, not be bought by the user already, not be the user's own; rooms must be live or
scheduled. A user the model does not know (or no model yet) gets trending items, and short
answers are filled from trending, then best sellers / live rooms.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import recsys
from app.accounts.models import User
from app.commerce import catalog
from app.commerce.models import Product
from app.errors import UserError
from app.experiments import services as experiments
from app.experiments.models import ExperimentKind
from app.predict import service as predict
from app.profiles import services as profiles
from app.recs import data
from app.recs.models import Interaction, ItemType
from app.rooms.models import Room
from app.settings import Settings
from app.tasks import RetryLog

log = logging.getLogger("livemart.recs")

# How often training runs again when there are new interactions (0: never in the web
# process; run ``livemart recsys train`` instead) is ``Settings.recs_train_minutes``
# (``LIVEMART_RECS_TRAIN_MINUTES``).

#: The first model is trained once this many interactions of its kind are logged.
MIN_TRAIN_INTERACTIONS = 20
TICK_SECONDS = 2.0  # fold in rows logged by other processes
VERSION_CHECK_SECONDS = 10.0  # look for versions saved by other processes
SCHEDULE_CHECK_SECONDS = 30.0
FOLD_PAGE = 5_000
FOLD_MAX_ROWS = 200_000  # per call; the rest is folded in by the next ticks
KEEP_VERSIONS = 3
MAX_FIRST = 50

#: Shop interactions carry graded weights (an impression 0.2, an order 5), so ALS sees
#: ``log1p`` of a cell's summed weight rather than mere presence.
PARAMS = recsys.HybridParams(strength="log")

Progress = Callable[[str, str, float], None]  # (model name, stage, done 0..1)


@dataclass
class Slot:
    """One served model: its store, the loaded version and how far the log is folded in."""

    name: str
    item_type: ItemType
    store: recsys.ModelStore
    model: recsys.Recommender | None = None
    version: str | None = None
    applied_upto: int = 0  # every logged interaction with an id up to this is in the model

    @property
    def boundary(self) -> int:
        """The last interaction id the loaded model was trained on."""
        if self.model is None:
            return 0
        return int(self.model.info.get("last_interaction_id", 0))

    @property
    def trained_at(self) -> datetime | None:
        if self.model is None:
            return None
        try:
            return datetime.fromisoformat(str(self.model.info["trained_at"]))
        except (KeyError, ValueError):
            return None


@dataclass
class TrainingStatus:
    running: bool = False
    model: str = ""
    stage: str = ""
    done: float = 0.0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str = ""
    runs: int = 0


def _fold_in(model: recsys.Recommender, rows: list[data.Row]) -> int:
    """``recalculate_user`` for every user in ``rows`` (sync: runs in a worker thread)."""
    by_user: dict[int, dict[int, float]] = {}
    for row in rows:
        items = by_user.setdefault(row.user_id, {})
        weight = items.pop(row.item_id, 0.0) + row.weight
        items[row.item_id] = weight  # re-inserted: the newest interaction goes last
    for user_id, items in by_user.items():
        model.recalculate_user(user_id, list(items.items()))
    return len(by_user)


def _fit(
    rows: list[data.Row],
    params: recsys.HybridParams,
    num_threads: int,
    progress: Callable[[str, float], None],
) -> recsys.Recommender:
    """Train on logged rows (sync: runs in a worker thread).

    Each (user, item) becomes one interaction: its summed weight at its latest time, so a
    burst of impressions does not push a purchase out of the user's recency window.
    """
    from threadpoolctl import threadpool_limits

    cells: dict[tuple[int, int], list[Any]] = {}
    for row in rows:
        cell = cells.get((row.user_id, row.item_id))
        if cell is None:
            cells[(row.user_id, row.item_id)] = [row.weight, row.at]
        else:
            cell[0] += row.weight
            cell[1] = max(cell[1], row.at)
    records = sorted(((u, i, w, at) for (u, i), (w, at) in cells.items()), key=lambda r: r[3])
    interactions = recsys.Interactions.from_records(records)
    with threadpool_limits(1, "blas"):  # implicit's advice; OpenMP does the parallel work
        return recsys.train(interactions, params, num_threads=num_threads, progress=progress)


class RecsService:
    """Loads, trains, updates and swaps the products and rooms models."""

    def __init__(
        self,
        settings: Settings,
        *,
        params: recsys.HybridParams | None = None,
        num_threads: int = 1,
        minutes: float | None = None,
    ) -> None:
        root = Path(settings.var_dir) / "models"
        self.slots: dict[ItemType, Slot] = {
            t: Slot(name, t, recsys.ModelStore(root / name))
            for t, name in ((ItemType.PRODUCT, "products"), (ItemType.ROOM, "rooms"))
        }
        self.params = params or PARAMS
        self.num_threads = num_threads
        self.train_minutes = settings.recs_train_minutes if minutes is None else minutes
        self.status = TrainingStatus()
        self._train_lock = asyncio.Lock()
        self._apply_lock = asyncio.Lock()
        self._loop_task: asyncio.Task[None] | None = None
        self._training: asyncio.Task[dict[str, str | None]] | None = None

    # -- facts -------------------------------------------------------------------------

    def model(self, item_type: ItemType) -> recsys.Recommender | None:
        return self.slots[item_type].model

    def version(self, item_type: ItemType) -> str | None:
        """The loaded model version (``v000001``…), None before the first training."""
        return self.slots[item_type].version

    @property
    def training(self) -> bool:
        return self._training is not None and not self._training.done()

    # -- loading and folding in ----------------------------------------------------------

    async def load(self) -> None:
        """Load each store's current version if it is not the one loaded."""
        for slot in self.slots.values():
            await self._load_current(slot)

    async def _load_current(self, slot: Slot) -> None:
        version = await asyncio.to_thread(slot.store.current)
        if version is None or version == slot.version:
            return
        try:
            model = await asyncio.to_thread(slot.store.load, version)
        except Exception:
            log.exception("could not load %s model %s", slot.name, version)
            return
        await self._install(slot, model, version)

    async def _install(self, slot: Slot, model: recsys.Recommender, version: str) -> None:
        """Fold the log since the model's training into it, then serve it."""
        boundary = int(model.info.get("last_interaction_id", 0))
        async with self._apply_lock:
            upto = await self._fold(model, slot.item_type, boundary)
            slot.model, slot.version, slot.applied_upto = model, version, upto
        log.info(
            "serving %s model %s (%s users, %s items, trained on interactions up to #%d)",
            slot.name,
            version,
            model.n_users,
            model.n_items,
            boundary,
        )

    async def _fold(self, model: recsys.Recommender, item_type: ItemType, after_id: int) -> int:
        """Fold logged rows after ``after_id`` into ``model``; returns the last id folded."""
        folded = 0
        while folded < FOLD_MAX_ROWS:
            rows = await data.rows_after(item_type, after_id, FOLD_PAGE)
            if not rows:
                break
            await asyncio.to_thread(_fold_in, model, rows)
            after_id = rows[-1].id
            folded += len(rows)
            if len(rows) < FOLD_PAGE:
                break
        return after_id

    async def catch_up(self) -> None:
        """Fold every newly logged interaction into the loaded models (no retraining)."""
        async with self._apply_lock:
            for slot in self.slots.values():
                if slot.model is not None:
                    slot.applied_upto = await self._fold(
                        slot.model, slot.item_type, slot.applied_upto
                    )

    # -- training ------------------------------------------------------------------------

    async def train(self, progress: Progress | None = None) -> dict[str, str | None]:
        """Train both models on the log, save and serve them; returns the versions.

        CPU work runs in worker threads: the event loop keeps serving meanwhile.
        A model with nothing to learn from keeps its version (None when it has none).
        """
        async with self._train_lock:
            loop = asyncio.get_running_loop()
            self.status = TrainingStatus(
                running=True, started_at=datetime.now(UTC), runs=self.status.runs + 1
            )
            versions: dict[str, str | None] = {}
            try:
                upto = await data.last_interaction_id()
                for slot in self.slots.values():
                    versions[slot.name] = await self._train_slot(slot, upto, loop, progress)
            except Exception as exc:
                self.status.error = f"{type(exc).__name__}: {exc}"
                raise
            finally:
                self.status.running = False
                self.status.finished_at = datetime.now(UTC)
            return versions

    async def _train_slot(
        self, slot: Slot, upto: int, loop: asyncio.AbstractEventLoop, progress: Progress | None
    ) -> str | None:
        rows = await data.training_rows(slot.item_type, upto)
        if not rows:
            return slot.version
        self.status.model, self.status.stage, self.status.done = slot.name, "read", 0.0
        last_logged = [-1.0]

        def on_loop(stage: str, done: float) -> None:
            self.status.stage, self.status.done = stage, done
            if progress is not None:
                progress(slot.name, stage, done)
            if done - last_logged[0] >= 0.25 or done >= 1.0:
                last_logged[0] = done
                log.info("training %s model: %s %.0f%%", slot.name, stage, done * 100)

        def report(stage: str, done: float) -> None:  # called on the training thread
            loop.call_soon_threadsafe(on_loop, stage, done)

        started = time.perf_counter()
        model = await asyncio.to_thread(_fit, rows, self.params, self.num_threads, report)
        model.info.update(
            last_interaction_id=upto, item_type=str(slot.item_type), logged_rows=len(rows)
        )
        version = await asyncio.to_thread(slot.store.save, model)
        await asyncio.to_thread(slot.store.prune, KEEP_VERSIONS)
        model.info["version"] = version
        await self._install(slot, model, version)
        log.info(
            "trained %s model %s on %d rows in %.1f s",
            slot.name,
            version,
            len(rows),
            time.perf_counter() - started,
        )
        return version

    def train_in_background(self) -> asyncio.Task[dict[str, str | None]]:
        """Start a training run (or return the one running) without waiting for it."""
        if self._training is None or self._training.done():
            self._training = asyncio.create_task(self.train(), name="recs-training")
            self._training.add_done_callback(_log_failure)
        return self._training

    async def due(self) -> bool:
        """Whether the schedule wants a training run now."""
        if self.train_minutes <= 0 or self.training:
            return False
        now = datetime.now(UTC)
        for slot in self.slots.values():
            newer = Interaction.filter(item_type=slot.item_type, id__gt=slot.boundary)
            trained_at = slot.trained_at
            if trained_at is None:
                found = await newer.limit(MIN_TRAIN_INTERACTIONS).values_list("id", flat=True)
                if len(found) >= MIN_TRAIN_INTERACTIONS:
                    return True
            elif (now - trained_at).total_seconds() >= self.train_minutes * 60:
                if await newer.exists():
                    return True
        return False

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Load the current versions and start folding in and scheduling."""
        await self.load()
        self._loop_task = asyncio.create_task(self._loop(), name="recs-service")

    async def stop(self) -> None:
        for task in (self._loop_task, self._training):
            if task is not None and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self._loop_task = None

    async def _loop(self) -> None:
        last_version_check = last_schedule_check = time.monotonic()
        failures = RetryLog(log, "recommender upkeep")
        while True:
            await asyncio.sleep(TICK_SECONDS)
            try:
                await self.catch_up()
                now = time.monotonic()
                if now - last_version_check >= VERSION_CHECK_SECONDS and not self.training:
                    last_version_check = now
                    await self.load()
                if now - last_schedule_check >= SCHEDULE_CHECK_SECONDS:
                    last_schedule_check = now
                    if await self.due():
                        self.train_in_background()
            except Exception:
                failures.failed()
            else:
                failures.succeeded()


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("recommender training failed", exc_info=task.exception())


# --- the running service ---------------------------------------------------------------

_service: RecsService | None = None


def get_service() -> RecsService | None:
    """The service started with the app (None outside it: serving uses fallbacks only)."""
    return _service


def set_service(service: RecsService | None) -> None:
    global _service
    _service = service


def _model(item_type: ItemType) -> recsys.Recommender | None:
    return _service.model(item_type) if _service is not None else None


def check_first(first: int) -> int:
    if not 0 <= first <= MAX_FIRST:
        raise UserError(
            "INVALID_PAGE_SIZE", "first must be between 0 and {max}", "first", {"max": MAX_FIRST}
        )
    return first


# --- serving: products -----------------------------------------------------------------


async def recommended_products(user: User | None, first: int = 10) -> list[Product]:
    """The best products for ``user`` (trending for a new user or nobody), in stock, not
    bought by them already and not their own.

    Products the user already opened or put in a cart come last (only to fill a short
    answer): the model ranks what they engaged with highest, and this list is for finding
    new things. Products they were merely shown are not held back.
    """
    n = check_first(first)
    if n == 0:
        return []
    uid = user.id if user is not None else None
    # Personalisation off (the profile page): ranked as for nobody, still not their own.
    personal = uid is not None and await profiles.personalisation_enabled(uid)
    bought = await data.bought_product_ids(uid) if uid is not None else set()
    engaged = (await data.engaged_product_ids(uid)) - bought if personal and uid else set()
    chosen: list[Product] = []
    model = _model(ItemType.PRODUCT)
    if personal and uid is not None and (model is None or not model.knows_user(uid)):
        # Cold start: the interests in their profile (picked at sign-up or learned).
        categories = await profiles.interest_categories(uid)
        chosen = await data.products_in_categories(categories, n, bought | engaged, uid)
    elif model is not None:
        want = n * 3 + 10
        while True:
            if personal and uid is not None:
                scored = model.recommend(uid, want, exclude=bought | engaged, filter_consumed=False)
            else:
                scored = model.popular(want, exclude=bought)
            chosen = await data.showable_products([int(s.item_id) for s in scored], owner_id=uid)
            if len(chosen) >= n or len(scored) < want:
                break
            want *= 4
    chosen = await _rerank(uid, chosen[: 2 * n])
    chosen = await _fill_products(chosen[:n], n, bought | engaged, uid)
    if len(chosen) < n and engaged:
        chosen = await _fill_products(chosen, n, bought, uid)
    return chosen


async def _rerank(user_id: int | None, candidates: list[Product]) -> list[Product]:
    """Re-rank the model's candidates by the viewer's predicted purchase probability
    (``app.predict``), unless the running recommendation experiment puts the viewer in a
    variant whose value is ``model`` (the ALS order as it is)."""
    if user_id is None or len(candidates) < 2:
        return candidates
    experiment = await experiments.running(ExperimentKind.RECS)
    if experiment is not None:
        variant = await experiments.expose(experiment, user_id)
        if variant is not None and variant.get("value") == "model":
            return candidates
    by_id = {p.id: p for p in candidates}
    return [by_id[i] for i in await predict.rank_for_viewer(user_id, list(by_id))]


async def _fill_products(
    chosen: list[Product], n: int, exclude: set[int], owner_id: int | None
) -> list[Product]:
    """Top up a short answer with trending products, then best sellers."""
    if len(chosen) < n:
        seen = exclude | {p.id for p in chosen}
        trending = await data.trending_ids(ItemType.PRODUCT, 3 * n + 10, exclude=seen)
        chosen += (await data.showable_products(trending, owner_id))[: n - len(chosen)]
    if len(chosen) < n:
        seen = exclude | {p.id for p in chosen}
        chosen += await data.popular_products(n - len(chosen), seen, owner_id)
    return chosen


async def similar_products(
    product_id: int, viewer: User | None = None, first: int = 10
) -> list[Product]:
    """Products like ``product_id`` ("more like this"); ``NOT_FOUND`` for a product the
    viewer cannot see. A product newer than the model gets its merchant's other products."""
    n = check_first(first)
    product = await catalog.get_product(product_id, viewer)
    uid = viewer.id if viewer is not None else None
    bought = await data.bought_product_ids(uid) if uid is not None else set()
    exclude = bought | {product.id}
    chosen: list[Product] = []
    model = _model(ItemType.PRODUCT)
    if n and model is not None and model.knows_item(product.id):
        want = n * 3 + 10
        while True:
            scored = model.similar_items(product.id, want, exclude=exclude)
            chosen = await data.showable_products([int(s.item_id) for s in scored], owner_id=uid)
            if len(chosen) >= n or len(scored) < want:
                break
            want *= 4
    chosen = chosen[:n]
    if len(chosen) < n:
        seen = exclude | {p.id for p in chosen}
        chosen += await data.related_products(product, n - len(chosen), seen, uid)
    return await _fill_products(chosen, n, exclude, uid)


# --- serving: rooms --------------------------------------------------------------------


async def recommended_rooms(user: User | None, first: int = 10) -> list[Room]:
    """Live or scheduled rooms for ``user`` (trending for a new user), not their own."""
    n = check_first(first)
    if n == 0:
        return []
    uid = user.id if user is not None else None
    candidates = await data.open_room_ids(owner_id=uid)
    if not candidates:
        return []
    ids: list[int] = []
    personal = uid is not None and await profiles.personalisation_enabled(uid)
    model = _model(ItemType.ROOM)
    if personal and uid is not None and (model is None or not model.knows_user(uid)):
        # Cold start: open rooms in the categories of their profile, strongest first.
        rank = {c: i for i, c in enumerate(await profiles.interest_categories(uid))}
        if rank:
            categories = await data.room_categories(candidates)
            ids = sorted(
                (i for i in candidates if categories.get(i) in rank),
                key=lambda i: rank[categories[i]],
            )[:n]
    elif model is not None:
        if personal and uid is not None:
            scored = model.recommend(uid, n, candidates=candidates, filter_consumed=False)
        else:
            scored = model.popular(n, candidates=candidates)
        ids = [int(s.item_id) for s in scored]
    if len(ids) < n:
        open_ids = set(candidates)
        trending = await data.trending_ids(ItemType.ROOM, 3 * n + 10, exclude=ids)
        ids += [i for i in trending if i in open_ids][: n - len(ids)]
    rooms = await data.rooms_in_order(ids)
    if len(rooms) < n:
        rooms += await data.fallback_rooms(n - len(rooms), [r.id for r in rooms], uid)
    return rooms[:n]
