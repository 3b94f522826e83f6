"""Analytics queries and mutations: ``roomStats`` (the room's owner and admins),
``platformStats`` and ``fraudFlags`` (moderators and admins), ``decideFraudFlag``.
Every rule lives in :mod:`app.analytics`; refusals of queries are GraphQL errors with a
``code``, of the mutation typed payload errors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from app.analytics import fraud
from app.analytics import stats as analytics
from app.api import errors
from app.api.analytics.types import (
    FraudActionEnum,
    FraudDecisionEnum,
    FraudFlagKindEnum,
    FraudFlagStatusEnum,
    FraudFlagType,
    PlatformStats,
    RoomStats,
    StatsIntervalEnum,
)
from app.api.context import Info
from app.api.ids import decode_id
from app.api.pagination import Connection, paginate


@errors.payload
class FraudFlagPayload:
    flag: FraudFlagType | None = None


@strawberry.type
class Query:
    @errors.field(
        description="A room's metrics per minute or hour over [from, to) (default: the last "
        "hour), or over one live session (sessionId; the range defaults to the session's): "
        "series, totals and the conversion funnel. The room's owner and admins."
    )
    async def room_stats(
        self,
        info: Info,
        room_id: strawberry.ID,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
        interval: StatsIntervalEnum = StatsIntervalEnum.MINUTE,
        session_id: strawberry.ID | None = None,
    ) -> RoomStats:
        user = info.context.principal.require_user(write=False)
        room = decode_id(room_id, "Room", "roomId")
        session = decode_id(session_id, "LiveSession", "sessionId") if session_id else None
        found = await analytics.room_stats(user, room, from_, to, interval.value, session)
        sessions = await analytics.room_sessions(room)
        return RoomStats.from_stats(found, sessions)

    @errors.field(
        description="Live rooms now, GMV today, top rooms and products (moderators, admins)."
    )
    async def platform_stats(self, info: Info) -> PlatformStats:
        user = info.context.principal.require_user(write=False)
        found = await analytics.platform_stats(user)
        return PlatformStats.from_stats(found)

    @errors.field(
        description="Fraud and anomaly flags, newest first; open ones by score "
        "(moderators and admins)."
    )
    async def fraud_flags(
        self,
        info: Info,
        status: FraudFlagStatusEnum | None = FraudFlagStatusEnum.OPEN,
        kind: FraudFlagKindEnum | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> Connection[FraudFlagType]:
        user = info.context.principal.require_user(write=False)
        query = fraud.flags_query(
            user, status.value if status else None, kind.value if kind else None
        )
        return await paginate(query, first, after, FraudFlagType.from_model)


@strawberry.type
class Mutation:
    @errors.mutation(
        description="Confirm or dismiss an open fraud flag (moderators and admins). A "
        "confirmed flag may FREEZE_WALLET (the accounts in its evidence) or CANCEL_ORDERS "
        "(its orders: unpaid cancelled, paid refunded; admins only)."
    )
    async def decide_fraud_flag(
        self,
        info: Info,
        flag_id: strawberry.ID,
        decision: FraudDecisionEnum,
        action: FraudActionEnum = FraudActionEnum.NONE,
    ) -> FraudFlagPayload:
        user = info.context.principal.require_user()
        flag = await fraud.decide(
            user, decode_id(flag_id, "FraudFlag", "flagId"), decision.value, action.value
        )
        return FraudFlagPayload(flag=FraudFlagType.from_model(flag))
