"""Authorization table entries for experiments, share links, visits, raids and the buy
sheet (merged into :mod:`tests.hardening.authz_table`'s ``MUTATIONS`` and ``PAGES``).

Who may do what:

* experiments: platform kinds (generic, recs) are created and run by moderators and admins;
  a coupon experiment by streamers (and moderators) for their own drops, and managed by its
  owner, moderators and admins (``NOT_FOUND`` for anyone else: it hides). The page
  ``/admin/experiments`` is for moderators and streamers.
* share links and visits: any signed-in user (the visit beacon ``/a/visit`` is called by
  every page, anonymous ones included).
* raids: the ended room's owner (or an admin).
* the buy sheet: any signed-in buyer; the advisor's coupon experiment: the room's seller.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from tests.hardening.authz_table import (
    P_OWNER,
    P_PUBLIC,
    P_SITE_MODS,
    P_STREAMERS,
    P_USERS,
    ROOM_OWNER,
    SITE_MODS,
    STREAMERS,
    USERS,
    PageRule,
    Rule,
    _p,
    _rid,
)
from tests.hardening.world import ADMIN, MOD, OWNER, TOKEN_WRITE, World

COUPON_MANAGERS = frozenset({OWNER, MOD, ADMIN, TOKEN_WRITE})  # the owner's, and site mods
P_COUPON_MANAGERS = frozenset({OWNER, MOD, ADMIN})
P_EXPERIMENTERS = P_STREAMERS | P_SITE_MODS  # moderators and streamers


def _key(w: World) -> str:
    return f"exp-{w.n()}-{secrets.token_hex(3)}"


def _variants(coupon: bool = False) -> list[dict[str, Any]]:
    if coupon:
        return [
            {"name": "ten", "weight": 1.0, "value": "10"},
            {"name": "twenty", "weight": 1.0, "value": "20"},
        ]
    return [{"name": "control", "weight": 1.0}, {"name": "treatment", "weight": 1.0}]


async def _experiment(w: World, status: str = "draft", coupon: bool = False) -> int:
    """A fresh experiment: a platform one, or a coupon one of the room's owner. A coupon
    draft to start stops the owner's running coupon experiments (one runs at a time)."""
    from app.experiments.models import Experiment, ExperimentKind, ExperimentStatus

    owner_id = w.users[OWNER].id if coupon else None
    kind = ExperimentKind.COUPON if coupon else ExperimentKind.GENERIC
    if coupon and status == "draft":
        await Experiment.filter(
            kind=kind, owner_id=owner_id, status=ExperimentStatus.RUNNING
        ).update(status=ExperimentStatus.STOPPED)
    variants = [
        {"name": "a", "weight": 1.0, "value": 10 if coupon else None},
        {"name": "b", "weight": 1.0, "value": 20 if coupon else None},
    ]
    made = await Experiment.create(
        key=_key(w),
        name="An experiment",
        kind=kind,
        status=ExperimentStatus(status),
        salt=secrets.token_hex(8),
        variants=variants,
        sample_size=100,
        owner_id=owner_id,
        started_at=datetime.now(UTC) if status == "running" else None,
    )
    return made.id


async def _experiment_gid(w: World, status: str = "draft", coupon: bool = False) -> str:
    from app.api.ids import encode_id

    return encode_id("Experiment", await _experiment(w, status, coupon))


async def _ended_room(w: World) -> int:
    """A room of the owner whose live just ended (raidable once)."""
    from app.rooms.models import Room, RoomStatus

    room = await Room.create(
        owner_id=w.users[OWNER].id,
        title=f"Ended {w.n()}",
        status=RoomStatus.ENDED,
        ended_at=datetime.now(UTC),
        stream_key="sk_" + secrets.token_urlsafe(12),
    )
    return room.id


async def _ended_room_gid(w: World) -> str:
    from app.api.ids import encode_id

    return encode_id("Room", await _ended_room(w))


async def _pinned(w: World) -> str:
    """Pin the world's product in its room (the buy sheet sells the pinned product)."""
    from app.commerce import shelf

    await shelf.pin_product(w.users[OWNER], w.room.id, w.product.id)
    return str(w.variant.id)


MUTATIONS: dict[str, Rule | tuple[Rule, ...]] = {
    # experiments
    "createExperiment": (
        Rule(
            SITE_MODS,
            lambda w: {
                "key": _key(w),
                "name": "Ranking",
                "variants": _variants(),
                "sampleSize": 100,
                "kind": "GENERIC",
            },
        ),
        Rule(
            STREAMERS | {MOD},
            lambda w: {
                "key": _key(w),
                "name": "Coupon values",
                "variants": _variants(coupon=True),
                "sampleSize": 100,
                "kind": "COUPON",
            },
        ),
    ),
    "startExperiment": (
        Rule(SITE_MODS, lambda w: {"id": _experiment_gid(w)}),
        Rule(COUPON_MANAGERS, lambda w: {"id": _experiment_gid(w, coupon=True)}, hides=True),
    ),
    "stopExperiment": (
        Rule(SITE_MODS, lambda w: {"id": _experiment_gid(w, "running")}),
        Rule(
            COUPON_MANAGERS,
            lambda w: {"id": _experiment_gid(w, "running", coupon=True)},
            hides=True,
        ),
    ),
    # attribution
    "createShareLink": (
        Rule(USERS, lambda w: {"roomId": w.room_id}),
        Rule(USERS, lambda w: {"productId": w.product_id}),
    ),
    "recordVisit": Rule(USERS, lambda w: {"roomId": w.room_id, "source": "home"}),
    "raidRoom": Rule(
        ROOM_OWNER, lambda w: {"fromRoomId": _ended_room_gid(w), "toRoomId": w.room_id}
    ),
}

PAGES: dict[str, PageRule] = {
    # experiments
    "/admin/experiments": PageRule(
        P_EXPERIMENTERS,
        lambda w: _p(
            kind="coupon",
            key=_key(w),
            name="Coupon values",
            variants="ten = 10\ntwenty = 20",
            sample_size="100",
        ),
    ),
    "/admin/experiments/{experiment_id:int}/{action:str}": PageRule(
        P_COUPON_MANAGERS,
        lambda w: _p({"experiment_id": _experiment(w, "running", coupon=True), "action": "stop"}),
        hides=True,
    ),
    "/studio/rooms/{room_id:int}/advisor/experiment": PageRule(P_OWNER, lambda w: _p(_rid(w))),
    # attribution: the visit beacon every page sends, signed in or not
    "/a/visit": PageRule(P_PUBLIC, lambda w: _p(room=str(w.room.id), src="home")),
    "/studio/rooms/{room_id:int}/raid": PageRule(
        P_OWNER, lambda w: _p({"room_id": _ended_room(w)}, to_room_id=str(w.room.id))
    ),
    # the buy sheet (the pinned product, paid with coins)
    "/rooms/{room_id:int}/sheet": PageRule(
        P_USERS,
        lambda w: _p(
            _rid(w),
            variant_id=_pinned(w),
            quantity="1",
            pay="coins",
            idempotency_key=w.key(),
            **w.page_address(),
        ),
    ),
}
