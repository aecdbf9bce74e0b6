"""The typed case record: what the hold path stores comes back as the inspection's records."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import defer

from gateway.errors import StoreError
from gateway.review import allowed_actions
from gateway.settings import load_settings
from gateway.store.engine import make_engine, store_errors
from gateway.store.models import Case, CaseState, User
from gateway.store.quarantine import Quarantine
from gateway.store.records import case_record
from matchers.model import Release
from tests.fixtures_console import add_officers
from tests.support.cases import hold_case
from tests.test_quarantine import ENVELOPE, _inspection


async def test_a_held_case_reads_back_as_the_inspections_records(
    store: async_sessionmaker[AsyncSession],
) -> None:
    inspection = _inspection("征地拆迁补偿方案")
    held = await Quarantine(store).hold(ENVELOPE, b"raw", inspection, ["partner@example.com"])
    async with store() as session:
        stored = await session.get(Case, held.id)
        assert stored is not None
        record = case_record(stored)
    decision = inspection.decision
    assert record.state is CaseState.PENDING and record.release_mode is Release.TWO_PERSON
    assert record.categories == decision.categories  # every category scored above zero
    assert record.holding == decision.holding  # the one hold rule, on the stored copy too
    assert [c.id for c in record.holding] == ["land", "personnel"]
    assert record.blocking == ()
    assert record.findings == decision.findings
    assert record.unscannable == decision.unscannable
    assert record.parts == inspection.parts
    assert record.segments == inspection.segments
    assert record.rcpt_to == ("partner@example.com",) and not record.content_purged


async def test_old_rows_and_listing_queries_read_with_defaults(
    store: async_sessionmaker[AsyncSession],
) -> None:
    held = await Quarantine(store).hold(ENVELOPE, b"raw", _inspection(), ["partner@example.com"])
    async with store() as session, session.begin():
        stored = await session.get(Case, held.id)
        assert stored is not None
        stored.categories = [{"id": "land", "score": 120}]  # a row from an older version
        stored.release_mode = "unheard-of"
    async with store() as session:
        listed = await session.scalar(select(Case).options(defer(Case.raw), defer(Case.segments)))
        assert listed is not None
        record = case_record(listed)
    [land] = record.categories
    assert (land.name, land.threshold, land.action.value) == ("land", 1, "quarantine")
    assert record.release_mode is Release.TWO_PERSON  # unknown: the stricter mode
    assert record.segments == ()


async def test_a_case_held_through_the_real_path_offers_the_right_actions(
    store: async_sessionmaker[AsyncSession], shared_inspector: Any
) -> None:
    """tests/support/cases.hold_case: real Inspector, real Quarantine.hold, real rules."""
    await add_officers(store, load_settings(None))
    held = await hold_case(store, shared_inspector)
    async with store() as session:
        stored = await session.get(Case, held.id)
        officer = await session.scalar(select(User).where(User.name == "li"))
        assert stored is not None and officer is not None
        record = case_record(stored)
        allowed = allowed_actions(stored, officer)
    assert record.state is CaseState.PENDING and record.holding
    assert any("征地拆迁" in f.match for f in record.findings)
    assert [a.value for a in allowed.actions] == (
        ["release", "reject"] if record.release_mode is Release.SINGLE else ["reject"]
    )


async def test_database_faults_name_no_values(db_url: str) -> None:
    """hide_parameters: a failed statement's text never carries the values (addresses, mail)."""
    engine = make_engine(db_url)
    try:
        with pytest.raises(StoreError) as info, store_errors():
            async with engine.connect() as conn:
                await conn.execute(text("SELECT * FROM no_such_table WHERE x = :x"), {"x": "机密"})
    finally:
        await engine.dispose()
    assert str(info.value) in (
        "quarantine store unavailable: OperationalError",
        "quarantine store unavailable: ProgrammingError",
    )
    assert "机密" not in str(info.value.__cause__)


def test_only_the_store_package_imports_sqlalchemy() -> None:
    """Every SQLAlchemy import lives in ``gateway/store/`` (issue 10's boundary)."""
    root = Path(__file__).resolve().parents[1]
    outside: list[str] = []
    for path in sorted((root / "gateway").rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if relative.startswith("gateway/store/"):
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "sqlalchemy" or n.startswith("sqlalchemy.") for n in names):
                outside.append(f"{relative}:{node.lineno}")
    assert outside == []
