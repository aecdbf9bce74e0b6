"""Held cases for store, review and console tests, made the way production makes them.

:func:`hold_case` inspects a real message with a real Inspector (the default scope tables) and
stores it with the real ``Quarantine.hold`` — the rows console and store tests read are the rows
the SMTP path writes, not hand-written JSON.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from gateway.smtp.envelope import Envelope
from gateway.store.engine import Sessions
from gateway.store.models import Case
from gateway.store.quarantine import Quarantine
from tests.support.addresses import EXTERNAL, SENDER
from tests.support.messages import message

SENSITIVE = "请查收附件：关于东湖片区征地拆迁补偿方案的初步测算，务必注意保存。\n"


async def hold_case(
    sessions: Sessions,
    inspector: Any,
    *,
    text: str = SENSITIVE,
    subject: str = "关于征地拆迁补偿方案的请示",
    sender: str = SENDER,
    rcpt: tuple[str, ...] = (EXTERNAL,),
    attachment: tuple[str, bytes, str] | None = None,
    received_at: dt.datetime | None = None,
    client_addr: str = "10.0.0.7",
) -> Case:
    """Inspect and hold one message; the inspection must hold it (else AssertionError)."""
    raw = message(text, subject=subject, sender=sender, to=", ".join(rcpt), attachment=attachment)
    inspection = await inspector.inspect(raw)
    assert inspection.decision.holding or inspection.decision.unscannable, (
        "hold_case: the default scope tables do not hold this message"
    )
    envelope = Envelope(sender, rcpt, client_addr=client_addr, helo="mta.example.gov.cn")
    case = await Quarantine(sessions, gateway_id="test").hold(envelope, raw, inspection, rcpt)
    if received_at is not None:
        async with sessions() as session, session.begin():
            stored = await session.get(Case, case.id)
            assert stored is not None
            stored.received_at = received_at
    return case
