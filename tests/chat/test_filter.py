"""The banned-word filter: examples and properties (pure functions, no database)."""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from app.chat.filter import (
    ZERO_WIDTH,
    clean_word,
    contains_banned,
    find_banned,
    normalize,
    strip_invisible,
)

SEPARATORS = [
    " ",
    "  ",
    ".",
    "-",
    "_",
    "*",
    "\u200b",
    "\u200c",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u2060",
    "\ufeff",
    "\t",
    "\u3000",
    "!",
    "/",
]


def full_width(ch: str) -> str:
    """The full-width form of an ASCII letter or digit."""
    return chr(ord(ch) - 0x21 + 0xFF01) if "!" <= ch <= "~" else ch


def test_issue_examples_are_caught() -> None:
    for text in ("ｂａｄ", "B A D", "b\u200bad", "BaD", "this is b.a.d!", "Ｂ\u200d ａ\ufeffD"):
        assert find_banned(text, ["bad"]) == "bad", text


def test_clean_text_passes() -> None:
    assert find_banned("a good day", ["bad"]) is None
    assert find_banned("", ["bad"]) is None
    assert find_banned("bad", []) is None
    assert not contains_banned("b a n a n a", ["bad"])


def test_banned_words_are_compared_normalised_too() -> None:
    assert find_banned("that is bad", ["ＢＡＤ"]) == "ＢＡＤ"
    assert clean_word(" B-a D\u200b ") == "bad"
    assert clean_word("...") == ""


def test_normalize_folds_case_width_and_invisibles() -> None:
    assert normalize("ＨｅＬＬｏ, W\u200bORLD!") == "helloworld"
    assert normalize("Straße") == "strasse"
    assert normalize("①②") == "12"


def test_strip_invisible_keeps_visible_text() -> None:
    assert strip_invisible("he\u200bllo\u2060\nworld\x00") == "hello world"
    assert strip_invisible("ｆｕｌｌ") == "ｆｕｌｌ"


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=2, max_size=10)
noise = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)


@st.composite
def disguised(draw: st.DrawFn, word: str) -> str:
    """``word`` with random case, full-width letters and separators between letters."""
    out = []
    for i, ch in enumerate(word):
        if draw(st.booleans()):
            ch = ch.upper()
        if draw(st.booleans()):
            ch = full_width(ch)
        out.append(ch)
        if i < len(word) - 1:
            out.append("".join(draw(st.lists(st.sampled_from(SEPARATORS), max_size=3))))
    return "".join(out)


@given(st.data(), words, noise, noise)
def test_disguised_words_are_always_caught(
    data: st.DataObject, word: str, before: str, after: str
) -> None:
    text = before + " " + data.draw(disguised(word)) + " " + after
    assert contains_banned(text, [word])
    assert contains_banned(text, [word.upper()])


@given(st.text(max_size=60))
def test_normalize_is_idempotent_and_keeps_only_letters_and_digits(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert all(ch.isalnum() for ch in once)
    assert once == unicodedata.normalize("NFKC", once)


@given(st.text(max_size=60))
def test_strip_invisible_removes_zero_width_and_control_characters(text: str) -> None:
    cleaned = strip_invisible(text)
    assert not any(ch in ZERO_WIDTH for ch in cleaned)
    assert not any(unicodedata.category(ch) in ("Cc", "Cf") for ch in cleaned)


@given(st.text(alphabet="acefghijklmnopqrstuvwxyz .,-\u200b", max_size=80))
def test_text_without_a_letter_of_the_word_never_matches(text: str) -> None:
    # "bad" needs a "b" and a "d": text without them cannot contain it, however spaced.
    assert not contains_banned(text, ["bad"])


@given(words, noise)
def test_a_word_is_found_in_its_own_disguises_and_the_result_is_the_given_word(
    word: str, other: str
) -> None:
    assert find_banned(other + word.upper() + other, [word]) == word
