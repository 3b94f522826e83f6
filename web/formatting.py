"""Numbers, words and times as pages show them (Jinja globals, see :mod:`web.templating`).

- :func:`local_time`: a ``<time>`` element in UTC text that ``static/js/local_time.js``
  rewrites in the viewer's own time zone (the UTC text stays without JavaScript).
- :func:`plural`: "1 coin", "2 coins".
- :func:`money`: an amount in minor units with its currency ("$12.50 USD" style).
"""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup, escape

_FORMATS = {"date": "%d %b %Y", "time": "%H:%M", "datetime": "%d %b %Y %H:%M"}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def local_time(when: datetime | None, kind: str = "datetime") -> Markup:
    """``<time datetime="…" data-local="kind">`` with UTC text inside (empty for None).

    ``kind`` is ``date``, ``time`` or ``datetime``."""
    if when is None:
        return Markup("")
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    utc = when.astimezone(UTC)
    text = utc.strftime(_FORMATS.get(kind, _FORMATS["datetime"])) + " UTC"
    return Markup('<time datetime="{}" data-local="{}">{}</time>').format(
        utc.isoformat(), escape(kind), text
    )


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` with the noun agreeing: ``plural(1, "coin")`` → ``"1 coin"``."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def money(cents: int | None, currency: str = "USD") -> str:
    """``cents`` minor units with the currency: ``money(1250, "USD")`` → ``"$12.50 USD"``."""
    value = (cents or 0) / 100
    code = (currency or "USD").upper()
    symbol = _SYMBOLS.get(code, "")
    return f"{symbol}{value:,.2f} {code}"


JINJA_GLOBALS = {"local_time": local_time, "plural": plural, "money": money}
