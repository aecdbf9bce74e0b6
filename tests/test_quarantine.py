"""The store writes at SMTP time: ids, the JSON shapes the console reads, durability."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.extract.part import PartInfo
from gateway.inspection import Inspection
from gateway.smtp.envelope import Envelope, split_recipients
from gateway.store.engine import create_schema, make_engine, make_sessionmaker
from gateway.store.models import Case
from gateway.store.quarantine import SEGMENT_CAP, Quarantine, new_case_id
from matchers.model import (
    Action,
    CategoryScore,
    Decision,
    Finding,
    Release,
    Segment,
    Severity,
    Unscannable,
    UnscannableReason,
    Verdict,
)
from tests.fixtures_smtp import (
    SECRET_TEXT,
    SENSITIVE_TEXT,
    GatewayFactory,
    Sink,
    make_settings,
    message,
    submit,
)

ENVELOPE = Envelope(
    mail_from="zhang.san@example.gov.cn",
    rcpt_to=("partner@example.com",),
    client_addr="10.1.2.3",
    helo="mta.example.gov.cn",
    tls=True,
    auth_user="mta",
)


def _category(cid: str, score: int, release: Release, severity: Severity) -> CategoryScore:
    return CategoryScore(cid, cid.upper(), score, 100, Action.QUARANTINE, severity, release)


def _inspection(text: str = "正文") -> Inspection:
    decision = Decision(
        verdict=Verdict.QUARANTINE,
        categories=(
            _category("land", 140, Release.SINGLE, Severity.HIGH),
            _category("personnel", 100, Release.TWO_PERSON, Severity.MEDIUM),
            _category("roster", 40, Release.SINGLE, Severity.CRITICAL),  # below threshold
        ),
        findings=(
            Finding(
                "land", "term", "征地拆迁补偿方案", "征地拆迁补偿方案", "正文", 0, 8, "…", 0, 8, 100
            ),
        ),
        unscannable=(Unscannable("附件 a.zip", UnscannableReason.ENCRYPTED, "AES"),),
        scope_version="abc123",
    )
    parts = (
        PartInfo(
            "附件 a.zip", "a.zip", "application/zip", 10, "00" * 32, "unscannable", "encrypted"
        ),
    )
    return Inspection(decision, parts, (Segment("正文", text),), "主题", "<m@x>", 12)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'q.sqlite3'}")
    await create_schema(engine)
    yield make_sessionmaker(engine)
    await engine.dispose()


def test_case_ids_are_dated_crockford() -> None:
    ids = {new_case_id() for _ in range(200)}
    assert len(ids) == 200
    assert all(re.fullmatch(r"Q\d{8}-[0-9A-HJKMNP-TV-Z]{6}", i) for i in ids)


async def test_hold_stores_the_console_contract(
    store: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    quarantine = Quarantine(store, gateway_id="gw1")
    long_text = "字" * (SEGMENT_CAP + 10)
    case = await quarantine.hold(
        ENVELOPE, b"raw bytes", _inspection(long_text), ["partner@example.com"]
    )

    # Durable before the 250: a separate plain sqlite3 connection sees the committed row.
    with sqlite3.connect(tmp_path / "q.sqlite3") as db:
        row = db.execute("SELECT state, category_ids, release_mode, severity FROM cases").fetchone()
    assert row == ("pending", " land personnel roster ", "two-person", "high")

    loaded = await quarantine.get(case.id)
    assert loaded is not None
    assert [c["id"] for c in loaded.categories] == ["land", "personnel", "roster"]
    assert loaded.categories[0] == {
        "id": "land",
        "name": "LAND",
        "score": 140,
        "threshold": 100,
        "action": "quarantine",
        "severity": "high",
        "release": "single",
    }
    assert loaded.unscannable == [
        {"location": "附件 a.zip", "reason": "encrypted", "detail": "AES"}
    ]
    assert loaded.parts[0]["status"] == "unscannable"
    assert loaded.findings[0]["match"] == "征地拆迁补偿方案"
    [segment] = loaded.segments
    assert len(segment["text"]) == SEGMENT_CAP + len("…(截断)") and segment["text"].endswith(
        "…(截断)"
    )
    assert (loaded.tls, loaded.auth_user, loaded.client_addr) == (True, "mta", "10.1.2.3")
    assert [e.action for e in loaded.events] == ["received", "held"]
    assert all(e.actor == "gateway" for e in loaded.events)


def test_recipients_split_on_internal_domains() -> None:
    internal, external = split_recipients(
        ("a@Example.gov.cn", "b@mail.example.gov.cn", "c@example.com", "d@notexample.gov.cn"),
        ["example.gov.cn"],
    )
    assert internal == ("a@Example.gov.cn", "b@mail.example.gov.cn")
    assert external == ("c@example.com", "d@notexample.gov.cn")


async def test_gateway_holds_and_blocks_into_sqlite_or_postgresql(
    db_url: str, upstream: Sink, tmp_path: Path, start_gateway: GatewayFactory
) -> None:
    gateway = await start_gateway(make_settings(tmp_path, upstream.port, database_url=db_url))
    raw = message(SENSITIVE_TEXT)
    held = await submit(gateway.smtp_port, "zhang.san@example.gov.cn", ["p@example.com"], raw)
    blocked = await submit(
        gateway.smtp_port, "zhang.san@example.gov.cn", ["p@example.com"], message(SECRET_TEXT)
    )
    await gateway.wait_background()

    assert held.code == 250 and blocked.code == 550
    assert gateway.sessionmaker is not None
    case = await Quarantine(gateway.sessionmaker).get(held.text.rsplit(" ", 1)[1])
    assert case is not None and case.state == "pending" and case.raw is not None
    assert case.raw.endswith(raw) and case.sha256 == hashlib.sha256(case.raw).hexdigest()
    assert [e.action for e in case.events] == [
        "received",
        "held",
        "notified_sender",
        "notified_officers",
    ]
    async with gateway.sessionmaker() as session:
        states = sorted((await session.scalars(select(Case.state))).all())
    assert states == ["blocked", "pending"]
