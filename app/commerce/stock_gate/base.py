"""What every stock-gate backend implements, and the words they answer in."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Protocol


class Verdict(IntEnum):
    """The gate's answer to one request for units (integers: what the Lua script returns)."""

    WON = 1  # the units are the buyer's to settle in the database
    SOLD_OUT = 0  # fewer units left than asked for
    LIMIT = -1  # the buyer would hold more than the per-buyer limit
    REPLAY = 2  # this buyer's idempotency key already won: answer with its order
    UNKNOWN = -2  # the gate holds nothing for this sale: ask the database


@dataclass
class Taken:
    """A verdict with what the gate saw: units ``left`` and the buyer's units ``held``."""

    verdict: Verdict
    left: int = 0
    held: int = 0


@dataclass
class GateState:
    """What the gate holds of one sale; rebuilt from the database by a reconcile."""

    remaining: int
    held: dict[int, int] = field(default_factory=dict)  # buyer id -> units settled
    keys: set[tuple[int, str]] = field(default_factory=set)  # (buyer id, idempotency key)


class GateBackend(Protocol):
    """One storage for gates. ``sale`` is a sale's gate name (its id and creation time, so
    two databases' sale 1 never share a gate)."""

    async def take(self, sale: str, buyer: int, key: str, quantity: int, limit: int) -> Taken:
        """Atomically: answer REPLAY, SOLD_OUT or LIMIT, or take ``quantity`` units for
        ``buyer`` (remaining, the buyer's count and the key in one step) and answer WON."""
        ...

    async def give_back(self, sale: str, buyer: int, key: str | None, quantity: int) -> None:
        """Undo a take (the settle failed, or an order released its units)."""
        ...

    async def load(self, sale: str, state: GateState, ttl: float, replace: bool) -> bool:
        """Set the sale's gate to ``state`` for ``ttl`` seconds; with ``replace`` False only
        when it holds nothing. True when it was set."""
        ...

    async def read(self, sale: str) -> GateState | None:
        """What the gate holds now (None: nothing)."""
        ...

    async def drop(self, sale: str) -> None:
        """Forget the sale (it ended)."""
        ...

    async def close(self) -> None: ...
