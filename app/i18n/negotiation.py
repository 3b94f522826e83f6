"""Which language and time zone a request gets: its cookie, the user's saved choice, or
``Accept-Language``; the browser-reported time zone or UTC."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError, negotiate_locale

from app.i18n.locales import DEFAULT_LOCALE, SUPPORTED_LOCALES

#: The cookies the switcher and the time-zone script set.
LANGUAGE_COOKIE = "lm_lang"
TIMEZONE_COOKIE = "lm_tz"
_ALIASES = {"zh": "zh_CN", "zh_hans": "zh_CN", "zh_sg": "zh_CN", "zh_hans_cn": "zh_CN"}


def normalize_locale(value: str | None) -> str | None:
    """A supported locale for a tag such as ``zh-CN``, ``zh_cn``, ``zh-Hans`` or ``en-GB``;
    None when it names no language we speak."""
    if not value:
        return None
    tag = value.strip().replace("-", "_").lower()[:20]
    if tag in _ALIASES:
        return _ALIASES[tag]
    for locale in SUPPORTED_LOCALES:
        if tag == locale.lower():
            return locale
    try:
        parsed = Locale.parse(tag.split("_")[0])
    except (ValueError, UnknownLocaleError):
        return None
    if parsed.language == "zh":
        # Traditional-script tags (zh-TW, zh-Hant) are not Simplified Chinese.
        return None if any(p in tag for p in ("hant", "_tw", "_hk", "_mo")) else "zh_CN"
    return "en" if parsed.language == "en" else None


def parse_accept_language(header: str | None) -> list[str]:
    """The language tags of an ``Accept-Language`` header, most preferred first."""
    if not header:
        return []
    weighted: list[tuple[float, int, str]] = []
    for index, part in enumerate(header[:512].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and tag != "*" and quality > 0:
            weighted.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(weighted)]


def negotiate(accept_language: str | None, *preferred: str | None) -> str:
    """The language to speak: the first supported of ``preferred`` (a cookie, a saved
    choice), else the best match of ``Accept-Language``, else English."""
    for choice in preferred:
        locale = normalize_locale(choice)
        if locale:
            return locale
    for tag in parse_accept_language(accept_language):
        locale = normalize_locale(tag)
        if locale:
            return locale
    fallback = negotiate_locale(parse_accept_language(accept_language), SUPPORTED_LOCALES, "_")
    return fallback or DEFAULT_LOCALE


def valid_timezone(name: str | None) -> ZoneInfo | None:
    """The IANA zone ``name`` (as ``Intl`` reports it), or None when it is not one."""
    if not name or len(name) > 64 or ".." in name or name.startswith("/"):
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
