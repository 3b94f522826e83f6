"""The banned-word filter: pure functions, no I/O.

Text and banned words are compared in a *normalised* form so that the usual tricks do
not get a word past the filter:

- full-width and other compatibility forms (``ｂａｄ``) fold to plain letters (NFKC);
- case is ignored (``BaD``; ``casefold`` also folds ``ß`` to ``ss``);
- zero-width and invisible format characters (U+200B-U+200F, U+2060, U+FEFF, ...) vanish;
- spacing and punctuation between letters is ignored (``b a d``, ``b.a-d``);
- look-alike letters of other scripts fold to the Latin letter or digit they imitate
  (Cyrillic ``bаdwоrd``, Greek ``Αlpha``), from Unicode's confusables table as shipped by
  the ``confusable-homoglyphs`` package (read from the installed package, never
  downloaded).

Only letters and digits survive normalisation, so a banned word matches wherever its
letters appear in order, next to each other, in the normalised message.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache

from confusable_homoglyphs.confusables import confusables_data

# Zero-width and invisible characters, removed before anything else.
ZERO_WIDTH = frozenset(
    [chr(c) for c in range(0x200B, 0x2010)] + ["\u2060", "\ufeff", "\u00ad", "\u180e"]
)
_ZW_TABLE = {ord(c): None for c in ZERO_WIDTH}
MAX_WORD_LENGTH = 50


def strip_invisible(text: str) -> str:
    """``text`` without zero-width / invisible characters and control characters.

    Tabs and line breaks become spaces (a chat message is one line)."""
    text = text.translate(_ZW_TABLE)
    out = []
    for ch in text:
        if ch in "\t\r\n\v\f":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def _ascii_priority(ch: str) -> tuple[int, str]:
    """Which ASCII look-alike wins when a character has several: a lowercase letter, then
    an uppercase one, then a digit."""
    return (0 if ch.islower() else 1 if ch.isupper() else 2, ch)


def _ascii_alnum(ch: str) -> bool:
    return len(ch) == 1 and ch.isascii() and ch.isalnum()


@cache
def confusables_table() -> dict[int, str]:
    """``{code point: ASCII letter or digit}`` for every non-ASCII character that Unicode's
    confusables table lists as looking like one (directly, or through one other
    look-alike: Greek ``κ`` looks like ``ĸ``, which looks like ``k``)."""
    table: dict[int, str] = {}
    for ch, glyphs in confusables_data.items():
        if len(ch) != 1 or ch.isascii():
            continue
        near = [g["c"] for g in glyphs]
        found = [c for c in near if _ascii_alnum(c)]
        if not found:
            found = [
                g["c"] for c in near for g in confusables_data.get(c, ()) if _ascii_alnum(g["c"])
            ]
        if found:
            table[ord(ch)] = min(found, key=_ascii_priority)
    return table


def fold_confusables(text: str) -> str:
    """``text`` with look-alikes of ASCII letters and digits replaced by them."""
    return text.translate(confusables_table())


def normalize(text: str) -> str:
    """The comparison form of ``text``: NFKC, look-alikes folded to ASCII, casefolded,
    letters and digits only. Look-alikes fold before and after casefolding (Cyrillic
    ``В`` imitates ``B``, its lowercase ``в`` imitates nothing; Greek ``Σ`` casefolds to
    ``σ``, which imitates ``o``)."""
    text = unicodedata.normalize("NFKC", text.translate(_ZW_TABLE))
    text = fold_confusables(text)
    text = unicodedata.normalize("NFKC", text.casefold())
    text = fold_confusables(text)
    return "".join(ch for ch in text if ch.isalnum())


def clean_word(word: str) -> str:
    """The normalised form of a banned word to store; ``""`` when nothing is left."""
    return normalize(word)[:MAX_WORD_LENGTH]


def find_banned(text: str, words: Iterable[str]) -> str | None:
    """The first of ``words`` found in ``text`` (both compared normalised), or None."""
    haystack = normalize(text)
    if not haystack:
        return None
    for word in words:
        needle = normalize(word)
        if needle and needle in haystack:
            return word
    return None


def contains_banned(text: str, words: Iterable[str]) -> bool:
    """True when ``text`` contains any of ``words`` (compared normalised)."""
    return find_banned(text, words) is not None
