"""`dlp-gateway scope check`: counts and version for good tables, one line and exit 2 for bad."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from gateway.cli import main
from matchers.scope import load_scope
from tests.fixtures_matchers import ROOT

DEFAULT = ROOT / "config" / "scope"


def test_check_default_tables(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scope", "check", str(DEFAULT)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == f"scope tables: {DEFAULT} (6 files)"
    assert re.fullmatch(r"land\s+159\s+40\s+2\s+17\s+quarantine\s+征地拆迁", lines[2])
    assert re.fullmatch(r"state-secret\s+65\s+24\s+5\s+0\s+reject\s+国家秘密标志", lines[6])
    assert re.fullmatch(r"total terms: \d+ \(table words; probe words not counted\)", lines[8])
    assert re.fullmatch(r"compile time: \d+\.\d\d s", lines[9])
    assert lines[10] == f"scope version: {load_scope(DEFAULT).version[:16]}"


def test_check_uses_scope_dir_setting(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scope = tmp_path / "tables"
    scope.mkdir()
    shutil.copy(DEFAULT / "land.toml", scope)
    config = tmp_path / "settings.toml"
    config.write_text(f'scope_dir = "{scope}"\n', encoding="utf-8")
    assert main(["--config", str(config), "scope", "check"]) == 0
    assert f"scope tables: {scope} (1 files)" in capsys.readouterr().out


def test_broken_table_prints_one_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scope = tmp_path / "scope"
    shutil.copytree(DEFAULT, scope)
    land = scope / "land.toml"
    land.write_text(
        land.read_text(encoding="utf-8").replace('action = "quarantine"', 'action = "hold"'),
        encoding="utf-8",
    )
    assert main(["scope", "check", str(scope)]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (f"{land}:7: action: must be one of monitor | quarantine | reject (got 'hold')\n")


def test_missing_directory_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scope", "check", str(tmp_path / "none")]) == 2
    assert capsys.readouterr().err == (
        f"{tmp_path / 'none'}: scope_dir: not a directory (set scope_dir)\n"
    )
