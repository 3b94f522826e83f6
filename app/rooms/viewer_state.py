"""What one signed-in viewer's room page shows of them, read in one statement.

The room page's personal parts come from four domains: following the streamer
(``rooms.is_following``), the coin balance (``gifts.wallet.balance_of``), a chat ban and
mute (``chat.is_banned`` / ``chat.active_mute``) and the units bought in each running flash
sale (``flash_sales.bought_by``). Read one by one they are five round trips per page load;
:func:`viewer_state` reads the same facts with one ``SELECT`` of scalar sub-queries (SQLite
and PostgreSQL). ``tests/rooms/test_viewer_state.py`` holds it equal to those services.

:func:`session_viewer` reads the browser session's user and the same facts in one
statement keyed on the session's token hash and the room (the room page of a signed-in
viewer is then one round trip: the shared parts come from ``web.page_cache``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise import connections

from app.accounts.models import User
from app.accounts.services import SESSION_USER_COLUMNS, SESSION_USER_FROM, session_user_of_row
from app.accounts.tokens import digest
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


def _units_per_sale(postgres: bool) -> str:
    """A column: ``"<sale id>:<units>,..."``, the viewer's units in each sale of room {r}."""
    joined = "string_agg(units, ',')" if postgres else "group_concat(units, ',')"
    return (
        f"(SELECT {joined} FROM (SELECT CAST(c.sale_id AS TEXT) || ':' ||"
        " CAST(COUNT(*) AS TEXT) AS units FROM flash_sale_claims c"
        " JOIN flash_sales f ON f.id = c.sale_id"
        " WHERE f.room_id = {r} AND c.user_id = users.id GROUP BY c.sale_id) AS per_sale)"
    )


def _session_viewer_sql(postgres: bool) -> str:
    """The session's user and their facts in room {r}, the room's owner read in it."""
    streamer = "(SELECT owner_id FROM rooms WHERE id = {r})"
    facts = [
        f"(SELECT COUNT(*) FROM follows WHERE follower_id = users.id AND streamer_id = {streamer})"
        " AS lm_following",
        "(SELECT balance FROM wallets WHERE user_id = users.id) AS lm_balance",
        "(SELECT COUNT(*) FROM room_bans WHERE room_id = {r} AND user_id = users.id) AS lm_banned",
        "(SELECT MAX(until) FROM room_mutes WHERE room_id = {r} AND user_id = users.id)"
        " AS lm_muted",
        _units_per_sale(postgres) + " AS lm_units",
    ]
    # the token's mark comes last in the text: {r} marks are numbered before it
    return "SELECT " + ", ".join([SESSION_USER_COLUMNS, *facts]) + SESSION_USER_FROM


_SQL: dict[bool, tuple[str, int]] = {}


def _statement(postgres: bool) -> tuple[str, int]:
    """The statement with its marks, and how many times the room id is passed."""
    if postgres not in _SQL:
        count = 0

        def mark(found: re.Match[str]) -> str:
            nonlocal count
            count += 1
            return f"${count}" if postgres else "?"

        text = _session_viewer_sql(postgres).replace("{}", "{t}")
        sql = _PLACEHOLDER.sub(mark, text)
        _SQL[postgres] = (sql, count - 1)
    return _SQL[postgres]


async def session_viewer(secret: str | None, room_id: int) -> tuple[User, ViewerState] | None:
    """The active user of the unexpired browser session ``secret`` and their follow,
    balance, ban, mute and units per sale in ``room_id`` (all its sales: the caller keeps
    those it shows), in one statement; ``None`` when there is no such session."""
    if not secret:
        return None
    conn = connections.get("default")
    sql, rooms = _statement(conn.capabilities.dialect == "postgres")
    rows = await conn.execute_query_dict(sql, [room_id] * rooms + [digest(secret)])
    if not rows:
        return None
    row = dict(rows[0])
    user = session_user_of_row(row)
    if user is None:
        return None
    muted = RoomMute._meta.fields_map["until"].to_python_value(row["lm_muted"])
    bought: dict[int, int] = {}
    for part in (row["lm_units"] or "").split(","):
        if part:
            sale, units = part.split(":")
            bought[int(sale)] = int(units)
    state = ViewerState(
        following=bool(row["lm_following"]),
        balance=int(row["lm_balance"] or 0),
        banned=bool(row["lm_banned"]),
        muted_until=muted if muted is not None and muted > now() else None,
        bought=bought,
    )
    return user, state
