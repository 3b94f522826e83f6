"""Per-response values in a page rendered once for many viewers.

A cached page is rendered with placeholders where each response needs its own value:
``FRESH_KEY`` for an idempotency key (each occurrence becomes a fresh key, so two forms never
share one) and ``CSRF_SLOT`` for the browser's CSRF token. :func:`fill` puts the values in.
"""

from __future__ import annotations

import re
import uuid

FRESH_KEY = "lm-fresh-key-7f3a9c1e"
CSRF_SLOT = "lm-csrf-slot-5b2d8e40"
_FRESH = re.compile(re.escape(FRESH_KEY))


def fill(html: str, csrf_token: str | None = None) -> str:
    """``html`` with a new key for each ``FRESH_KEY`` and ``csrf_token`` for ``CSRF_SLOT``."""
    if csrf_token is not None:
        html = html.replace(CSRF_SLOT, csrf_token)
    if FRESH_KEY in html:
        html = _FRESH.sub(lambda _: uuid.uuid4().hex, html)
    return html
