"""Flash sales: a limited quantity of one variant at a sale price for a short window.

* Creating a sale takes its ``quantity`` from the variant's stock (a conditional
  decrement), so a sale can never sell units the merchant does not have.
* A purchase is one transaction: the buyer's claim slots (unique ``(sale, user, n)``, so
  the per-user limit holds however many requests race), the order (at the sale price,
  ``reserve_stock=False``), and last a conditional decrement of ``remaining`` whose
  ``WHERE`` checks the state, the time window and the quantity left. Anything that fails
  rolls the whole purchase back: nothing is oversold, nothing half-done.
* Ending a sale (by the streamer, or :func:`end_due_sales` when its time is up) returns
  the unsold units to the variant's stock.
* Buying goes through the stock gate first (:mod:`app.commerce.stock_gate`: Redis when
  the event bus is Redis, else this process's memory): one atomic step takes the units
  and counts the buyer's, so "sold out" and "limit reached" are answered without the
  database, and only the winners settle there (the transaction above). A failed settle
  gives the units back to the gate. The database stays the truth: :func:`reconcile_gates`
  rebuilds the gates of live sales from it when the app starts, so a crash between the
  gate and the settle costs nothing but the units the gate held for a moment.
* :func:`release_units` is the hook the orders code calls when an order is cancelled or
  expires: each flash-sale unit goes back to its sale (or to stock when the sale ended),
  and an auction's unit back to stock.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import weakref
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from app import signals
from app.accounts.models import User
from app.commerce import auctions, shelf, stock_gate
from app.commerce.live_models import FlashSale, FlashSaleClaim, FlashSaleState
from app.commerce.models import Order, OrderStatus, Variant
from app.commerce.ordering import placing
from app.commerce.ordering.announcements import order_signal
from app.commerce.ordering.rules import OrderLine
from app.commerce.stock_gate import GateState, Verdict
from app.errors import NotFound, UserError
from app.rooms import events

log = logging.getLogger("livemart.commerce.flash_sales")

MIN_DURATION = 5
MAX_DURATION = 24 * 3600
MAX_QUANTITY = 100_000
MAX_PER_USER = 100
MAX_KEY = 64
PUBLISH_INTERVAL = 0.5
CLAIM_RETRIES = 3
GATE_GRACE = 3600  # seconds a sale's gate outlives the sale's end (it is dropped at the end)
SALE_CACHE_SECONDS = 1.0  # how long a process reuses a sale's row to check a purchase

# Display states (the stored state is only live / ended).
SCHEDULED = "scheduled"
LIVE = "live"
SOLD_OUT = "sold_out"
ENDED = "ended"


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def display_state(sale: FlashSale, now: datetime | None = None) -> str:
    """``scheduled``, ``live``, ``sold_out`` or ``ended`` as a buyer sees the sale now."""
    now = now or utcnow()
    if sale.state == FlashSaleState.ENDED or _aware(sale.ends_at) <= now:
        return ENDED
    if _aware(sale.starts_at) > now:
        return SCHEDULED
    if sale.remaining <= 0:
        return SOLD_OUT
    return LIVE


def sale_event(sale: FlashSale, now: datetime | None = None) -> events.FlashSaleChanged:
    """The ``flash_sale`` event of ``sale`` (also what its box on a page shows)."""
    return events.FlashSaleChanged(
        sale_id=sale.id,
        product_id=sale.product_id,
        state=display_state(sale, now),
        price=sale.price_cents,
        remaining=sale.remaining,
        ends_at=_aware(sale.ends_at),
    )


async def get_sale(sale_id: int) -> FlashSale:
    sale = await FlashSale.get_or_none(id=sale_id)
    if sale is None:
        raise NotFound("flash sale", "saleId")
    return sale


async def get_sales(ids: list[int]) -> dict[int, FlashSale]:
    return {s.id: s for s in await FlashSale.filter(id__in=list(ids))}


async def get_room_sale(room_id: int, sale_id: int) -> FlashSale:
    """A flash sale of room ``room_id`` (NOT_FOUND when it runs in another room)."""
    sale = await get_sale(sale_id)
    if sale.room_id != room_id:
        raise NotFound("flash sale", "saleId")
    return sale


def room_sales_query(room_id: int, include_ended: bool = True):
    """A room's flash sales, newest first (a queryset, for pagination)."""
    query = FlashSale.filter(room_id=room_id)
    if not include_ended:
        query = query.filter(state=FlashSaleState.LIVE)
    return query.order_by("-id")


async def active_sales(room_id: int, now: datetime | None = None) -> list[FlashSale]:
    """The room's sales that are not over yet (scheduled, live or sold out)."""
    now = now or utcnow()
    return await FlashSale.filter(
        room_id=room_id, state=FlashSaleState.LIVE, ends_at__gt=now
    ).order_by("ends_at")


async def bought_by(user: User | None, sale_ids: list[int]) -> dict[int, int]:
    """How many units ``user`` holds in each sale."""
    if user is None or not sale_ids:
        return {}
    counts: dict[int, int] = {}
    claimed: list[Any] = await FlashSaleClaim.filter(
        user_id=user.id, sale_id__in=sale_ids
    ).values_list("sale_id", flat=True)
    for sale_id in claimed:
        counts[sale_id] = counts.get(sale_id, 0) + 1
    return counts


# -- starting and ending -------------------------------------------------------------------


async def start_flash_sale(
    user: User,
    room_id: int,
    variant_id: int,
    price_cents: int,
    quantity: int,
    per_user_limit: int = 1,
    duration_seconds: int = 300,
    starts_at: datetime | None = None,
    now: datetime | None = None,
) -> FlashSale:
    """Open a flash sale in the streamer's room, taking ``quantity`` units from stock."""
    now = now or utcnow()
    room = await shelf.room_for_selling(user, room_id)
    variant = await shelf.variant_for_room(room, variant_id)
    if not 0 < price_cents <= variant.price_cents:
        raise UserError(
            "INVALID_PRICE",
            "the sale price must be above 0 and at most the normal price",
            "priceCents",
        )
    if not 0 < quantity <= MAX_QUANTITY:
        raise UserError(
            "INVALID_QUANTITY", "sell 1 to {max} units", "quantity", {"max": MAX_QUANTITY}
        )
    if not 0 < per_user_limit <= min(quantity, MAX_PER_USER):
        raise UserError(
            "INVALID_LIMIT",
            "the per-buyer limit must be between 1 and the quantity",
            "perUserLimit",
        )
    if not MIN_DURATION <= duration_seconds <= MAX_DURATION:
        raise UserError(
            "INVALID_DURATION",
            "a sale lasts {min} seconds to {max} hours",
            "durationSeconds",
            {"min": MIN_DURATION, "max": MAX_DURATION // 3600},
        )
    begins = _aware(starts_at) if starts_at else now
    if begins < now - timedelta(minutes=1) or begins > now + timedelta(days=7):
        raise UserError("INVALID_START", "start the sale within the next 7 days", "startsAt")
    await shelf.ensure_on_shelf(room.id, variant.product_id)
    async with in_transaction() as conn:
        taken = (
            await Variant.filter(id=variant.id, is_active=True, stock__gte=quantity)
            .using_db(conn)
            .update(stock=F("stock") - quantity)
        )
        if not taken:
            raise UserError(
                "INSUFFICIENT_STOCK", "not enough stock for this sale quantity", "quantity"
            )
        sale = await FlashSale.create(
            room_id=room.id,
            product_id=variant.product_id,
            variant_id=variant.id,
            created_by_id=user.id,
            price_cents=price_cents,
            currency=variant.currency,
            starts_at=begins,
            ends_at=begins + timedelta(seconds=duration_seconds),
            quantity=quantity,
            remaining=quantity,
            per_user_limit=per_user_limit,
            using_db=conn,
        )
    await build_gate(sale, GateState(remaining=quantity), now=now)
    await events.publish(room.id, sale_event(sale, now))
    return sale


async def end_flash_sale(user: User, sale_id: int, now: datetime | None = None) -> FlashSale:
    """The streamer ends a sale early; unsold units go back to stock."""
    sale = await get_sale(sale_id)
    room = await shelf.get_room(sale.room_id)
    shelf.require_room_seller(user, room)
    ended = await finish_sale(sale.id, now)
    if ended is None:
        raise UserError("SALE_ENDED", "this sale has already ended", "saleId")
    return ended


async def finish_sale(sale_id: int, now: datetime | None = None) -> FlashSale | None:
    """End a live sale and return its unsold units to stock; None when already ended.

    One conditional update flips the state and moves ``remaining`` to ``returned``: a
    purchase racing with it either committed before (and is counted sold) or fails its
    own conditional decrement afterwards.
    """
    now = now or utcnow()
    async with in_transaction() as conn:
        flipped = (
            await FlashSale.filter(id=sale_id, state=FlashSaleState.LIVE)
            .using_db(conn)
            .update(state=FlashSaleState.ENDED, ended_at=now, returned=F("remaining"), remaining=0)
        )
        if not flipped:
            return None
        sale = await FlashSale.get(id=sale_id, using_db=conn)
        if sale.returned:
            await (
                Variant.filter(id=sale.variant_id)
                .using_db(conn)
                .update(stock=F("stock") + sale.returned)
            )
    _forget_sale(sale.id)
    await stock_gate.drop(gate_name(sale))
    await events.publish(sale.room_id, sale_event(sale, now))
    return sale


async def end_due_sales(now: datetime | None = None) -> list[FlashSale]:
    """End every sale whose time is up (the app runs this periodically)."""
    now = now or utcnow()
    ended = []
    due: list[Any] = await FlashSale.filter(
        state=FlashSaleState.LIVE, ends_at__lte=now
    ).values_list("id", flat=True)
    for sale_id in due:
        sale = await finish_sale(int(sale_id), now)
        if sale is not None:
            ended.append(sale)
    return ended


async def announce_started(since: datetime, now: datetime | None = None) -> int:
    """Publish ``flash_sale`` for scheduled sales that started in ``(since, now]`` (so
    pages switch from "starting soon" to buyable); returns how many."""
    now = now or utcnow()
    found = await FlashSale.filter(
        state=FlashSaleState.LIVE, starts_at__gt=since, starts_at__lte=now, ends_at__gt=now
    )
    # Sales that started when created were announced then.
    started = [s for s in found if s.starts_at - s.created_at > timedelta(seconds=0.25)]
    for sale in started:
        await events.publish(sale.room_id, sale_event(sale, now))
    return len(started)


# -- buying ------------------------------------------------------------------------------


def _order_key(sale_id: int, key: str) -> str:
    return f"fs{sale_id}:{key}"


def _not_buyable(sale: FlashSale, now: datetime, quantity: int) -> UserError | None:
    state = display_state(sale, now)
    if state == ENDED:
        return UserError("SALE_ENDED", "this flash sale has ended", "saleId")
    if state == SCHEDULED:
        return UserError("SALE_NOT_STARTED", "this flash sale has not started yet", "saleId")
    if sale.remaining <= 0:
        return UserError("SOLD_OUT", "this flash sale is sold out", "saleId")
    if sale.remaining < quantity:
        return UserError("SOLD_OUT", "only {left} left", "quantity", {"left": sale.remaining})
    return None


async def buy_flash_sale(
    buyer: User,
    sale_id: int,
    quantity: int = 1,
    *,
    shipping: dict[str, Any],
    idempotency_key: str,
    now: datetime | None = None,
) -> Order:
    """Buy ``quantity`` units of a sale: a pending order at the sale price, or a user error
    (ended, not started, sold out, over the per-buyer limit) that changes nothing.

    Retrying with the same ``idempotency_key`` returns the first order. The stock gate
    answers the buyers who lose; the database settles (and has the last word on) the
    winners.
    """
    now = now or utcnow()
    key = _checked_key(idempotency_key)
    sale = await _sale_for_buying(sale_id)
    if sale.created_by_id == buyer.id:
        raise UserError("OWN_SALE", "you cannot buy from your own flash sale", "saleId")
    if display_state(sale, now) not in (LIVE, SOLD_OUT):
        # Ended or not started (or a stale copy says so): the database answers, after
        # looking for a replay of a purchase made while the sale was live.
        return await _buy_in_database(buyer, sale_id, quantity, shipping, key, now)
    _check_quantity(sale, quantity)
    gate = gate_name(sale)
    taken = await stock_gate.take(gate, buyer.id, key, quantity, sale.per_user_limit)
    if taken.verdict == Verdict.UNKNOWN and await build_gate(sale, replace=False, now=now):
        taken = await stock_gate.take(gate, buyer.id, key, quantity, sale.per_user_limit)
    if taken.verdict == Verdict.SOLD_OUT:
        if taken.left > 0:
            raise UserError("SOLD_OUT", "only {left} left", "quantity", {"left": taken.left})
        raise UserError("SOLD_OUT", "this flash sale is sold out", "saleId")
    if taken.verdict == Verdict.LIMIT:
        raise _limit_error(sale.per_user_limit, taken.held)
    if taken.verdict != Verdict.WON:  # a replay, or no gate (Redis down): the database
        return await _buy_in_database(buyer, sale_id, quantity, shipping, key, now)
    if after_gate is not None:
        after_gate()
    try:
        shelf.checkout_started(sale.room_id, sale.product_id, buyer.id)
        order, replayed = await _settle(buyer, sale, quantity, shipping, key, now)
    except BaseException:
        await asyncio.shield(stock_gate.give_back(gate, buyer.id, key, quantity))
        raise
    if replayed:  # a twin with this key (through the database path) settled first
        await stock_gate.give_back(gate, buyer.id, None, quantity)
    offer_update(sale.id)
    return order


#: Test-only fault hook: called between a won gate take and the settle (a crash test sets
#: it to ``os._exit`` in a subprocess). None in production.
after_gate: Callable[[], None] | None = None


def _checked_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise UserError(
            "INVALID_IDEMPOTENCY_KEY",
            "send an idempotency key of 1 to {max} characters",
            "idempotencyKey",
            {"max": MAX_KEY},
        )
    return key


def _check_quantity(sale: FlashSale, quantity: int) -> None:
    if not isinstance(quantity, int) or quantity < 1:
        raise UserError("INVALID_QUANTITY", "buy at least 1", "quantity")
    if quantity > sale.per_user_limit:
        raise _limit_error(sale.per_user_limit, 0)


def _limit_error(limit: int, held: int) -> UserError:
    return _purchase_limit(limit, limit - held if 0 < held < limit else 0)


def _purchase_limit(limit: int, more: int) -> UserError:
    """At most ``limit`` per buyer in a sale; ``more`` (when above 0) still for this one."""
    if more > 0:
        return UserError(
            "PURCHASE_LIMIT",
            "you can buy at most {limit} in this sale; {more} more for you",
            "quantity",
            {"limit": limit, "more": more},
        )
    return UserError(
        "PURCHASE_LIMIT", "you can buy at most {limit} in this sale", "quantity", {"limit": limit}
    )


async def _buy_in_database(
    buyer: User,
    sale_id: int,
    quantity: int,
    shipping: dict[str, Any],
    key: str,
    now: datetime,
) -> Order:
    """The purchase decided by the database alone (no gate, or a sale that is not live)."""
    sale = await get_sale(sale_id)
    earlier = await FlashSaleClaim.filter(
        sale_id=sale.id, user_id=buyer.id, idempotency_key=key, order_id__isnull=False
    ).first()
    if earlier is not None:
        return await Order.get(id=earlier.order_id)
    _check_quantity(sale, quantity)
    problem = _not_buyable(sale, now, quantity)  # fast path: no transaction for a lost race
    if problem is not None:
        raise problem
    shelf.checkout_started(sale.room_id, sale.product_id, buyer.id)
    order, _replayed = await _settle(buyer, sale, quantity, shipping, key, now)
    offer_update(sale.id)
    return order


async def _settle(
    buyer: User,
    sale: FlashSale,
    quantity: int,
    shipping: dict[str, Any],
    key: str,
    now: datetime,
) -> tuple[Order, bool]:
    """The purchase's transaction, retried when a twin request took the same claim slot;
    the order and whether it is a concurrent twin's (same key) rather than ours."""
    for _attempt in range(CLAIM_RETRIES):
        try:
            return await _purchase(buyer, sale, quantity, shipping, key, now), False
        except _Replay as replay:
            return replay.order, True  # the same request, placed by a concurrent twin
        except IntegrityError:
            # Another request of this buyer took the same slot: look again.
            continue
    raise _limit_error(sale.per_user_limit, 0)


class _Replay(Exception):
    """Raised inside a purchase to roll it back and answer with an existing order."""

    def __init__(self, order: Order) -> None:
        super().__init__("replay")
        self.order = order


async def _purchase(
    buyer: User,
    sale: FlashSale,
    quantity: int,
    shipping: dict[str, Any],
    key: str,
    now: datetime,
) -> Order:
    limit = sale.per_user_limit
    async with in_transaction() as conn:
        taken = set(
            await FlashSaleClaim.filter(sale_id=sale.id, user_id=buyer.id)
            .using_db(conn)
            .values_list("n", flat=True)
        )
        free = [n for n in range(1, limit + 1) if n not in taken][:quantity]
        if len(free) < quantity:
            raise _purchase_limit(limit, limit - len(taken))
        # First, so that a buyer who lost the race stops here; the row lock it takes is
        # what serialises buyers of one sale.
        decremented = (
            await FlashSale.filter(
                id=sale.id,
                state=FlashSaleState.LIVE,
                starts_at__lte=now,
                ends_at__gt=now,
                remaining__gte=quantity,
            )
            .using_db(conn)
            .update(remaining=F("remaining") - quantity)
        )
        if not decremented:
            fresh = await FlashSale.get(id=sale.id, using_db=conn)
            raise _not_buyable(fresh, now, quantity) or UserError(
                "SOLD_OUT", "this flash sale is sold out", "saleId"
            )
        order = await placing.create_order(
            buyer,
            [
                OrderLine(
                    variant_id=sale.variant_id,
                    quantity=quantity,
                    unit_price=sale.price_cents,
                    source=f"flash_sale:{sale.id}",
                    reserve_stock=False,
                )
            ],
            shipping=shipping,
            idempotency_key=_order_key(sale.id, key),
            room_id=sale.room_id,
            using_db=conn,
        )
        if await FlashSaleClaim.filter(order_id=order.id).using_db(conn).exists():
            raise _Replay(order)  # a twin with this key committed first: undo ours
        if order.status != OrderStatus.PENDING:
            raise UserError(
                "IDEMPOTENCY_KEY_USED",
                "this key belongs to an order that is closed; send a new one",
                "idempotencyKey",
            )
        # The unique (sale, user, n) fails here when another request of this buyer took
        # the same slot: everything above rolls back.
        await FlashSaleClaim.bulk_create(
            [
                FlashSaleClaim(
                    sale_id=sale.id,
                    user_id=buyer.id,
                    n=n,
                    order_id=order.id,
                    idempotency_key=key,
                )
                for n in free
            ],
            using_db=conn,
        )
    await signals.emit("order.created", **await order_signal(order), source=f"flash_sale:{sale.id}")
    return order


# -- the stock gate -----------------------------------------------------------------------

# Rows of sales being bought, per event loop (tests run one database per loop): a purchase
# only needs the sale's terms, which never change while it is live; its end drops the
# gate, which sends buyers to the database.
_sales: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, tuple[float, FlashSale]]] = (
    weakref.WeakKeyDictionary()
)


# Reads of a sale's row under way, per event loop: a storm's requests that find no fresh
# row wait for one read instead of each running its own (at a sale's start, and each time
# the row goes stale, every buyer of the moment missed at once: 4% of a storm's CPU).
_loads: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, asyncio.Task[FlashSale]]] = (
    weakref.WeakKeyDictionary()
)


def _sale_cache() -> dict[int, tuple[float, FlashSale]]:
    loop = asyncio.get_running_loop()
    cache = _sales.get(loop)
    if cache is None:
        cache = _sales[loop] = {}
    return cache


def _sale_loads() -> dict[int, asyncio.Task[FlashSale]]:
    loop = asyncio.get_running_loop()
    loads = _loads.get(loop)
    if loads is None:
        loads = _loads[loop] = {}
    return loads


async def _sale_for_buying(sale_id: int) -> FlashSale:
    """The sale's row, at most :data:`SALE_CACHE_SECONDS` old; one read at a time per sale
    (a caller that gives up does not cancel the read the others wait for)."""
    found = _sale_cache().get(sale_id)
    if found is not None and found[0] > time.monotonic():
        return found[1]
    loads = _sale_loads()
    load = loads.get(sale_id)
    if load is None:
        load = loads[sale_id] = asyncio.ensure_future(_load_sale(sale_id))
    return await asyncio.shield(load)


async def _load_sale(sale_id: int) -> FlashSale:
    """Read the row and keep it, unless the sale was forgotten meanwhile (it changed)."""
    loads = _sale_loads()
    clock = time.monotonic()  # the row is as old as the read's start
    try:
        sale = await get_sale(sale_id)
        if loads.get(sale_id) is asyncio.current_task():
            cache = _sale_cache()
            if len(cache) > 1000:
                cache.clear()
            cache[sale_id] = (clock + SALE_CACHE_SECONDS, sale)
        return sale
    finally:
        if loads.get(sale_id) is asyncio.current_task():
            del loads[sale_id]


def _forget_sale(sale_id: int) -> None:
    with contextlib.suppress(RuntimeError):
        _sale_cache().pop(sale_id, None)
        _sale_loads().pop(sale_id, None)  # a read under way keeps its row to itself


def gate_name(sale: FlashSale) -> str:
    """The sale's gate: its id and creation time (two databases' sale 1 never share one)."""
    return f"{sale.id}.{int(_aware(sale.created_at).timestamp() * 1_000_000)}"


async def gate_state(sale_id: int) -> GateState | None:
    """The gate a sale should have, from the database: remaining units (quantity less the
    settled ones), each buyer's units and winning keys; None once the sale has ended (its
    gate is dropped, not rebuilt). Claims are read before the sale, so a purchase settling
    meanwhile can only make the gate generous (the database still refuses what it does not
    have), never short."""
    held: dict[int, int] = {}
    keys: set[tuple[int, str]] = set()
    for user_id, key in await FlashSaleClaim.filter(sale_id=sale_id).values_list(
        "user_id", "idempotency_key"
    ):
        buyer = int(user_id)
        held[buyer] = held.get(buyer, 0) + 1
        if key:
            keys.add((buyer, str(key)))
    sale = await get_sale(sale_id)
    if sale.state != FlashSaleState.LIVE:
        return None
    return GateState(remaining=sale.remaining, held=held, keys=keys)


async def build_gate(
    sale: FlashSale,
    state: GateState | None = None,
    replace: bool = True,
    now: datetime | None = None,
) -> bool:
    """Set the sale's gate from ``state`` (default: the database's, nothing when the sale
    has ended there, whatever ``sale`` says); ``replace=False`` only fills a gate that
    holds nothing. True when set."""
    now = now or utcnow()
    ttl = (_aware(sale.ends_at) - now).total_seconds() + GATE_GRACE
    if ttl <= 0:
        return False
    if state is None:
        state = await gate_state(sale.id)
        if state is None:
            return False
    return await stock_gate.load(gate_name(sale), state, ttl, replace)


async def reconcile_gates(now: datetime | None = None) -> int:
    """Rebuild the gate of every sale not over yet from the database (the app starts: a
    crash may have left units taken at the gate and never settled). Returns how many."""
    now = now or utcnow()
    sales = await FlashSale.filter(state=FlashSaleState.LIVE, ends_at__gt=now)
    for sale in sales:
        await build_gate(sale, now=now)
    return len(sales)


# -- releasing units of cancelled / expired orders ----------------------------------------


@contextlib.asynccontextmanager
async def _transaction(using_db: BaseDBAsyncClient | None) -> AsyncIterator[BaseDBAsyncClient]:
    if using_db is not None:
        yield using_db
        return
    async with in_transaction() as conn:
        yield conn


async def release_units(order: Order | int, using_db: BaseDBAsyncClient | None = None) -> int:
    """Hook for the orders code: give back the live-commerce units of a cancelled or
    expired order. Idempotent (a second call finds nothing to release).

    Flash-sale units go back to their sale while it is live (and the buyer's claim slot
    is freed), to the variant's stock once it has ended; an auction's unit goes back to
    stock. Pass ``using_db`` to run inside the caller's transaction. Returns the number of
    units released.
    """
    order_id = order if isinstance(order, int) else order.id
    released = 0
    back_to_sale: list[int] = []
    async with _transaction(using_db) as conn:
        claimed: list[Any] = (
            await FlashSaleClaim.filter(order_id=order_id)
            .using_db(conn)
            .values_list("sale_id", flat=True)
        )
        sale_ids = set(claimed)
        for sale_id in sorted(sale_ids):
            claims = (
                await FlashSaleClaim.filter(order_id=order_id, sale_id=sale_id)
                .using_db(conn)
                .values_list("user_id", "idempotency_key")
            )
            units = (
                await FlashSaleClaim.filter(order_id=order_id, sale_id=sale_id)
                .using_db(conn)
                .delete()
            )
            if not units:
                continue
            released += units
            to_sale = (
                await FlashSale.filter(id=sale_id, state=FlashSaleState.LIVE)
                .using_db(conn)
                .update(remaining=F("remaining") + units)
            )
            if to_sale:
                back_to_sale.append(int(sale_id))
                # Before the commit: should it roll back, the gate is generous for a
                # while (the database still refuses), never short.
                live = await FlashSale.get(id=sale_id, using_db=conn)
                for user_id, key in claims:
                    await stock_gate.give_back(
                        gate_name(live),
                        int(user_id),
                        str(key) or None,
                        1,
                    )
            else:
                sale = await FlashSale.get(id=sale_id, using_db=conn)
                await (
                    Variant.filter(id=sale.variant_id)
                    .using_db(conn)
                    .update(stock=F("stock") + units)
                )
        released += await auctions.release_order(order_id, conn)
    if using_db is None:
        for sale_id in back_to_sale:
            offer_update(sale_id)
    else:
        for sale_id in back_to_sale:
            _after_commit(sale_id)
    return released


def _after_commit(sale_id: int) -> None:
    """Inside someone else's transaction: publish a little later, after their commit."""
    with contextlib.suppress(RuntimeError):
        asyncio.get_running_loop().call_later(PUBLISH_INTERVAL, offer_update, sale_id)


# -- coalesced ``flash_sale`` updates ------------------------------------------------------

updates = shelf.Coalescer(PUBLISH_INTERVAL)


def offer_update(sale_id: int) -> None:
    """Publish the sale's remaining stock soon (at most every PUBLISH_INTERVAL seconds)."""

    async def produce() -> tuple[int, events.RoomEvent] | None:
        sale = await FlashSale.get_or_none(id=sale_id)
        if sale is None:
            return None
        return sale.room_id, sale_event(sale)

    with contextlib.suppress(RuntimeError):
        updates.offer(("flash_sale", sale_id), produce)
