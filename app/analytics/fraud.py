"""Fraud and anomaly flags: small rules over the database, each returning what it found
with its evidence; :func:`scan` runs them all and keeps one :class:`FraudFlag` per kind
and subject; moderators confirm or dismiss a flag (:func:`decide`), and a confirmed flag
may freeze the accounts' wallets or cancel / refund their orders.

The rules (thresholds in :class:`Rules`):

* ``shared_address``: several accounts ordering to one shipping address (normalised:
  line 1 and 2, city, postal code, country);
* ``shared_device``: several accounts that ordered logging in from one IP address. The
  register flow records no device, so the "device" is the IP of successful logins
  (:class:`app.accounts.models.LoginAttempt`); behind a proxy that is the proxy's
  address unless it forwards the client's;
* ``gift_ring``: coins going round between a few accounts: a strongly connected group of
  2..``ring_max_size`` accounts in the graph of coin transfers (gifts, coin payments)
  with at least ``ring_min_coins`` moved inside it;
* ``like_burst`` / ``chat_burst``: one account's likes or messages in a room and minute
  above a ceiling no person reaches;
* ``new_account_swarm``: in a room and a few minutes, many signed-in viewers whose accounts
  are a day old or less, and most of the room's joiners;
* ``flash_sale_new_accounts``: a flash sale whose buyers are mostly new accounts;
* ``gmv_anomaly`` / ``viewer_anomaly``: a minute's GMV or average viewers far above the
  room's usual, by the robust z-score ``(x - median) / (1.4826 · MAD)`` over the room's
  earlier minutes (when over half of them equal the median, the MAD of the others).
"""

from __future__ import annotations

import hashlib
import logging
import re
import statistics
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet

from app.accounts.models import LoginAttempt, Role, User
from app.analytics.models import (
    FlagAction,
    FlagKind,
    FlagStatus,
    FraudFlag,
    MinuteBucket,
    UserBurst,
    ViewerVisit,
)
from app.analytics.recorder import MINUTE, minute_of
from app.commerce.live_models import FlashSale, FlashSaleClaim
from app.commerce.models import Order, OrderStatus
from app.errors import NotFound, PermissionDenied, UserError
from app.gifts.models import EntryKind, LedgerEntry, Wallet

log = logging.getLogger("livemart.fraud")

CLOSED = (OrderStatus.CANCELLED, OrderStatus.EXPIRED)
MAX_LISTED = 50  # ids listed in evidence


@dataclass(frozen=True)
class Rules:
    """Thresholds of the rules."""

    order_window: timedelta = timedelta(days=7)
    shared_address_accounts: int = 3
    shared_device_accounts: int = 3
    ring_window: timedelta = timedelta(days=7)
    ring_max_size: int = 6
    ring_min_coins: int = 300
    burst_window: timedelta = timedelta(hours=2)
    like_burst_per_minute: int = 600
    chat_burst_per_minute: int = 15
    new_account_age: timedelta = timedelta(days=1)
    swarm_window: timedelta = timedelta(hours=2)
    swarm_slot_minutes: int = 5
    swarm_min_accounts: int = 8
    swarm_share: float = 0.6
    flash_window: timedelta = timedelta(days=7)
    flash_min_buyers: int = 5
    flash_new_share: float = 0.6
    anomaly_history: timedelta = timedelta(days=7)
    anomaly_recent: timedelta = timedelta(hours=1)
    anomaly_min_history: int = 30
    anomaly_z: float = 6.0
    gmv_min_delta: int = 5000
    viewers_min_delta: float = 20


RULES = Rules()


@dataclass
class Finding:
    """What a rule found; ``evidence`` has ``user_ids`` and ``order_ids``."""

    kind: FlagKind
    subject: str
    summary: str
    score: float
    evidence: dict[str, Any] = field(default_factory=dict)
    room_id: int | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _ids(values: Any) -> list[int]:
    return sorted({int(v) for v in values})[:MAX_LISTED]


# --- orders: shared address, shared device ---------------------------------------------


def address_fingerprint(shipping: dict[str, Any]) -> str:
    """A hash of the normalised address (case, spaces and punctuation ignored)."""

    def norm(name: str) -> str:
        return re.sub(r"[\W_]+", "", str(shipping.get(name) or "").casefold())

    parts = [norm(n) for n in ("line1", "line2", "city", "postal_code", "country")]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


async def _recent_orders(now: datetime, rules: Rules) -> list[tuple[int, int, Any, str]]:
    return list(
        await Order.filter(created_at__gte=now - rules.order_window).values_list(
            "id", "buyer_id", "shipping", "status"
        )
    )


def _open_orders(rows: list[tuple[int, int, Any, str]]) -> list[int]:
    return _ids(oid for oid, _, _, status in rows if status not in CLOSED)


async def shared_address(now: datetime, rules: Rules = RULES) -> list[Finding]:
    """Many accounts ordering to one shipping address."""
    groups: dict[str, list[tuple[int, int, Any, str]]] = defaultdict(list)
    for row in await _recent_orders(now, rules):
        if isinstance(row[2], dict) and row[2]:
            groups[address_fingerprint(row[2])].append(row)
    found = []
    for fingerprint, rows in groups.items():
        buyers = {buyer for _, buyer, _, _ in rows}
        if len(buyers) < rules.shared_address_accounts:
            continue
        address = rows[-1][2]
        shown = ", ".join(
            str(address.get(k))
            for k in ("line1", "city", "postal_code", "country")
            if address.get(k)
        )
        found.append(
            Finding(
                FlagKind.SHARED_ADDRESS,
                f"address:{fingerprint}",
                f"{len(buyers)} accounts ordered to {shown}",
                float(len(buyers)),
                {
                    "address": {
                        k: address.get(k, "")
                        for k in ("line1", "line2", "city", "postal_code", "country")
                    },
                    "accounts": len(buyers),
                    "orders": len(rows),
                    "user_ids": _ids(buyers),
                    "order_ids": _open_orders(rows),
                },
            )
        )
    return found


async def shared_device(now: datetime, rules: Rules = RULES) -> list[Finding]:
    """Many accounts that ordered logging in from one IP address."""
    orders = await _recent_orders(now, rules)
    by_buyer: dict[int, list[tuple[int, int, Any, str]]] = defaultdict(list)
    for row in orders:
        by_buyer[row[1]].append(row)
    if not by_buyer:
        return []
    emails = dict(await User.filter(id__in=list(by_buyer)).values_list("email", "id"))
    logins = await LoginAttempt.filter(
        success=True, created_at__gte=now - rules.order_window, email__in=list(emails)
    ).values_list("ip", "email")
    users_by_ip: dict[str, set[int]] = defaultdict(set)
    for ip, email in logins:
        if ip and ip != "unknown" and email in emails:
            users_by_ip[ip].add(emails[email])
    found = []
    for ip, users in users_by_ip.items():
        if len(users) < rules.shared_device_accounts:
            continue
        rows = [row for uid in users for row in by_buyer[uid]]
        found.append(
            Finding(
                FlagKind.SHARED_DEVICE,
                f"ip:{ip}",
                f"{len(users)} buying accounts log in from {ip}",
                float(len(users)),
                {
                    "ip": ip,
                    "accounts": len(users),
                    "orders": len(rows),
                    "user_ids": _ids(users),
                    "order_ids": _open_orders(rows),
                },
            )
        )
    return found


# --- coins: rings ----------------------------------------------------------------------


def strongly_connected(edges: dict[tuple[int, int], int]) -> list[list[int]]:
    """Strongly connected components (Tarjan, iterative) of a directed graph."""
    graph: dict[int, list[int]] = defaultdict(list)
    for a, b in edges:
        graph[a].append(b)
        graph.setdefault(b, [])
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    stack: list[int] = []
    on_stack: set[int] = set()
    components: list[list[int]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


async def coin_edges(since: datetime) -> dict[tuple[int, int], list[int]]:
    """Coins moved user → user since ``since`` (gifts and coin payments): ``{(from, to):
    [coins, transfers]}``."""
    rows = await LedgerEntry.filter(
        created_at__gte=since,
        kind__in=[EntryKind.GIFT_SENT, EntryKind.GIFT_RECEIVED, EntryKind.ORDER_PAYMENT],
    ).values_list("transaction_id", "wallet_id", "delta")
    owners = dict(
        await Wallet.filter(
            id__in=list({w for _, w, _ in rows}), user_id__isnull=False
        ).values_list("id", "user_id")
    )
    sides: dict[Any, list[tuple[int, int]]] = defaultdict(list)
    for txid, wallet_id, delta in rows:
        if wallet_id in owners:
            sides[txid].append((owners[wallet_id], int(delta)))
    edges: dict[tuple[int, int], list[int]] = {}
    for entries in sides.values():
        payers = [(u, -d) for u, d in entries if d < 0]
        payees = [u for u, d in entries if d > 0]
        if len(payers) == 1 and len(payees) == 1 and payers[0][0] != payees[0]:
            edge = edges.setdefault((payers[0][0], payees[0]), [0, 0])
            edge[0] += payers[0][1]
            edge[1] += 1
    return edges


async def gift_rings(now: datetime, rules: Rules = RULES) -> list[Finding]:
    """Coins going round between a few accounts."""
    edges = await coin_edges(now - rules.ring_window)
    found = []
    weights = {pair: coins for pair, (coins, _) in edges.items()}
    for members in strongly_connected(weights):
        if not 2 <= len(members) <= rules.ring_max_size:
            continue
        inside = {
            pair: value
            for pair, value in edges.items()
            if pair[0] in members and pair[1] in members
        }
        coins = sum(v[0] for v in inside.values())
        if coins < rules.ring_min_coins:
            continue
        sent = sum(v[0] for pair, v in edges.items() if pair[0] in members)
        found.append(
            Finding(
                FlagKind.GIFT_RING,
                "ring:" + ",".join(str(m) for m in members),
                f"{coins} coins went round between {len(members)} accounts",
                float(coins),
                {
                    "members": members,
                    "coins_inside": coins,
                    "share_inside": round(coins / sent, 3) if sent else 1.0,
                    "transfers": [
                        {"from": a, "to": b, "coins": c, "count": n}
                        for (a, b), (c, n) in sorted(inside.items())
                    ],
                    "user_ids": members,
                    "order_ids": [],
                },
            )
        )
    return found


# --- engagement: bursts, swarms --------------------------------------------------------


async def _bursts(
    now: datetime, rules: Rules, column: str, limit: int, kind: FlagKind, noun: str
) -> list[Finding]:
    rows = (
        await UserBurst.filter(minute__gte=now - rules.burst_window, **{f"{column}__gte": limit})
        .order_by("minute")
        .values_list("room_id", "user_id", "minute", column)
    )
    groups: dict[tuple[int, int, str], list[tuple[datetime, int]]] = defaultdict(list)
    for room_id, user_id, minute, count in rows:
        hour = _aware(minute).strftime("%Y-%m-%dT%H")
        groups[(room_id, user_id, hour)].append((_aware(minute), int(count)))
    found = []
    for (room_id, user_id, hour), minutes in groups.items():
        top = max(count for _, count in minutes)
        found.append(
            Finding(
                kind,
                f"{noun}:{room_id}:{user_id}:{hour}",
                f"one account sent {top} {noun} in a minute in room {room_id}",
                float(top),
                {
                    "room_id": room_id,
                    "user_id": user_id,
                    "per_minute_limit": limit,
                    "minutes": [{"minute": m.isoformat(), noun: c} for m, c in minutes],
                    "user_ids": [user_id],
                    "order_ids": [],
                },
                room_id,
            )
        )
    return found


async def like_bursts(now: datetime, rules: Rules = RULES) -> list[Finding]:
    """One account's likes in a room and minute above ``like_burst_per_minute``."""
    return await _bursts(
        now, rules, "likes", rules.like_burst_per_minute, FlagKind.LIKE_BURST, "likes"
    )


async def chat_bursts(now: datetime, rules: Rules = RULES) -> list[Finding]:
    """One account's chat messages in a room and minute above ``chat_burst_per_minute``."""
    return await _bursts(
        now, rules, "chats", rules.chat_burst_per_minute, FlagKind.CHAT_BURST, "messages"
    )


async def _ages(user_ids: set[int]) -> dict[int, datetime]:
    return {
        int(uid): _aware(created)
        for uid, created in await User.filter(id__in=list(user_ids)).values_list("id", "created_at")
    }


async def new_account_swarms(now: datetime, rules: Rules = RULES) -> list[Finding]:
    """Many new accounts joining a room within a few minutes, most of its joiners."""
    rows = await ViewerVisit.filter(
        first_seen__gte=now - rules.swarm_window, user_id__isnull=False
    ).values_list("room_id", "user_id", "first_seen")
    slot = timedelta(minutes=rules.swarm_slot_minutes)
    groups: dict[tuple[int, datetime], dict[int, datetime]] = defaultdict(dict)
    for room_id, user_id, first_seen in rows:
        at = _aware(first_seen)
        start = minute_of(at)
        start -= timedelta(minutes=start.minute % rules.swarm_slot_minutes)
        joined = groups[(room_id, start)]
        joined[user_id] = min(at, joined.get(user_id, at))
    created = await _ages({uid for joined in groups.values() for uid in joined})
    found = []
    for (room_id, start), joined in groups.items():
        new = {
            uid
            for uid, at in joined.items()
            if uid in created and at - created[uid] <= rules.new_account_age
        }
        share = len(new) / len(joined)
        if len(new) < rules.swarm_min_accounts or share < rules.swarm_share:
            continue
        found.append(
            Finding(
                FlagKind.NEW_ACCOUNT_SWARM,
                f"swarm:{room_id}:{start.isoformat()}",
                f"{len(new)} of {len(joined)} viewers joining room {room_id} between "
                f"{start:%H:%M} and {start + slot:%H:%M} UTC have day-old accounts",
                round(share * len(new), 2),
                {
                    "room_id": room_id,
                    "from": start.isoformat(),
                    "to": (start + slot).isoformat(),
                    "joined": len(joined),
                    "new_accounts": len(new),
                    "share": round(share, 3),
                    "user_ids": _ids(new),
                    "order_ids": [],
                },
                room_id,
            )
        )
    return found


async def flash_sale_new_accounts(now: datetime, rules: Rules = RULES) -> list[Finding]:
    """Flash sales whose buyers are mostly accounts created a day or less before it."""
    sales = await FlashSale.filter(starts_at__gte=now - rules.flash_window)
    found = []
    for sale in sales:
        claims = await FlashSaleClaim.filter(sale_id=sale.id).values_list("user_id", "order_id")
        order_ids = {oid for _, oid in claims if oid}
        open_orders = set(
            await Order.filter(id__in=list(order_ids))
            .exclude(status__in=list(CLOSED))
            .values_list("id", flat=True)
        )
        buyers: dict[int, set[int]] = defaultdict(set)
        for user_id, order_id in claims:
            if order_id in open_orders:
                buyers[user_id].add(order_id)
        if len(buyers) < rules.flash_min_buyers:
            continue
        created = await _ages(set(buyers))
        starts = _aware(sale.starts_at)
        new = {uid for uid in buyers if starts - created.get(uid, starts) <= rules.new_account_age}
        share = len(new) / len(buyers)
        if share < rules.flash_new_share:
            continue
        found.append(
            Finding(
                FlagKind.FLASH_SALE_NEW_ACCOUNTS,
                f"flash_sale:{sale.id}",
                f"{len(new)} of {len(buyers)} buyers of flash sale {sale.id} are new accounts",
                round(share, 3),
                {
                    "sale_id": sale.id,
                    "room_id": sale.room_id,
                    "buyers": len(buyers),
                    "new_buyers": len(new),
                    "share": round(share, 3),
                    "user_ids": _ids(new),
                    "order_ids": _ids(oid for uid in new for oid in buyers[uid]),
                },
                sale.room_id,
            )
        )
    return found


# --- statistics: GMV and viewers far from the room's usual ------------------------------


def robust_scale(values: list[float]) -> tuple[float, float]:
    """``(median, scale)``: scale = 1.4826 · MAD; when over half the values equal the
    median (MAD 0), the MAD of the values that differ from it; 0 when all are equal."""
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    if mad == 0:
        off = [abs(v - median) for v in values if v != median]
        mad = statistics.median(off) if off else 0.0
    return median, 1.4826 * mad


async def _anomalies(
    now: datetime,
    rules: Rules,
    kind: FlagKind,
    metric: Callable[[dict[str, Any]], float | None],
    min_delta: float,
    evidence: Callable[[int, list[datetime]], Awaitable[dict[str, Any]]],
    label: str,
) -> list[Finding]:
    recent_start = now - rules.anomaly_recent
    active: list[Any] = await MinuteBucket.filter(
        minute__gte=recent_start, minute__lte=now
    ).values_list("room_id", flat=True)
    rooms = set(active)
    found = []
    for room_id in sorted(rooms):
        rows = await MinuteBucket.filter(
            room_id=room_id, minute__gte=now - rules.anomaly_history, minute__lte=now
        ).values("minute", "gmv_cents", "viewers_sum", "viewers_samples", "orders")
        history: list[float] = []
        recent: list[tuple[datetime, float]] = []
        for row in rows:
            value = metric(row)
            if value is None:
                continue
            if _aware(row["minute"]) < recent_start:
                history.append(value)
            else:
                recent.append((_aware(row["minute"]), value))
        if len(history) < rules.anomaly_min_history or not recent:
            continue
        median, scale = robust_scale(history)
        if scale <= 0:
            continue
        hits = []
        for minute, value in recent:
            z = (value - median) / scale
            if z >= rules.anomaly_z and value - median >= min_delta:
                hits.append((minute, value, z))
        by_hour: dict[str, list[tuple[datetime, float, float]]] = defaultdict(list)
        for hit in hits:
            by_hour[hit[0].strftime("%Y-%m-%dT%H")].append(hit)
        for hour, minutes in sorted(by_hour.items()):
            top = max(z for _, _, z in minutes)
            extra = await evidence(room_id, [m for m, _, _ in minutes])
            found.append(
                Finding(
                    kind,
                    f"{label}:{room_id}:{hour}",
                    f"room {room_id}: {label} per minute up to {max(v for _, v, _ in minutes):g}"
                    f" against a usual {median:g} (robust z {top:.1f})",
                    round(top, 2),
                    {
                        "room_id": room_id,
                        "median": median,
                        "scale": round(scale, 3),
                        "threshold_z": rules.anomaly_z,
                        "history_minutes": len(history),
                        "minutes": [
                            {"minute": m.isoformat(), "value": v, "z": round(z, 2)}
                            for m, v, z in minutes
                        ],
                        "user_ids": [],
                        "order_ids": [],
                        **extra,
                    },
                    room_id,
                )
            )
    return found


async def _orders_in(room_id: int, minutes: list[datetime]) -> dict[str, Any]:
    orders: list[tuple[int, int]] = []
    for minute in minutes:
        orders += (
            await Order.filter(room_id=room_id, paid_at__gte=minute, paid_at__lt=minute + MINUTE)
            .exclude(status__in=list(CLOSED))
            .values_list("id", "buyer_id")
        )
    return {"order_ids": _ids(o for o, _ in orders), "user_ids": _ids(b for _, b in orders)}


async def _joiners_in(room_id: int, minutes: list[datetime]) -> dict[str, Any]:
    users: list[int] = []
    for minute in minutes:
        joined: list[Any] = await ViewerVisit.filter(
            room_id=room_id,
            first_seen__gte=minute,
            first_seen__lt=minute + MINUTE,
            user_id__isnull=False,
        ).values_list("user_id", flat=True)
        users += joined
    return {"user_ids": _ids(users), "order_ids": []}


async def gmv_anomalies(now: datetime, rules: Rules = RULES) -> list[Finding]:
    """Minutes of the last hour whose GMV is far above the room's usual."""
    return await _anomalies(
        now,
        rules,
        FlagKind.GMV_ANOMALY,
        lambda r: float(r["gmv_cents"]),
        rules.gmv_min_delta,
        _orders_in,
        "gmv",
    )


async def viewer_anomalies(now: datetime, rules: Rules = RULES) -> list[Finding]:
    """Minutes of the last hour whose average viewers are far above the room's usual."""

    def average(row: dict[str, Any]) -> float | None:
        samples = row["viewers_samples"]
        return row["viewers_sum"] / samples if samples else None

    return await _anomalies(
        now,
        rules,
        FlagKind.VIEWER_ANOMALY,
        average,
        rules.viewers_min_delta,
        _joiners_in,
        "viewers",
    )


RuleFunction = Callable[[datetime, Rules], Awaitable[list[Finding]]]
ALL_RULES: tuple[RuleFunction, ...] = (
    shared_address,
    shared_device,
    gift_rings,
    like_bursts,
    chat_bursts,
    new_account_swarms,
    flash_sale_new_accounts,
    gmv_anomalies,
    viewer_anomalies,
)


# --- scanning and deciding --------------------------------------------------------------


async def find(now: datetime | None = None, rules: Rules = RULES) -> list[Finding]:
    """Run every rule (a failing rule is logged and skipped)."""
    now = now or _now()
    found: list[Finding] = []
    for rule in ALL_RULES:
        try:
            found += await rule(now, rules)
        except Exception:
            log.exception("fraud rule %s failed", rule.__name__)
    return found


async def scan(now: datetime | None = None, rules: Rules = RULES) -> list[FraudFlag]:
    """Run the rules and store what they found: a new flag per new subject, updated
    evidence on open flags; decided flags stay as they are. Returns the new or updated
    open flags."""
    touched = []
    for finding in await find(now, rules):
        flag = await FraudFlag.get_or_none(kind=finding.kind, subject=finding.subject)
        values: dict[str, Any] = {
            "summary": finding.summary[:300],
            "evidence": finding.evidence,
            "score": finding.score,
            "room_id": finding.room_id,
        }
        if flag is None:
            try:
                flag = await FraudFlag.create(kind=finding.kind, subject=finding.subject, **values)
            except IntegrityError:  # another process raised it first
                continue
            touched.append(flag)
        elif flag.status == FlagStatus.OPEN:
            await FraudFlag.filter(id=flag.id, status=FlagStatus.OPEN).update(**values)
            touched.append(await FraudFlag.get(id=flag.id))
    return touched


def require_site_moderator(user: User | None) -> User:
    if user is None or not user.is_moderator:
        raise PermissionDenied("only moderators and admins handle fraud flags")
    return user


def flags_query(
    user: User | None, status: str | None = None, kind: str | None = None
) -> QuerySet[FraudFlag]:
    """Flags, open ones first by score, then newest (moderators and admins)."""
    require_site_moderator(user)
    query = FraudFlag.all()
    if status:
        try:
            query = query.filter(status=FlagStatus(status.lower()))
        except ValueError:
            raise UserError(
                "INVALID_STATUS", "status is open, confirmed or dismissed", "status"
            ) from None
    if kind:
        try:
            query = query.filter(kind=FlagKind(kind.lower()))
        except ValueError:
            raise UserError("INVALID_KIND", "unknown flag kind", "kind") from None
    return query.order_by("-score", "-id") if status == "open" else query.order_by("-id")


async def get_flag(user: User | None, flag_id: int) -> FraudFlag:
    require_site_moderator(user)
    flag = await FraudFlag.get_or_none(id=flag_id)
    if flag is None:
        raise NotFound("fraud flag", "flagId")
    return flag


async def get_flags(ids: list[int]) -> dict[int, FraudFlag]:
    return {f.id: f for f in await FraudFlag.filter(id__in=list(ids))}


async def visible_flags(ids: list[int], viewer: User | None) -> dict[int, FraudFlag]:
    """The flags of ``ids`` by id for site moderators and admins; nobody else sees flags."""
    if viewer is None or not viewer.is_moderator:
        return {}
    return await get_flags(ids)


async def decide(
    actor: User, flag_id: int, decision: str, action: str = FlagAction.NONE
) -> FraudFlag:
    """Confirm or dismiss an open flag; a confirmed flag may ``freeze_wallet`` (the
    evidence's accounts) or ``cancel_orders`` (its orders: unpaid ones cancelled, paid ones
    refunded; admins only, as cancelling and refunding others' orders is).

    Errors: ``FORBIDDEN``, ``NOT_FOUND``, ``INVALID_DECISION``, ``INVALID_ACTION``,
    ``ALREADY_DECIDED`` (nothing changes). The result of the action per account / order is
    kept in ``action_result``.
    """
    flag = await get_flag(actor, flag_id)
    try:
        status = FlagStatus(str(decision).lower())
        chosen = FlagAction(str(action or "none").lower())
    except ValueError:
        raise UserError("INVALID_DECISION", "decide confirmed or dismissed", "decision") from None
    if status == FlagStatus.OPEN:
        raise UserError("INVALID_DECISION", "decide confirmed or dismissed", "decision")
    if chosen != FlagAction.NONE and status != FlagStatus.CONFIRMED:
        raise UserError("INVALID_ACTION", "only a confirmed flag can have an action", "action")
    if chosen == FlagAction.CANCEL_ORDERS and actor.role != Role.ADMIN:
        raise PermissionDenied("only admins cancel or refund other people's orders")
    updated = await FraudFlag.filter(id=flag.id, status=FlagStatus.OPEN).update(
        status=status, decided_by_id=actor.id, decided_at=_now(), action=chosen
    )
    if not updated:
        raise UserError("ALREADY_DECIDED", "this flag was already decided", "flagId")
    result: dict[str, Any] = {}
    if chosen == FlagAction.FREEZE_WALLET:
        result = await _freeze(flag.evidence.get("user_ids") or [])
    elif chosen == FlagAction.CANCEL_ORDERS:
        result = await _cancel(actor, flag.evidence.get("order_ids") or [])
    if result:
        await FraudFlag.filter(id=flag.id).update(action_result=result)
    return await FraudFlag.get(id=flag.id)


async def _freeze(user_ids: list[int]) -> dict[str, Any]:
    from app.gifts import wallet

    frozen = []
    for user_id in user_ids:
        if await User.filter(id=user_id).exists():
            await wallet.set_frozen(int(user_id), True)
            frozen.append(int(user_id))
    return {"frozen_user_ids": frozen}


async def _cancel(actor: User, order_ids: list[int]) -> dict[str, Any]:
    from app.commerce import orders

    result: dict[str, list[Any]] = {"cancelled": [], "refunded": [], "skipped": [], "failed": []}
    for order_id in order_ids:
        order = await Order.get_or_none(id=order_id)
        if order is None:
            result["skipped"].append(order_id)
            continue
        try:
            if order.status == OrderStatus.PENDING:
                await orders.cancel_order(actor, order.id)
                result["cancelled"].append(order.id)
            elif order.status in orders.REFUNDABLE:
                await orders.refund_order(actor, order.id)
                result["refunded"].append(order.id)
            else:
                result["skipped"].append(order.id)
        except UserError as exc:
            result["failed"].append({"order_id": order.id, "code": exc.code})
    return result
