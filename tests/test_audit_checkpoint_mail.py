"""Audit checkpoints mailed to the auditors, and a tail cut caught with the auditor's copy.

A real gateway (shared real Inspector) relays to a real aiosmtpd sink or writes to its outbox;
the auditor's copy is the very mail the sink received, saved as an ``.eml`` file; verification
is the real ``dlp-gateway audit verify`` on the real SQLite file.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import sqlite3
from pathlib import Path

import pytest

from gateway.cli import main
from gateway.service import Gateway
from gateway.store.accounts import Accounts
from tests.fixtures_smtp import GatewayFactory, Sink, make_settings, submit
from tests.support.addresses import EXTERNAL, SENDER
from tests.support.settings import AUDIT_KEY

AUDITOR = "shenji@example.gov.cn"
PASSWORD = "long-enough-9"


def _body(raw: bytes) -> str:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    part = parsed.get_body(("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")  # type: ignore[attr-defined]


async def verify(*args: str) -> int:
    """`dlp-gateway audit verify ARGS` (its own event loop, in a thread: as from a shell)."""
    return await asyncio.to_thread(main, ["audit", "verify", *args])


def _head(db: Path) -> tuple[int, str]:
    with sqlite3.connect(db) as conn:
        seq, head = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC").fetchone()
    return int(seq), str(head)


async def _auditor_and_entries(gateway: Gateway) -> None:
    """An auditor account with an address (the recipient), and a few entries after it."""
    assert gateway.sessionmaker is not None
    accounts = Accounts(gateway.sessionmaker, gateway.settings.console)
    await accounts.add("shenji", "auditor", PASSWORD, [AUDITOR], "admin")
    await accounts.add("shen", "reviewer", PASSWORD, ["shen@example.gov.cn"], "admin")
    await accounts.add("li", "approver", PASSWORD, ["li@example.gov.cn"], "admin")


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment `dlp-gateway audit verify` reads: the test gateway's store and key."""
    monkeypatch.setenv("DLP_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("DLP_AUDIT__KEY", AUDIT_KEY.decode())
    monkeypatch.delenv("DLP_DATABASE_URL", raising=False)
    return tmp_path / "var" / "dlp-gateway.sqlite3"


async def test_each_checkpoint_reaches_the_auditors_with_the_head(
    upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory, cli_env: Path
) -> None:
    settings = make_settings(
        tmp_path, upstream.port, audit={"checkpoint_mail": True, "checkpoint_seconds": 3600}
    )
    gateway = await start_gateway(settings)
    await _auditor_and_entries(gateway)
    await gateway.checkpoint()

    [mail] = upstream.to(AUDITOR)
    seq, head = _head(cli_env)
    assert mail.mail_from == "" and mail.rcpt_to == [AUDITOR]  # null sender: never bounces
    parsed = email.message_from_bytes(mail.data, policy=email.policy.default)
    assert str(parsed["Subject"]).startswith(f"【审计检查点】审计日志第 {seq} 条 ")
    assert str(parsed["Subject"]).endswith("（Asia/Shanghai）")
    assert str(parsed["Auto-Submitted"]) == "auto-generated"
    assert gateway.notifier is not None and gateway.notifier.signer.verify(mail.data)
    body = _body(mail.data)
    assert f"序号：{seq}\n" in body and f"末条记录哈希：{head}\n" in body
    assert "dlp-gateway audit verify --auditor-copy" in body
    [line] = (tmp_path / "var" / "audit-checkpoints.jsonl").read_text().splitlines()
    assert f"\n{line}\n" in body  # the very line of the server's file, to paste

    # the head did not move: no new checkpoint, no new mail
    await gateway.checkpoint()
    assert len(upstream.to(AUDITOR)) == 1

    # the gateway's own checkpoint mail coming back through it is passed, not held
    answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], mail.data)
    assert answer.code == 250 and "held" not in answer.text


async def test_a_checkpoint_mail_the_upstream_refuses_is_sent_at_the_next_tick(
    upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory, cli_env: Path
) -> None:
    settings = make_settings(
        tmp_path, upstream.port, audit={"checkpoint_mail": True, "checkpoint_seconds": 3600}
    )
    gateway = await start_gateway(settings)
    await _auditor_and_entries(gateway)
    upstream.replies = ["451 4.3.0 mailbox store busy, try again later"]  # refuses once

    await gateway.checkpoint()
    assert upstream.to(AUDITOR) == [] and upstream.in_data == 1
    assert gateway.metrics.notify_failures_total._value.get() == 1
    seq, head = _head(cli_env)

    await gateway.checkpoint()  # the head did not move: the next tick sends the unsent mail
    [mail] = upstream.to(AUDITOR)
    body = _body(mail.data)
    assert f"序号：{seq}\n" in body and f"末条记录哈希：{head}\n" in body
    [line] = (tmp_path / "var" / "audit-checkpoints.jsonl").read_text().splitlines()
    assert f"\n{line}\n" in body

    await gateway.checkpoint()  # sent: not again
    assert len(upstream.to(AUDITOR)) == 1 and upstream.in_data == 2


async def test_an_unsent_checkpoint_mail_backs_off_and_a_newer_head_replaces_it(
    upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory, cli_env: Path
) -> None:
    settings = make_settings(
        tmp_path, upstream.port, audit={"checkpoint_mail": True, "checkpoint_seconds": 3600}
    )
    gateway = await start_gateway(settings)
    await _auditor_and_entries(gateway)
    upstream.data_reply = "451 4.3.0 down for maintenance"

    # attempts at ticks 1, 2, 4, 8: waits of 1, 2, 4 ticks between them
    attempts = []
    for _ in range(8):
        await gateway.checkpoint()
        attempts.append(upstream.in_data)
    assert attempts == [1, 2, 2, 3, 3, 3, 3, 4]

    upstream.data_reply = None
    await _auditor_and_entries_more(gateway)  # the head moves: its checkpoint goes at once
    await gateway.checkpoint()
    [mail] = upstream.to(AUDITOR)
    assert f"序号：{_head(cli_env)[0]}\n" in _body(mail.data)
    await gateway.checkpoint()
    assert len(upstream.to(AUDITOR)) == 1


async def test_a_tail_cut_with_the_servers_file_cut_too_is_caught_by_the_auditors_copy(
    upstream: Sink,
    tmp_path: Path,
    start_gateway: GatewayFactory,
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = make_settings(
        tmp_path,
        upstream.port,
        audit={
            "checkpoint_mail": True,
            "checkpoint_recipients": [AUDITOR, "audit2@example.gov.cn"],
        },
    )
    gateway = await start_gateway(settings)
    await _auditor_and_entries(gateway)
    await gateway.checkpoint()
    await gateway.stop()
    [mail] = upstream.to(AUDITOR)
    assert mail.rcpt_to == [AUDITOR, "audit2@example.gov.cn"]
    copy = tmp_path / "审计员保存的检查点.eml"
    copy.write_bytes(mail.data)
    seq, _ = _head(cli_env)

    assert await verify("--auditor-copy", str(copy)) == 0
    assert capsys.readouterr().out == (
        f"OK: audit chain intact, {seq} entries, 2 checkpoints match (1 in auditors' copies)\n"
    )

    # the attacker cuts the newest entries and the server's checkpoint file alike
    with sqlite3.connect(cli_env) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq >= ?", (seq - 1,))
    (tmp_path / "var" / "audit-checkpoints.jsonl").write_text("")
    assert await verify() == 0  # the server alone cannot tell
    capsys.readouterr()

    assert await verify("--auditor-copy", str(copy)) == 1
    out = capsys.readouterr().out
    assert out.startswith(
        f"BROKEN at entry {seq - 1}: entries {seq - 1}–{seq} missing: the log ends at {seq - 2} "
    )
    assert out.endswith(f"saw entry {seq} (tail cut; auditor's copy {copy})\n")


async def test_without_a_relay_host_the_checkpoint_mail_lands_in_the_outbox_and_pasted_lines_verify(
    tmp_path: Path,
    start_gateway: GatewayFactory,
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = make_settings(tmp_path, None, audit={"checkpoint_mail": True})
    gateway = await start_gateway(settings)
    await _auditor_and_entries(gateway)
    await gateway.checkpoint()
    [eml] = (tmp_path / "var" / "outbox").glob("*.eml")
    body = _body(eml.read_bytes())
    assert f"序号：{_head(cli_env)[0]}\n" in body

    # the auditor pasted the mail's text (as their mail client shows it) into a file
    pasted = tmp_path / "pasted.txt"
    pasted.write_text("转发的邮件：\n> " + body.replace("\n", "\n> "), encoding="utf-8")
    seq = _head(cli_env)[0]
    with sqlite3.connect(cli_env) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq > 1")
    (tmp_path / "var" / "audit-checkpoints.jsonl").unlink()
    assert await verify("--auditor-copy", str(pasted)) == 1
    assert capsys.readouterr().out.endswith(
        f"saw entry {seq} (tail cut; auditor's copy {pasted})\n"
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("nothing to see\n", "no checkpoint line found in it"),
        (None, "No such file or directory"),
    ],
)
def test_a_useless_auditors_copy_is_one_line(
    content: str | None,
    problem: str,
    tmp_path: Path,
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    copy = tmp_path / "copy.txt"
    if content is not None:
        copy.write_text(content)
    assert main(["audit", "verify", "--auditor-copy", str(copy)]) == 2
    assert capsys.readouterr().err == f"dlp-gateway: auditor's copy {copy}: {problem}\n"


async def test_a_forged_line_in_the_auditors_copy_is_refused(
    upstream: Sink,
    tmp_path: Path,
    start_gateway: GatewayFactory,
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    gateway = await start_gateway(
        make_settings(tmp_path, upstream.port, audit={"checkpoint_mail": True})
    )
    await _auditor_and_entries(gateway)
    await gateway.checkpoint()
    assert len(upstream.to(AUDITOR)) == 1
    line = (tmp_path / "var" / "audit-checkpoints.jsonl").read_text().strip()
    forged = tmp_path / "forged.txt"
    forged.write_text(line.replace('"seq":', '"seq":9', 1))
    assert await verify("--auditor-copy", str(forged)) == 1
    assert capsys.readouterr().out == (
        f"BROKEN: auditor's copy {forged}: checkpoint 1 has a bad signature (edited)\n"
    )


async def test_two_instances_on_one_database_mail_each_head_once(
    upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory, cli_env: Path
) -> None:
    url = f"sqlite+aiosqlite:///{cli_env}"
    audit_settings = {"checkpoint_mail": True, "checkpoint_seconds": 3600}
    first = await start_gateway(
        make_settings(tmp_path, upstream.port, database_url=url, audit=audit_settings)
    )
    second = await start_gateway(
        make_settings(tmp_path / "b", upstream.port, database_url=url, audit=audit_settings)
    )
    await _auditor_and_entries(first)
    await first.checkpoint()
    await second.checkpoint()
    assert len(upstream.to(AUDITOR)) == 1
    for data_dir in (tmp_path / "var", tmp_path / "b" / "var"):  # each keeps its own file
        assert len((data_dir / "audit-checkpoints.jsonl").read_text().splitlines()) == 1
    await _auditor_and_entries_more(second)
    await second.checkpoint()
    await first.checkpoint()
    assert len(upstream.to(AUDITOR)) == 2


async def test_a_refused_checkpoint_mail_is_sent_once_by_whichever_instance_retries_first(
    upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory, cli_env: Path
) -> None:
    url = f"sqlite+aiosqlite:///{cli_env}"
    audit_settings = {"checkpoint_mail": True, "checkpoint_seconds": 3600}
    first = await start_gateway(
        make_settings(tmp_path, upstream.port, database_url=url, audit=audit_settings)
    )
    second = await start_gateway(
        make_settings(tmp_path / "b", upstream.port, database_url=url, audit=audit_settings)
    )
    await _auditor_and_entries(first)
    upstream.replies = ["451 4.3.0 try again later"]
    await first.checkpoint()  # refused: the claim is given back
    assert upstream.to(AUDITOR) == []
    await second.checkpoint()  # the same head from the other instance's file: it sends
    await first.checkpoint()  # the retry finds the head mailed
    await first.checkpoint()
    [mail] = upstream.to(AUDITOR)
    assert f"序号：{_head(cli_env)[0]}\n" in _body(mail.data)


async def _auditor_and_entries_more(gateway: Gateway) -> None:
    assert gateway.sessionmaker is not None
    accounts = Accounts(gateway.sessionmaker, gateway.settings.console)
    await accounts.add("wang", "auditor", PASSWORD, [], "admin")
