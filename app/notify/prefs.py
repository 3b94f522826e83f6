"""What each user wants: per kind and channel switches (with defaults), quiet hours in
the user's time zone, and the signed one-click unsubscribe links of the mails."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from itsdangerous import BadSignature, URLSafeSerializer
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from app.errors import UserError
from app.i18n import N_
from app.notify.models import (
    Channel,
    Kind,
    NotificationPreference,
    NotificationSettings,
)

# Everything shows in the app and is pushed to subscribed browsers; mail is for what the
# user is waiting for (orders, reminders, outbids), not for every go-live or coupon.
_MAIL_OFF = {Kind.GO_LIVE, Kind.COUPON_DROP}

LABELS: dict[Kind, str] = {
    Kind.GO_LIVE: N_("A streamer I follow goes live"),
    Kind.REMINDER: N_("A live I asked to be reminded of starts"),
    Kind.ORDER_SHIPPED: N_("My order is shipped"),
    Kind.ORDER_DELIVERED: N_("My order is delivered"),
    Kind.ORDER_REFUNDED: N_("My order is refunded"),
    Kind.OUTBID: N_("Someone outbids me in an auction"),
    Kind.COUPON_DROP: N_("A coupon drops in a followed streamer's room"),
}
CHANNEL_LABELS: dict[Channel, str] = {
    Channel.IN_APP: N_("In the app"),
    Channel.PUSH: N_("Browser push"),
    Channel.EMAIL: N_("E-mail"),
}


def default_enabled(kind: Kind, channel: Channel) -> bool:
    """Whether ``kind`` goes to ``channel`` for a user who never chose."""
    return not (channel == Channel.EMAIL and kind in _MAIL_OFF)


def parse_kind(value: str, field: str = "kind") -> Kind:
    try:
        return Kind(value)
    except ValueError:
        raise UserError(
            "INVALID_KIND", "unknown notification type {value}", field, {"value": repr(value)}
        ) from None


def parse_channel(value: str, field: str = "channel") -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise UserError(
            "INVALID_CHANNEL", "unknown channel {value}", field, {"value": repr(value)}
        ) from None


async def preferences(user_id: int) -> dict[tuple[Kind, Channel], bool]:
    """Every (kind, channel) of ``user_id`` with its switch, defaults filled in."""
    chosen = {
        (p.kind, p.channel): p.enabled for p in await NotificationPreference.filter(user_id=user_id)
    }
    return {
        (kind, channel): chosen.get((kind.value, channel.value), default_enabled(kind, channel))
        for kind in Kind
        for channel in Channel
    }


async def _set_preference(
    conn: BaseDBAsyncClient, user_id: int, kind: Kind, channel: Channel, enabled: bool
) -> None:
    updated = (
        await NotificationPreference.filter(user_id=user_id, kind=kind, channel=channel)
        .using_db(conn)
        .update(enabled=enabled)
    )
    if not updated:
        await NotificationPreference.create(
            user_id=user_id, kind=kind, channel=channel, enabled=enabled, using_db=conn
        )


async def set_preference(user_id: int, kind: Kind, channel: Channel, enabled: bool) -> None:
    """Turn ``kind`` on ``channel`` on or off for ``user_id``."""
    async with in_transaction() as conn:
        await _set_preference(conn, user_id, kind, channel, enabled)


async def set_preferences(user_id: int, enabled: set[tuple[Kind, Channel]]) -> None:
    """Set every switch at once: those in ``enabled`` on, the others off."""
    async with in_transaction() as conn:
        await NotificationPreference.filter(user_id=user_id).using_db(conn).delete()
        await NotificationPreference.bulk_create(
            [
                NotificationPreference(
                    user_id=user_id,
                    kind=kind.value,
                    channel=channel.value,
                    enabled=(kind, channel) in enabled,
                )
                for kind in Kind
                for channel in Channel
            ],
            using_db=conn,
        )


# -- quiet hours --------------------------------------------------------------------------


@dataclass(frozen=True)
class QuietHours:
    """Quiet from ``start`` to ``end`` (minutes after local midnight) in ``time_zone``;
    no quiet hours when either is None."""

    time_zone: str = "UTC"
    start: int | None = None
    end: int | None = None

    @property
    def active(self) -> bool:
        return self.start is not None and self.end is not None and self.start != self.end

    def ends_after(self, at: datetime) -> datetime | None:
        """When the quiet period holding ``at`` ends (UTC), or None when ``at`` is not in
        one."""
        if not self.active:
            return None
        assert self.start is not None and self.end is not None
        zone = ZoneInfo(self.time_zone)
        local = at.astimezone(zone)
        minute = local.hour * 60 + local.minute
        if self.start < self.end:
            inside = self.start <= minute < self.end
            days = 0
        else:  # over midnight, e.g. 22:00 to 07:00
            inside = minute >= self.start or minute < self.end
            days = 1 if minute >= self.start else 0
        if not inside:
            return None
        day = local.date() + timedelta(days=days)
        end = datetime.combine(day, time(self.end // 60, self.end % 60), tzinfo=zone)
        return end.astimezone(UTC)


def parse_clock(value: str, field: str) -> int | None:
    """``HH:MM`` as minutes after midnight; empty: None."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        hours, minutes = (int(part) for part in value.split(":"))
    except ValueError:
        raise UserError("INVALID_TIME", "enter a time as HH:MM", field) from None
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise UserError("INVALID_TIME", "enter a time as HH:MM", field)
    return hours * 60 + minutes


def _unknown_zone(value: str, field: str) -> UserError:
    return UserError(
        "INVALID_TIME_ZONE", "unknown time zone {value}", field, {"value": repr(value)}
    )


def check_time_zone(value: str, field: str = "timeZone") -> str:
    value = (value or "").strip() or "UTC"
    if value not in available_timezones() and value != "UTC":
        raise _unknown_zone(value, field)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise _unknown_zone(value, field) from None
    return value


async def quiet_hours(user_id: int) -> QuietHours:
    found = await NotificationSettings.get_or_none(user_id=user_id)
    if found is None:
        return QuietHours()
    return QuietHours(found.time_zone, found.quiet_start, found.quiet_end)


async def quiet_hours_of(user_ids: list[int]) -> dict[int, QuietHours]:
    """The quiet hours of those of ``user_ids`` who set some."""
    rows = await NotificationSettings.filter(
        user_id__in=user_ids, quiet_start__isnull=False, quiet_end__isnull=False
    )
    return {r.user_id: QuietHours(r.time_zone, r.quiet_start, r.quiet_end) for r in rows}


def clock(minutes: int | None) -> str:
    """Minutes after midnight as ``HH:MM`` (None: empty)."""
    return "" if minutes is None else f"{minutes // 60:02d}:{minutes % 60:02d}"


def parse_quiet_hours(time_zone: str, start: str, end: str) -> QuietHours:
    """Quiet hours from ``HH:MM`` each (both empty: none) and a time zone, or a user
    error naming the field at fault."""
    zone = check_time_zone(time_zone)
    first = parse_clock(start, "quietStart")
    last = parse_clock(end, "quietEnd")
    if (first is None) != (last is None):
        raise UserError("INVALID_TIME", "give both the start and the end, or neither", "quietEnd")
    if first is not None and first == last:
        raise UserError("INVALID_TIME", "the quiet hours end when they start", "quietEnd")
    return QuietHours(zone, first, last)


async def _store_quiet_hours(
    user_id: int, hours: QuietHours, conn: BaseDBAsyncClient | None = None
) -> None:
    updated = (
        await NotificationSettings.filter(user_id=user_id)
        .using_db(conn)
        .update(time_zone=hours.time_zone, quiet_start=hours.start, quiet_end=hours.end)
    )
    if not updated:
        await NotificationSettings.create(
            user_id=user_id,
            time_zone=hours.time_zone,
            quiet_start=hours.start,
            quiet_end=hours.end,
            using_db=conn,
        )


async def set_quiet_hours(user_id: int, time_zone: str, start: str, end: str) -> QuietHours:
    """Set the quiet hours (``HH:MM`` each, both empty: none) and the time zone."""
    hours = parse_quiet_hours(time_zone, start, end)
    await _store_quiet_hours(user_id, hours)
    return hours


async def update_preferences(
    user_id: int,
    switches: Sequence[tuple[Kind, Channel, bool]] = (),
    time_zone: str | None = None,
    quiet_start: str | None = None,
    quiet_end: str | None = None,
) -> None:
    """Change some switches and, for each of ``time_zone``, ``quiet_start`` and
    ``quiet_end`` that is given, the quiet hours (``""``: no quiet hours); what is not
    given stays. Everything is checked before anything changes, then changed in one
    transaction. A kind and channel listed twice with two values is refused."""
    chosen: dict[tuple[Kind, Channel], bool] = {}
    for kind, channel, enabled in switches:
        if chosen.get((kind, channel), enabled) != enabled:
            raise UserError(
                "DUPLICATE_PREFERENCE",
                "each notification type and channel can be set once",
                "preferences",
            )
        chosen[(kind, channel)] = enabled
    hours: QuietHours | None = None
    if (time_zone, quiet_start, quiet_end) != (None, None, None):
        current = await quiet_hours(user_id)
        hours = parse_quiet_hours(
            current.time_zone if time_zone is None else time_zone,
            clock(current.start) if quiet_start is None else quiet_start,
            clock(current.end) if quiet_end is None else quiet_end,
        )
    async with in_transaction() as conn:
        for (kind, channel), enabled in chosen.items():
            await _set_preference(conn, user_id, kind, channel, enabled)
        if hours is not None:
            await _store_quiet_hours(user_id, hours, conn)


# -- one-click unsubscribe ----------------------------------------------------------------

_SALT = "livemart.notify.unsubscribe"


def unsubscribe_token(secret_key: str, user_id: int, kind: Kind) -> str:
    """The signed token of a mail's unsubscribe link (turns ``kind`` mail off)."""
    return URLSafeSerializer(secret_key, salt=_SALT).dumps([user_id, kind.value])


async def unsubscribe(secret_key: str, token: str) -> tuple[int, Kind]:
    """Turn off the mail the signed ``token`` names; ``BAD_LINK`` when it is not ours."""
    try:
        user_id, kind = URLSafeSerializer(secret_key, salt=_SALT).loads(token)
        parsed = Kind(kind)
    except (BadSignature, ValueError, TypeError):
        raise UserError("BAD_LINK", "this unsubscribe link is not valid", "token") from None
    await set_preference(int(user_id), parsed, Channel.EMAIL, False)
    return int(user_id), parsed
