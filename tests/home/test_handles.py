"""Handles, bios and avatars of public profiles: validated, unique, readable errors."""

from __future__ import annotations

import pytest

from app.accounts import handles
from app.accounts import services as accounts
from app.accounts.models import Role, User
from app.errors import UserError
from tests.support import STRONG_PASSWORD

pytestmark = pytest.mark.usefixtures("app")


async def make_user(email: str, name: str, role: Role = Role.STREAMER) -> User:
    return await accounts.create_user(email, STRONG_PASSWORD, name, role)


async def test_set_handle_normalises_and_finds_the_profile() -> None:
    mia = await make_user("mia@example.com", "Mia")
    await handles.update_public_profile(mia, " @Mia.Streams ", "Sneakers  and\nsocks", "/a.png")
    stored = await User.get(id=mia.id)
    assert (stored.handle, stored.bio, stored.avatar_url) == (
        "mia.streams",
        "Sneakers and socks",
        "/a.png",
    )
    assert (await handles.by_handle("@MIA.streams")).id == mia.id
    with pytest.raises(UserError) as missing:
        await handles.by_handle("nobody")
    assert missing.value.code == "NOT_FOUND"


@pytest.mark.parametrize(
    ("raw", "code", "words"),
    [
        ("", "INVALID_HANDLE", "choose a handle"),
        ("ab", "INVALID_HANDLE", "3 to 30"),
        ("x" * 31, "INVALID_HANDLE", "3 to 30"),
        ("mia streams", "INVALID_HANDLE", "letters a-z"),
        ("_mia", "INVALID_HANDLE", "starting and ending"),
        ("mi..a", "INVALID_HANDLE", "letters a-z"),
        ("mía", "INVALID_HANDLE", "letters a-z"),
        ("admin", "HANDLE_TAKEN", "reserved"),
    ],
)
async def test_bad_handles_are_refused_with_a_reason(raw: str, code: str, words: str) -> None:
    mia = await make_user("mia@example.com", "Mia")
    with pytest.raises(UserError) as caught:
        await handles.update_public_profile(mia, raw, "bio")
    assert caught.value.code == code and caught.value.field == "handle"
    assert words in caught.value.message
    assert (await User.get(id=mia.id)).handle is None


async def test_taken_handle_long_bio_and_bad_avatar_change_nothing() -> None:
    mia = await make_user("mia@example.com", "Mia")
    leo = await make_user("leo@example.com", "Leo")
    await handles.update_public_profile(mia, "mia", "first")
    for handle, bio, avatar, code in [
        ("MIA", "", "", "HANDLE_TAKEN"),
        ("leo", "x" * 281, "", "INVALID_BIO"),
        ("leo", "", "javascript:alert(1)", "INVALID_AVATAR"),
    ]:
        with pytest.raises(UserError) as caught:
            await handles.update_public_profile(leo, handle, bio, avatar)
        assert caught.value.code == code
    assert (await User.get(id=leo.id)).handle is None
    await handles.update_public_profile(mia, "mia", "second")  # keeping one's own handle
    assert (await User.get(id=mia.id)).bio == "second"


async def test_ensure_handle_makes_a_free_valid_one() -> None:
    first = await make_user("a@example.com", "Mia Streams")
    second = await make_user("b@example.com", "Mia  Streams!")
    assert await handles.ensure_handle(first) == "miastreams"
    assert await handles.ensure_handle(second) == "miastreams2"
    assert await handles.ensure_handle(first) == "miastreams"
    assert handles.check_handle(await handles.ensure_handle(await make_user("c@x.io", "Al")))
