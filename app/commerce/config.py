"""Commerce settings taken from the app's :class:`~app.settings.Settings` at start-up.

Services that need the secret key (webhook signatures) or the uploads folder read them
here. :func:`app.commerce.runtime.commerce_runtime` calls :func:`configure` when the app
starts; outside the app (scripts, a shell) the environment's settings are used.

Tunables come from ``Settings.extra`` (all optional):

* ``commerce.order_ttl_seconds`` — how long an unpaid order holds its stock (900);
* ``commerce.sweep_seconds`` — how often the app expires unpaid orders (30);
* ``commerce.card_callback`` — ``auto`` (the simulated card provider calls the webhook
  back by itself) or ``manual`` (tests deliver the webhook themselves);
* ``commerce.card_callback_delay`` — seconds before the simulated callback (0.05).
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


def _float(extra: dict[str, str], name: str, default: float) -> float:
    try:
        return float(extra.get(name, default))
    except (TypeError, ValueError):
        return default


def config_from_settings(settings: Settings) -> CommerceConfig:
    extra = settings.extra or {}
    return CommerceConfig(
        secret_key=settings.secret_key,
        uploads_dir=Path(settings.var_dir) / "uploads",
        public_url=settings.public_url,
        order_ttl=timedelta(seconds=_float(extra, "commerce.order_ttl_seconds", 900)),
        sweep_interval=_float(extra, "commerce.sweep_seconds", 30.0),
        card_callback=extra.get("commerce.card_callback", "auto"),
        card_callback_delay=_float(extra, "commerce.card_callback_delay", 0.05),
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
