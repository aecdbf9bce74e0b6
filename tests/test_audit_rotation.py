"""`dlp-gateway audit rotate-key`: a new key re-anchors the chain; verify follows it across;
a tamper on either side is named; a retired key writes nothing; registered secrets still match.

Everything through the real command line on a real SQLite file, with the key in its file
(``<data_dir>/audit.key``, the default) unless the test says otherwise.
"""

from __future__ import annotations

import asyncio
import io
import json
import sqlite3
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.settings import load_settings
from gateway.store import audit, keys
from gateway.store.migrations import open_store
from gateway.store.registry import fingerprint_key
from tests.support.messages import message
from tests.support.registered import PARAGRAPHS, SECRET_TEXT

PASSWORD = "long-enough-9"


def _as(monkeypatch: pytest.MonkeyPatch, password: str = PASSWORD) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))


def _entries(n: int) -> None:
    async def write() -> None:
        async with open_store(load_settings()) as sessions:
            for i in range(n):
                async with sessions() as session, session.begin():
                    await audit.append(session, "shen", "view", f"Q20261205-00000{i}", {})

    asyncio.run(write())


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store with an admin (``root``), a reviewer (``shen``) and a few entries."""
    monkeypatch.setenv("DLP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DLP_DATABASE_URL", raising=False)
    monkeypatch.delenv("DLP_AUDIT__KEY", raising=False)
    for name, role in (("root", "admin"), ("shen", "reviewer")):
        _as(monkeypatch)
        argv = ["user", "add", name, "--role", role, "--password-stdin"]
        assert main([*argv, "--email", f"{name}@example.gov.cn"]) == 0
    _entries(3)
    return tmp_path


def _db(data_dir: Path) -> sqlite3.Connection:
    return sqlite3.connect(data_dir / "dlp-gateway.sqlite3")


def _rotate(monkeypatch: pytest.MonkeyPatch, *extra: str, actor: str = "root") -> int:
    _as(monkeypatch)
    return main(["audit", "rotate-key", "--actor", actor, "--password-stdin", *extra])


def test_rotation_re_anchors_the_chain_and_verify_follows_it(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = data_dir / "audit.key"
    old = key_file.read_bytes().strip()
    capsys.readouterr()

    assert _rotate(monkeypatch) == 0
    out = capsys.readouterr().out
    new = key_file.read_bytes().strip()
    old_id, new_id = keys.key_id(old), keys.key_id(new)
    retired = data_dir / f"audit.key.{old_id}"
    assert new != old and oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert retired.read_bytes().strip() == old and oct(retired.stat().st_mode & 0o777) == "0o400"
    assert f"old key {old_id} kept read-only in {retired}" in out
    assert f"new key {new_id} in {key_file}" in out
    with _db(data_dir) as conn:
        rows = conn.execute(
            "SELECT seq, actor, action, detail FROM audit_log ORDER BY seq DESC LIMIT 2"
        ).fetchall()
    (s2, actor2, started, d2), (s1, actor1, rotated, d1) = rows
    assert (rotated, started, actor1, actor2, s2) == (
        "audit_key_rotated",
        "audit_key_started",
        "root",
        "root",
        s1 + 1,
    )
    assert json.loads(d1)["new_key"] == new_id and json.loads(d1)["old_key"] == old_id
    assert json.loads(d1)["channel"] == "cli" and json.loads(d2)["key"] == new_id

    _entries(2)  # new entries, under the new key
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith(f"OK: audit chain intact, {s2 + 2} entries, 2 keys")

    # a second rotation: three keys, two retired files
    assert _rotate(monkeypatch) == 0
    _entries(1)
    assert main(["audit", "verify"]) == 0
    assert f"{s2 + 6} entries, 3 keys" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["before", "after"])
def test_a_tamper_on_either_side_of_the_rotation_is_named(
    where: str,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _rotate(monkeypatch) == 0
    _entries(3)
    with _db(data_dir) as conn:
        (started,) = conn.execute(
            "SELECT seq FROM audit_log WHERE action = 'audit_key_started'"
        ).fetchone()
        seq = started - 3 if where == "before" else started + 2
        conn.execute("UPDATE audit_log SET actor = 'li' WHERE seq = ?", (seq,))
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    assert (
        capsys.readouterr().out == f"BROKEN at entry {seq}: hash mismatch: the entry was altered\n"
    )


def test_without_the_retired_key_verify_says_which_key_is_missing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old_id = keys.key_id((data_dir / "audit.key").read_bytes().strip())
    assert _rotate(monkeypatch) == 0
    (data_dir / f"audit.key.{old_id}").rename(data_dir / "elsewhere")
    capsys.readouterr()
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        f"BROKEN at entry 1: hash mismatch: the entry was altered, or it was "
        f"written under key {old_id} (retired at entry "
    )
    assert f"put audit.key.{old_id} next to the key file or set audit.retired_keys" in out

    # given as a setting instead of a file, it verifies again
    old = (data_dir / "elsewhere").read_text().strip()
    monkeypatch.setenv("DLP_AUDIT__RETIRED_KEYS", json.dumps([old]))
    assert main(["audit", "verify"]) == 0


def test_an_instance_still_holding_the_retired_key_writes_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    old = (data_dir / "audit.key").read_text().strip()
    assert _rotate(monkeypatch) == 0
    new_id = keys.key_id((data_dir / "audit.key").read_bytes().strip())
    with _db(data_dir) as conn:
        (count,) = conn.execute("SELECT count(*) FROM audit_log").fetchone()
        (started,) = conn.execute(
            "SELECT seq FROM audit_log WHERE action = 'audit_key_started'"
        ).fetchone()
    capsys.readouterr()
    monkeypatch.setenv("DLP_AUDIT__KEY", old)  # another host, its key never updated
    _as(monkeypatch)
    assert main(["user", "add", "x", "--role", "auditor", "--password-stdin"]) == 2
    assert capsys.readouterr().err == (
        f"dlp-gateway: the audit key was rotated at entry {started} to key {new_id}; this process "
        f"holds key {keys.key_id(old.encode())}: install the new key and restart it (nothing was "
        "written)\n"
    )
    with _db(data_dir) as conn:
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == (count,)
        assert conn.execute("SELECT count(*) FROM users WHERE name = 'x'").fetchone() == (0,)


def test_only_an_admin_with_the_right_password_rotates(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (data_dir / "audit.key").read_bytes()
    capsys.readouterr()
    assert _rotate(monkeypatch, actor="shen") == 2
    assert capsys.readouterr().err == (
        "dlp-gateway: account 'shen' may not rotate the audit key (admin)\n"
    )
    _as(monkeypatch, "wrong-password")
    assert main(["audit", "rotate-key", "--actor", "root", "--password-stdin"]) == 2
    assert (
        capsys.readouterr().err
        == "dlp-gateway: 账号 'root' 身份验证失败（用户名或密码错误，或账号已停用）\n"
    )
    assert (data_dir / "audit.key").read_bytes() == before
    assert not list(data_dir.glob("audit.key.*"))
    with _db(data_dir) as conn:
        assert conn.execute(
            "SELECT count(*) FROM audit_log WHERE action LIKE 'audit_key_%'"
        ).fetchone() == (0,)


def test_with_the_key_in_the_environment_the_new_key_goes_to_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DLP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DLP_DATABASE_URL", raising=False)
    old = "env-key-" + "k" * 40
    monkeypatch.setenv("DLP_AUDIT__KEY", old)
    _as(monkeypatch)
    assert main(["user", "add", "root", "--role", "admin", "--password-stdin"]) == 0
    capsys.readouterr()
    assert _rotate(monkeypatch) == 2
    assert "give --new-key-file FILE" in capsys.readouterr().err
    target = tmp_path / "new.key"
    assert _rotate(monkeypatch, "--new-key-file", str(target)) == 0
    assert "set DLP_AUDIT__KEY to the new key on every instance" in capsys.readouterr().out
    new = target.read_text().strip()
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    monkeypatch.setenv("DLP_AUDIT__KEY", new)
    _entries(1)
    assert main(["audit", "verify"]) == 0
    assert "2 keys" in capsys.readouterr().out
    assert (tmp_path / f"audit.key.{keys.key_id(old.encode())}").exists()


@pytest.mark.slow  # two scans, each compiling the default tables
def test_a_registered_document_is_still_found_after_rotation(
    data_dir: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The fingerprints cannot be re-keyed (the text is not kept): the key is pinned instead."""
    source = tmp_path / "secret.txt"
    source.write_text(SECRET_TEXT, encoding="utf-8")
    _as(monkeypatch)
    argv = ["register", "add", str(source), "--category", "land", "--threshold", "10%"]
    assert main([*argv, "--actor", "root", "--password-stdin"]) == 0
    leak = tmp_path / "leak.eml"
    leak.write_bytes(message("领导：摘录如下。\n" + "\n".join(PARAGRAPHS[:3]), subject="资料"))
    old = (data_dir / "audit.key").read_bytes().strip()

    def scanned() -> list[str]:
        capsys.readouterr()
        assert main(["scan", "--format", "json", str(leak)]) == 1
        [result] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
        return [f["kind"] for f in result["findings"] if f["category"] == "land"]

    assert "fingerprint" in scanned()
    assert _rotate(monkeypatch) == 0
    new = (data_dir / "audit.key").read_bytes().strip()
    pinned = data_dir / "fingerprint.key"
    assert oct(pinned.stat().st_mode & 0o777) == "0o600"
    settings = load_settings()
    assert keys.load_fingerprint_key(settings) == fingerprint_key(old) != fingerprint_key(new)
    assert "fingerprint" in scanned()

    # a second rotation keeps the same pin
    assert _rotate(monkeypatch) == 0
    assert keys.load_fingerprint_key(load_settings()) == fingerprint_key(old)
