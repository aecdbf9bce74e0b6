"""Held cases for store, review and console tests, made the way production makes them.

:func:`hold_case` inspects a real message with a real Inspector (the default scope tables) and
stores it with the real ``Quarantine.hold`` — the rows console and store tests read are the rows
the SMTP path writes, not hand-written JSON. :func:`hold_message` does the same in this process
(``inspect_message``, a few milliseconds a message) with the *console tables*: the default
征地拆迁 table, and 干部人事 made two-person (审核 then 审批) as a unit would set it — the default
tables have no two-person category that holds rather than blocks.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

from gateway.inspection import inspect_message
from gateway.settings import LimitSettings
from gateway.smtp.envelope import Envelope
from gateway.store.engine import Sessions
from gateway.store.models import Case
from gateway.store.quarantine import Quarantine
from matchers.engine import Engine
from matchers.scope import load_scope
from tests.support.addresses import EXTERNAL, SENDER
from tests.support.messages import message
from tests.support.settings import SCOPE

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


@functools.cache
def console_scope() -> Path:
    """The console tests' scope tables: 征地拆迁 (single) and 干部人事 (two-person, critical)."""
    directory = Path(tempfile.mkdtemp(prefix="dlp-console-scope-"))
    atexit.register(shutil.rmtree, directory, True)
    shutil.copy(SCOPE / "land.toml", directory / "land.toml")
    personnel = (SCOPE / "personnel.toml").read_text("utf-8")
    personnel = personnel.replace('release = "single"', 'release = "two-person"', 1)
    personnel = personnel.replace('severity = "high"', 'severity = "critical"', 1)
    (directory / "personnel.toml").write_text(personnel, "utf-8")
    return directory


@functools.cache
def console_engine() -> Engine:
    return Engine.compile(load_scope(console_scope()))


async def hold_message(
    sessions: Sessions,
    raw: bytes,
    *,
    sender: str,
    rcpt: tuple[str, ...],
    received_at: dt.datetime | None = None,
    client_addr: str = "127.0.0.1",
    helo: str = "mail.gov.example.cn",
) -> Case:
    """Inspect ``raw`` with the console tables and hold it as the SMTP path does."""
    inspection = inspect_message(raw, console_engine(), LimitSettings())
    assert inspection.decision.holding or inspection.decision.unscannable, (
        "hold_message: the console tables do not hold this message"
    )
    envelope = Envelope(sender, rcpt, client_addr=client_addr, helo=helo)
    case = await Quarantine(sessions, gateway_id="test").hold(envelope, raw, inspection, rcpt)
    if received_at is not None:  # held "days ago": the one field a test cannot wait for
        async with sessions() as session, session.begin():
            stored = await session.get(Case, case.id)
            assert stored is not None
            stored.received_at = received_at
            stored.updated_at = received_at
        case.received_at = received_at
    return case
