"""Opaque global IDs (Relay): base64 of ``TypeName:pk``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from strawberry import relay

from app.errors import UserError

M = TypeVar("M")
N = TypeVar("N")
MAX_PK = 2**31 - 1  # primary keys are 32-bit integers (IntField)


def encode_id(type_name: str, pk: int | str) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def decode_id(value: str, type_name: str, field: str = "id") -> int:
    """The integer primary key in a global ID of ``type_name``, or a user error."""
    try:
        gid = relay.GlobalID.from_id(value)
    except (relay.GlobalIDValueError, ValueError, TypeError):
        raise UserError("INVALID_ID", "not a valid ID", field) from None
    if gid.type_name != type_name:
        raise UserError("INVALID_ID", "expected the ID of a {type}", field, {"type": type_name})
    try:
        pk = int(gid.node_id)
    except ValueError:
        raise UserError("INVALID_ID", "not a valid ID", field) from None
    if not 0 < pk <= MAX_PK:  # no row has it, and the database would refuse the number
        raise UserError("INVALID_ID", "not a valid ID", field)
    return pk


def int_ids(node_ids: Iterable[str]) -> list[int]:
    """The numeric ids among ``node_ids`` (a Relay ``resolve_nodes`` request)."""
    return [int(i) for i in node_ids if str(i).isdigit()]


def in_order(
    node_ids: Iterable[str], found: Mapping[int, M], convert: Callable[[M], N]
) -> list[N | None]:
    """``convert`` of each requested object, in the order asked; None where not found."""
    return [
        convert(found[int(i)]) if str(i).isdigit() and int(i) in found else None for i in node_ids
    ]
