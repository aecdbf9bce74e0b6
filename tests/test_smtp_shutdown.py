"""Stopping: transactions past DATA finish and get their reply; new ones are told 421."""

from __future__ import annotations

import asyncio
import smtplib

from gateway.service import Gateway
from tests.fixtures_smtp import CLEAN_TEXT, Sink, message, submit


async def test_stop_drains_data_and_turns_new_transactions_away(
    smtp_gateway: Gateway, upstream: Sink
) -> None:
    upstream.data_delay = 1.5
    idle = await asyncio.to_thread(smtplib.SMTP, "127.0.0.1", smtp_gateway.smtp_port, timeout=30)
    try:
        await asyncio.to_thread(idle.ehlo, "mta2.example.gov.cn")
        sending = asyncio.create_task(
            submit(
                smtp_gateway.smtp_port, "a@example.gov.cn", ["b@example.com"], message(CLEAN_TEXT)
            )
        )
        async with asyncio.timeout(30):
            while upstream.in_data == 0:
                await asyncio.sleep(0.02)

        stopping = asyncio.create_task(smtp_gateway.stop())
        await asyncio.sleep(0.1)
        code, text = await asyncio.to_thread(idle.mail, "a@example.gov.cn")
        assert (code, text) == (421, b"4.3.2 gateway shutting down, try again later")

        answer = await sending
        assert answer.code == 250 and answer.text.startswith("2.0.0 relayed")
        await stopping
        assert len(upstream.messages) == 1
    finally:
        idle.close()
