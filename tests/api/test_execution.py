"""The shortcut for plain leaf fields (app/api/execution.py) answers what graphql-core
answers: the same data for the documented pages, the same errors for a bad value."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from app.api.context import Context
from app.api.execution import ExecutionContext
from app.api.persisted import documented_operations
from app.api.schema import schema
from app.auth import ANONYMOUS
from app.rooms import services as rooms
from tests.commerce.helpers import live_room, make_merchant, make_product

DOCUMENTED = documented_operations()


@strawberry.enum
class Colour(Enum):
    RED = "red"


@strawberry.type
class Thing:
    name: str
    colour: Colour
    size: int


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        bad: Any = None
        return [
            Thing(name="ok", colour=Colour.RED, size=1),
            Thing(name=bad, colour=Colour.RED, size=2),  # null in a non-null field
            Thing(name="big", colour=Colour.RED, size=2**40),  # not an Int
            Thing(name="odd", colour="blue", size=3),  # type: ignore[arg-type]
        ]


def _run(context_class: type, document: str) -> Any:
    plain = strawberry.Schema(query=Query, execution_context_class=context_class)
    return plain.execute_sync(document)


def test_bad_leaf_values_get_graphql_cores_errors() -> None:
    document = "{ things { name colour size } }"
    fast = _run(ExecutionContext, document)
    slow = _run(StrawberryGraphQLCoreExecutionContext, document)
    assert fast.data == slow.data
    assert [(e.message, e.path) for e in fast.errors or []] == [
        (e.message, e.path) for e in slow.errors or []
    ]
    assert len(fast.errors or []) == 3


@pytest.mark.usefixtures("client")
async def test_the_documented_pages_answer_the_same(app: Any) -> None:
    merchant = await make_merchant()
    room = await live_room(merchant)
    await rooms.create_room(merchant, "Later")
    for n in range(3):
        await make_product(merchant, f"Scarf {n}", 1000 + n, sku=f"S{n}", room_id=room.id)
    settings = getattr(app.state, "settings", None)
    for name in ("Products", "Rooms"):
        answers = []
        for context_class in (ExecutionContext, StrawberryGraphQLCoreExecutionContext):
            schema.execution_context_class = context_class
            try:
                result = await schema.execute(
                    DOCUMENTED[name],
                    variable_values={"first": 20},
                    context_value=Context(None, None, settings, ANONYMOUS),  # type: ignore[arg-type]
                )
            finally:
                schema.execution_context_class = ExecutionContext
            assert not result.errors, result.errors
            answers.append(result.data)
        assert answers[0] == answers[1]
        assert answers[0]


def test_the_api_schema_uses_the_shortcut() -> None:
    assert schema.execution_context_class is ExecutionContext
