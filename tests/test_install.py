"""Acceptance of issue 13 item 1: a fresh virtualenv outside the repository, the checkout
installed into it (`pip install --no-deps`, dependencies seen from the test venv), then
`scope check`, `scan FILE` and `serve` with no settings, from an unrelated directory."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.fixtures_smtp import CLEAN_TEXT, SECRET_TEXT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The venv's bin directory with dlp-gateway installed from a copy of the checkout."""
    base = tmp_path_factory.mktemp("install")
    source = base / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("gateway", "matchers", "config"):
        shutil.copytree(
            ROOT / name,
            source / name,
            symlinks=True,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    site = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_path('purelib'))",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # dependencies come from the test venv (a plain path line: its .pth files stay unprocessed,
    # so its own editable gateway is not importable)
    Path(site, "zz_test_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", str(source)],
        check=True,
        env=_env(),
    )
    shutil.rmtree(source)  # nothing may still read the checkout
    return venv / "bin"


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DLP_") and k != "PYTHONPATH"}
    env.update(extra)
    return env


def _run(bin_dir: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "dlp-gateway"), *args],
        cwd=cwd,
        env=_env(**env),
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_the_installed_package_is_the_one_imported(installed: Path, tmp_path: Path) -> None:
    out = subprocess.run(
        [str(installed / "python"), "-c", "import gateway; print(gateway.__file__)"],
        cwd=tmp_path,
        env=_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.startswith(str(installed.parent)), out


def test_scope_check_and_scan_work_anywhere_without_settings(
    installed: Path, tmp_path: Path
) -> None:
    checked = _run(installed, tmp_path, "scope", "check")
    assert checked.returncode == 0, checked.stderr
    clean = tmp_path / "通知.txt"
    clean.write_text(CLEAN_TEXT, encoding="utf-8")
    secret = tmp_path / "部署.txt"
    secret.write_text(SECRET_TEXT, encoding="utf-8")
    scanned = _run(installed, tmp_path, "scan", "--format", "json", str(clean), str(secret))
    assert scanned.returncode == 1, scanned.stderr  # 1: something would be held
    verdicts = {
        Path(r["path"]).name: r["verdict"] for r in map(json.loads, scanned.stdout.splitlines())
    }
    assert verdicts["通知.txt"] == "pass"
    assert verdicts["部署.txt"] != "pass"
    assert not (tmp_path / "var").exists()


def test_bad_settings_create_nothing(installed: Path, tmp_path: Path) -> None:
    result = _run(installed, tmp_path, "serve", DLP_LIMITS__WORKERS="0")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1, result.stderr
    assert "limits.workers" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_serve_starts_is_healthy_and_stops(installed: Path, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [str(installed / "dlp-gateway"), "serve"],
        cwd=tmp_path,
        # only the ports move (a shared machine); everything else is the embedded default
        env=_env(DLP_SMTP__LISTEN="127.0.0.1:0", DLP_CONSOLE__LISTEN="127.0.0.1:0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        port = 0
        deadline = time.monotonic() + 120
        while not port and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            match = re.search(r"console on http://[^:]+:(\d+)/", line)
            port = int(match.group(1)) if match else 0
        assert port, "the gateway did not start"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as r:
            assert r.status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=10) as r:
            body = json.loads(r.read())
            assert r.status == 200 and body["ready"] is True, body
        assert (tmp_path / "var" / "outbox").is_dir()
        proc.send_signal(signal.SIGTERM)
        _, rest = proc.communicate(timeout=60)
        assert proc.returncode == 0, rest
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
        if proc.stderr is not None:
            proc.stderr.close()
