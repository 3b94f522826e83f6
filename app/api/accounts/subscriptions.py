"""``accountEvents``: security notifications for the signed-in user."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, datetime

import strawberry

from app.accounts.notify import user_channel
from app.api.context import Info
from app.events import get_bus
from app.i18n import _
from graphql import GraphQLError


@strawberry.type(description="Something happened to the viewer's account.")
class AccountEvent:
    type: str = strawberry.field(
        description="login, password_changed, password_reset, token_created or token_revoked"
    )
    at: datetime
    detail: str | None = None


@strawberry.type
class Subscription:
    @strawberry.subscription(description="Security events of the signed-in user.")
    async def account_events(self, info: Info) -> AsyncGenerator[AccountEvent, None]:
        user = info.context.principal.user
        if user is None:
            raise GraphQLError(_("log in first"), extensions={"code": "UNAUTHENTICATED"})
        async with get_bus().subscribe(user_channel(user.id)) as events:
            async for event in events:
                yield AccountEvent(
                    type=event.type,
                    at=datetime.fromtimestamp(event.ts, UTC),
                    detail=event.data.get("detail"),
                )
