"""GraphQL types for accounts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from app.accounts import services as accounts
from app.accounts.models import ApiToken, Role, User
from app.api.context import Info
from app.api.ids import in_order
from app.api.mapping import from_model, public_nodes
from app.profiles import services as profiles

if TYPE_CHECKING:
    from app.api.profiles.types import ProfileType

RoleEnum = Role
strawberry.enum(RoleEnum, name="Role")


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

    @strawberry.field(description="The user's interest profile: only the user themself sees it.")
    async def profile(
        self, info: Info
    ) -> Annotated[ProfileType, strawberry.lazy("app.api.profiles.types")] | None:
        from app.api.profiles.types import ProfileType

        me = info.context.principal.user
        if me is None or me.id != self.id:
            return None
        return ProfileType.from_view(await profiles.my_profile(me))

    @classmethod
    def from_model(cls, user: User) -> UserType:
        return from_model(
            cls,
            user,
            role=RoleEnum(user.role),
        )

    resolve_nodes = public_nodes(accounts.get_users)


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
        return from_model(cls, token)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[ApiTokenType | None]:
        me = info.context.principal.user
        tokens = {t.id: t for t in await accounts.list_api_tokens(me)} if me else {}
        return in_order(node_ids, tokens, cls.from_model)
