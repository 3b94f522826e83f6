"""English and Simplified Chinese: the request's language, translated strings, and
numbers, money and dates formatted for the viewer's locale and time zone.

Strings are English in the code (the message ids) and translated through the catalogs in
``app/i18n/translations`` (``make i18n`` extracts and compiles them). The language and the
time zone of the work at hand live in context variables: the locale middleware sets them
for each HTTP request and websocket, a mail or a notification sets the recipient's with
:func:`using_locale`; :func:`gettext` and the formatters read them.
"""

from app.i18n.catalog import (
    N_,
    current_locale,
    current_timezone,
    gettext,
    lazy_gettext,
    ngettext,
    using_locale,
)
from app.i18n.locales import DEFAULT_LOCALE, LANGUAGE_NAMES, SUPPORTED_LOCALES
from app.i18n.negotiation import negotiate, normalize_locale, valid_timezone

_ = gettext

__all__ = [
    "DEFAULT_LOCALE",
    "LANGUAGE_NAMES",
    "N_",
    "SUPPORTED_LOCALES",
    "_",
    "current_locale",
    "current_timezone",
    "gettext",
    "lazy_gettext",
    "negotiate",
    "ngettext",
    "normalize_locale",
    "using_locale",
    "valid_timezone",
]
