"""Under hostile load the gateway stays bounded: a saturated inspection queue answers 4xx
(clean mail is never held for waiting), connections are limited, trickling DATA is cut."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from sqlalchemy import func, select

from gateway.inspection import Inspector
from gateway.settings import LimitSettings
from gateway.store.models import Case
from tests.fixtures_extract import HANG
from tests.fixtures_extract import message as mail_with
from tests.fixtures_smtp import (
    CLEAN_TEXT,
    GatewayFactory,
    Sink,
    make_settings,
    message,
    submit,
)

HOOK = "tests.fixtures_extract:install_hostile_extractors"
SENDER = "zhang.san@example.gov.cn"


async def test_hostile_message_in_flight_makes_clean_mail_wait_4xx_not_held(
    tmp_path: Path, upstream: Sink, start_gateway: GatewayFactory
) -> None:
    """One worker busy with a message that never finishes (a bomb-like attachment): a clean
    message that finds no free worker within limits.queue_wait gets 451 4.3.2 — nothing is
    relayed or held for it — and the hostile one alone is held as a timeout."""
    limits = {"workers": 1, "timeout": 4.0, "queue_wait": 0.5}
    scope = make_settings(tmp_path, None).scope_dir
    inspector = Inspector(scope, LimitSettings(**limits), worker_init=HOOK)  # type: ignore[arg-type]
    await asyncio.wait_for(inspector.start(), 60)
    try:
        gateway = await start_gateway(
            make_settings(tmp_path, upstream.port, limits=limits), inspector=inspector
        )
        hostile = mail_with(attachments=[("a.txt", HANG + b" x")], subject="挂起")
        first = asyncio.create_task(submit(gateway.smtp_port, SENDER, ["a@example.com"], hostile))
        await asyncio.sleep(1.0)  # the hostile message now occupies the only worker
        started = time.monotonic()
        clean = await submit(
            gateway.smtp_port, SENDER, ["b@example.com"], message(CLEAN_TEXT, subject="例会")
        )
        waited = time.monotonic() - started
        held = await asyncio.wait_for(first, 30)
        # the worker is free again: the client's retry is relayed
        retry = await submit(
            gateway.smtp_port, SENDER, ["b@example.com"], message(CLEAN_TEXT, subject="例会")
        )
        assert gateway.sessionmaker is not None
        async with gateway.sessionmaker() as session:
            cases = await session.scalar(select(func.count()).select_from(Case))
    finally:
        await inspector.close()
    assert (clean.code, clean.text) == (451, "4.3.2 inspection queue full, try again later")
    assert waited < 3.0  # answered after queue_wait, not after the hostile message's timeout
    assert held.code == 250 and held.text.startswith("2.6.0 held for review as ")
    assert retry.code == 250 and retry.text.startswith("2.0.0 relayed")
    assert [m.rcpt_to for m in upstream.delivered()] == [["b@example.com"]]
    assert cases == 1
