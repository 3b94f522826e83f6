"""Every request gets its own extension objects (strawberry-graphql/strawberry#4369).

An extension *instance* in ``Schema(extensions=[...])`` is shared by all requests and
holds the execution context of whichever request began last: a request that awaits
would then be masked, logged and limited with another request's context. The app's
schema passes classes and factories only; with its very extensions, an internal error
raised after an await stays masked while other requests run meanwhile.
"""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.extensions import SchemaExtension

from app.api.schema import build_schema

SECRET = "db password is hunter2"


def test_the_schema_passes_no_extension_instances() -> None:
    schema = build_schema()
    assert schema.extensions
    assert not [e for e in schema.extensions if isinstance(e, SchemaExtension)]


async def test_a_slow_failure_is_masked_while_other_requests_run() -> None:
    started = asyncio.Event()

    @strawberry.type
    class Query:
        @strawberry.field
        async def slow_failure(self) -> int:
            started.set()
            await asyncio.sleep(0.05)
            raise RuntimeError(SECRET)

        @strawberry.field
        def fast(self) -> int:
            return 1

    schema = strawberry.Schema(query=Query, extensions=build_schema().extensions)

    async def others() -> None:
        await started.wait()
        for _ in range(5):
            result = await schema.execute("{ fast }")
            assert result.data == {"fast": 1}

    slow, _ = await asyncio.gather(schema.execute("{ slowFailure }"), others())
    assert slow.errors and [e.message for e in slow.errors] == ["Internal server error."]
