"""Public profiles: a user's unique ``@handle``, bio and avatar (shown at ``/@handle``)."""

from __future__ import annotations

import re

from tortoise.exceptions import IntegrityError

from app.accounts.models import User
from app.errors import NotFound, UserError
from app.i18n import N_
from app.rooms.services import check_cover
from app.text import one_line

HANDLE_MIN, HANDLE_MAX = 3, 30
MAX_BIO = 280
_HANDLE = re.compile(r"[a-z0-9](?:[a-z0-9_.]*[a-z0-9])?")
# Paths and words a handle may not take (they would read as the site speaking).
RESERVED = frozenset(
    {
        "admin",
        "api",
        "graphql",
        "help",
        "livemart",
        "login",
        "moderator",
        "root",
        "staff",
        "static",
        "studio",
        "support",
        "system",
    }
)


def check_handle(raw: str) -> str:
    """The handle ``raw`` normalised (a leading ``@`` dropped, lowercase), or a
    :class:`UserError` saying what is wrong with it."""
    handle = (raw or "").strip().removeprefix("@").lower()
    if not handle:
        raise UserError("INVALID_HANDLE", "choose a handle", "handle")
    if not HANDLE_MIN <= len(handle) <= HANDLE_MAX:
        raise UserError(
            "INVALID_HANDLE",
            "a handle has {min} to {max} characters",
            "handle",
            {"min": HANDLE_MIN, "max": HANDLE_MAX},
        )
    if not _HANDLE.fullmatch(handle) or ".." in handle:
        raise UserError(
            "INVALID_HANDLE",
            "use letters a-z, digits, '_' and '.', starting and ending with a letter or digit",
            "handle",
        )
    if handle in RESERVED:
        raise UserError("HANDLE_TAKEN", "@{handle} is reserved", "handle", {"handle": handle})
    return handle


def check_bio(raw: str) -> str:
    bio = one_line(raw)
    if len(bio) > MAX_BIO:
        raise UserError(
            "INVALID_BIO", "keep the bio under {max} characters", "bio", {"max": MAX_BIO}
        )
    return bio


#: :func:`app.rooms.services.check_cover`'s messages with "cover" said as "avatar".
_AVATAR_MESSAGES = {
    "the cover URL is longer than {max} characters": N_(
        "the avatar URL is longer than {max} characters"
    ),
    "the cover must be an http(s) URL or a path on this site, without spaces, quotes "
    "or parentheses": N_(
        "the avatar must be an http(s) URL or a path on this site, without spaces, quotes "
        "or parentheses"
    ),
}


def check_avatar(raw: str) -> str:
    """An avatar address follows the room cover's rules (http(s) or a path on this site)."""
    try:
        return check_cover(raw)
    except UserError as exc:
        # The cover's rule, said of the avatar (each sentence is a msgid of its own).
        message = _AVATAR_MESSAGES.get(exc.template, exc.template)
        raise UserError("INVALID_AVATAR", message, "avatarUrl", exc.params) from None


def _taken(handle: str) -> UserError:
    return UserError(
        "HANDLE_TAKEN", "@{handle} is taken; try another", "handle", {"handle": handle}
    )


async def update_public_profile(
    user: User, handle: str, bio: str = "", avatar_url: str = ""
) -> User:
    """Set ``user``'s handle, bio and avatar. A handle someone else holds is refused
    (``HANDLE_TAKEN``); nothing changes on any error."""
    clean = check_handle(handle)
    clean_bio = check_bio(bio)
    avatar = check_avatar(avatar_url)
    if await User.filter(handle=clean).exclude(id=user.id).exists():
        raise _taken(clean)
    try:
        await User.filter(id=user.id).update(handle=clean, bio=clean_bio, avatar_url=avatar)
    except IntegrityError:  # taken between the check and the write
        raise _taken(clean) from None
    user.handle, user.bio, user.avatar_url = clean, clean_bio, avatar
    return user


async def by_handle(handle: str) -> User:
    """The active user with ``handle`` (case-insensitive, ``@`` optional)."""
    clean = (handle or "").strip().removeprefix("@").lower()
    user = await User.get_or_none(handle=clean, is_active=True) if clean else None
    if user is None:
        raise NotFound("profile", "handle")
    return user


def suggest_handle(display_name: str, user_id: int) -> str:
    """A valid handle made from a display name (the seed and new streamers start here)."""
    base = re.sub(r"[^a-z0-9]+", "", one_line(display_name).lower())[:20] or "user"
    if len(base) < HANDLE_MIN:
        base = f"{base}{user_id}"
    return base


async def ensure_handle(user: User) -> str:
    """``user``'s handle, giving them a free one made from their name when they have none."""
    if user.handle:
        return user.handle
    base = suggest_handle(user.display_name, user.id)
    candidate, n = base, 1
    while await User.filter(handle=candidate).exists() or candidate in RESERVED:
        n += 1
        candidate = f"{base}{n}"
    await User.filter(id=user.id).update(handle=candidate)
    user.handle = candidate
    return candidate
