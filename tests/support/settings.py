"""The one settings builder for tests: real ``Settings``, loopback everything, temp data dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from gateway.settings import Settings, load_settings
from tests.support.addresses import INTERNAL_DOMAIN, NOTICE_FROM, OFFICER

ROOT = Path(__file__).resolve().parents[2]
SCOPE = ROOT / "config" / "scope"
# the audit chain's HMAC key in tests (production: audit.key or <data_dir>/audit.key)
AUDIT_KEY = b"test-audit-key-0123456789abcdef-0123456789"


def make_settings(
    data_dir: Path,
    upstream_port: int | None = None,
    *,
    database_url: str | None = None,
    **overrides: Any,
) -> Settings:
    """Settings for one test gateway; nested ``overrides`` merge into the defaults' sections."""
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "scope_dir": SCOPE,
        "internal_domains": [INTERNAL_DOMAIN],
        "smtp": {"listen": "127.0.0.1:0"},
        "console": {"listen": "127.0.0.1:0"},
        "relay": {"host": "127.0.0.1", "port": upstream_port, "timeout": 10.0}
        if upstream_port
        else {},
        "notify": {"officers": [OFFICER], "sender": NOTICE_FROM},
        "limits": {"timeout": 20.0, "workers": 1},  # one worker process: quicker to start
        "audit": {"key": AUDIT_KEY.decode()},
    }
    if database_url:
        values["database_url"] = database_url
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(values.get(key), dict):
            values[key] = {**values[key], **value}
        else:
            values[key] = value
    return load_settings(None, **values)
