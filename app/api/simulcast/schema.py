"""GraphQL: a streamer's simulcast destinations (other RTMP services their lives are
copied to). The address with its stream key goes in once and never comes back out."""

from __future__ import annotations

from datetime import datetime

import strawberry

from app.api import errors
from app.api.context import Info
from app.api.ids import decode_id, encode_id
from app.simulcast import services as simulcast
from app.simulcast.models import SimulcastDestination


@strawberry.type(
    name="SimulcastDestination",
    description="An RTMP service a streamer's lives are copied to (stream copy, no "
    "re-encode), with the forwarder's last status.",
)
class SimulcastDestinationType:
    id: strawberry.ID
    name: str
    url_hint: str = strawberry.field(
        description="The address with its stream key hidden; the full one is never returned."
    )
    enabled: bool
    status: str = strawberry.field(
        description="idle, connecting, live, reconnecting, refused (the host now resolves "
        "to a private address) or stopped (during a live)."
    )
    status_detail: str = strawberry.field(description="Why it reconnects or stopped.")
    status_at: datetime | None

    @classmethod
    def from_model(cls, dest: SimulcastDestination) -> SimulcastDestinationType:
        return cls(
            id=strawberry.ID(encode_id("SimulcastDestination", dest.id)),
            name=dest.name,
            url_hint=dest.url_hint,
            enabled=dest.enabled,
            status=dest.status,
            status_detail=dest.status_detail,
            status_at=dest.status_at,
        )


@errors.payload
class SimulcastDestinationPayload:
    destination: SimulcastDestinationType | None = None


@errors.payload
class RemoveSimulcastDestinationPayload:
    removed_id: strawberry.ID | None = None


def _destination_id(value: strawberry.ID) -> int:
    return decode_id(value, "SimulcastDestination", "destinationId")


@strawberry.type
class Query:
    @errors.field(description="Your simulcast destinations (streamers).")
    async def simulcast_destinations(self, info: Info) -> list[SimulcastDestinationType]:
        user = info.context.principal.require_user()
        return [SimulcastDestinationType.from_model(d) for d in await simulcast.destinations(user)]


@strawberry.type
class Mutation:
    @errors.mutation(
        description="Copy your lives to another RTMP service too: `url` is the full "
        "`rtmp://` or `rtmps://` address with the stream key (stored encrypted), on a public "
        "server: a local or private network address gets `INVALID_DESTINATION`."
    )
    async def add_simulcast_destination(
        self, info: Info, name: str, url: str
    ) -> SimulcastDestinationPayload:
        user = info.context.principal.require_user()
        settings = info.context.settings
        dest = await simulcast.add_destination(
            user,
            name,
            url,
            settings.secret_key,
            allow_private=settings.simulcast_private_destinations,
        )
        return SimulcastDestinationPayload(destination=SimulcastDestinationType.from_model(dest))

    @errors.mutation(description="Turn a simulcast destination on or off.")
    async def set_simulcast_destination_enabled(
        self, info: Info, destination_id: strawberry.ID, enabled: bool
    ) -> SimulcastDestinationPayload:
        user = info.context.principal.require_user()
        dest = await simulcast.set_enabled(user, _destination_id(destination_id), enabled)
        return SimulcastDestinationPayload(destination=SimulcastDestinationType.from_model(dest))

    @errors.mutation(description="Forget a simulcast destination.")
    async def remove_simulcast_destination(
        self, info: Info, destination_id: strawberry.ID
    ) -> RemoveSimulcastDestinationPayload:
        user = info.context.principal.require_user()
        await simulcast.remove_destination(user, _destination_id(destination_id))
        return RemoveSimulcastDestinationPayload(removed_id=destination_id)
