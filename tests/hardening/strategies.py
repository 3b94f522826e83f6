"""Hypothesis strategies derived from the GraphQL schema: arguments for every mutation.

Walks ``schema._schema``: String → hostile text (zero-width, RTL, NUL, markup, huge),
Int → integers including values beyond 32 bits, ID → a mixture of valid IDs of the
fixture world, well-formed IDs of missing or wrong-typed objects, and garbage; enums,
Booleans, DateTime strings, lists and input objects recursively. One value in ten is of
the wrong JSON type altogether.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from graphql.pyutils import Undefined
from hypothesis import strategies as st

from app.api.ids import encode_id
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
BIDI = "\u202e\u202b\u202a\u200f\u061c\u2066\u2069"
ODD = "\x00\x01\x1b\n\r\t\x7f<>\"'&%;\\/`${}#*\u0301\u3000\uff21"
SAMPLES = [
    "",
    " ",
    "null",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%s%n%x",
    "../../etc/passwd",
    "😀" * 30,
    "ｂａｎｎｅｄ",
    "a\u0301" * 30,
    "\u202egnp.exe",
    "x\u200by\u200dz",
    "\x00",
    "Robert'); DROP TABLE users;--",
    "4242 4242 4242 4242",
    "ab@example.com",
    "²",
    "١٢",
    "１２",
    "1_000",
    " 7 ",
    "-0",
    "1e3",
]

text = st.one_of(
    st.text(max_size=40),
    st.text(
        alphabet=st.sampled_from(list(ZERO_WIDTH + BIDI + ODD) + list("abc XYZ 019")), max_size=60
    ),
    st.sampled_from(SAMPLES),
    st.builds(
        lambda c, n: c * n,
        st.sampled_from(["x", "é", "\u200b", "😀", "\u202e", "9"]),
        st.sampled_from([121, 201, 1_001, 100_001]),
    ),
)

BIG = [0, -1, 1, 2**31 - 1, -(2**31), 2**31, 2**32, 2**53 + 1, 2**63, -(2**63) - 1, 10**30]
integers = st.one_of(st.integers(-3, 120), st.sampled_from(BIG), st.integers())

datetimes = st.one_of(
    st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
    ).map(lambda d: d.isoformat()),
    st.sampled_from(["", "now", "2024-02-30T00:00:00", "9999-12-31T23:59:59+14:00", "T", "0"]),
)

wrong_type = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)

ID_TYPES = [
    "Room",
    "User",
    "Product",
    "Variant",
    "Order",
    "ChatMessage",
    "Gift",
    "CoinPack",
    "Coupon",
    "FlashSale",
    "Auction",
    "Report",
    "BannedWord",
    "ApiToken",
    "ProductImage",
    "Spaceship",
]


def id_strategy(valid: list[str]) -> st.SearchStrategy[str]:
    """Valid IDs of the world, IDs of missing or wrong-typed objects, and garbage."""
    garbage = st.one_of(
        text,
        st.binary(max_size=30).map(lambda b: base64.b64encode(b).decode()),
        st.builds(
            lambda t, pk: base64.b64encode(f"{t}:{pk}".encode()).decode(),
            st.sampled_from([*ID_TYPES, "", "Room:Room"]),
            st.one_of(st.sampled_from(["", "-1", "1e9", "0x10", " 1", "abc"]), text),
        ),
    )
    missing = st.builds(
        encode_id, st.sampled_from(ID_TYPES), st.one_of(st.sampled_from(BIG), st.integers(1, 10**6))
    )
    return st.one_of(st.sampled_from(valid), st.sampled_from(valid), missing, garbage)


def for_type(gtype: GraphQLInputType, ids: list[str], depth: int = 0) -> st.SearchStrategy[Any]:
    """A strategy for values of ``gtype`` (nullable types sometimes give None)."""
    if isinstance(gtype, GraphQLNonNull):
        return _typed(gtype.of_type, ids, depth)
    return st.one_of(st.none(), _typed(gtype, ids, depth))


def _typed(gtype: Any, ids: list[str], depth: int) -> st.SearchStrategy[Any]:
    inner = _exact(gtype, ids, depth)
    return st.integers(0, 9).flatmap(lambda i: wrong_type if i == 0 else inner)


def _exact(gtype: Any, ids: list[str], depth: int) -> st.SearchStrategy[Any]:
    if isinstance(gtype, GraphQLList):
        return st.lists(for_type(gtype.of_type, ids, depth + 1), max_size=4)
    if isinstance(gtype, GraphQLEnumType):
        return st.sampled_from(sorted(gtype.values))
    if isinstance(gtype, GraphQLInputObjectType):
        required = {}
        optional = {}
        for name, field in gtype.fields.items():
            target = required if isinstance(field.type, GraphQLNonNull) else optional
            target[name] = for_type(field.type, ids, depth + 1)
        return st.fixed_dictionaries(required, optional=optional)
    if isinstance(gtype, GraphQLScalarType):
        return {
            "String": text,
            "Int": integers,
            "Float": st.floats(allow_nan=False, allow_infinity=False),  # JSON has neither
            "Boolean": st.booleans(),
            "ID": id_strategy(ids),
            "DateTime": datetimes,
        }.get(gtype.name, text)
    raise TypeError(f"no strategy for {gtype}")


def arguments(field: GraphQLField, ids: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """Variables for a mutation: required arguments always, optional ones sometimes."""
    required = {}
    optional = {}
    for name, arg in field.args.items():
        strategy = for_type(arg.type, ids)
        if isinstance(arg.type, GraphQLNonNull) and arg.default_value is Undefined:
            required[name] = strategy
        else:
            optional[name] = strategy
    return st.fixed_dictionaries(required, optional=optional)
