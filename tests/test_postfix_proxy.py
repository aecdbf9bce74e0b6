"""A real Postfix with the gateway as its before-queue filter (``smtpd_proxy_filter``).

The sender's client talks to Postfix's smtpd (port A), which holds the conversation open and
proxies it to the gateway; the gateway's answer to DATA is what the client reads, so a
``reject`` category is a 550 at the sender's own client and nothing is queued. Clean mail goes
from the gateway to Postfix's reinjection smtpd (port B, no filter), into the queue, and out
through ``relayhost`` to the upstream sink. The private instance is the one of
``tests/test_postfix.py`` with the two smtpd services added.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.store.models import Case
from tests.fixtures_smtp import (
    CLEAN_TEXT,
    SECRET_TEXT,
    SENSITIVE_TEXT,
    GatewayFactory,
    Sink,
    free_port,
    make_settings,
    message,
    submit,
)
from tests.test_postfix import PostfixInstance, postfix_root

__all__ = ["postfix_root"]  # the fixture, imported for this module's tests

pytestmark = [pytest.mark.postfix, pytest.mark.slow]
SENDER = "zhang.san@example.gov.cn"


def proxy_services(port_in: int, port_reinject: int, gateway_port: int) -> str:
    """The master.cf lines docs/deployment.md shows, on loopback test ports."""
    return (
        f"127.0.0.1:{port_in} inet n - n - - smtpd\n"
        f"  -o smtpd_proxy_filter=127.0.0.1:{gateway_port}\n"
        "  -o smtpd_proxy_timeout=120s\n"
        f"127.0.0.1:{port_reinject} inet n - n - - smtpd\n"
        "  -o smtpd_proxy_filter=\n"
        "  -o smtpd_client_restrictions=permit_mynetworks,reject\n"
        "  -o content_filter=\n"
        "  -o receive_override_options=no_unknown_recipient_checks\n"
    )


async def test_postfix_before_queue_filter_550_held_and_clean(
    upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory, postfix_root: Path
) -> None:
    port_in, port_reinject = free_port(), free_port()
    gateway = await start_gateway(make_settings(tmp_path, port_reinject))
    instance = PostfixInstance(postfix_root, upstream.port)  # relayhost: the sink
    master = instance.conf / "master.cf"
    master.write_text(
        master.read_text() + proxy_services(port_in, port_reinject, gateway.smtp_port)
    )
    started = await asyncio.to_thread(instance.postfix, "start")
    assert started.returncode == 0, started.stderr + instance.maillog()
    try:
        async with asyncio.timeout(60):  # smtpd listening
            while True:
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port_in)
                except OSError:
                    await asyncio.sleep(0.2)
                    continue
                writer.close()
                break
        rejected = await submit(
            port_in, SENDER, ["outside@example.com"], message(SECRET_TEXT, to="outside@example.com")
        )
        held = await submit(
            port_in, SENDER, ["other@example.com"], message(SENSITIVE_TEXT, to="other@example.com")
        )
        clean = await submit(
            port_in, SENDER, ["partner@example.com"], message(CLEAN_TEXT, to="partner@example.com")
        )
        async with asyncio.timeout(90):  # through reinjection, the queue and relayhost
            while not upstream.to("partner@example.com"):
                await asyncio.sleep(0.2)
    except TimeoutError:
        pytest.fail("mail did not arrive; Postfix log:\n" + instance.maillog())
    finally:
        await asyncio.to_thread(instance.postfix, "stop")

    # the sender's own client reads the gateway's verdicts
    assert (rejected.stage, rejected.code) == ("data", 550), rejected
    assert rejected.text.startswith("5.7.1 blocked by data-protection policy"), rejected
    assert (held.stage, held.code) == ("data", 250), held
    assert held.text.startswith("2.6.0 held for review as "), held
    assert (clean.stage, clean.code) == ("data", 250), clean

    assert gateway.sessionmaker is not None
    async with gateway.sessionmaker() as session:
        cases = {c.id: c for c in (await session.scalars(select(Case))).all()}
    case_id = held.text.removeprefix("2.6.0 held for review as ").split()[0]
    assert cases[case_id].state == "pending"
    assert cases[case_id].rcpt_to == ["other@example.com"]
    assert upstream.to("other@example.com") == []
    assert upstream.to("outside@example.com") == []
    [delivered] = upstream.to("partner@example.com")
    assert delivered.mail_from == SENDER
    assert CLEAN_TEXT.encode() in delivered.data.replace(b"\r\n", b"\n")
    log = instance.maillog()
    assert "proxy-reject" in log and "550 5.7.1" in log  # Postfix logged the refusal
