"""Argument types shared by the ``livemart`` subcommands (light: no app imports)."""

from __future__ import annotations

import argparse


def positive(value: str) -> int:
    """An ``argparse`` type: a whole number of at least 1."""
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number
