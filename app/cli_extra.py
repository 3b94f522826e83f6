"""Sub-commands contributed by domains (media worker, recommender, ...).

Each domain adds a function ``(subparsers) -> None`` to :data:`REGISTRARS`.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

REGISTRARS: list[Callable[[Any], None]] = []


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for registrar in REGISTRARS:
        registrar(sub)
