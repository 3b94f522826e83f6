"""Commerce settings taken from the app's :class:`~app.settings.Settings` at start-up.

Services that need the secret key (webhook signatures) or the uploads folder read them
here. :func:`app.commerce.runtime.commerce_runtime` calls :func:`configure` when the app
starts; outside the app (scripts, a shell) the environment's settings are used.

Tunables are typed :class:`~app.settings.Settings` fields: ``order_ttl_seconds`` (how long
an unpaid order holds its stock), ``order_sweep_seconds`` (how often unpaid orders expire),
``card_callback`` (``auto``: the simulated card provider calls the webhook back by itself;
``manual``: tests deliver it) and ``card_callback_delay``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from app.settings import Settings, load_settings


@dataclass(frozen=True)
class CommerceConfig:
    secret_key: str
    uploads_dir: Path
    public_url: str = "http://127.0.0.1:8000"
    order_ttl: timedelta = timedelta(minutes=15)
    sweep_interval: float = 30.0
    card_callback: str = "auto"
    card_callback_delay: float = 0.05


_config: CommerceConfig | None = None


def config_from_settings(settings: Settings) -> CommerceConfig:
    return CommerceConfig(
        secret_key=settings.secret_key,
        uploads_dir=Path(settings.var_dir) / "uploads",
        public_url=settings.public_url,
        order_ttl=timedelta(seconds=settings.order_ttl_seconds),
        sweep_interval=settings.order_sweep_seconds,
        card_callback=settings.card_callback,
        card_callback_delay=settings.card_callback_delay,
    )


def configure(settings: Settings) -> CommerceConfig:
    """Use ``settings`` from now on (called when the app starts)."""
    global _config
    _config = config_from_settings(settings)
    return _config


def get_config() -> CommerceConfig:
    """The current commerce config (from the environment when none was configured)."""
    global _config
    if _config is None:
        _config = config_from_settings(load_settings())
    return _config


def set_config(config: CommerceConfig | None) -> None:
    global _config
    _config = config
