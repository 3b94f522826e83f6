"""Probe finding 14: the banned-word filter missed Cyrillic and Greek look-alike letters
(``bаdwоrd`` with Cyrillic ``а`` and ``о``). Look-alikes fold to the Latin letter they
imitate, from Unicode's confusables table shipped in the installed
``confusable-homoglyphs`` package."""

from __future__ import annotations

import pytest

from app.chat.filter import clean_word, confusables_table, find_banned, normalize
from tests.hardening.world import MOD, VIEWER, World

SEND = """mutation($r: ID!, $t: String!) { sendChatMessage(roomId: $r, text: $t) {
  message { text } errors { code } } }"""
ADD = """mutation($w: String!, $r: ID) { addBannedWord(word: $w, roomId: $r) {
  errors { code } } }"""

DISGUISES = [
    "b\u0430dw\u043erd",  # Cyrillic а, о
    "\u0392\u0391D WORD",  # Greek Β, Α
    "\u0432adword".replace("\u0432", "\u0412"),  # Cyrillic В (capital, looks like B)
    "b\u0251dw\u03bfrd",  # Latin alpha ɑ, Greek ο
    "bad\u051dord",  # Cyrillic ԝ
    "\uff42\u0430\uff44word",  # full-width and Cyrillic mixed
    "b\u200b\u0430 d-w\u043er d",  # with separators and zero-width spaces
]


@pytest.mark.parametrize("text", DISGUISES)
def test_look_alikes_fold_to_the_word_they_imitate(text: str) -> None:
    assert find_banned(f"well {text}!", ["badword"]) == "badword", normalize(text)


def test_a_banned_word_typed_with_look_alikes_matches_plain_text() -> None:
    stored = clean_word("b\u0430dw\u043erd")
    assert stored == "badword"
    assert find_banned("a badword here", [stored]) == stored


def test_plain_text_in_other_scripts_is_left_to_match_itself() -> None:
    assert find_banned("привет", ["badword"]) is None
    assert find_banned("скажи привет всем", ["привет"]) == "привет"
    assert find_banned("καλημέρα", ["καλημέρα"]) == "καλημέρα"


def test_the_table_comes_from_the_installed_package() -> None:
    table = confusables_table()
    assert table[ord("\u0430")] == "a" and table[ord("\u03bf")] == "o"
    assert all(len(v) == 1 and v.isascii() and v.isalnum() for v in table.values())
    assert not any(chr(k).isascii() for k in table)


async def test_chat_refuses_a_disguised_banned_word(world: World) -> None:
    added = await world.gql(MOD, ADD, {"w": "badword", "r": world.room_id})
    assert added["data"]["addBannedWord"]["errors"] == []
    for text in DISGUISES:
        body = await world.gql(VIEWER, SEND, {"r": world.room_id, "t": f"hey {text}"})
        result = body["data"]["sendChatMessage"]
        assert result["message"] is None, (text, result)
        assert [e["code"] for e in result["errors"]] == ["BANNED_WORD"], text
    ok = await world.gql(VIEWER, SEND, {"r": world.room_id, "t": "привет, good word"})
    assert ok["data"]["sendChatMessage"]["errors"] == []
