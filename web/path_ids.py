"""Ids in page paths: ``{x:int}`` matches any digits (Starlette's convertor); a number no
database row can have (0, or beyond 2³¹−1) is a 404 before the page runs, instead of an
overflow in the database driver. Applied to the page routes in :func:`web.routes.page_routes`,
nothing else in the process changes."""

from __future__ import annotations

import copy
from collections.abc import Iterable

from starlette.convertors import IntegerConvertor
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

MAX_ID = 2**31 - 1  # primary keys are 32-bit integers (IntField)


class IdsInRange:
    """Answers 404 (a closed socket for a websocket) when an int path parameter is no id."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        params = scope.get("path_params", {})
        if any(isinstance(v, int) and not 0 < v <= MAX_ID for v in params.values()):
            if scope["type"] == "websocket":
                await WebSocketClose()(scope, receive, send)
                return
            raise HTTPException(404, "Not Found")
        await self.app(scope, receive, send)


def ids_in_range(routes: Iterable[BaseRoute]) -> list[BaseRoute]:
    """The routes, those with an ``{x:int}`` parameter checking it (copies: the page
    modules' route lists stay as they are)."""
    checked: list[BaseRoute] = []
    for route in routes:
        if isinstance(route, Route | WebSocketRoute) and any(
            isinstance(c, IntegerConvertor) for c in route.param_convertors.values()
        ):
            route = copy.copy(route)
            route.app = IdsInRange(route.app)
        checked.append(route)
    return checked
