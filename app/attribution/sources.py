"""The traffic-source vocabulary: where a visit to a room (or a product page) came from.

A visit's source is read, in this order, from the share code it carries (``share``), the
``src`` query parameter of the link it followed (links inside livemart add it:
``/rooms/5?src=home``), and the page that referred it (``document.referrer``): a page of
this site tells which part of the site it was, another site is ``external``, none is
``direct``.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit


class Source(StrEnum):
    """Where a visit came from (stored as its value, at most 20 characters)."""

    HOME = "home"
    FOLLOW_NOTIFICATION = "follow_notification"
    SEARCH = "search"
    SHARE = "share"
    RAID = "raid"
    RECOMMENDATION = "recommendation"
    PROFILE = "profile"
    EXTERNAL = "external"
    DIRECT = "direct"


SOURCES: tuple[str, ...] = tuple(s.value for s in Source)

# First path segment of a referring page of this site -> the source it stands for.
_SITE_PAGES = {
    "": Source.HOME,
    "search": Source.SEARCH,
    "for-you": Source.RECOMMENDATION,
    "recs": Source.RECOMMENDATION,
    "notifications": Source.FOLLOW_NOTIFICATION,
}


def parse_source(value: str | None) -> Source | None:
    """The :class:`Source` named by a ``src`` parameter, or None when it names none."""
    try:
        return Source((value or "").strip().lower())
    except ValueError:
        return None


def source_of_referrer(
    referrer: str | None, own_host: str | None, room_id: int | None = None
) -> Source:
    """The source a referring page stands for (``own_host``: this site's host[:port]).
    Another room's page (its "more lives", the next-room swipe) stands for a
    recommendation; any other page of the site (the same room, a product, sign-in,
    checkout) is a step inside a visit, ``direct``."""
    if not referrer:
        return Source.DIRECT
    parts = urlsplit(referrer)
    if not parts.netloc or (own_host and parts.netloc.lower() != own_host.lower()):
        return Source.EXTERNAL if parts.netloc else Source.DIRECT
    path = parts.path.lstrip("/")
    if path.startswith("@"):
        return Source.PROFILE
    segments = path.split("/")
    if segments[0] == "rooms" and len(segments) > 1 and segments[1].isdigit():
        other = room_id is not None and int(segments[1]) != room_id
        return Source.RECOMMENDATION if other else Source.DIRECT
    return _SITE_PAGES.get(path.split("/", 1)[0], Source.DIRECT)


def classify(
    src: str | None,
    has_share: bool,
    referrer: str | None,
    own_host: str | None,
    room_id: int | None = None,
) -> Source:
    """The source of one visit (to ``room_id``, if to a room): a valid share code first,
    then ``src``, then the referrer."""
    if has_share:
        return Source.SHARE
    named = parse_source(src)
    if named is not None and named != Source.SHARE:  # "share" needs a valid code
        return named
    return source_of_referrer(referrer, own_host, room_id)
