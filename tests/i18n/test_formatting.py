"""Money, numbers and times in the viewer's locale and time zone; language negotiation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from app.i18n import gettext, negotiate, ngettext, using_locale, valid_timezone
from app.i18n.formatting import (
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_percent,
    format_time,
)
from app.i18n.negotiation import parse_accept_language

pytestmark = pytest.mark.nodb

NOON_UTC = datetime(2026, 12, 6, 1, 5, tzinfo=UTC)


def test_money_follows_the_locale_and_the_currency_code() -> None:
    with using_locale("en"):
        assert format_money(1500, "USD") == "$15.00"
        assert format_money(123456789, "EUR") == "€1,234,567.89"
        assert format_money(1500, "CNY") == "CN¥15.00"
    with using_locale("zh_CN"):
        assert format_money(1500, "USD") == "US$15.00"
        assert format_money(1500, "CNY") == "¥15.00"
        assert format_money(1500, "JPY") == "JP¥1,500"  # no minor unit
        assert format_money(-250, "usd") == "-US$2.50"


def test_numbers_and_percentages() -> None:
    with using_locale("zh_CN"):
        assert format_number(1234567) == "1,234,567"
        assert format_percent(0.125) == "12.5%"
    with using_locale("en"):
        assert format_number(2.5) == "2.5"
        assert format_percent(0.5, decimals=0) == "50%"


def test_times_are_shown_in_the_viewers_zone() -> None:
    with using_locale("zh_CN", "Asia/Shanghai"):
        assert format_datetime(NOON_UTC) == "2026年12月6日 09:05:00"
        assert format_datetime(NOON_UTC, "day") == "12月6日 09:05"
        assert format_time(NOON_UTC) == "09:05"
    with using_locale("en", "America/New_York"):  # still the 5th there
        assert format_date(NOON_UTC) == "Dec 5, 2026"
        # CLDR puts a narrow no-break space before AM/PM
        assert format_datetime(NOON_UTC, "day") == "Dec 5, 8:05\u202fPM"
    with using_locale("en"):  # unknown zone: UTC
        assert format_time(NOON_UTC) == "1:05\u202fAM"
        assert format_datetime(NOON_UTC.replace(tzinfo=None), "day") == "Dec 6, 1:05\u202fAM"


def test_gettext_translates_and_fills_placeholders_after() -> None:
    with using_locale("zh_CN"):
        assert gettext("Log in") == "登录"
        assert gettext("a string nobody translated") == "a string nobody translated"
        assert ngettext("%(num)s item", "%(num)s items", 3) == "3 items"
    with using_locale("en"):
        assert gettext("Log in") == "Log in"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
        ("en-US,en;q=0.9,zh-CN;q=0.8", "en"),
        ("zh", "zh_CN"),
        ("zh-Hans-CN", "zh_CN"),
        ("zh-TW,zh-Hant;q=0.9", "en"),
        ("fr-FR,zh-CN;q=0.5", "zh_CN"),
        ("en;q=0.1,zh-CN;q=0.9", "zh_CN"),
        ("", "en"),
        (None, "en"),
        ("*;q=1,xx", "en"),
        ("zh-CN;q=0", "en"),
    ],
)
def test_accept_language(header: str | None, expected: str) -> None:
    assert negotiate(header) == expected


def test_a_cookie_or_saved_choice_wins_over_the_header() -> None:
    assert negotiate("en-US", "zh_CN") == "zh_CN"
    assert negotiate("zh-CN", "en") == "en"
    assert negotiate("zh-CN", "klingon") == "zh_CN"  # an unknown choice is ignored
    assert parse_accept_language("a;q=0.2, b, c;q=0.5") == ["b", "c", "a"]


def test_time_zones_from_the_browser_are_checked() -> None:
    assert valid_timezone("Asia/Shanghai") is not None
    for bogus in ("Mars/Base", "../../etc/passwd", "", None, "x" * 100):
        assert valid_timezone(bogus) is None
