"""Sender release requests (业务理由): the held notice carries a signed, expiring link; the sender
writes a justification once; officers see it on the case. Real SMTP in, notice caught at the sink."""

from __future__ import annotations

import asyncio
import email
import email.policy
import re
from pathlib import Path

import requests

from gateway.notify import LinkRefused, check_link, link_token
from gateway.store import audit
from gateway.store.models import Case
from tests.fixtures_console import add_officers, sign_in
from tests.fixtures_smtp import SENSITIVE_TEXT, GatewayFactory, Sink, make_settings, message, submit
from tests.support.addresses import EXTERNAL, OFFICER, SENDER

LINK = re.compile(r"https?://\S+?(/request/[\w.-]+)")


def notice_text(raw: bytes) -> str:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    body = parsed.get_body(("plain",))  # type: ignore[attr-defined]
    assert body is not None
    return str(body.get_content())


async def test_the_sender_justifies_through_the_notice_link(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    settings = make_settings(tmp_path, upstream.port)
    gateway = await start_gateway(settings, console_port=0)
    assert gateway.sessionmaker is not None
    await add_officers(gateway.sessionmaker, settings)
    held = await submit(gateway.smtp_port, SENDER, [EXTERNAL], message(SENSITIVE_TEXT))
    assert held.code == 250
    case_id = held.text.rsplit(" ", 1)[1]
    await gateway.wait_background()

    [notice] = [m for m in upstream.handler.notices() if m.rcpt_to == [SENDER]]
    text = notice_text(notice.data)
    match = LINK.search(text)
    assert match is not None and "说明业务理由" in text
    base = f"http://127.0.0.1:{gateway.console_port}"
    url = base + match.group(1)

    form = await asyncio.to_thread(requests.get, url, timeout=10)
    assert form.status_code == 200 and case_id in form.text and 'name="justification"' in form.text
    assert "征地拆迁" not in form.text  # the sender's summary only: no findings, no categories
    tampered = url[:-1] + ("0" if url[-1] != "0" else "1")
    refused = await asyncio.to_thread(requests.get, tampered, timeout=10)
    assert refused.status_code == 403 and "链接无效" in refused.text

    sent = await asyncio.to_thread(
        requests.post, url, data={"justification": "对方为合作设计院，已经分管领导批准"}, timeout=10
    )
    assert sent.status_code == 200 and "业务理由已提交" in sent.text
    again = await asyncio.to_thread(
        requests.post, url, data={"justification": "再说一次"}, timeout=10
    )
    assert again.status_code == 409 and "仅限一次" in again.text
    told = [
        notice_text(m.data)
        for m in upstream.handler.notices()
        if m.rcpt_to == [OFFICER] and "提交了业务理由" in notice_text(m.data)
    ]
    assert len(told) == 1 and "对方为合作设计院，已经分管领导批准" in told[0]  # officers told once

    officer = await asyncio.to_thread(sign_in, base, "shen")
    page = await asyncio.to_thread(officer.get, f"{base}/cases/{case_id}", timeout=10)
    assert 'id="sender-request"' in page.text and "对方为合作设计院，已经分管领导批准" in page.text
    queue = await asyncio.to_thread(officer.get, f"{base}/cases", timeout=10)
    assert "发件人已说明理由" in queue.text

    entries, _ = await audit.list_entries(gateway.sessionmaker, action="sender_request")
    [entry] = entries
    assert (entry.actor, entry.target) == (SENDER, case_id)
    assert entry.detail["justification"] == "对方为合作设计院，已经分管领导批准"
    assert entry.detail["channel"] == "sender-link"
    async with gateway.sessionmaker() as session:
        stored = await session.get(Case, case_id)
    assert stored is not None and stored.state == "pending"  # a request decides nothing


def test_links_are_single_purpose_and_expire() -> None:
    key = b"k" * 32
    token = link_token(key, "Q20261205-ABCDEF", 2_000_000_000)
    assert check_link(key, token) == "Q20261205-ABCDEF"
    for bad in (
        token.replace("Q20261205-ABCDEF", "Q20261205-ZZZZZZ"),
        link_token(b"x" * 32, "Q20261205-ABCDEF", 2_000_000_000),
        "Q20261205-ABCDEF.2000000000",
        "nonsense",
    ):
        try:
            check_link(key, bad)
        except LinkRefused as exc:
            assert str(exc) == "链接无效" and not exc.expired
        else:
            raise AssertionError(bad)
    try:
        check_link(key, link_token(key, "Q20261205-ABCDEF", 1_000_000_000))
    except LinkRefused as exc:
        assert exc.expired and str(exc) == "链接已过期"
    else:
        raise AssertionError("expired link accepted")
