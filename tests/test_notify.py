"""Notices: what the sender and the officers receive when mail is held, and what they never do."""

from __future__ import annotations

import asyncio
import email
import email.policy
import io
import re
import zipfile
from datetime import UTC, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select

from gateway.metrics import Metrics
from gateway.notify import Notifier
from gateway.service import Gateway
from gateway.store.keys import finish_rotation, load_key, prepare_rotation
from gateway.store.models import Case, CaseEvent
from tests.fixtures_smtp import (
    SECRET_TEXT,
    SENSITIVE_TEXT,
    GatewayFactory,
    Sink,
    make_settings,
    message,
    submit,
)
from tests.support.addresses import EXTERNAL, OFFICER, SENDER


def parse(data: bytes) -> EmailMessage:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def body(msg: EmailMessage) -> str:
    part = msg.get_body(("plain",))
    assert part is not None
    return str(part.get_content())


async def cases_of(gateway: Gateway) -> list[Case]:
    assert gateway.sessionmaker is not None
    async with gateway.sessionmaker() as session:
        return list((await session.scalars(select(Case))).all())


async def events(gateway: Gateway, case_id: str) -> list[str]:
    assert gateway.sessionmaker is not None
    async with gateway.sessionmaker() as session:
        rows = await session.scalars(
            select(CaseEvent.action).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        )
        return list(rows)


async def test_held_mail_notifies_sender_and_officers_without_the_secret(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    answer = await submit(
        smtp_gateway.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT, subject="补偿方案")
    )
    case_id = answer.text.rsplit(" ", 1)[1]
    await smtp_gateway.wait_background()

    [to_sender] = upstream.to(SENDER)
    [to_officers] = upstream.to(OFFICER)
    for notice in (to_sender, to_officers):
        assert notice.mail_from == ""  # null reverse-path: a notice never bounces (RFC 3834)
        parsed = parse(notice.data)
        assert parsed["Auto-Submitted"] == "auto-generated"
        text = body(parsed) + str(parsed["Subject"])
        assert case_id in text
        assert "征地拆迁补偿方案" not in text and "补偿方案" not in str(parsed["Subject"])
    sender_text = body(parse(to_sender.data))
    assert "已被扣留" in sender_text and "等待保密员审核" in sender_text
    # the sender (internal) is told which mail: its subject, when (in Asia/Shanghai), to whom
    [case] = await cases_of(smtp_gateway)
    sent = case.received_at.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    assert "邮件主题：补偿方案" in sender_text
    assert f"发送时间：{sent:%Y-%m-%d %H:%M}" in sender_text and EXTERNAL in sender_text
    assert "征地拆迁" in sender_text or "land" in sender_text  # the category name
    officer_text = body(parse(to_officers.data))
    assert f"/cases/{case_id}" in officer_text and SENDER in officer_text
    assert await events(smtp_gateway, case_id) == [
        "received",
        "held",
        "notified_sender",
        "notified_officers",
    ]


async def test_the_held_notice_names_the_deadline_and_whom_to_contact(
    upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory
) -> None:
    contact = "保密办 王老师，电话 0571-8700 0000"
    gateway = await start_gateway(
        make_settings(
            tmp_path,
            upstream.port,
            notify={"contact": contact},
            quarantine={"expire_after_days": 3},
        )
    )
    await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT, subject="方案"))
    await gateway.wait_background()

    [to_sender] = upstream.to(SENDER)
    text = body(parse(to_sender.data))
    [case] = await cases_of(gateway)
    received = case.received_at.replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Shanghai"))
    deadline = received + timedelta(days=3)
    assert f"如在 {deadline:%Y-%m-%d %H:%M} 前无人处理，邮件将过期作废" in text
    assert f"如有疑问，请联系：{contact}（请提供案件编号）。" in text
    assert "征地拆迁" in text  # the category, by its Chinese name


async def test_an_external_sender_is_told_nothing(smtp_gateway: Gateway, upstream: Sink) -> None:
    outsider = "someone@outside.example.com"
    answer = await submit(smtp_gateway.smtp_port, outsider, [EXTERNAL], message(SENSITIVE_TEXT))
    assert answer.text.startswith("2.6.0 held for review")
    await smtp_gateway.wait_background()
    assert upstream.to(outsider) == []  # not even that a case exists
    assert upstream.to(OFFICER)  # the officers still hear of it
    metrics = smtp_gateway.metrics.render()[0].decode()
    assert 'dlp_notify_skipped_total{reason="external_sender"} 1.0' in metrics


async def test_blocked_mail_tells_the_sender(smtp_gateway: Gateway, upstream: Sink) -> None:
    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], message(SECRET_TEXT))
    assert answer.code == 550
    await smtp_gateway.wait_background()

    [notice] = upstream.to(SENDER)
    text = body(parse(notice.data))
    assert "已被拦截" in text and "秘密★" not in text


async def test_no_notice_to_a_bounce_sender(smtp_gateway: Gateway, upstream: Sink) -> None:
    answer = await submit(smtp_gateway.smtp_port, "", [EXTERNAL], message(SENSITIVE_TEXT))
    assert answer.code == 250
    await smtp_gateway.wait_background()

    assert [m.rcpt_to for m in upstream.messages] == [[OFFICER]]


async def test_no_notice_in_answer_to_automatic_mail(smtp_gateway: Gateway, upstream: Sink) -> None:
    raw = message(SENSITIVE_TEXT, extra_headers="Auto-Submitted: auto-replied\r\n")
    assert (await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], raw)).code == 250
    await smtp_gateway.wait_background()

    assert upstream.to(SENDER) == []


async def test_own_notice_passes_back_through_the_gateway(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    assert smtp_gateway.notifier is not None
    notice = smtp_gateway.notifier.build(
        "Q20261127-ABCDEF", [EXTERNAL], "【邮件已扣留待审】", ["征地拆迁补偿方案"]
    )
    answer = await submit(smtp_gateway.smtp_port, "", [EXTERNAL], notice)
    assert answer.code == 250 and answer.text.startswith("2.0.0 relayed")

    # Anyone can copy the header; without the gateway's key the signature does not verify.
    forged = re.sub(rb"(Q20261127-ABCDEF\s+)[0-9a-f]{64}", rb"\g<1>" + b"0" * 64, notice)
    assert forged != notice
    answer = await submit(smtp_gateway.smtp_port, "", [EXTERNAL], forged)
    assert answer.text.startswith("2.6.0 held for review as ")


async def test_failed_notice_is_counted_and_never_loses_the_mail(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    upstream.rcpt_replies[SENDER] = "550 5.1.1 no such user"
    upstream.rcpt_replies[OFFICER] = "451 4.3.0 try again later"

    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT))
    assert answer.code == 250
    await smtp_gateway.wait_background()

    case_id = answer.text.rsplit(" ", 1)[1]
    assert await events(smtp_gateway, case_id) == [
        "received",
        "held",
        "notify_failed",
        "notify_failed",
    ]
    assert "dlp_notify_failures_total 2.0" in smtp_gateway.metrics.render()[0].decode()
    assert upstream.messages == []


async def test_notices_of_held_mails_arriving_together_share_one_upstream_session(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    # a slow smarthost: sent each from its own task, the second case's notices would need a
    # second connection while the first's are still in DATA
    upstream.data_delay = 0.2
    answers = await asyncio.gather(
        *(
            submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT))
            for _ in range(2)
        )
    )
    await smtp_gateway.wait_background()

    case_ids = {a.text.rsplit(" ", 1)[1] for a in answers}
    assert all(a.text.startswith("2.6.0 held for review as ") for a in answers)
    assert len(case_ids) == 2
    assert len(upstream.to(SENDER)) == 2 and len(upstream.to(OFFICER)) == 2
    assert {m.mail_from for m in upstream.messages} == {""}
    assert upstream.connections == 1  # one SMTP session, one transaction per notice
    for case_id in case_ids:
        notices = [m for m in upstream.messages if case_id.encode() in m.data]
        assert len(notices) == 2
        assert await events(smtp_gateway, case_id) == [
            "received",
            "held",
            "notified_sender",
            "notified_officers",
        ]


async def test_a_deferred_notice_is_retried_and_the_hold_is_kept(
    upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory
) -> None:
    gateway: Gateway = await start_gateway(
        make_settings(tmp_path, upstream.port, notify={"retry_seconds": 0.3})
    )
    upstream.replies.append("451 4.3.0 mailbox busy, try again later")  # the first DATA only

    answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT))
    assert answer.text.startswith("2.6.0 held for review as ")
    case_id = answer.text.rsplit(" ", 1)[1]
    await gateway.wait_background()
    # the officers' notice went; the sender's was deferred and waits for its retry
    assert [m.rcpt_to for m in upstream.messages] == [[OFFICER]]
    assert gateway.notifier is not None and gateway.notifier.queue.waiting_retries == 1

    await upstream.wait_for(2, timeout=10)
    [to_sender] = upstream.to(SENDER)
    assert case_id in body(parse(to_sender.data))
    [case] = await cases_of(gateway)
    assert case.id == case_id and case.state == "pending" and case.raw is not None
    async with asyncio.timeout(5):
        while "notified_sender" not in await events(gateway, case_id):
            await asyncio.sleep(0.05)
    assert await events(gateway, case_id) == [
        "received",
        "held",
        "notify_failed",
        "notified_officers",
        "notified_sender",
    ]
    assert "dlp_notify_failures_total 1.0" in gateway.metrics.render()[0].decode()


def test_notice_builder_marks_and_encodes(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, None)

    class NoRelay:
        async def send(self, mail_from: str, rcpt_to: object, raw: bytes) -> str:
            return "ok"

        async def close(self) -> None:
            return None

    notifier = Notifier(NoRelay(), settings, Metrics())
    raw = notifier.build(
        "Q20261127-ABCDEF", ["a@example.com"], "【邮件已退回】", ["退回原因：测试"]
    )
    parsed = parse(raw)
    assert str(parsed["Subject"]) == "【邮件已退回】"
    assert "退回原因：测试" in body(parsed)
    assert notifier.signer.verify(raw)
    # another instance (or this one restarted) with the same audit key: the same default key
    assert Notifier(NoRelay(), make_settings(tmp_path, None), Metrics()).signer.verify(raw)
    # an explicit notify.signing_key wins over the derived one
    own = make_settings(tmp_path, None, notify={"signing_key": "another-key-0123456789abcdef"})
    assert not Notifier(NoRelay(), own, Metrics()).signer.verify(raw)
    other = make_settings(tmp_path, None, audit={"key": "a-different-audit-key-0123456789abc"})
    assert not Notifier(NoRelay(), other, Metrics()).signer.verify(raw)
    # after `audit rotate-key` the notices and senders' links issued before it still verify
    files = prepare_rotation(settings, load_key(settings), tmp_path / "new.key")
    rotated = make_settings(
        tmp_path, None, audit={"key": finish_rotation(settings, files).read_text()}
    )
    assert load_key(rotated) != load_key(settings)
    assert Notifier(NoRelay(), rotated, Metrics()).signer.verify(raw)


async def test_daily_digest_lists_waiting_cases(smtp_gateway: Gateway, upstream: Sink) -> None:
    first = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT))
    second = await submit(smtp_gateway.smtp_port, "", [EXTERNAL], message(SENSITIVE_TEXT))
    await smtp_gateway.wait_background()
    upstream.messages.clear()

    await smtp_gateway.send_digest()

    [digest] = upstream.messages
    assert digest.rcpt_to == [OFFICER]
    text = body(parse(digest.data))
    assert "共有 2 封邮件等待审核" in text
    for answer in (first, second):
        assert answer.text.rsplit(" ", 1)[1] in text
    assert "补偿方案" not in text


async def test_an_unscannable_hold_says_what_could_not_be_read(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        info = zipfile.ZipInfo("名单.xlsx")
        info.flag_bits |= 0x1  # the member says it is encrypted: nobody can read it
        zf.writestr(info, b"\x00" * 64)
    raw = message("请查收。", attachment=("资料.zip", buffer.getvalue(), "application/zip"))
    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], raw)
    assert answer.text.startswith("2.6.0 held for review")
    await smtp_gateway.wait_background()
    [notice] = upstream.to(SENDER)
    text = body(parse(notice.data))
    assert "含有无法检查的内容" in text, text
    assert "· 附件 资料.zip › 名单.xlsx：" in text, text  # where, and why in plain Chinese
    assert "无命中类别" not in text
