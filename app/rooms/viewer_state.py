"""What one signed-in viewer's room page shows of them, read in one statement.

The room page's personal parts come from four domains: following the streamer
(``rooms.is_following``), the coin balance (``gifts.wallet.balance_of``), a chat ban and
mute (``chat.is_banned`` / ``chat.active_mute``) and the units bought in each running flash
sale (``flash_sales.bought_by``). Read one by one they are five round trips per page load;
:func:`viewer_state` reads the same facts with one ``SELECT`` of scalar sub-queries (SQLite
and PostgreSQL). ``tests/rooms/test_viewer_state.py`` holds it equal to those services.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import connections

from app.moderation.models import RoomMute
from app.signals import now

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class ViewerState:
    following: bool = False
    balance: int = 0
    banned: bool = False
    muted_until: datetime | None = None
    bought: dict[int, int] = field(default_factory=dict)  # units per flash sale id


async def viewer_state(
    user_id: int, room_id: int, streamer_id: int, sale_ids: list[int]
) -> ViewerState:
    """The viewer's follow, balance, ban, mute and units per sale in ``room_id``."""
    conn = connections.get("default")
    postgres = conn.capabilities.dialect == "postgres"
    named: dict[str, Any] = {"u": user_id, "s": streamer_id, "r": room_id}
    named.update({f"sale{i}": sale_id for i, sale_id in enumerate(sale_ids)})
    columns = [
        "(SELECT COUNT(*) FROM follows WHERE follower_id = {u} AND streamer_id = {s}) AS following",
        "(SELECT balance FROM wallets WHERE user_id = {u}) AS balance",
        "(SELECT COUNT(*) FROM room_bans WHERE room_id = {r} AND user_id = {u}) AS banned",
        "(SELECT MAX(until) FROM room_mutes WHERE room_id = {r} AND user_id = {u}) AS muted",
    ]
    columns += [
        f"(SELECT COUNT(*) FROM flash_sale_claims WHERE sale_id = {{sale{i}}} AND user_id = {{u}})"
        f" AS sale_{i}"
        for i in range(len(sale_ids))
    ]
    values: list[Any] = []

    def placeholder(found: re.Match[str]) -> str:  # positional, in the text's order
        values.append(named[found.group(1)])
        return f"${len(values)}" if postgres else "?"

    sql = _PLACEHOLDER.sub(placeholder, "SELECT " + ", ".join(columns))
    row = (await conn.execute_query_dict(sql, values))[0]
    muted = RoomMute._meta.fields_map["until"].to_python_value(row["muted"])
    return ViewerState(
        following=bool(row["following"]),
        balance=int(row["balance"] or 0),
        banned=bool(row["banned"]),
        muted_until=muted if muted is not None and muted > now() else None,
        bought={sid: int(row[f"sale_{i}"]) for i, sid in enumerate(sale_ids) if row[f"sale_{i}"]},
    )
