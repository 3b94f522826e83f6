"""Relay ``node`` / ``nodes`` lookups by opaque global ID."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from app.api.context import Info
from app.api.ids import MAX_PK
from app.api.limits import MAX_IDS
from graphql import GraphQLError


def _parse(value: str) -> relay.GlobalID:
    try:
        gid = relay.GlobalID.from_id(value)
    except (relay.GlobalIDValueError, ValueError, TypeError):
        raise GraphQLError(
            f"{value!r} is not a valid global ID", extensions={"code": "INVALID_ID"}
        ) from None
    node_id = gid.node_id
    if node_id.isdigit() and not (node_id.isascii() and 0 < int(node_id) <= MAX_PK):
        raise GraphQLError(f"no object with global ID {value}", extensions={"code": "NOT_FOUND"})
    return gid


def _check_type(info: Info, gid: relay.GlobalID) -> None:
    gql_type = info.schema.get_type_by_name(gid.type_name)
    origin: Any = getattr(gql_type, "origin", None)
    if origin is None or not (isinstance(origin, type) and issubclass(origin, relay.Node)):
        raise GraphQLError(f"no object with global ID {gid}", extensions={"code": "NOT_FOUND"})


@strawberry.type
class NodeQuery:
    @strawberry.field(description="Fetch any object by its global ID.")
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        gid = _parse(id)
        _check_type(info, gid)
        found = await gid.resolve_node(info, required=False)
        if found is None:
            raise GraphQLError(f"no object with global ID {id}", extensions={"code": "NOT_FOUND"})
        return found

    @strawberry.field(description="Fetch several objects by global ID (null where unknown).")
    async def nodes(self, info: Info, ids: list[strawberry.ID]) -> list[relay.Node | None]:
        if len(ids) > MAX_IDS:
            raise GraphQLError(f"at most {MAX_IDS} ids", extensions={"code": "TOO_MANY"})
        out: list[relay.Node | None] = []
        for value in ids:
            gid = _parse(value)
            _check_type(info, gid)
            out.append(await gid.resolve_node(info, required=False))
        return out
