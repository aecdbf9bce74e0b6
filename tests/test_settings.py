from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import SettingsError
from gateway.settings import load_settings


def test_defaults_work_with_no_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DLP_CONFIG", raising=False)
    settings = load_settings()
    assert settings.smtp.host_port == ("127.0.0.1", 10025)
    assert settings.console.host_port == ("127.0.0.1", 8025)
    assert settings.relay.host is None
    assert settings.outbox_dir == Path("var") / "outbox"
    assert settings.effective_database_url.startswith("sqlite+aiosqlite:///")


def test_toml_then_environment_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "gw.toml"
    config.write_text(
        'internal_domains = ["example.gov.cn"]\n[relay]\nhost = "smtp.example"\nport = 2525\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DLP_RELAY__PORT", "587")
    settings = load_settings(config)
    assert settings.internal_domains == ["example.gov.cn"]
    assert settings.relay.host == "smtp.example"
    assert settings.relay.port == 587


def test_bad_cidr_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLP_SMTP__ALLOWED_NETWORKS", '["10.0.0.0/33"]')
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert info.value.problems == [
        "setting smtp.allowed_networks: '10.0.0.0/33' is not a CIDR network"
        " (example: 10.0.0.0/8) (got ['10.0.0.0/33'])"
    ]


def test_missing_certificate_and_unknown_key(tmp_path: Path) -> None:
    config = tmp_path / "gw.toml"
    config.write_text(
        '[smtp]\ntls_cert = "/nonexistent/cert.pem"\ntls_key = "/nonexistent/key.pem"\n'
        "[relay]\nhots = 1\n",
        encoding="utf-8",
    )
    with pytest.raises(SettingsError) as info:
        load_settings(config)
    assert any("relay.hots" in line for line in info.value.problems)


def test_missing_certificate(tmp_path: Path) -> None:
    config = tmp_path / "gw.toml"
    config.write_text('[smtp]\ntls_cert = "/nonexistent/c.pem"\ntls_key = "/nonexistent/k.pem"\n')
    with pytest.raises(SettingsError) as info:
        load_settings(config)
    assert "setting smtp.tls_cert: file /nonexistent/c.pem not found" in info.value.problems


def test_missing_config_file() -> None:
    with pytest.raises(SettingsError, match="not found"):
        load_settings("/nonexistent/gw.toml")


def test_unused_inspection_timeout_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLP_SMTP__INSPECTION_TIMEOUT", "60")
    with pytest.raises(SettingsError) as info:
        load_settings()
    assert any("smtp.inspection_timeout" in line for line in info.value.problems)


@pytest.mark.parametrize(
    ("variable", "value", "key"),
    [
        ("DLP_LIMITS__TIMEOUT", "-5", "limits.timeout"),
        ("DLP_NOTIFY__DIGEST_HOUR", "25", "notify.digest_hour"),
        ("DLP_RELAY__PORT", "-1", "relay.port"),
        ("DLP_RELAY__PORT", "99999", "relay.port"),
        ("DLP_LIMITS__WORKERS", "0", "limits.workers"),
    ],
)
def test_out_of_range_setting_is_one_line(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, key: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as info:
        load_settings()
    [line] = info.value.problems
    assert key in line and value in line and "\n" not in line


def test_listen_port_out_of_range_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLP_SMTP__LISTEN", "127.0.0.1:99999")
    with pytest.raises(SettingsError) as info:
        load_settings()
    [line] = info.value.problems
    assert "smtp.listen" in line and "99999" in line
