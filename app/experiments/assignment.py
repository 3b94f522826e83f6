"""Deterministic assignment: a subject's variant is a function of the experiment's salt and
the subject's key, so every process (and every page load) gives the same answer without
storing anything.

``sha256(salt + ":" + subject)`` read as a 64-bit integer, scaled to ``[0, 1)``, picks the
variant whose cumulative weight band contains it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any


def subject_key(user_id: int | None, anonymous_id: str | None = None) -> str | None:
    """The subject an experiment assigns: the signed-in user, else the anonymous browser
    key, else None (nothing to assign)."""
    if user_id is not None:
        return f"user:{int(user_id)}"
    if anonymous_id:
        return f"anon:{anonymous_id[:64]}"
    return None


def bucket(salt: str, subject: str) -> float:
    """A uniform number in ``[0, 1)`` fixed by ``salt`` and ``subject``."""
    digest = hashlib.sha256(f"{salt}:{subject}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def assign(salt: str, subject: str, variants: Sequence[dict[str, Any]]) -> str:
    """The name of the variant ``subject`` gets, by weight (weights need not sum to 1)."""
    if not variants:
        raise ValueError("an experiment needs variants")
    total = float(sum(float(v.get("weight", 1)) for v in variants))
    point = bucket(salt, subject) * total
    running = 0.0
    for variant in variants:
        running += float(variant.get("weight", 1))
        if point < running:
            return str(variant["name"])
    return str(variants[-1]["name"])
