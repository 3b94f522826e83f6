"""Where state shared by the web processes lives: in Redis when the event bus is Redis
(every process sees it), otherwise in this process's memory. The rate limits, the
flash-sale stock gate and the viewer counts (presence) choose their storage this way; their
keys, and the event bus's channels, carry the deployment's prefix."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PREFIX = "livemart"


@dataclass(frozen=True)
class StoreConfig:
    """A storage URL (``redis://…`` or ``memory://``) and the key prefix of this deployment."""

    url: str = "memory://"
    prefix: str = DEFAULT_PREFIX

    @property
    def redis(self) -> bool:
        return self.url.startswith(("redis://", "rediss://"))

    @classmethod
    def for_bus(cls, bus_url: str, prefix: str = DEFAULT_PREFIX) -> StoreConfig:
        """Redis when the event bus URL is Redis, else this process's memory."""
        return cls(bus_url if cls(bus_url).redis else "memory://", prefix)
