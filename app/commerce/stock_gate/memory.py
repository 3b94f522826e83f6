"""The in-process gate (the event bus is in memory: one process serves everything).

Each method runs without awaiting anything, so on one event loop it is atomic just as the
Redis script is."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from app.commerce.stock_gate.base import GateState, Taken, Verdict


@dataclass
class _Entry:
    state: GateState
    expires: float = field(default=0.0)


class MemoryGate:
    def __init__(self) -> None:
        self._sales: dict[str, _Entry] = {}

    def _entry(self, sale: str) -> _Entry | None:
        entry = self._sales.get(sale)
        if entry is not None and entry.expires <= time.monotonic():
            del self._sales[sale]
            return None
        return entry

    async def take(self, sale: str, buyer: int, key: str, quantity: int, limit: int) -> Taken:
        entry = self._entry(sale)
        if entry is None:
            return Taken(Verdict.UNKNOWN)
        state = entry.state
        held = state.held.get(buyer, 0)
        if (buyer, key) in state.keys:
            return Taken(Verdict.REPLAY, state.remaining, held)
        if state.remaining < quantity:
            return Taken(Verdict.SOLD_OUT, state.remaining, held)
        if held + quantity > limit:
            return Taken(Verdict.LIMIT, state.remaining, held)
        state.remaining -= quantity
        state.held[buyer] = held + quantity
        state.keys.add((buyer, key))
        return Taken(Verdict.WON, state.remaining, held + quantity)

    async def give_back(self, sale: str, buyer: int, key: str | None, quantity: int) -> None:
        entry = self._entry(sale)
        if entry is None:
            return
        state = entry.state
        state.remaining += quantity
        held = state.held.get(buyer, 0) - quantity
        if held > 0:
            state.held[buyer] = held
        else:
            state.held.pop(buyer, None)
        if key is not None:
            state.keys.discard((buyer, key))

    async def load(self, sale: str, state: GateState, ttl: float, replace: bool) -> bool:
        if not replace and self._entry(sale) is not None:
            return False
        copied = GateState(state.remaining, dict(state.held), set(state.keys))
        self._sales[sale] = _Entry(copied, time.monotonic() + ttl)
        return True

    async def read(self, sale: str) -> GateState | None:
        entry = self._entry(sale)
        if entry is None:
            return None
        state = entry.state
        return GateState(state.remaining, dict(state.held), set(state.keys))

    async def drop(self, sale: str) -> None:
        self._sales.pop(sale, None)

    async def close(self) -> None:
        return None
