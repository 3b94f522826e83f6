"""FFmpeg children that do not outlive the process that started them.

A media worker that is killed (SIGKILL, the OOM killer, a crash) cannot stop its FFmpeg
processes, and an FFmpeg reading a live test pattern or a stalled pipe would run on for
ever. On Linux, ``PR_SET_PDEATHSIG`` asks the kernel to send the child SIGTERM when its
parent dies; FFmpeg treats SIGTERM like SIGINT and closes its files. Elsewhere this is a
no-op and only the worker's own shutdown stops its children.
"""

from __future__ import annotations

import ctypes
import signal
import sys
from collections.abc import Callable

__all__ = ["die_with_parent"]

_PR_SET_PDEATHSIG = 1


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


# Resolved here, in the parent: the child runs only the C call between fork and exec.
_PRCTL = _prctl()


def die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` for ``create_subprocess_exec`` (None where unsupported)."""
    if _PRCTL is None:
        return None
    prctl = _PRCTL

    def set_death_signal() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)

    return set_death_signal
