"""Writing notifications in bulk and reading them back.

:func:`notify` (given users) and :func:`notify_followers` (everyone following a streamer)
write one in-app row per recipient with one ``INSERT ... SELECT`` per chunk, whatever the
number of recipients, and queue that fan-out's pushes and mails in the same way (rows of
``notification_deliveries``, sent by the delivery runtime, :mod:`app.notify.delivery`).
Each user's choices (:mod:`app.notify.prefs`) are read inside those statements. Then one
bus event per fan-out tells every process to refresh the bells it shows
(:mod:`app.notify.hub`); with the arq queue the deliveries are also enqueued as jobs
(:mod:`app.notify.queue`).

Call them from a background task (the notify runtime does, from the signals of the
services), not from a request: a go-live reaches every follower without delaying it.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.errors import NotFound, UserError
from app.events import bus as event_bus
from app.notify import queue
from app.notify.endpoints import check_endpoint
from app.notify.models import (
    Channel,
    Kind,
    Notification,
    NotificationDelivery,
    PushSubscription,
)
from app.notify.prefs import default_enabled

log = logging.getLogger("livemart.notify")

NOTIFY_CHANNEL = "notifications"  # one bus channel: "a fan-out was written" (batch key)
BATCH_WRITTEN = "notification.batch"
CHUNK = 1000  # user ids per statement when the recipients are listed
PAGE = 30

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Content:
    """What a notification says: a title, a line of text, and where it leads."""

    title: str
    body: str = ""
    url: str = ""
    # The message ids and values of title and body, translated for each reader
    # (app.notify.texts); empty: the title and body are shown as they are.
    message: str = ""


def now() -> datetime:
    return datetime.now(UTC)


def _sql(conn: BaseDBAsyncClient, text: str, named: dict[str, Any]) -> tuple[str, list[Any]]:
    """``text`` with ``{name}`` placeholders as the dialect's positional ones."""
    postgres = conn.capabilities.dialect == "postgres"
    values: list[Any] = []

    def placeholder(found: re.Match[str]) -> str:
        values.append(named[found.group(1)])
        return f"${len(values)}" if postgres else "?"

    return _PLACEHOLDER.sub(placeholder, text), values


def _db_time(conn: BaseDBAsyncClient, at: datetime) -> Any:
    """A timestamp as this dialect's driver takes it in a raw statement."""
    if conn.capabilities.dialect == "postgres":
        return at
    return Notification._meta.fields_map["created_at"].to_db_value(at, Notification)


def _enabled(column: str, kind: Kind, channel: Channel) -> str:
    """SQL: whether the user in ``column`` gets ``kind`` on ``channel``."""
    default = "TRUE" if default_enabled(kind, channel) else "FALSE"
    return (
        "COALESCE((SELECT p.enabled FROM notification_preferences p"
        f" WHERE p.user_id = {column} AND p.kind = {{kind}}"
        f" AND p.channel = '{channel.value}'), {default})"
    )


async def _fan_out(
    conn: BaseDBAsyncClient,
    source: str,
    user_column: str,
    kind: Kind,
    content: Content,
    named: dict[str, Any],
    batch: str,
) -> int:
    """Insert one notification per user of ``source`` (a FROM clause); the number of
    notifications of ``batch`` written so far."""
    at = _db_time(conn, now())
    named = {
        **named,
        "kind": kind.value,
        "title": content.title[:200],
        "body": content.body[:500],
        "url": content.url[:300],
        "message": content.message,
        "batch": batch,
        "at": at,
    }
    insert = (
        "INSERT INTO notifications"
        " (user_id, kind, title, body, url, message, batch, shown, created_at)"
        f" SELECT {user_column}, {{kind}}, {{title}}, {{body}}, {{url}}, {{message}}, {{batch}},"
        f" {_enabled(user_column, kind, Channel.IN_APP)}, {{at}} FROM {source}"
    )
    sql, values = _sql(conn, insert, named)
    await conn.execute_query(sql, values)
    # (asyncpg reports no row count for an INSERT ... SELECT: count the batch instead)
    return await Notification.filter(batch=batch).count()


async def _queue_deliveries(conn: BaseDBAsyncClient, kind: Kind, batch: str) -> None:
    """The pushes (one per subscribed browser) and mails of the fan-out ``batch``."""
    named = {"kind": kind.value, "batch": batch, "at": _db_time(conn, now())}
    push = (
        "INSERT INTO notification_deliveries (notification_id, channel, subscription_id,"
        " status, attempts, next_attempt_at, claim, last_error)"
        " SELECT n.id, 'push', s.id, 'pending', 0, {at}, '', ''"
        " FROM notifications n JOIN push_subscriptions s ON s.user_id = n.user_id"
        f" WHERE n.batch = {{batch}} AND {_enabled('n.user_id', kind, Channel.PUSH)}"
    )
    mail = (
        "INSERT INTO notification_deliveries (notification_id, channel, subscription_id,"
        " status, attempts, next_attempt_at, claim, last_error)"
        " SELECT n.id, 'email', NULL, 'pending', 0, {at}, '', ''"
        " FROM notifications n JOIN users u ON u.id = n.user_id"
        f" WHERE n.batch = {{batch}} AND u.is_active AND"
        f" {_enabled('n.user_id', kind, Channel.EMAIL)}"
    )
    for text in (push, mail):
        sql, values = _sql(conn, text, named)
        await conn.execute_query(sql, values)


async def _announce(batch: str, written: int) -> None:
    """Tell every process (their bells) that the fan-out ``batch`` was written."""
    if not written:
        return
    try:
        bus = event_bus.get_bus()
    except RuntimeError:
        return  # the CLI runs without a bus
    try:
        await bus.emit(NOTIFY_CHANNEL, BATCH_WRITTEN, {"batch": batch})
    except Exception:
        log.exception("could not announce notification batch %s", batch)


async def notify(user_ids: Sequence[int], kind: Kind, content: Content) -> int:
    """Notify ``user_ids`` of ``kind`` (each on the channels they chose); the number of
    notifications written. The contract other packages call."""
    ids = sorted({int(uid) for uid in user_ids})
    if not ids:
        return 0
    conn = connections.get("default")
    batch = uuid.uuid4().hex
    written = 0
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        named = {f"u{i}": uid for i, uid in enumerate(chunk)}
        listed = ", ".join(f"{{u{i}}}" for i in range(len(chunk)))
        source = f"users u WHERE u.id IN ({listed}) AND u.is_active"
        written = await _fan_out(conn, source, "u.id", kind, content, named, batch)
    await _queue_deliveries(conn, kind, batch)
    await queue.dispatch(batch)
    await _announce(batch, written)
    return written


async def notify_followers(streamer_id: int, kind: Kind, content: Content) -> int:
    """Notify every follower of ``streamer_id`` of ``kind`` with one ``INSERT ... SELECT``
    (50,000 followers are one statement); the number of notifications written."""
    conn = connections.get("default")
    batch = uuid.uuid4().hex
    source = (
        "follows f JOIN users u ON u.id = f.follower_id"
        " WHERE f.streamer_id = {streamer} AND u.is_active"
    )
    written = await _fan_out(
        conn, source, "f.follower_id", kind, content, {"streamer": streamer_id}, batch
    )
    await _queue_deliveries(conn, kind, batch)
    await queue.dispatch(batch)
    await _announce(batch, written)
    log.info("notified %s followers of streamer %s (%s)", written, streamer_id, kind.value)
    return written


# -- reading ------------------------------------------------------------------------------


def _visible(user_id: int) -> Any:
    return Notification.filter(user_id=user_id, shown=True)


async def unread_count(user_id: int) -> int:
    """How many of the user's in-app notifications are unread (the bell's number)."""
    return await _visible(user_id).filter(read_at__isnull=True).count()


async def unread_counts(batch: str, user_ids: Sequence[int]) -> dict[int, int]:
    """The unread counts of those of ``user_ids`` who got a notification in ``batch``
    (the bells to refresh after a fan-out), in one query per chunk."""
    counts: dict[int, int] = {}
    conn = connections.get("default")
    ids = list(user_ids)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        named: dict[str, Any] = {f"u{i}": uid for i, uid in enumerate(chunk)}
        named["batch"] = batch
        listed = ", ".join(f"{{u{i}}}" for i in range(len(chunk)))
        text = (
            "SELECT n.user_id AS uid, (SELECT COUNT(*) FROM notifications m"
            " WHERE m.user_id = n.user_id AND m.read_at IS NULL AND m.shown) AS unread"
            " FROM notifications n WHERE n.batch = {batch} AND n.shown"
            f" AND n.user_id IN ({listed})"
        )
        sql, values = _sql(conn, text, named)
        for row in await conn.execute_query_dict(sql, values):
            counts[int(row["uid"])] = int(row["unread"])
    return counts


async def recent(user_id: int, before: int | None = None, limit: int = PAGE) -> list[Notification]:
    """The user's in-app notifications, newest first (``before``: older than that id)."""
    query = _visible(user_id)
    if before is not None:
        query = query.filter(id__lt=before)
    return await query.order_by("-id").limit(max(1, min(limit, 100)))


def listing(user_id: int, unread_only: bool = False) -> Any:
    """The user's in-app notifications, newest first, as a query to page through (the
    API's connection); ``unread_only``: those not read yet."""
    query = _visible(user_id)
    if unread_only:
        query = query.filter(read_at__isnull=True)
    return query.order_by("-id")


async def in_batch(batch: str, user_ids: Sequence[int], chunk: int = 1000) -> list[Notification]:
    """The in-app (shown) notifications of the fan-out ``batch`` that belong to ``user_ids``
    (what a ``BATCH_WRITTEN`` event brought them), oldest first: one query per ``chunk``
    users, however many sockets of theirs listen."""
    ids = sorted(set(user_ids))
    if not batch or not ids:
        return []
    found: list[Notification] = []
    for start in range(0, len(ids), chunk):
        users = ids[start : start + chunk]
        found += await Notification.filter(batch=batch, shown=True, user_id__in=users).order_by(
            "id"
        )
    return found


async def mark_read_many(user_id: int, notification_ids: Sequence[int]) -> int:
    """Mark the listed notifications of the user read, all or none: ``NOT_FOUND`` when
    one of them is unknown or someone else's (nothing changes); how many changed."""
    ids = sorted(set(notification_ids))
    if not ids:
        return 0
    if await _visible(user_id).filter(id__in=ids).count() != len(ids):
        raise NotFound("notification", "ids")
    return await _visible(user_id).filter(id__in=ids, read_at__isnull=True).update(read_at=now())


async def mark_read(user_id: int, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications read (``NOT_FOUND`` when it is not theirs), or
    all of them when ``notification_id`` is None; how many changed."""
    query = _visible(user_id).filter(read_at__isnull=True)
    if notification_id is not None:
        if not await _visible(user_id).filter(id=notification_id).exists():
            raise NotFound("notification", "notificationId")
        query = query.filter(id=notification_id)
    return await query.update(read_at=now())


async def delivery_counts(batch: str) -> dict[str, int]:
    """How many deliveries of ``batch`` are in each status (for tests and the bench)."""
    rows = await NotificationDelivery.filter(notification__batch=batch).values_list(
        "status", flat=True
    )
    counts: dict[str, int] = {}
    for status in rows:
        counts[str(status)] = counts.get(str(status), 0) + 1
    return counts


# -- push subscriptions -------------------------------------------------------------------


def _key_bytes(value: str, size: int, field: str) -> str:
    import base64
    import binascii

    value = (value or "").strip()
    try:
        raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != size:
        raise UserError(
            "INVALID_SUBSCRIPTION", "this push subscription's keys are not valid", field
        )
    return value


async def subscribe_push(
    user_id: int, endpoint: str, p256dh: str, auth: str, *, allow_private: bool = False
) -> PushSubscription:
    """Keep a browser's push subscription (the same endpoint again replaces it). The
    endpoint must be a public ``https`` push service unless ``allow_private``
    (``Settings.push_private_endpoints``: development and tests; see app.notify.endpoints)."""
    import hashlib

    endpoint = check_endpoint(endpoint, allow_private)
    key = _key_bytes(p256dh, 65, "p256dh")
    secret = _key_bytes(auth, 16, "auth")
    digest = hashlib.sha256(endpoint.encode()).hexdigest()
    async with in_transaction() as conn:
        await PushSubscription.filter(endpoint_hash=digest).using_db(conn).delete()
        return await PushSubscription.create(
            user_id=user_id,
            endpoint=endpoint,
            endpoint_hash=digest,
            p256dh=key,
            auth=secret,
            using_db=conn,
        )


async def unsubscribe_push(user_id: int, endpoint: str) -> int:
    """Forget the user's subscription at ``endpoint``; how many were removed."""
    import hashlib

    digest = hashlib.sha256((endpoint or "").strip().encode()).hexdigest()
    return await PushSubscription.filter(user_id=user_id, endpoint_hash=digest).delete()


async def push_subscription_count(user_id: int) -> int:
    return await PushSubscription.filter(user_id=user_id).count()
