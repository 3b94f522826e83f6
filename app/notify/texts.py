"""Notification texts in each reader's language.

A notification is written once for all its recipients (one ``INSERT ... SELECT`` for a
go-live to every follower), so it cannot hold each one's language. It keeps its English
title and body (exports, logs) and, in ``message``, the message ids and values they were
made of; whoever shows it (the notifications page in the reader's language, a push or a
mail in the recipient's) translates them then.
"""

from __future__ import annotations

import json
from typing import Any

from app.i18n import gettext, using_locale

Text = tuple[str, dict[str, Any]]  # a message id with %(name)s placeholders, its values


def message(title: Text, body: Text | None = None) -> str:
    """The ``message`` column of a notification made of ``title`` and ``body``."""
    texts = {"title": list(title)} | ({"body": list(body)} if body else {})
    return json.dumps(texts, ensure_ascii=False, separators=(",", ":"))


def english(text: Text | None) -> str:
    """A text in English (what the title and body columns keep)."""
    if text is None:
        return ""
    with using_locale("en"):
        return gettext(text[0], **text[1])


def localized(title: str, body: str, stored: str) -> tuple[str, str]:
    """A notification's title and body in the current language (the stored English ones
    when it has no message ids, or they cannot be read)."""
    try:
        texts = json.loads(stored) if stored else {}
        shown_title = gettext(texts["title"][0], **texts["title"][1])
        shown_body = gettext(texts["body"][0], **texts["body"][1]) if "body" in texts else body
    except (ValueError, KeyError, IndexError, TypeError):
        return title, body
    return shown_title, shown_body
