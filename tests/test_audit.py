"""The hash-chained audit log: appends serialise, and verify names the first broken entry."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.store import audit
from gateway.store.engine import make_engine, make_sessionmaker
from gateway.store.models import AuditEntry


async def _append(sessions: async_sessionmaker[AsyncSession], n: int, actor: str = "shen") -> None:
    for i in range(n):
        async with sessions() as session, session.begin():
            await audit.append(
                session, actor, "view", f"Q20261127-{i:06d}", {"i": i, "note": "查看"}
            )


async def test_a_clean_chain_verifies_with_its_count(
    store: async_sessionmaker[AsyncSession],
) -> None:
    await _append(store, 5)
    result = await audit.verify(store)
    assert result.ok and result.count == 5
    assert result.describe() == "OK: audit chain intact, 5 entries"


async def test_an_empty_log_is_a_clean_chain(store: async_sessionmaker[AsyncSession]) -> None:
    assert (await audit.verify(store)).describe() == "OK: audit chain intact, 0 entries"


async def test_each_entry_holds_the_previous_hash(store: async_sessionmaker[AsyncSession]) -> None:
    await _append(store, 3)
    async with store() as session:
        rows = (await session.scalars(select(AuditEntry).order_by(AuditEntry.seq))).all()
    assert [r.seq for r in rows] == [1, 2, 3]
    assert rows[0].prev_hash == audit.GENESIS
    assert rows[1].prev_hash == rows[0].hash and rows[2].prev_hash == rows[1].hash


async def test_an_altered_entry_is_named(store: async_sessionmaker[AsyncSession]) -> None:
    await _append(store, 6)
    async with store() as session, session.begin():
        await session.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(actor="li"))
    result = await audit.verify(store)
    assert not result.ok and result.bad_seq == 4
    assert result.describe().startswith("BROKEN at entry 4: hash mismatch")


async def test_an_altered_detail_is_named(store: async_sessionmaker[AsyncSession]) -> None:
    await _append(store, 3)
    async with store() as session, session.begin():
        await session.execute(
            update(AuditEntry).where(AuditEntry.seq == 2).values(detail={"i": 1, "note": "改"})
        )
    assert (await audit.verify(store)).bad_seq == 2


async def test_a_removed_entry_is_named(store: async_sessionmaker[AsyncSession]) -> None:
    await _append(store, 6)
    async with store() as session, session.begin():
        await session.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
    result = await audit.verify(store)
    assert not result.ok and result.bad_seq == 3 and "removed" in result.problem


async def test_a_removed_and_renumbered_entry_is_named(
    store: async_sessionmaker[AsyncSession],
) -> None:
    """Deleting entry 3 and shifting the rest down leaves no gap, but the chain breaks at 3."""
    await _append(store, 5)
    async with store() as session, session.begin():
        await session.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
        for seq in (4, 5):
            await session.execute(
                update(AuditEntry).where(AuditEntry.seq == seq).values(seq=seq - 1)
            )
    result = await audit.verify(store)
    assert not result.ok and result.bad_seq == 3


async def test_an_inserted_entry_is_named(store: async_sessionmaker[AsyncSession]) -> None:
    """A forger who recomputes the inserted row's own hash still breaks the next link."""
    await _append(store, 4)
    async with store() as session, session.begin():
        rows = (await session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()))).all()
        for row in rows:
            if row.seq >= 3:
                await session.execute(
                    update(AuditEntry).where(AuditEntry.seq == row.seq).values(seq=row.seq + 1)
                )
        second = next(r for r in rows if r.seq == 2)
        session.expunge_all()
        forged = AuditEntry(
            seq=3,
            at=second.at,
            actor="li",
            action="release",
            target="Q1",
            detail={},
            prev_hash=second.hash,
            hash="",
        )
        forged.hash = audit.entry_hash(3, second.at, "li", "release", "Q1", {}, second.hash)
        session.add(forged)
    result = await audit.verify(store)
    assert not result.ok and result.bad_seq == 4 and "previous-hash" in result.problem


async def test_concurrent_appends_keep_one_unbroken_chain(
    store: async_sessionmaker[AsyncSession],
) -> None:
    await asyncio.gather(*(_append(store, 5, actor=f"officer{i}") for i in range(6)))
    result = await audit.verify(store)
    assert result.ok and result.count == 30


async def test_an_append_rolls_back_with_its_action(
    store: async_sessionmaker[AsyncSession],
) -> None:
    await _append(store, 1)
    try:
        async with store() as session, session.begin():
            await audit.append(session, "shen", "release", "Q1", {})
            raise RuntimeError("the action failed")
    except RuntimeError:
        pass
    await _append(store, 1)
    result = await audit.verify(store)
    assert result.ok and result.count == 2


async def test_two_gateway_instances_share_one_chain(
    db_url: str, store: async_sessionmaker[AsyncSession]
) -> None:
    """Two engines on one database stand for two gateway instances behind one MTA."""
    other_engine = make_engine(db_url)
    try:
        other = make_sessionmaker(other_engine)
        await asyncio.gather(_append(store, 10, "gw1"), _append(other, 10, "gw2"))
    finally:
        await other_engine.dispose()
    result = await audit.verify(store)
    assert result.ok and result.count == 20
