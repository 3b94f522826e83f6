"""`app.text.one_line`: what a typed name keeps."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.text import one_line


def test_one_line_drops_control_and_format_characters() -> None:
    assert one_line(" Ada\n\x00Lovelace ") == "Ada Lovelace"
    assert one_line("a\u200bb\u202e") == "ab"
    assert one_line("\x00\x07") == ""
    assert one_line(None) == ""
    assert one_line("Ｃafé  au\tlait") == "Café au lait"  # NFKC folds the full-width C


@given(st.text())
def test_one_line_is_storable_and_stable(text: str) -> None:
    cleaned = one_line(text)
    assert "\x00" not in cleaned and "\n" not in cleaned
    assert cleaned == cleaned.strip() and "  " not in cleaned
    assert one_line(cleaned) == cleaned
