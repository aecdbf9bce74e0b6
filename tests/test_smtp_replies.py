"""DESIGN's reply table, row by row, over real SMTP on loopback (smtplib → gateway → sink)."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select, text

from gateway.service import Gateway
from gateway.store.models import Case, CaseState
from tests.fixtures_smtp import (
    CLEAN_TEXT,
    SECRET_TEXT,
    SENSITIVE_TEXT,
    GatewayFactory,
    KeywordInspector,
    Sink,
    free_port,
    make_settings,
    message,
    submit,
)
from tests.support.addresses import EXTERNAL, INTERNAL, SENDER

HELD = re.compile(r"^2\.6\.0 held for review as (Q\d{8}-[0-9A-HJKMNP-TV-Z]{6})$")


async def cases(gateway: Gateway) -> list[Case]:
    assert gateway.sessionmaker is not None
    async with gateway.sessionmaker() as session:
        return list((await session.scalars(select(Case).order_by(Case.received_at))).all())


async def test_clean_mail_reaches_upstream_intact(smtp_gateway: Gateway, upstream: Sink) -> None:
    raw = message(CLEAN_TEXT)
    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], raw)

    assert answer.code == 250
    assert answer.text == "2.0.0 relayed, upstream said: 2.0.0 Ok: queued as SINK0001"
    [got] = upstream.messages
    assert got.mail_from == SENDER and got.rcpt_to == [EXTERNAL]
    # RFC 5321 §4.4: our trace line on top, then the message byte for byte.
    assert got.data.endswith(raw)
    trace = got.data[: -len(raw)].decode().split("\r\n")
    assert trace[0] == "Received: from mta.example.gov.cn ([127.0.0.1])"
    assert trace[-1] == "" and all(line.startswith("\t") for line in trace[1:-1])
    assert re.match(r"\tby dlp-gateway \(dlp-gateway\) with ESMTP id [0-9A-F]{12}$", trace[1])
    assert await cases(smtp_gateway) == []


async def test_sensitive_mail_is_held_and_never_reaches_upstream(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    raw = message(SENSITIVE_TEXT, subject="补偿测算")
    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], raw)

    assert answer.code == 250
    match = HELD.match(answer.text)
    assert match, answer.text
    [case] = await cases(smtp_gateway)
    assert case.id == match.group(1)
    assert case.state == CaseState.PENDING
    assert case.rcpt_to == [EXTERNAL] and case.mail_from == SENDER
    assert case.raw is not None and case.raw.endswith(raw)
    assert "land" in case.category_ids
    assert case.client_addr == "127.0.0.1" and case.helo == "mta.example.gov.cn"
    await smtp_gateway.wait_background()
    assert upstream.to(EXTERNAL) == []  # only notices went out, never the message


async def test_reject_category_gets_550_and_is_recorded(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], message(SECRET_TEXT))

    assert answer.code == 550
    [case, *_] = await cases(smtp_gateway)
    assert case.state == CaseState.BLOCKED
    blocking = [
        c for c in case.categories if c["action"] == "reject" and c["score"] >= c["threshold"]
    ]
    # DESIGN: category ids in plain ESMTP (RFC 5321 §4.2 reply text is ASCII) …
    ids = ", ".join(c["id"] for c in blocking)
    assert answer.text == f"5.7.1 blocked by data-protection policy ({ids})"
    assert answer.text.isascii()
    utf8 = await submit(
        smtp_gateway.smtp_port, SENDER, [EXTERNAL], message(SECRET_TEXT), mail_options=("SMTPUTF8",)
    )
    # … and their names for a client that used SMTPUTF8 (RFC 6531).
    names = ", ".join(c["name"] for c in blocking)
    assert (utf8.code, utf8.text) == (550, f"5.7.1 blocked by data-protection policy ({names})")
    assert case.id and case.raw is not None
    await smtp_gateway.wait_background()
    assert upstream.to(EXTERNAL) == []


async def test_upstream_down_is_451_and_nothing_kept(
    tmp_path: Path, start_gateway: GatewayFactory
) -> None:
    gateway = await start_gateway(make_settings(tmp_path, free_port()))
    answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(CLEAN_TEXT))

    assert answer.code == 451
    assert answer.text.startswith("4.4.1 upstream 127.0.0.1:")
    assert await cases(gateway) == []


async def test_upstream_temporary_refusal_is_451(smtp_gateway: Gateway, upstream: Sink) -> None:
    upstream.data_reply = "452 4.3.1 insufficient system storage"
    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], message(CLEAN_TEXT))

    assert answer.code == 451
    assert answer.text.startswith("4.4.0 upstream deferred the message")
    assert "452 4.3.1 insufficient system storage" in answer.text
    assert await cases(smtp_gateway) == []


async def test_upstream_permanent_refusal_is_passed_on(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    upstream.data_reply = "550 5.7.1 message refused by upstream policy"
    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], message(CLEAN_TEXT))

    assert (answer.code, answer.text) == (550, "5.7.1 message refused by upstream policy")
    assert await cases(smtp_gateway) == []


async def test_upstream_refusing_one_recipient_delivers_to_none(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    upstream.rcpt_replies["nobody@example.com"] = "550 5.1.1 no such user"
    answer = await submit(
        smtp_gateway.smtp_port, SENDER, [EXTERNAL, "nobody@example.com"], message(CLEAN_TEXT)
    )

    assert answer.code == 550
    assert "5.1.1 no such user" in answer.text
    assert upstream.messages == []  # all or nothing: the client's bounce is the whole truth


async def test_store_unavailable_is_451_and_nothing_relayed(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    assert smtp_gateway.sessionmaker is not None
    async with smtp_gateway.sessionmaker() as session, session.begin():
        await session.execute(text("DROP TABLE case_events"))
        await session.execute(text("DROP TABLE cases"))

    answer = await submit(smtp_gateway.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT))

    assert (answer.code, answer.text) == (
        451,
        "4.3.0 quarantine store unavailable, try again later",
    )
    await smtp_gateway.wait_background()
    assert upstream.messages == []


async def test_inspection_timeout_holds_the_message(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    # The one stand-in: an inspector that never answers in time, to show the outer deadline.
    settings = make_settings(tmp_path, upstream.port, limits={"timeout": 0.3})
    gateway = await start_gateway(settings, inspector=KeywordInspector(delay=30))
    answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(CLEAN_TEXT))

    assert answer.code == 250 and HELD.match(answer.text), answer.text
    [case] = await cases(gateway)
    assert [u["reason"] for u in case.unscannable] == ["timeout"]
    assert case.severity == "high"
    await gateway.wait_background()
    assert upstream.to(EXTERNAL) == []


async def test_inspector_fault_holds_and_never_leaks_its_text(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    class Broken(KeywordInspector):
        async def inspect(self, raw: bytes):  # type: ignore[no-untyped-def]
            raise RuntimeError("/secret/path exploded")

    gateway = await start_gateway(make_settings(tmp_path, upstream.port), inspector=Broken())
    answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(CLEAN_TEXT))

    assert answer.code == 250 and HELD.match(answer.text)
    [case] = await cases(gateway)
    assert [u["reason"] for u in case.unscannable] == ["error"]


async def test_unknown_fault_is_451_without_exception_text(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    class ExplodingRelay:
        async def send(self, mail_from: str, rcpt_to: object, raw: bytes) -> str:
            raise RuntimeError("secret internal detail")

        async def close(self) -> None:
            return None

    gateway = await start_gateway(make_settings(tmp_path, upstream.port), relay=ExplodingRelay())
    answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(CLEAN_TEXT))

    assert (answer.code, answer.text) == (451, "4.3.0 temporary gateway failure, try again later")
    assert "secret" not in answer.text


async def test_mixed_recipients_internal_delivered_external_held(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    raw = message(SENSITIVE_TEXT)
    answer = await submit(smtp_gateway.smtp_port, SENDER, [INTERNAL, EXTERNAL], raw)

    assert answer.code == 250 and HELD.match(answer.text)
    [delivered] = upstream.to(INTERNAL)
    assert delivered.rcpt_to == [INTERNAL] and delivered.data.endswith(raw)
    [case] = await cases(smtp_gateway)
    assert case.rcpt_to == [EXTERNAL]
    await smtp_gateway.wait_background()
    assert upstream.to(EXTERNAL) == []


async def test_internal_only_mail_is_not_held(smtp_gateway: Gateway, upstream: Sink) -> None:
    answer = await submit(smtp_gateway.smtp_port, SENDER, [INTERNAL], message(SENSITIVE_TEXT))

    assert answer.code == 250 and answer.text.startswith("2.0.0 relayed")
    assert len(upstream.to(INTERNAL)) == 1
    assert await cases(smtp_gateway) == []


async def test_scan_internal_holds_internal_only_mail(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    settings = make_settings(tmp_path, upstream.port, scan_internal=True)
    gateway = await start_gateway(settings)
    answer = await submit(gateway.smtp_port, SENDER, [INTERNAL], message(SENSITIVE_TEXT))

    assert HELD.match(answer.text)
    [case] = await cases(gateway)
    assert case.rcpt_to == [INTERNAL]


async def test_mixed_recipients_internal_failure_is_kept_for_retry(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    upstream.rcpt_replies[INTERNAL] = "451 4.2.0 mailbox busy"
    answer = await submit(
        smtp_gateway.smtp_port, SENDER, [INTERNAL, EXTERNAL], message(SENSITIVE_TEXT)
    )

    # The external copy is held, so a 4xx would make the client hold it twice: the internal
    # copy is kept in the store and retried by the release job instead.
    held = HELD.match(answer.text)
    assert answer.code == 250 and held
    by_state = {c.state: c for c in await cases(smtp_gateway)}
    assert by_state[CaseState.PENDING].rcpt_to == [EXTERNAL]
    retry = by_state[CaseState.RELEASE_PENDING]
    assert retry.rcpt_to == [INTERNAL] and retry.verdict == "pass"
    assert "4.2.0 mailbox busy" in (retry.last_release_error or "")
    assert upstream.to(INTERNAL) == []

    # The release job retries it; once upstream takes it, the internal copy arrives once.
    del upstream.rcpt_replies[INTERNAL]
    assert smtp_gateway.review is not None
    assert await smtp_gateway.review.deliver_pending() == 1
    [delivered] = [m for m in upstream.to(INTERNAL) if m.mail_from == SENDER]
    assert delivered.rcpt_to == [INTERNAL]
    assert await smtp_gateway.review.deliver_pending() == 0


async def test_real_inspection_overrunning_its_limit_is_held(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    from gateway.inspection import Inspector

    settings = make_settings(tmp_path, upstream.port, limits={"timeout": 0.05, "workers": 1})
    inspector = Inspector(settings.scope_dir, settings.limits)
    await inspector.start()
    try:
        gateway = await start_gateway(settings, inspector=inspector)
        big = message(CLEAN_TEXT * 20000)  # ~2 MB of text: far more than 50 ms of work
        answer = await submit(gateway.smtp_port, SENDER, [EXTERNAL], big)
        assert answer.code == 250 and HELD.match(answer.text), answer.text
        [case] = await cases(gateway)
        assert [u["reason"] for u in case.unscannable] == ["timeout"]
        await gateway.wait_background()
        assert upstream.to(EXTERNAL) == []
    finally:
        await inspector.close()
