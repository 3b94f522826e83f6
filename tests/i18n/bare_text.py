"""Find user-visible text in templates that is not wrapped for translation.

Jinja's lexer splits a template into its own constructs (``{{ }}``, ``{% %}``, comments)
and the text between them. Each construct is blanked out (same length, newlines kept), the
text left is parsed as HTML, and every text node and user-visible attribute (``title``,
``alt``, ``placeholder``, ``aria-label``, button ``value``, ``hx-confirm``...) holding a
word is reported, unless it is in :data:`ALLOWED` (brand names, units, technical tokens).
Text inside ``{% trans %}`` blocks, ``<script>``, ``<style>`` and ``<code>`` is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from jinja2 import Environment

#: Words that stay as they are in every language.
ALLOWED = {
    "livemart",
    "live",
    "mart",
    "GraphQL",
    "GraphiQL",
    "API",
    "HLS",
    "RTMP",
    "RTMPS",
    "SRT",
    "OBS",
    "SKU",
    "URL",
    "ID",
    "GMV",
    "CVR",
    "UTC",
    "OK",
    "QR",
    "px",
    "s",
    "ms",
    "x",
    "×",
    "English",
    "简体中文",
    "ffmpeg",
    "FFmpeg",
    "WebRTC",
    "JSON",
    "CSV",
    "VAPID",
    "SMTP",
    "htmx",
    "RFM",
    "A/B",
    "CTR",
    "AOV",
    "Web Push",
}
VISIBLE_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "hx-confirm",
    "data-confirm",
    "aria-description",
    "label",
}
SKIPPED_ELEMENTS = {"script", "style", "code", "pre", "svg"}
_BLANK = re.compile(r"[^\n]")


@dataclass(frozen=True)
class BareText:
    template: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.template}:{self.line}: {self.text!r}"


def has_words(text: str) -> bool:
    """Whether ``text`` holds a word a reader would need translated."""
    cleaned = text.replace("\x00", " ")
    for word in re.split(r"[\s·|/,:;()\[\]{}+\-–—=<>!?.…\"'#@&*]+", cleaned):
        if not word or word in ALLOWED or word.lower() in ALLOWED:
            continue
        if re.fullmatch(r"&[a-z]+;?|&#\d+;?", word):
            continue  # an HTML entity
        if any(unicodedata.category(ch).startswith("L") for ch in word):
            return True
    return False


def blank_jinja(env: Environment, source: str) -> str:
    """``source`` with every Jinja construct and every ``{% trans %}`` block blanked (same
    length, newlines kept, so positions still point into ``source``)."""
    out = list(source)
    cursor = 0
    in_trans = False
    construct_start: int | None = None
    for _lineno, token, value in env.lex(source):
        at = source.find(value, cursor)
        if at < 0:  # cannot happen: tokens are slices of the source, in order
            raise ValueError(f"token {value!r} not found after {cursor}")
        end = at + len(value)
        if token == "data":
            if in_trans:
                out[at:end] = _BLANK.sub("\x00", value)
        else:
            if construct_start is None:
                construct_start = at
            if token == "name" and value in ("trans", "endtrans"):
                in_trans = value == "trans"
            if token in ("block_end", "variable_end", "comment_end", "raw_end"):
                out[construct_start:end] = _BLANK.sub("\x00", source[construct_start:end])
                construct_start = None
        cursor = end
    return "".join(out)


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[int, str]] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            self.skipping.append(tag)
        if self.skipping:
            return
        attr = dict(attrs)
        for name, value in attrs:
            visible = name in VISIBLE_ATTRIBUTES or (  # a <button>'s value is data, not text
                tag == "input" and name == "value" and attr.get("type") in ("submit", "button")
            )
            if visible and value and has_words(value):
                self.found.append((self.getpos()[0], f"{name}={value.replace(chr(0), '').strip()}"))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SKIPPED_ELEMENTS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data: str) -> None:
        if not self.skipping and has_words(data):
            self.found.append((self.getpos()[0], " ".join(data.replace("\x00", " ").split())))


def bare_text(env: Environment, name: str, source: str) -> list[BareText]:
    """The untranslated user-visible text of the template ``name``."""
    finder = _Finder()
    finder.feed(blank_jinja(env, source))
    finder.close()
    return [BareText(name, line, text) for line, text in finder.found]
