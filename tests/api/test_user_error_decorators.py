"""The resolver decorators of ``app.api.errors``: a service's UserError becomes the
payload's typed errors (mutations), a typed GraphQL error or null (queries), with the
payload's other fields null; a payload may build its own refusal (``from_user_error``)."""

from __future__ import annotations

import strawberry

from app.api import errors
from app.errors import UserError


@errors.payload
class ThingPayload:
    name: str | None = None


@errors.payload
class RetryPayload:
    retry_after: int | None = None

    @classmethod
    def from_user_error(cls, exc: UserError) -> RetryPayload:
        return cls(errors=errors.field_errors(exc), retry_after=7)  # type: ignore[call-arg]


def _refuse(name: str) -> None:
    if name == "bad":
        raise UserError("INVALID_NAME", "that name is not allowed", "thing_name")


@strawberry.type
class Query:
    @errors.field
    async def thing(self, name: str) -> str:
        _refuse(name)
        return name

    @errors.field(missing_is_null=True)
    async def maybe(self, name: str) -> str | None:
        _refuse(name)
        return name


@strawberry.type
class Mutation:
    @errors.mutation(description="Make a thing.")
    async def make(self, name: str) -> ThingPayload:
        _refuse(name)
        return ThingPayload(name=name)

    @errors.mutation
    async def retry(self, name: str) -> RetryPayload:
        _refuse(name)
        return RetryPayload()


SCHEMA = strawberry.Schema(query=Query, mutation=Mutation)


async def test_a_mutation_refusal_is_the_payloads_typed_errors() -> None:
    ok = await SCHEMA.execute('mutation { make(name: "lamp") { name errors { code } } }')
    assert ok.errors is None and ok.data == {"make": {"name": "lamp", "errors": []}}
    bad = await SCHEMA.execute(
        'mutation { make(name: "bad") { name errors { code field message } } }'
    )
    assert bad.errors is None
    assert bad.data == {
        "make": {
            "name": None,
            "errors": [
                {
                    "code": "INVALID_NAME",
                    "field": "thingName",
                    "message": "that name is not allowed",
                }
            ],
        }
    }


async def test_a_payload_may_build_its_own_refusal() -> None:
    bad = await SCHEMA.execute('mutation { retry(name: "bad") { retryAfter errors { code } } }')
    assert bad.data == {"retry": {"retryAfter": 7, "errors": [{"code": "INVALID_NAME"}]}}


async def test_a_query_refusal_is_a_typed_graphql_error_or_null() -> None:
    bad = await SCHEMA.execute('{ thing(name: "bad") }')
    assert bad.data is None and bad.errors is not None
    assert bad.errors[0].extensions == {"code": "INVALID_NAME", "field": "thingName"}
    assert (await SCHEMA.execute('{ thing(name: "ok") }')).data == {"thing": "ok"}
    missing = await SCHEMA.execute('{ maybe(name: "bad") }')
    assert missing.errors is None and missing.data == {"maybe": None}


def test_the_payload_lists_errors_after_its_result_fields() -> None:
    sdl = SCHEMA.as_str()
    assert "type ThingPayload {\n  name: String\n  errors: [FieldError!]!\n}" in sdl
