"""Settings: embedded defaults < TOML file (``--config`` or ``DLP_CONFIG``) < ``DLP_`` environment.

Built once at start-up by :func:`load_settings` and handed down; no module reads a global.
Every problem is reported as one line naming the key, the bad value and what to do.
"""

from __future__ import annotations

import ipaddress
import os
from importlib.resources import files
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from gateway.errors import SettingsError

MiB = 1024 * 1024


def default_scope_dir() -> Path:
    """The default scope tables shipped inside the package (``config/scope`` in the source)."""
    return Path(str(files("gateway").joinpath("default_scope")))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _cidr_list(value: list[str]) -> list[str]:
    for net in value:
        try:
            ipaddress.ip_network(net, strict=False)
        except ValueError:
            raise ValueError(f"{net!r} is not a CIDR network (example: 10.0.0.0/8)") from None
    return value


def _host_port(value: str, default_port: int) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep:
        return value, default_port
    host = host.strip("[]")
    number = int(port)
    if not 0 <= number <= 65535:  # 0: any free port (tests, ephemeral set-ups)
        raise ValueError(port)
    return host, number


def _listen_address(value: str) -> str:
    try:
        _host_port(value, 25)
    except ValueError:
        raise ValueError(
            f"{value!r} is not host:port with a port 0-65535 (example: 0.0.0.0:10025)"
        ) from None
    return value


class SmtpSettings(_Section):
    listen: str = "127.0.0.1:10025"
    hostname: str = "dlp-gateway"
    allowed_networks: list[str] = ["127.0.0.0/8", "::1/128"]
    max_message_size: int = Field(default=50 * MiB, ge=1024, le=2**31 - 1)
    max_recipients: int = Field(default=100, ge=1, le=100_000)
    tls_cert: Path | None = None
    tls_key: Path | None = None
    # AUTH users: name -> argon2 hash (``dlp-gateway user hash`` prints one)
    auth_users: dict[str, SecretStr] = {}
    timeout: Annotated[float, Field(gt=0, le=86_400)] = 300.0  # RFC 5321 §4.5.3.2.7 server timeout
    # open connections in all, and from one client address; beyond them: 421 4.7.0 and close
    max_connections: Annotated[int, Field(ge=1, le=100_000)] = 200
    max_connections_per_client: Annotated[int, Field(ge=1, le=100_000)] = 50
    # DATA: the whole message must arrive within data_deadline seconds, and after the first
    # 10 s at no less than min_data_rate bytes per second on average (0: no rate floor);
    # otherwise 421 4.4.2 and close (a trickling client cannot hold a connection for ever)
    data_deadline: Annotated[float, Field(gt=0, le=86_400)] = 600.0
    min_data_rate: Annotated[int, Field(ge=0, le=100 * MiB)] = 256
    # bytes of DATA held in memory across all transactions; a message that would go beyond is
    # answered 452 4.3.1 (the client retries later)
    max_inflight_bytes: Annotated[int, Field(ge=MiB, le=1 << 40)] = 160 * MiB

    _networks = field_validator("allowed_networks")(_cidr_list)

    _listen = field_validator("listen")(_listen_address)

    @property
    def host_port(self) -> tuple[str, int]:
        return _host_port(self.listen, 10025)


class RelaySettings(_Section):
    host: str | None = None
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    starttls: bool = False
    tls_verify: bool = True
    username: str | None = None
    password: SecretStr | None = None
    timeout: Annotated[float, Field(gt=0, le=3600)] = 60.0
    outbox_dir: Path | None = None  # default <data_dir>/outbox


class ConsoleSettings(_Section):
    listen: str = "127.0.0.1:8025"
    session_minutes: int = Field(default=30, ge=1, le=24 * 60)
    secure_cookies: bool = False  # set when the console is behind TLS
    lockout_failures: int = Field(default=5, ge=1, le=1000)
    lockout_minutes: int = Field(default=15, ge=1, le=24 * 60)
    base_url: str = "http://127.0.0.1:8025"
    # who may read /metrics: clients in these networks, or anyone sending
    # "Authorization: Bearer <metrics_token>" when a token is set (then the networks do not apply)
    metrics_networks: list[str] = ["127.0.0.0/8", "::1/128"]
    metrics_token: SecretStr | None = None

    _metrics_networks = field_validator("metrics_networks")(_cidr_list)
    _listen = field_validator("listen")(_listen_address)

    @property
    def host_port(self) -> tuple[str, int]:
        return _host_port(self.listen, 8025)


class OcrSettings(_Section):
    """Reading pictures of text (image attachments, inline images, scanned PDF pages, pictures
    inside office documents) with the bundled PP-OCR models; docs/extraction.md gives the cost."""

    enabled: bool = True
    # distinct pictures and scanned pages read per message (a repeated picture counts once);
    # more → held as limit_ocr
    max_pages: int = Field(default=20, ge=1, le=1000)
    # a picture whose shorter side is at most this many pixels holds no legible page (icons —
    # Office and WPS draw embedded files as 48×48 ones —, tracking pixels): not read, not counted
    min_size: int = Field(default=48, ge=1, le=10000)
    # pictures larger than this many pixels are refused as decompression bombs (limit_size)
    max_pixels: int = Field(default=60_000_000, ge=1_000_000)
    # results kept per worker by the picture's sha256 (logos and signatures recur)
    cache_size: int = Field(default=256, ge=0)
    # with OCR off: "hold" a picture that could carry text as unscannable `image`, or "pass" it
    # unread (a risk: a photographed document then leaves unchecked)
    unread_images: Literal["hold", "pass"] = "hold"


class LimitSettings(_Section):
    max_depth: int = Field(default=5, ge=1, le=100)
    max_members: int = Field(default=1000, ge=1)
    max_expanded_bytes: int = Field(default=200 * 1000 * 1000, ge=1)
    max_ratio: int = Field(default=100, ge=1)
    timeout: Annotated[float, Field(gt=0, le=3600)] = 30.0  # per message, extraction + matching
    memory_mb: Annotated[int, Field(ge=256)] = (
        2048  # worker address-space cap (OCR models included)
    )
    workers: Annotated[int, Field(ge=1, le=256)] = 2
    # seconds a message may wait for a free worker; then 451 4.3.2 (the client retries).
    # limits.timeout starts only when a worker takes the message.
    queue_wait: Annotated[float, Field(gt=0, le=600)] = 10.0
    # copied from the top-level [ocr] section (set there): travels with the limits to workers
    ocr: OcrSettings = Field(default_factory=OcrSettings, exclude=True)


class QuarantineSettings(_Section):
    expire_after_days: float = Field(default=14.0, gt=0)
    retain_days: float = Field(default=90.0, gt=0)
    release_retry_seconds: Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1)] = [
        60,
        300,
        900,
        3600,
        14400,
    ]
    # trial mode: keep the extracted text of messages a ``monitor`` category triggered on
    trial_keep_text: bool = False


class NotifySettings(_Section):
    enabled: bool = True
    sender: str = "dlp-gateway@localhost"
    officers: list[str] = []
    tell_sender_reason: bool = True  # include the officer's reason in a rejection notice
    # whom senders ask about a held mail, named in every notice (e.g. "保密办 张三 0731-1234567")
    contact: str = ""
    digest_hour: Annotated[int, Field(ge=0, le=23)] = 8
    # hours a held notice's release-request link (业务理由) stays valid; 0: no link
    request_link_hours: Annotated[float, Field(ge=0, le=24 * 90)] = 72.0
    # HMAC key marking the gateway's own notices and signing senders' links; unset: derived
    # from the audit key (so the same on every instance sharing it, and across restarts)
    signing_key: SecretStr | None = None
    # notices are sent in batches (one upstream session, one store transaction for their
    # timeline events): after a batch, the next waits this long to gather what arrives meanwhile
    batch_window: Annotated[float, Field(ge=0, le=10)] = 0.2
    batch_size: Annotated[int, Field(ge=1, le=1000)] = 50
    # a notice upstream defers is tried again after retry_seconds, doubling, up to retry_attempts
    retry_seconds: Annotated[float, Field(gt=0, le=86400)] = 60.0
    retry_attempts: Annotated[int, Field(ge=1, le=20)] = 5


class AuditSettings(_Section):
    # HMAC key of the audit chain, kept outside the database and the same on every instance
    # sharing it (DLP_AUDIT__KEY, at least 32 characters). Unset: the file ``key_file``
    # (default <data_dir>/audit.key, created with mode 0600 on first use).
    key: SecretStr | None = None
    key_file: Path | None = None
    # signed checkpoints (sequence, head hash) appended here and logged; default
    # <data_dir>/audit-checkpoints.jsonl
    checkpoint_file: Path | None = None
    checkpoint_seconds: float = Field(default=300.0, gt=0)
    # also mail each new checkpoint (plain text, through the relay) to the auditors:
    # checkpoint_recipients, or else every enabled auditor account's addresses
    checkpoint_mail: bool = False
    checkpoint_recipients: list[str] = []
    # keys retired by ``audit rotate-key`` (besides the audit.key.<id> files next to key_file),
    # needed only to verify the entries written before the rotation
    retired_keys: list[SecretStr] = []
    # the registered secrets' key, 64 hex digits, pinned by the first rotation (else the file
    # fingerprint.key next to key_file, or derived from the audit key before any rotation)
    fingerprint_key: SecretStr | None = None


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="DLP_", env_nested_delimiter="__", extra="forbid", toml_file=None
    )

    data_dir: Path = Path("var")
    database_url: str | None = None
    # unset: the default tables inside the package (works from any directory after pip install)
    scope_dir: Path = Field(default_factory=default_scope_dir)
    internal_domains: list[str] = []
    scan_internal: bool = False
    log_level: str = "INFO"
    # the unit's time zone: every time officers and senders read is shown in it
    timezone: str = "Asia/Shanghai"

    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    relay: RelaySettings = Field(default_factory=RelaySettings)
    console: ConsoleSettings = Field(default_factory=ConsoleSettings)
    limits: LimitSettings = Field(default_factory=LimitSettings)
    ocr: OcrSettings = Field(default_factory=OcrSettings)
    quarantine: QuarantineSettings = Field(default_factory=QuarantineSettings)
    notify: NotifySettings = Field(default_factory=NotifySettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = os.environ.get("_DLP_CONFIG_FILE")
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if toml_path:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(toml_path)))
        return tuple(sources)

    @model_validator(mode="after")
    def _ocr_travels_with_limits(self) -> Settings:
        self.limits = self.limits.model_copy(update={"ocr": self.ocr})
        return self

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError(f"{value!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL")
        return level

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not an IANA time zone (example: Asia/Shanghai)"
            ) from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'dlp-gateway.sqlite3').resolve()}"

    @property
    def outbox_dir(self) -> Path:
        return self.relay.outbox_dir or self.data_dir / "outbox"

    @property
    def audit_key_file(self) -> Path:
        return self.audit.key_file or self.data_dir / "audit.key"

    @property
    def audit_checkpoint_file(self) -> Path:
        return self.audit.checkpoint_file or self.data_dir / "audit-checkpoints.jsonl"


def _format_error(err: dict[str, Any]) -> str:
    key = ".".join(str(p) for p in err.get("loc", ()))
    msg = str(err.get("msg", "invalid"))
    msg = msg.removeprefix("Value error, ")
    value = err.get("input")
    shown = "" if isinstance(value, dict) else f" (got {value!r})"
    return f"setting {key}: {msg}{shown}"


def load_settings(config_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Build settings once; raise :class:`SettingsError` with one line per problem."""
    path = config_file or os.environ.get("DLP_CONFIG")
    problems: list[str] = []
    if path is not None and not Path(path).is_file():
        raise SettingsError([f"config file {path}: not found (give --config FILE or DLP_CONFIG)"])
    previous = os.environ.get("_DLP_CONFIG_FILE")
    try:
        if path is not None:
            os.environ["_DLP_CONFIG_FILE"] = str(path)
        else:
            os.environ.pop("_DLP_CONFIG_FILE", None)
        settings = Settings(**overrides)
    except ValidationError as exc:
        raise SettingsError([_format_error(dict(e)) for e in exc.errors()]) from None
    except (ValueError, OSError) as exc:  # TOML syntax errors and unreadable files
        raise SettingsError([f"config file {path}: {exc}"]) from None
    finally:
        if previous is None:
            os.environ.pop("_DLP_CONFIG_FILE", None)
        else:
            os.environ["_DLP_CONFIG_FILE"] = previous
    smtp = settings.smtp
    if (smtp.tls_cert is None) != (smtp.tls_key is None):
        problems.append("setting smtp.tls_cert/smtp.tls_key: give both or neither")
    for key, file in (("smtp.tls_cert", smtp.tls_cert), ("smtp.tls_key", smtp.tls_key)):
        if file is not None and not file.is_file():
            problems.append(f"setting {key}: file {file} not found")
    if problems:
        raise SettingsError(problems)
    return settings


def check_writable(settings: Settings) -> None:
    """Create the data directories; fail with one line if they are not writable (serve only)."""
    if not settings.scope_dir.is_dir():  # checked before anything is created
        raise SettingsError([f"setting scope_dir: {settings.scope_dir} is not a directory"])
    for label, directory in (
        ("data_dir", settings.data_dir),
        ("relay.outbox_dir", settings.outbox_dir),
    ):
        try:
            directory.mkdir(parents=True, exist_ok=True)
            probe = directory / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise SettingsError(
                [f"setting {label}: directory {directory} is not writable ({exc.strerror})"]
            ) from None
