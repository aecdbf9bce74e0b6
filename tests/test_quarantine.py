"""The store writes at SMTP time: ids, the JSON shapes the console reads, durability."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.db import create_schema, make_engine, make_sessionmaker
from gateway.inspection import Inspection, PartInfo
from gateway.quarantine import SEGMENT_CAP, Quarantine, new_case_id
from gateway.smtp_envelope import Envelope, split_recipients
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
