"""Numbers, words and times as pages show them (Jinja globals, see :mod:`web.templating`),
in the viewer's language and time zone (:mod:`app.i18n`).

- :func:`local_time`: a ``<time>`` element whose text is the time in the viewer's zone (the
  one the browser reported, else UTC) and language; ``static/js/local_time.js`` rewrites it
  with the browser's own clock and the page's language.
- :func:`plural`: "1 coin", "2 coins" (English nouns; templates use ``ngettext`` for words
  that are translated).
- :func:`money`: an amount in minor units with its currency, in the viewer's locale
  (``$12.50 USD``, ``US$12.50``).
"""

from __future__ import annotations

from datetime import UTC, datetime

from markupsafe import Markup, escape

from app.i18n import current_locale
from app.i18n.formatting import format_date, format_datetime, format_money, format_time


def local_time(when: datetime | None, kind: str = "datetime") -> Markup:
    """``<time datetime="…" data-local="kind">`` with the viewer's local text inside (empty
    for None). ``kind`` is ``date``, ``time`` or ``datetime``."""
    if when is None:
        return Markup("")
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    utc = when.astimezone(UTC)
    if kind == "date":
        text = format_date(utc)
    elif kind == "time":
        text = format_time(utc)
    else:
        text = format_datetime(utc, "day")
    return Markup('<time datetime="{}" data-local="{}">{}</time>').format(
        utc.isoformat(), escape(kind), text
    )


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``count`` with the noun agreeing: ``plural(1, "coin")`` → ``"1 coin"``."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def money(cents: int | None, currency: str = "USD") -> str:
    """``cents`` minor units of ``currency`` in the viewer's locale, the currency always
    plain: ``$12.50 USD`` in English (where ``$`` alone is ambiguous), ``US$12.50`` in
    Chinese."""
    code = (currency or "USD").upper()
    text = format_money(cents or 0, code)
    return f"{text} {code}" if current_locale() == "en" else text


JINJA_GLOBALS = {"local_time": local_time, "plural": plural, "money": money}
