"""Share links: a short ``/s/<code>`` to a room or a product that carries its sharer.

Sharing the same room (or product) twice gives the same link, so a sharer's numbers stay
on one code. Opening the link goes to the room (or product) page with ``?share=<code>``;
the page's visit beacon carries the code, and the visit is counted as ``share`` for the
sharer (``app.attribution.recorder``).
"""

from __future__ import annotations

import secrets

from tortoise.exceptions import IntegrityError

from app.accounts.models import User
from app.attribution.models import ShareLink
from app.commerce.models import Product, ProductStatus
from app.errors import AuthRequired, NotFound, UserError
from app.rooms.models import Room

ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"  # no 0/o, 1/l/i: read aloud, typed from a QR
CODE_LENGTH = 8
MAX_CODE = 16


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(code: str | None) -> str | None:
    """``code`` when it could be a share code (else None: not worth a query)."""
    code = (code or "").strip().lower()
    if not code or len(code) > MAX_CODE or any(c not in ALPHABET for c in code):
        return None
    return code


async def share(
    user: User | None, room_id: int | None = None, product_id: int | None = None
) -> ShareLink:
    """The signed-in ``user``'s share link to a room or a product (made on first share)."""
    if user is None:
        raise AuthRequired()
    if (room_id is None) == (product_id is None):
        raise UserError("INVALID_TARGET", "share a room or a product", "target")
    if room_id is not None and not await Room.exists(id=room_id):
        raise NotFound("room", "roomId")
    if product_id is not None and not await Product.exists(
        id=product_id, status=ProductStatus.ACTIVE
    ):
        raise NotFound("product", "productId")
    found = await ShareLink.get_or_none(sharer_id=user.id, room_id=room_id, product_id=product_id)
    if found is not None:
        return found
    for _ in range(5):
        try:
            return await ShareLink.create(
                code=new_code(), sharer_id=user.id, room_id=room_id, product_id=product_id
            )
        except IntegrityError:  # a code taken (or the same share made concurrently)
            again = await ShareLink.get_or_none(
                sharer_id=user.id, room_id=room_id, product_id=product_id
            )
            if again is not None:
                return again
    raise UserError("TRY_AGAIN", "could not make a link, try again", None)


async def by_code(code: str | None) -> ShareLink:
    """The share link with ``code``; NotFound for anything else."""
    cleaned = clean_code(code)
    found = await ShareLink.get_or_none(code=cleaned) if cleaned else None
    if found is None:
        raise NotFound("share link", "code")
    return found


def short_path(link: ShareLink) -> str:
    """The link's short path, ``/s/<code>`` (pages make it absolute with their origin)."""
    return f"/s/{link.code}"


def target_path(link: ShareLink) -> str:
    """Where the short link leads: the room or product page, carrying the code."""
    if link.room_id is not None:
        return f"/rooms/{link.room_id}?share={link.code}"
    return f"/products/{link.product_id}?share={link.code}"


async def links_of(user: User) -> list[ShareLink]:
    """The user's share links, newest first."""
    return list(await ShareLink.filter(sharer_id=user.id).order_by("-id"))
