"""Strict settings (issue 13): every numeric setting refuses what it cannot use, as one line
naming the key, the value and what is allowed, exit 2 — before anything starts or is created;
`dlp-gateway config show` prints the effective values, masked secrets and their sources."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gateway.cli import main

BAD = [
    ("DLP_SMTP__LISTEN", "127.0.0.1:99999", "smtp.listen"),
    ("DLP_SMTP__LISTEN", "127.0.0.1:port", "smtp.listen"),
    ("DLP_SMTP__MAX_MESSAGE_SIZE", "0", "smtp.max_message_size"),
    ("DLP_SMTP__MAX_RECIPIENTS", "0", "smtp.max_recipients"),
    ("DLP_SMTP__TIMEOUT", "0", "smtp.timeout"),
    ("DLP_RELAY__PORT", "-1", "relay.port"),
    ("DLP_RELAY__PORT", "99999", "relay.port"),
    ("DLP_RELAY__TIMEOUT", "-1", "relay.timeout"),
    ("DLP_CONSOLE__LISTEN", "0.0.0.0:70000", "console.listen"),
    ("DLP_CONSOLE__SESSION_MINUTES", "0", "console.session_minutes"),
    ("DLP_CONSOLE__LOCKOUT_FAILURES", "0", "console.lockout_failures"),
    ("DLP_CONSOLE__LOCKOUT_MINUTES", "-3", "console.lockout_minutes"),
    ("DLP_LIMITS__MAX_DEPTH", "0", "limits.max_depth"),
    ("DLP_LIMITS__MAX_MEMBERS", "0", "limits.max_members"),
    ("DLP_LIMITS__MAX_EXPANDED_BYTES", "-1", "limits.max_expanded_bytes"),
    ("DLP_LIMITS__MAX_RATIO", "0", "limits.max_ratio"),
    ("DLP_LIMITS__TIMEOUT", "-5", "limits.timeout"),
    ("DLP_LIMITS__MEMORY_MB", "100", "limits.memory_mb"),
    ("DLP_LIMITS__WORKERS", "0", "limits.workers"),
    ("DLP_OCR__MAX_PAGES", "0", "ocr.max_pages"),
    ("DLP_OCR__MIN_SIZE", "0", "ocr.min_size"),
    ("DLP_OCR__MAX_PIXELS", "10", "ocr.max_pixels"),
    ("DLP_OCR__CACHE_SIZE", "-1", "ocr.cache_size"),
    ("DLP_QUARANTINE__EXPIRE_AFTER_DAYS", "0", "quarantine.expire_after_days"),
    ("DLP_QUARANTINE__RETAIN_DAYS", "-1", "quarantine.retain_days"),
    ("DLP_QUARANTINE__RELEASE_RETRY_SECONDS", "[60, 0]", "quarantine.release_retry_seconds"),
    ("DLP_QUARANTINE__RELEASE_RETRY_SECONDS", "[]", "quarantine.release_retry_seconds"),
    ("DLP_NOTIFY__DIGEST_HOUR", "25", "notify.digest_hour"),
    ("DLP_NOTIFY__DIGEST_HOUR", "-1", "notify.digest_hour"),
    ("DLP_AUDIT__CHECKPOINT_SECONDS", "0", "audit.checkpoint_seconds"),
    ("DLP_LOG_LEVEL", "LOUD", "log_level"),
    ("DLP_TIMEZONE", "Mars/Olympus", "timezone"),
    ("DLP_SMTP__INSPECTION_TIMEOUT", "60", "smtp.inspection_timeout"),  # removed: unused
]


@pytest.mark.parametrize(("variable", "value", "key"), BAD, ids=[f"{v}={x}" for v, x, _ in BAD])
def test_bad_setting_exits_2_with_one_line_and_starts_nothing(
    variable: str,
    value: str,
    key: str,
    tmp_path: Path,
    no_dlp_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import gateway.service

    started: list[Any] = []

    async def must_not_start(settings: Any) -> int:
        started.append(settings)
        return 0

    monkeypatch.setattr(gateway.service, "serve", must_not_start)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(variable, value)
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"dlp-gateway: setting {key}"), err
    assert value.strip("[]").split(",")[-1].strip() in err  # the value given is named
    assert started == [] and list(tmp_path.iterdir()) == []


def test_the_ranges_name_what_is_allowed(
    no_dlp_env: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DLP_NOTIFY__DIGEST_HOUR", "25")
    assert main(["config", "show"]) == 2
    assert capsys.readouterr().err == (
        "dlp-gateway: setting notify.digest_hour: Input should be less than or equal to 23"
        " (got '25')\n"
    )


def test_config_show_prints_values_sources_and_masks_secrets(
    tmp_path: Path,
    no_dlp_env: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = tmp_path / "gw.toml"
    config.write_text(
        '[relay]\nhost = "smtp.example.net"\nport = 2525\npassword = "hunter2-file"\n'
        '[console]\nmetrics_token = "tok-secret"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DLP_RELAY__PORT", "587")
    monkeypatch.setenv("DLP_NOTIFY__SIGNING_KEY", "sign-secret")
    assert main(["--config", str(config), "config", "show"]) == 0
    out = capsys.readouterr().out
    lines = set(out.splitlines())
    assert 'relay.host = "smtp.example.net"  # file' in lines
    assert "relay.port = 587  # env" in lines
    assert 'relay.password = "********"  # file' in lines
    assert 'console.metrics_token = "********"  # file' in lines
    assert 'notify.signing_key = "********"  # env' in lines
    assert "notify.digest_hour = 8  # default" in lines
    assert "relay.username = null  # default" in lines
    for secret in ("hunter2-file", "tok-secret", "sign-secret"):
        assert secret not in out
    assert not any(line.startswith("smtp.inspection_timeout") for line in lines)
    assert not any(line.startswith("limits.ocr") for line in lines)
