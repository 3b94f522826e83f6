"""The recommender's background service, started with the app: the interaction log (its
listeners and batch writer) and the model service (loading, folding in, scheduled
training). One of the runtimes ``app.asgi.create_app`` lists."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from app.recs.log import InteractionLog
from app.recs.service import RecsService, set_service
from app.settings import Settings

_log: InteractionLog | None = None


def get_log() -> InteractionLog | None:
    """The running interaction log (None outside the app)."""
    return _log


@contextlib.asynccontextmanager
async def recs_runtime(settings: Settings) -> AsyncIterator[RecsService]:
    global _log
    service = RecsService(settings)
    interactions = InteractionLog()
    interactions.after_flush.append(service.catch_up)
    await service.start()
    set_service(service)
    await interactions.start()
    interactions.connect()
    _log = interactions
    try:
        yield service
    finally:
        interactions.disconnect()
        _log = None
        await interactions.stop()
        await service.stop()
        set_service(None)
