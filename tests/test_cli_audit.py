"""`dlp-gateway audit verify`: OK with the count, or the first broken entry and exit 1."""

from __future__ import annotations

import asyncio
import io
import sqlite3
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.settings import load_settings
from gateway.store import audit
from gateway.store.migrations import open_store


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DLP_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DLP_DATABASE_URL", raising=False)
    path = (tmp_path / "dlp-gateway.sqlite3").resolve()

    async def seed() -> None:
        async with open_store(load_settings()) as sessions:
            for i in range(4):
                async with sessions() as session, session.begin():
                    await audit.append(session, "shen", "view", f"Q20261127-00000{i}", {})

    asyncio.run(seed())
    return path


def test_a_clean_chain(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out == "OK: audit chain intact, 4 entries\n"


def test_a_row_edited_in_the_database_is_named(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE audit_log SET actor = 'li' WHERE seq = 3")
    assert main(["audit", "verify"]) == 1
    assert capsys.readouterr().out == "BROKEN at entry 3: hash mismatch: the entry was altered\n"


def test_a_row_deleted_from_the_database_is_named(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq = 2")
    assert main(["audit", "verify"]) == 1
    assert capsys.readouterr().out == (
        "BROKEN at entry 2: entry 2 missing (removed; the next entry is 3)\n"
    )


@pytest.mark.parametrize("url", ["mysql://x/y", "not a url"])
def test_an_unsupported_database_is_one_line(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DLP_DATABASE_URL", url)
    assert main(["audit", "verify"]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"dlp-gateway: database URL {url} is not supported: use sqlite+aiosqlite:///PATH "
        "or postgresql+asyncpg://USER@HOST/DB (setting database_url)\n"
    )


def test_an_unreachable_database_is_one_line_without_its_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DLP_DATABASE_URL", "postgresql+asyncpg://dlp:s3cret@127.0.0.1:1/dlp")
    assert main(["audit", "verify"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("dlp-gateway: database postgresql+asyncpg://***@127.0.0.1:1/dlp: ")
    assert "s3cret" not in err and err.count("\n") == 1


def test_a_cut_tail_is_named_against_the_checkpoints(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", "checkpoint"]) == 0
    assert capsys.readouterr().out.startswith("checkpoint: entry 4 head ")
    assert main(["audit", "checkpoint"]) == 0
    assert capsys.readouterr().out == "no new entries since the last checkpoint\n"
    assert main(["audit", "verify"]) == 0
    assert capsys.readouterr().out == "OK: audit chain intact, 4 entries, 1 checkpoints match\n"
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq >= 3")
    assert main(["audit", "verify"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("BROKEN at entry 3: entries 3–4 missing: the log ends at 2 but a ")
    assert out.endswith("saw entry 4 (tail cut)\n")


def test_the_key_lives_outside_the_database_in_a_private_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "audit.key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    key_file.chmod(0o644)
    assert main(["audit", "verify"]) == 2
    assert capsys.readouterr().err == (
        f"dlp-gateway: audit key file {key_file} is readable by others (mode 644): "
        f"chmod 600 {key_file}\n"
    )


def test_another_key_does_not_verify_the_chain(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DLP_AUDIT__KEY", "short")
    assert main(["audit", "verify"]) == 2
    assert "audit.key is too short (5 characters)" in capsys.readouterr().err
    monkeypatch.setenv("DLP_AUDIT__KEY", "x" * 40)
    assert main(["audit", "verify"]) == 1
    assert capsys.readouterr().out.startswith("BROKEN at entry 1: hash mismatch")


def test_verify_never_makes_a_new_key(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "audit.key").unlink()
    assert main(["audit", "verify"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"dlp-gateway: audit key file {tmp_path / 'audit.key'} not found: ")
    assert not (tmp_path / "audit.key").exists()


def test_an_instance_with_another_key_writes_nothing(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DLP_AUDIT__KEY", "another-key-" + "x" * 30)
    monkeypatch.setattr("sys.stdin", io.StringIO("long-enough-9\n"))
    code = main(["user", "add", "x", "--role", "auditor", "--password-stdin"])
    err = capsys.readouterr().err
    assert code == 2 and "the newest audit entry (4) does not verify under this audit key" in err
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM audit_log").fetchone() == (4,)
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (0,)
