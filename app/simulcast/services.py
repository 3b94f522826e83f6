"""Simulcast destinations: add, list, turn on and off, remove (the streamer's), and what
the media worker should forward for a live room, with the statuses it reports back."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from app.accounts.models import User
from app.errors import NotFound, UserError
from app.i18n import N_
from app.rooms.models import Room, RoomStatus
from app.rooms.services import require_streamer
from app.simulcast.models import SimulcastDestination
from app.simulcast.sealing import InvalidToken, open_sealed, seal
from app.text import one_line
from media.simulcast import DestinationError, check_destination, redact, resolve_destination

log = logging.getLogger("livemart.simulcast")

MAX_DESTINATIONS = 5
STATUSES = ("idle", "connecting", "live", "reconnecting", "refused", "stopped")


#: media.simulcast's DestinationError sentences, marked here for the catalog (media does
#: not import app); the error's text is looked up as the msgid.
_DESTINATION_MESSAGES = (
    N_("the address must be one line without spaces"),
    N_("the address must start with rtmp:// or rtmps://"),
    N_("the address has no host"),
    N_("the address needs the application and stream key"),
    N_("the address must be a public server, not a local or private network"),
)


async def add_destination(
    user: User, name: str, url: str, secret_key: str, *, allow_private: bool = False
) -> SimulcastDestination:
    """Add an RTMP destination to every live of `user` (a streamer); the address is sealed
    and only its hint (the key hidden) is shown from now on.

    Unless `allow_private` (``Settings.simulcast_private_destinations``), the host must be
    public: a local name or private IP literal is refused, and so is a name that resolves
    to a private address now. A name that does not resolve yet is kept: the media worker
    resolves and checks it again before every connection (see :mod:`media.simulcast`).
    """
    require_streamer(user)
    label = one_line(name)
    if not 1 <= len(label) <= 60:
        raise UserError("INVALID_NAME", "give the destination a name of 1 to 60 characters", "name")
    try:
        address = check_destination(url or "", allow_private)
        if not allow_private:
            await _check_resolution(address)
    except DestinationError as exc:
        # media's sentences are the msgids (marked in _DESTINATION_MESSAGES).
        raise UserError("INVALID_DESTINATION", str(exc), "url") from None
    if await SimulcastDestination.filter(owner_id=user.id).count() >= MAX_DESTINATIONS:
        raise UserError(
            "TOO_MANY_DESTINATIONS",
            "you can simulcast to at most {max} places",
            None,
            {"max": MAX_DESTINATIONS},
        )
    return await SimulcastDestination.create(
        owner_id=user.id,
        name=label,
        url_sealed=seal(address, secret_key),
        url_hint=redact(address),
    )


async def _check_resolution(address: str) -> None:
    """Raise `DestinationError` when the address's host resolves to a non-public address."""
    try:
        await resolve_destination(address)
    except OSError:  # not resolvable now: the worker checks it before each connection
        return


async def destinations(user: User) -> list[SimulcastDestination]:
    """The streamer's destinations, oldest first."""
    return await SimulcastDestination.filter(owner_id=user.id).order_by("id")


async def _own(user: User, destination_id: int) -> SimulcastDestination:
    found = await SimulcastDestination.get_or_none(id=destination_id, owner_id=user.id)
    if found is None:  # another streamer's looks the same as none at all
        raise NotFound("simulcast destination", "destinationId")
    return found


async def set_enabled(user: User, destination_id: int, enabled: bool) -> SimulcastDestination:
    """Turn a destination on or off (a live in progress follows within seconds)."""
    found = await _own(user, destination_id)
    found.enabled = enabled
    await found.save(update_fields=["enabled"])
    return found


async def remove_destination(user: User, destination_id: int) -> None:
    """Forget a destination (a live in progress stops forwarding to it within seconds)."""
    await (await _own(user, destination_id)).delete()


async def forwards_for(room: Room, secret_key: str) -> dict[str, str]:
    """What a room whose stream is live should be copied to: destination id → address
    (unsealed). Empty once the room has ended. A destination sealed under another secret
    key (the key was rotated) is skipped and marked, not forwarded.
    """
    if room.status == RoomStatus.ENDED:
        return {}
    wanted: dict[str, str] = {}
    for dest in await SimulcastDestination.filter(owner_id=room.owner_id, enabled=True):
        try:
            wanted[str(dest.id)] = open_sealed(dest.url_sealed, secret_key)
        except InvalidToken:
            log.warning("simulcast destination %s cannot be opened with this secret key", dest.id)
            await record_status(dest.id, "stopped", "sealed under another secret key: add it again")
    return wanted


async def record_status(destination_id: int, status: str, detail: str = "") -> None:
    """Keep a forwarder's report on its destination (the studio shows it)."""
    if status not in STATUSES:
        raise ValueError(f"unknown simulcast status {status!r}")
    await SimulcastDestination.filter(id=destination_id).update(
        status=status, status_detail=detail[:300], status_at=datetime.now(UTC)
    )
