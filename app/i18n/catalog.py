"""The catalogs and the language of the work at hand (context variables)."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from contextvars import ContextVar
from importlib import resources
from zoneinfo import ZoneInfo

from babel.support import LazyProxy, NullTranslations, Translations

from app.i18n.locales import DEFAULT_LOCALE, SUPPORTED_LOCALES
from app.i18n.negotiation import normalize_locale, valid_timezone

DOMAIN = "messages"
UTC = ZoneInfo("UTC")

_locale: ContextVar[str] = ContextVar("livemart_locale", default=DEFAULT_LOCALE)
_timezone: ContextVar[ZoneInfo] = ContextVar("livemart_timezone", default=UTC)


@functools.cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalog of ``locale`` (English needs none: the ids are English)."""
    if locale == DEFAULT_LOCALE or locale not in SUPPORTED_LOCALES:
        return NullTranslations()
    folder = resources.files("app.i18n") / "translations"
    with resources.as_file(folder) as path:
        return Translations.load(str(path), [locale], DOMAIN)


def current_locale() -> str:
    """The language of the work at hand (``en`` or ``zh_CN``)."""
    return _locale.get()


def current_timezone() -> ZoneInfo:
    """The viewer's (or the recipient's) time zone; UTC when unknown."""
    return _timezone.get()


def set_locale(locale: str, timezone: ZoneInfo | None = None) -> None:
    """Make ``locale`` (and ``timezone``) the current ones for the rest of this context."""
    _locale.set(locale if locale in SUPPORTED_LOCALES else DEFAULT_LOCALE)
    if timezone is not None:
        _timezone.set(timezone)


@contextlib.contextmanager
def using_locale(locale: str | None, timezone: ZoneInfo | str | None = None) -> Iterator[None]:
    """Speak ``locale`` (and show times in ``timezone``) inside the block: a mail or a
    notification is written in its recipient's language, whoever triggered it."""
    zone = valid_timezone(timezone) if isinstance(timezone, str) else timezone
    token = _locale.set(normalize_locale(locale) or DEFAULT_LOCALE)
    tz_token = _timezone.set(zone) if zone is not None else None
    try:
        yield
    finally:
        _locale.reset(token)
        if tz_token is not None:
            _timezone.reset(tz_token)


def gettext(message: str, **variables: object) -> str:
    """``message`` in the current language; ``%(name)s`` placeholders are filled from
    ``variables`` (after translation, so translators move them freely)."""
    text = translations(_locale.get()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: object) -> str:
    """The singular or plural form for ``n`` in the current language; ``%(num)s`` is ``n``."""
    text = translations(_locale.get()).ngettext(singular, plural, n)
    return text % {"num": n, **variables}


def lazy_gettext(message: str, **variables: object) -> LazyProxy:
    """``message`` translated when used (for module-level constants)."""
    return LazyProxy(gettext, message, enable_cache=False, **variables)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message
