"""Relay ``node`` / ``nodes`` lookups by opaque global ID."""

from __future__ import annotations

import inspect
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


def _check_type(info: Info, gid: relay.GlobalID) -> type[relay.Node]:
    gql_type = info.schema.get_type_by_name(gid.type_name)
    origin: Any = getattr(gql_type, "origin", None)
    if origin is None or not (isinstance(origin, type) and issubclass(origin, relay.Node)):
        raise GraphQLError(f"no object with global ID {gid}", extensions={"code": "NOT_FOUND"})
    return origin


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
        gids = [_parse(value) for value in ids]
        wanted: dict[str, tuple[type[relay.Node], list[str]]] = {}
        for gid in gids:
            origin = _check_type(info, gid)
            wanted.setdefault(gid.type_name, (origin, []))[1].append(gid.node_id)
        found: dict[tuple[str, str], relay.Node | None] = {}
        for type_name, (origin, node_ids) in wanted.items():  # one batch per type
            nodes = origin.resolve_nodes(info=info, node_ids=node_ids, required=False)
            if inspect.isawaitable(nodes):
                nodes = await nodes
            found.update(((type_name, i), n) for i, n in zip(node_ids, nodes, strict=True))
        return [found[(gid.type_name, gid.node_id)] for gid in gids]
