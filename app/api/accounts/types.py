"""GraphQL types for accounts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from app.accounts import services as accounts
from app.accounts.models import ApiToken, Role, User
from app.api.context import Info
from app.api.ids import in_order, int_ids

RoleEnum = strawberry.enum(Role, name="Role")


@strawberry.type(name="User", description="A person: viewer, streamer, moderator or admin.")
class UserType(relay.Node):
    id: relay.NodeID[int]
    display_name: str
    role: RoleEnum
    created_at: datetime
    _email: strawberry.Private[str]

    @strawberry.field(description="Only visible to the user themself and to admins.")
    def email(self, info: Info) -> str | None:
        me = info.context.principal.user
        if me is not None and (me.id == self.id or me.role == "admin"):
            return self._email
        return None

    @classmethod
    def from_model(cls, user: User) -> UserType:
        return cls(
            id=user.id,
            display_name=user.display_name,
            role=RoleEnum(str(user.role.value if hasattr(user.role, "value") else user.role)),
            created_at=user.created_at,
            _email=user.email,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[UserType | None]:
        ids = int_ids(node_ids)
        users = await accounts.get_users(ids)
        return in_order(node_ids, users, cls.from_model)


@strawberry.type(
    name="ApiToken", description="A personal API token. The secret is never shown again."
)
class ApiTokenType(relay.Node):
    id: relay.NodeID[int]
    name: str
    prefix: str
    scope: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @classmethod
    def from_model(cls, token: ApiToken) -> ApiTokenType:
        return cls(
            id=token.id,
            name=token.name,
            prefix=token.prefix,
            scope=token.scope,
            created_at=token.created_at,
            last_used_at=token.last_used_at,
            revoked_at=token.revoked_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ApiTokenType | None]:
        me = info.context.principal.user
        tokens = {t.id: t for t in await accounts.list_api_tokens(me)} if me else {}
        return in_order(node_ids, tokens, cls.from_model)
