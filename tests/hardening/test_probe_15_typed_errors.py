"""Probe finding 15: a 41-character ``auditLog(action:)`` and the cursor
``o:99999999999999999999999`` gave masked 500-style errors ("Internal server error.").
Both are typed client errors now, and a client's errors are not logged with tracebacks
(errors we cause still are, see ``tests/api/test_graphql_limits.py``)."""

from __future__ import annotations

import base64
import logging

import pytest

from tests.hardening.world import ADMIN, ANON, MOD, World

AUDIT = "query($a: String) { auditLog(action: $a) { totalCount } }"


def _cursor(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode()


def _code(body: dict[str, object]) -> str | None:
    errors = body.get("errors") or []
    assert errors, body
    return (errors[0].get("extensions") or {}).get("code")  # type: ignore[union-attr]


def _no_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    noisy = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert noisy == [], [(r.name, r.getMessage()[:80]) for r in noisy]


async def test_an_unknown_audit_action_is_a_typed_error(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for action in ("x" * 41, "x" * 5000, "no.such_action"):
        body = await world.gql(ADMIN, AUDIT, {"a": action})
        assert _code(body) == "INVALID_ACTION", body
    found = await world.gql(MOD, AUDIT, {"a": "chat.delete"})
    assert found["data"]["auditLog"]["totalCount"] == 0
    _no_tracebacks(caplog)


@pytest.mark.parametrize(
    ("query", "cursor"),
    [
        ("{ rooms(after: $c) { totalCount } }", "o:99999999999999999999999"),
        ("{ rooms(after: $c) { totalCount } }", "o:9223372036854775807"),
        ("{ products(after: $c) { totalCount } }", "o:99999999999999999999999"),
        ("{ gifts(after: $c) { totalCount } }", "o:" + "9" * 5000),
        ("{ rooms(after: $c) { totalCount } }", "o:-1"),
    ],
)
async def test_out_of_range_cursors_are_typed_errors(
    world: World, caplog: pytest.LogCaptureFixture, query: str, cursor: str
) -> None:
    caplog.set_level(logging.DEBUG)
    body = await world.gql(ANON, "query($c: String) " + query, {"c": _cursor(cursor)})
    assert _code(body) == "INVALID_CURSOR", body
    _no_tracebacks(caplog)


async def test_an_out_of_range_chat_cursor_is_a_typed_error(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    query = "query($r: ID!, $c: String) { chatMessages(roomId: $r, after: $c) { totalCount } }"
    body = await world.gql(
        ANON, query, {"r": world.room_id, "c": _cursor("m:99999999999999999999999")}
    )
    assert _code(body) == "INVALID_CURSOR", body
    _no_tracebacks(caplog)


async def test_a_cursor_in_range_still_pages(world: World) -> None:
    body = await world.gql(
        ANON, "query($c: String) { rooms(after: $c) { totalCount } }", {"c": _cursor("o:5")}
    )
    assert "errors" not in body and body["data"]["rooms"]["totalCount"] >= 1


async def test_bad_documents_are_not_logged_with_tracebacks(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for query in ("{ nope }", "{", '{ node(id: "garbage") { id } }'):
        body = await world.gql(ANON, query)
        assert body["errors"]
    _no_tracebacks(caplog)
