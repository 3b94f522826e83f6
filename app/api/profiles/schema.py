"""Profile mutations (interests, personalisation, forget a tag, export my data, delete my
account) and the streamer's audience query. ``viewer { profile }`` is on ``User``."""

from __future__ import annotations

import strawberry
from starlette.responses import Response

from app.api import errors
from app.api.context import Info
from app.api.ids import decode_id
from app.api.profiles.types import AudienceType, ProfileType
from app.auth import SESSION_COOKIE
from app.profiles import audience, privacy
from app.profiles import services as profiles


@errors.payload
class ProfilePayload:
    profile: ProfileType | None = None


@errors.payload
class ExportMyDataPayload:
    json: str | None = strawberry.field(
        default=None,
        description='Everything held about the viewer: {"tables": {table: [rows]}} as JSON.',
    )


@errors.payload
class DeleteMyAccountPayload:
    deleted: bool = False


@strawberry.type
class Query:
    @errors.field(description="Who watched a room (one live session, or the last 30 days).")
    async def room_audience(
        self, info: Info, room_id: strawberry.ID, session_id: int | None = None
    ) -> AudienceType:
        user = info.context.principal.user
        found = await audience.audience(user, decode_id(room_id, "Room", "roomId"), session_id)
        return AudienceType.from_audience(found)


@strawberry.type
class Mutation:
    @errors.mutation(description="Replace the categories the viewer picked as interests.")
    async def update_interests(self, info: Info, interests: list[str]) -> ProfilePayload:
        user = info.context.principal.require_user()
        view = await profiles.update_interests(user, interests)
        return ProfilePayload(profile=ProfileType.from_view(view))

    @errors.mutation(description="Turn personalised recommendations and shelf ordering on/off.")
    async def set_personalisation(self, info: Info, enabled: bool) -> ProfilePayload:
        user = info.context.principal.require_user()
        view = await profiles.set_personalisation(user, enabled)
        return ProfilePayload(profile=ProfileType.from_view(view))

    @errors.mutation(description="Forget one learned tag of the viewer's profile.")
    async def remove_profile_tag(self, info: Info, dimension: str, key: str) -> ProfilePayload:
        user = info.context.principal.require_user()
        view = await profiles.remove_tag(user, dimension, key)
        return ProfilePayload(profile=ProfileType.from_view(view))

    @errors.mutation(description="All the data held about the viewer, as JSON.")
    async def export_my_data(self, info: Info) -> ExportMyDataPayload:
        user = info.context.principal.require_user(write=False)
        return ExportMyDataPayload(json=privacy.export_json(await privacy.export_data(user)))

    @errors.mutation(
        description="Delete the viewer's account (password required). Personal data goes; "
        "payments and coin records stay, anonymised."
    )
    async def delete_my_account(self, info: Info, password: str) -> DeleteMyAccountPayload:
        user = info.context.principal.require_user()
        await privacy.delete_account(user, password)
        response = info.context.response
        if isinstance(response, Response):
            response.delete_cookie(SESSION_COOKIE, path="/")
        return DeleteMyAccountPayload(deleted=True)
