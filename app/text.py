"""Cleaning of short, single-line text that users type (names, titles, address lines).

PostgreSQL refuses a NUL character in text, and control or format characters (zero-width
joiners, direction overrides) have no place in a name; services clean such fields with
`one_line` before checking their length.
"""

from __future__ import annotations

import unicodedata


def one_line(text: str | None) -> str:
    """``text`` in NFKC form without control / format characters, white space folded.

    Line breaks and tabs count as spaces: ``one_line(" Ada\\n\\x00Lovelace ")`` is
    ``"Ada Lovelace"``.
    """
    text = unicodedata.normalize("NFKC", text or "")
    kept = "".join(ch for ch in text if ch.isspace() or unicodedata.category(ch)[0] != "C")
    return " ".join(kept.split())
