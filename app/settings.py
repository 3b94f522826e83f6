"""Settings read from ``LIVEMART_*`` environment variables, with working defaults.

A wrong value fails at start with a :class:`SettingsError` naming the variable.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

PREFIX = "LIVEMART_"
DB_SCHEMES = {"sqlite", "postgres", "postgresql", "asyncpg"}
DAY = 24 * 3600.0
BROADCAST_SCHEMES = {"memory", "redis", "rediss", "postgres", "postgresql"}


class SettingsError(ValueError):
    """A ``LIVEMART_*`` variable holds a value we cannot use."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{PREFIX}{variable}: {message}")
        self.variable = PREFIX + variable


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://var/livemart.db"
    broadcast_url: str = "memory://"
    var_dir: Path = Path("var")
    secret_key: str = ""
    ffmpeg: str = ""
    debug: bool = False
    media_in_process: bool = True
    rtmp_port: int = 1935
    rtmp_host: str = "127.0.0.1"  # `livemart serve` defaults it to its --host
    public_url: str = "http://127.0.0.1:8000"
    ws_send_buffer: int = 512
    write_limit: int = 120  # writes (mutation fields, page POSTs) per 10 s per user; 0: off
    ratelimit_prefix: str = "livemart"  # namespace of keys and bus channels in a shared Redis
    room_watchers_per_ip: int = 100  # open roomEvents subscriptions per client address
    env: str = "development"  # "production": no GraphiQL, no introspection
    # The studio's "go live with the test pattern" (demo and development; off by default
    # in production: LIVEMART_TEST_PATTERN=true turns it on there).
    test_pattern: bool = True
    # Demo chatters post lines in the demo's live rooms every few seconds (`make run`
    # turns it on with LIVEMART_DEMO_CHAT_SECONDS=4; 0: off, the default).
    demo_chat_seconds: float = 0.0
    trusted_proxies: str = "127.0.0.1"  # whose X-Forwarded-For / -Proto uvicorn believes
    ladder: str = ""
    data_dir: Path = Path("var/data")  # MovieLens-100k for `livemart recsys eval`
    # Commerce: how long an unpaid order holds its stock, how often unpaid orders expire.
    order_ttl_seconds: float = 900.0
    order_sweep_seconds: float = 30.0
    # The simulated card provider calls the webhook back by itself (auto) or not (manual:
    # tests deliver the webhook themselves), after this delay.
    card_callback: str = "auto"
    card_callback_delay: float = 0.05
    closer_tick_seconds: float = 1.0  # how often due flash sales and auctions close
    payments_outbox_seconds: float = 5.0  # how often the payment outbox is sent
    recs_train_minutes: float = 30.0  # retrain with new interactions; 0: never in the web app
    analytics_flush_seconds: float = 5.0  # how often counters are written
    analytics_scan_seconds: float = 300.0  # how often the fraud rules run; 0: never
    invite_reward_cents: int = 500  # the sharer's coupon after an invitee's first order; 0: off
    # Notifications: mail over SMTP (no host: development, mails go to the outbox table
    # and the log), the delivery runtime in this process or in `livemart notify-worker`,
    # how often it looks for due deliveries and the first retry's delay (then x5 each).
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True
    mail_from: str = "livemart <noreply@localhost>"
    push_contact: str = "mailto:admin@localhost"  # the VAPID "sub" claim
    # Push endpoints on http:// or private/loopback addresses (a local push service in
    # development and tests); off in production: viewers choose the URL the server posts to.
    push_private_endpoints: bool = False
    # Simulcast destinations on local or private network addresses (the tests' local RTMP
    # listeners, development); off in production: streamers choose where FFmpeg connects.
    simulcast_private_destinations: bool = False
    notify_in_process: bool = True
    notify_tick_seconds: float = 1.0
    notify_retry_seconds: float = 5.0
    # ``livemart notify-worker`` lowers its CPU priority by this much (nice): on a host it
    # shares with web processes, a fan-out's encryption yields to the pages. 0 keeps it.
    notify_worker_nice: int = 10
    # Where queued pushes and mails wait: "embedded" (the deliveries table, sent by this
    # process or `livemart notify-worker`; no other service) or "arq" (jobs of a few
    # hundred deliveries on the bus's Redis, sent by arq workers: `livemart notify-worker`).
    notify_queue: str = "embedded"
    # Pushes and mails a sender starts per second at most (0: as fast as it can): a fan-out
    # on a host shared with web processes leaves the pages their CPU.
    notify_rate: float = 0.0

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgres``."""
        return "sqlite" if self.database_url.startswith("sqlite") else "postgres"

    @property
    def hls_dir(self) -> Path:
        return self.var_dir / "hls"


def _bool(name: str, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(name, f"expected a boolean (true/false), got {value!r}")


def _int(name: str, value: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(name, f"expected an integer, got {value!r}") from None
    if not low <= number <= high:
        raise SettingsError(name, f"must be between {low} and {high}, got {number}")
    return number


def _host(name: str, value: str) -> str:
    host = value.strip()
    if not host or any(c.isspace() or c in "/[]@" for c in host):
        raise SettingsError(name, f"expected an IP address or host name, got {value!r}")
    return host


def _float(name: str, value: str, low: float, high: float) -> float:
    try:
        number = float(value)
    except ValueError:
        raise SettingsError(name, f"expected a number, got {value!r}") from None
    if not low <= number <= high:  # also refuses nan
        raise SettingsError(name, f"must be between {low:g} and {high:g}, got {value!r}")
    return number


def _choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    lowered = value.strip().lower()
    if lowered not in choices:
        raise SettingsError(name, f"expected one of {', '.join(choices)}, got {value!r}")
    return lowered


def _notify_queue(value: str, broadcast_scheme: str) -> str:
    """``embedded`` or ``arq``; arq keeps its jobs on the bus's Redis, so it needs one."""
    queue = _choice("NOTIFY_QUEUE", value, ("embedded", "arq"))
    if queue == "arq" and broadcast_scheme not in {"redis", "rediss"}:
        raise SettingsError(
            "NOTIFY_QUEUE",
            "arq keeps its jobs on the event bus's Redis: set LIVEMART_BROADCAST_URL to"
            f" redis://host:port (it is {broadcast_scheme}://), or use embedded",
        )
    return queue


def _ladder(spec: str) -> str:
    if spec:
        from media.ladder import LadderError, parse_rungs

        try:
            parse_rungs(spec)
        except (LadderError, ValueError) as exc:
            raise SettingsError("LADDER", f"{exc} (e.g. 720p:2800k,360p:800k)") from None
    return spec


ENVIRONMENTS = ("development", "production")


def _proxies(value: str) -> str:
    """A comma-separated list of IP addresses or networks (``*``: any peer, for a proxy
    that is the only way in); normalised, checked."""
    import ipaddress

    items = [item.strip() for item in value.split(",") if item.strip()]
    if items == ["*"]:
        return "*"
    found = []
    for item in items:
        try:
            network = ipaddress.ip_network(item, strict=False)
        except ValueError:
            raise SettingsError(
                "TRUSTED_PROXIES", f"{item!r} is not an IP address or network"
            ) from None
        found.append(str(network) if "/" in item else str(network.network_address))
    return ",".join(found)


def _name(name: str, value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.:-]{1,64}", value):
        raise SettingsError(name, "use 1 to 64 letters, digits and _ . : -")
    return value


def default_ffmpeg() -> str:
    """The FFmpeg binary bundled in the ``imageio-ffmpeg`` wheel."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _secret_key(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Build :class:`Settings` from the environment, validating every value."""
    env = os.environ if environ is None else environ

    def get(name: str, default: str) -> str:
        return env.get(PREFIX + name, default)

    database_url = get("DATABASE_URL", "sqlite://var/livemart.db").strip()
    scheme = urlparse(database_url).scheme
    if scheme not in DB_SCHEMES:
        raise SettingsError(
            "DATABASE_URL", f"unsupported scheme {scheme!r}; use sqlite://PATH or postgres://…"
        )
    if scheme in {"postgresql", "asyncpg"}:
        database_url = "postgres" + database_url[len(scheme) :]

    broadcast_url = get("BROADCAST_URL", "memory://").strip()
    bscheme = urlparse(broadcast_url).scheme
    if bscheme not in BROADCAST_SCHEMES:
        raise SettingsError(
            "BROADCAST_URL", f"unsupported scheme {bscheme!r}; use memory:// or redis://host:port"
        )

    var_dir = Path(get("VAR_DIR", "var"))
    try:
        var_dir.mkdir(parents=True, exist_ok=True)
        (var_dir / "hls").mkdir(exist_ok=True)
    except OSError as exc:
        raise SettingsError("VAR_DIR", f"cannot create {var_dir}: {exc.strerror}") from None
    if not os.access(var_dir, os.W_OK):
        raise SettingsError("VAR_DIR", f"{var_dir} is not writable")

    secret_key = get("SECRET_KEY", "")
    if secret_key and len(secret_key) < 16:
        raise SettingsError("SECRET_KEY", "must be at least 16 characters")
    if not secret_key:
        secret_key = _secret_key(var_dir)

    ffmpeg = get("FFMPEG", "")
    if ffmpeg:
        resolved = shutil.which(ffmpeg) or (ffmpeg if os.access(ffmpeg, os.X_OK) else None)
        if not resolved or not Path(resolved).is_file():
            raise SettingsError("FFMPEG", f"{ffmpeg!r} is not an executable file")
        ffmpeg = resolved
    else:
        ffmpeg = default_ffmpeg()

    environment = _choice("ENV", get("ENV", "development"), ENVIRONMENTS)

    data_dir = Path(get("DATA_DIR", "var/data"))
    if data_dir.exists() and not data_dir.is_dir():
        raise SettingsError("DATA_DIR", f"{data_dir} is not a directory")

    return Settings(
        database_url=database_url,
        data_dir=data_dir,
        broadcast_url=broadcast_url,
        var_dir=var_dir,
        secret_key=secret_key,
        ffmpeg=ffmpeg,
        debug=_bool("DEBUG", get("DEBUG", "false")),
        media_in_process=_bool("MEDIA_IN_PROCESS", get("MEDIA_IN_PROCESS", "true")),
        rtmp_port=_int("RTMP_PORT", get("RTMP_PORT", "1935"), 0, 65535),
        rtmp_host=_host("RTMP_HOST", get("RTMP_HOST", "127.0.0.1")),
        public_url=get("PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/"),
        ladder=_ladder(get("LADDER", "")),
        ws_send_buffer=_int("WS_SEND_BUFFER", get("WS_SEND_BUFFER", "512"), 8, 100_000),
        order_ttl_seconds=_float(
            "ORDER_TTL_SECONDS", get("ORDER_TTL_SECONDS", "900"), 0.01, 30 * DAY
        ),
        order_sweep_seconds=_float(
            "ORDER_SWEEP_SECONDS", get("ORDER_SWEEP_SECONDS", "30"), 0.01, DAY
        ),
        card_callback=_choice("CARD_CALLBACK", get("CARD_CALLBACK", "auto"), ("auto", "manual")),
        card_callback_delay=_float(
            "CARD_CALLBACK_DELAY", get("CARD_CALLBACK_DELAY", "0.05"), 0, 3600
        ),
        closer_tick_seconds=_float(
            "CLOSER_TICK_SECONDS", get("CLOSER_TICK_SECONDS", "1"), 0.01, 3600
        ),
        payments_outbox_seconds=_float(
            "PAYMENTS_OUTBOX_SECONDS", get("PAYMENTS_OUTBOX_SECONDS", "5"), 0.01, DAY
        ),
        recs_train_minutes=_float(
            "RECS_TRAIN_MINUTES", get("RECS_TRAIN_MINUTES", "30"), 0, 7 * 24 * 60
        ),
        analytics_flush_seconds=_float(
            "ANALYTICS_FLUSH_SECONDS", get("ANALYTICS_FLUSH_SECONDS", "5"), 0.05, DAY
        ),
        analytics_scan_seconds=_float(
            "ANALYTICS_SCAN_SECONDS", get("ANALYTICS_SCAN_SECONDS", "300"), 0, DAY
        ),
        invite_reward_cents=_int(
            "INVITE_REWARD_CENTS", get("INVITE_REWARD_CENTS", "500"), 0, 1_000_000
        ),
        smtp_host=get("SMTP_HOST", "").strip(),
        smtp_port=_int("SMTP_PORT", get("SMTP_PORT", "587"), 1, 65535),
        smtp_user=get("SMTP_USER", ""),
        smtp_password=get("SMTP_PASSWORD", ""),
        smtp_starttls=_bool("SMTP_STARTTLS", get("SMTP_STARTTLS", "true")),
        mail_from=get("MAIL_FROM", "livemart <noreply@localhost>").strip(),
        push_contact=get("PUSH_CONTACT", "mailto:admin@localhost").strip(),
        push_private_endpoints=_bool(
            "PUSH_PRIVATE_ENDPOINTS", get("PUSH_PRIVATE_ENDPOINTS", "false")
        ),
        simulcast_private_destinations=_bool(
            "SIMULCAST_PRIVATE_DESTINATIONS", get("SIMULCAST_PRIVATE_DESTINATIONS", "false")
        ),
        notify_in_process=_bool("NOTIFY_IN_PROCESS", get("NOTIFY_IN_PROCESS", "true")),
        notify_tick_seconds=_float(
            "NOTIFY_TICK_SECONDS", get("NOTIFY_TICK_SECONDS", "1"), 0.01, 3600
        ),
        notify_retry_seconds=_float(
            "NOTIFY_RETRY_SECONDS", get("NOTIFY_RETRY_SECONDS", "5"), 0.001, DAY
        ),
        notify_worker_nice=_int("NOTIFY_WORKER_NICE", get("NOTIFY_WORKER_NICE", "10"), 0, 19),
        notify_queue=_notify_queue(get("NOTIFY_QUEUE", "embedded"), bscheme),
        notify_rate=_float("NOTIFY_RATE", get("NOTIFY_RATE", "0"), 0, 1_000_000),
        write_limit=_int("WRITE_LIMIT", get("WRITE_LIMIT", "120"), 0, 1_000_000),
        ratelimit_prefix=_name("RATELIMIT_PREFIX", get("RATELIMIT_PREFIX", "livemart")),
        room_watchers_per_ip=_int(
            "ROOM_WATCHERS_PER_IP", get("ROOM_WATCHERS_PER_IP", "100"), 1, 1_000_000
        ),
        env=environment,
        test_pattern=_bool(
            "TEST_PATTERN",
            get("TEST_PATTERN", "false" if environment == "production" else "true"),
        ),
        trusted_proxies=_proxies(get("TRUSTED_PROXIES", "127.0.0.1")),
        demo_chat_seconds=_float("DEMO_CHAT_SECONDS", get("DEMO_CHAT_SECONDS", "0"), 0, 3600),
    )
