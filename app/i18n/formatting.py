"""Money, numbers and times for the current locale and time zone (Babel's CLDR data).

Money is an integer in minor units with its ISO currency code: ``format_money(1500, "USD")``
is ``$15.00`` in English and ``US$15.00`` in Simplified Chinese; ``CNY`` is ``¥15.00``.
Times are stored as aware UTC datetimes and shown in the viewer's zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Literal

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers

from app.i18n.catalog import current_locale, current_timezone

DateStyle = Literal["full", "long", "medium", "short"]


def format_money(amount_minor: int | float | None, currency: str | None = "USD") -> str:
    """``amount_minor`` (cents, fen...) of ``currency`` in the current locale."""
    code = (currency or "USD").upper()
    digits = babel_numbers.get_currency_precision(code)
    amount = Decimal(int(amount_minor or 0)).scaleb(-digits)
    return babel_numbers.format_currency(amount, code, locale=current_locale())


def format_decimal_money(amount_minor: int | float | None) -> str:
    """An amount of minor units as a plain number with two decimals (no currency)."""
    value = Decimal(int(amount_minor or 0)).scaleb(-2)
    return babel_numbers.format_decimal(value, format="#,##0.00", locale=current_locale())


def format_number(value: int | float | Decimal | None) -> str:
    """A count or a measure with the locale's grouping and decimal signs."""
    return babel_numbers.format_decimal(value or 0, locale=current_locale())


def format_percent(value: float | None, decimals: int = 1) -> str:
    """A ratio (``0.125``) as a percentage (``12.5%``)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "%"
    return babel_numbers.format_percent(value or 0, format=pattern, locale=current_locale())


def local_time(value: datetime) -> datetime:
    """``value`` in the viewer's zone (a naive value is taken as UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(current_timezone())


def format_datetime(value: datetime | None, style: DateStyle | Literal["day"] = "medium") -> str:
    """A date and time in the viewer's zone: ``Dec 6, 2026, 9:05:00 AM`` /
    ``2026年12月6日 09:05:00`` (``medium``), or ``day`` for the day and time without the year
    (``Dec 6, 9:05 AM`` / ``12月6日 09:05``)."""
    if value is None:
        return ""
    local = local_time(value)
    locale = current_locale()
    if style != "day":
        return babel_dates.format_datetime(local, style, tzinfo=local.tzinfo, locale=locale)
    day = babel_dates.format_skeleton("MMMd", local, tzinfo=local.tzinfo, locale=locale)
    time = babel_dates.format_time(local, "short", tzinfo=local.tzinfo, locale=locale)
    pattern = str(Locale.parse(locale).datetime_formats["short"])
    return pattern.replace("{1}", day).replace("{0}", time)


def format_date(value: datetime | date | None, style: DateStyle = "medium") -> str:
    """A date (a datetime is first moved into the viewer's zone)."""
    if value is None:
        return ""
    day = local_time(value).date() if isinstance(value, datetime) else value
    return babel_dates.format_date(day, style, locale=current_locale())


def format_time(value: datetime | None, style: DateStyle = "short") -> str:
    """The time of day in the viewer's zone (``9:05 AM`` / ``09:05``)."""
    if value is None:
        return ""
    local = local_time(value)
    return babel_dates.format_time(local, style, tzinfo=local.tzinfo, locale=current_locale())


def format_duration(seconds: float | timedelta, threshold: float = 0.85) -> str:
    """A length of time in words (``5 minutes`` / ``5分钟``)."""
    delta = seconds if isinstance(seconds, timedelta) else timedelta(seconds=seconds)
    return babel_dates.format_timedelta(delta, threshold=threshold, locale=current_locale())


def timezone_name() -> str:
    """The viewer's zone as shown next to times (``UTC``, ``Asia/Shanghai``)."""
    return str(current_timezone().key)
