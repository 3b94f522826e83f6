"""The per-request GraphQL context: who is asking, and per-request data loaders."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from app.auth import ANONYMOUS, Principal
from app.settings import Settings


class Context:
    """What every resolver gets as ``info.context``."""

    def __init__(
        self,
        request: Request | WebSocket,
        response: Response | WebSocket | None,
        settings: Settings,
        principal: Principal = ANONYMOUS,
    ) -> None:
        self.request = request
        self.response = response
        self.settings = settings
        self.principal = principal
        self.connection_params: dict[str, Any] | None = None
        self.loaders: dict[str, Any] = {}

    def loader(self, name: str, factory: Any) -> Any:
        """A per-request DataLoader, created on first use."""
        if name not in self.loaders:
            self.loaders[name] = factory()
        return self.loaders[name]


Info = StrawberryInfo[Context, None]
