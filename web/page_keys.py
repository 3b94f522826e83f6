"""Per-response values and per-viewer parts in a page rendered once for many viewers.

A cached page is rendered with placeholders where each response needs its own value:
``FRESH_KEY`` for an idempotency key (each occurrence becomes a fresh key, so two forms never
share one) and ``CSRF_SLOT`` for the browser's CSRF token. :func:`fill` puts the values in.

The signed-in room page is rendered once per room as a *shell*: each part that differs from
viewer to viewer is written ``{{ personal("template.html") }}`` in the templates and left as
a marker in the shell; :func:`fill_shell` renders just those parts for each viewer.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

import jinja2
from markupsafe import Markup

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


#: Context key of a page rendered as a shell: the list of the personal parts it marked.
SHELL_SLOTS = "_lm_shell_slots"
_SLOT_MARK = "<!--lm-personal:{}-->"
_SLOT_RE = re.compile(r"<!--lm-personal:([A-Za-z0-9_./-]+)-->")


@jinja2.pass_context
def personal(context: jinja2.runtime.Context, name: str) -> Markup:
    """``{{ personal("x.html") }}``: a part of the page that differs from viewer to viewer.

    Rendered normally it is the template ``name`` rendered with the page's context (as an
    include would). In a shell (a page rendered once for many signed-in viewers, whose
    context has :data:`SHELL_SLOTS`) it is a marker that :func:`fill_shell` replaces with
    each viewer's own rendering of ``name``.
    """
    slots = context.get(SHELL_SLOTS)
    if slots is not None:
        slots.append(name)
        return Markup(_SLOT_MARK.format(name))
    return Markup(context.environment.get_template(name).render(context.get_all()))


def split_shell(html: str) -> tuple[str, ...]:
    """A shell's text cut at its markers: literal text and template names alternate."""
    return tuple(_SLOT_RE.split(html))


def fill_shell(pieces: tuple[str, ...], render_part: Callable[[str], str]) -> str:
    """The page of one viewer: the shell's text with each marked part rendered for them."""
    return "".join(render_part(p) if i % 2 else p for i, p in enumerate(pieces))
