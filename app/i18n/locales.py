"""The languages livemart speaks."""

DEFAULT_LOCALE = "en"
#: The languages the interface speaks, as Babel locale identifiers.
SUPPORTED_LOCALES = ("en", "zh_CN")
#: Each language's name in itself, for the switcher.
LANGUAGE_NAMES = {"en": "English", "zh_CN": "简体中文"}
