"""The hash-chained audit log: appends serialise, and verify names the first broken entry."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.errors import StoreError
from gateway.store import audit
from gateway.store.engine import make_engine, make_sessionmaker
from gateway.store.models import AuditEntry
from tests.fixtures_console import AUDIT_KEY


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
        forged.hash = audit.entry_mac(
            AUDIT_KEY, 3, second.at, "li", "release", "Q1", {}, second.hash
        )
        forged.mac = audit.KEYED
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
        other = make_sessionmaker(other_engine, audit_key=AUDIT_KEY)
        await asyncio.gather(_append(store, 10, "gw1"), _append(other, 10, "gw2"))
    finally:
        await other_engine.dispose()
    result = await audit.verify(store)
    assert result.ok and result.count == 20


# -- an attacker with write access to the database but not the key -----------------------------

ATTACKER_KEY = b"the attacker guesses a key, any key, at least 32 chars"


async def _recompute(store: async_sessionmaker[AsyncSession], key: bytes | None) -> None:
    """Renumber 1..n and recompute every link, as a forger would: with the project's own
    functions (``legacy_hash`` when ``key`` is None, else ``entry_mac`` under a guessed key)."""
    async with store() as session, session.begin():
        rows = (await session.scalars(select(AuditEntry).order_by(AuditEntry.seq))).all()
        fields = [(r.at, r.actor, r.action, r.target, dict(r.detail)) for r in rows]
        await session.execute(delete(AuditEntry))
        prev = audit.GENESIS
        for seq, (at, actor, action, target, detail) in enumerate(fields, 1):
            args = (seq, at, actor, action, target, detail, prev)
            digest = audit.legacy_hash(*args) if key is None else audit.entry_mac(key, *args)
            session.add(
                AuditEntry(
                    seq=seq,
                    at=at,
                    actor=actor,
                    action=action,
                    target=target,
                    detail=detail,
                    prev_hash=prev,
                    hash=digest,
                    mac=audit.KEYED,
                )
            )
            prev = digest


@pytest.mark.parametrize("forger_key", [None, ATTACKER_KEY], ids=["sha256", "guessed-key"])
async def test_edit_and_recompute_is_detected(
    store: async_sessionmaker[AsyncSession], forger_key: bytes | None
) -> None:
    """Who released: rewritten from shen to li, every following hash recomputed."""
    await _append(store, 5)
    async with store() as session, session.begin():
        await session.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(actor="li"))
    await _recompute(store, forger_key)
    result = await audit.verify(store)
    assert not result.ok and result.bad_seq == 1 and "hash mismatch" in result.problem


async def test_insertion_with_recompute_is_detected(
    store: async_sessionmaker[AsyncSession],
) -> None:
    await _append(store, 4)
    async with store() as session, session.begin():
        await session.execute(update(AuditEntry).values(seq=AuditEntry.seq * 10))
    async with store() as session, session.begin():
        first = await session.scalar(select(AuditEntry).where(AuditEntry.seq == 10))
        assert first is not None
        session.add(
            AuditEntry(
                seq=15,  # between the first and the second entry
                at=first.at,
                actor="li",
                action="release",
                target="Q1",
                detail={},
                prev_hash="",
                hash="",
                mac=audit.KEYED,
            )
        )
    await _recompute(store, ATTACKER_KEY)
    result = await audit.verify(store)
    assert not result.ok and result.bad_seq == 1 and result.count == 0


async def test_middle_deletion_names_the_missing_range(
    store: async_sessionmaker[AsyncSession],
) -> None:
    await _append(store, 8)
    async with store() as session, session.begin():
        await session.execute(delete(AuditEntry).where(AuditEntry.seq.in_([4, 5, 6])))
    result = await audit.verify(store)
    assert result.describe() == (
        "BROKEN at entry 4: entries 4–6 missing (removed; the next entry is 7)"
    )


async def test_tail_cut_is_detected_by_the_checkpoints(
    store: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    await _append(store, 3)
    assert (await audit.write_checkpoint(store, checkpoints)) is not None
    await _append(store, 4)
    assert (await audit.write_checkpoint(store, checkpoints)) is not None
    assert (await audit.write_checkpoint(store, checkpoints)) is None  # head did not move
    assert oct(checkpoints.stat().st_mode & 0o777) == "0o600"
    ok = await audit.verify(store, checkpoints)
    assert ok.describe() == "OK: audit chain intact, 7 entries, 2 checkpoints match"

    async with store() as session, session.begin():
        await session.execute(delete(AuditEntry).where(AuditEntry.seq >= 5))
    assert (await audit.verify(store)).ok  # without the anchor a cut tail goes unnoticed
    cut = await audit.verify(store, checkpoints)
    assert not cut.ok and cut.bad_seq == 5
    assert cut.problem.startswith("entries 5–7 missing: the log ends at 4 but a checkpoint of ")
    assert cut.problem.endswith("saw entry 7 (tail cut)")


async def test_an_edited_checkpoint_file_is_detected(
    store: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    checkpoints = tmp_path / "audit-checkpoints.jsonl"
    await _append(store, 3)
    await audit.write_checkpoint(store, checkpoints)
    async with store() as session, session.begin():
        await session.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
    # the forger lowers the checkpoint to match the cut log
    checkpoints.write_text(checkpoints.read_text().replace('"seq":3', '"seq":2'))
    result = await audit.verify(store, checkpoints)
    assert not result.ok and "line 1 has a bad signature" in result.problem


async def test_a_legacy_chain_is_rekeyed_once_and_verifies(
    store: async_sessionmaker[AsyncSession],
) -> None:
    """Entries written before migration 0002 (unkeyed SHA-256) are adopted under the key."""
    await _append(store, 3)
    await _recompute(store, None)  # what the old code wrote
    async with store() as session, session.begin():
        await session.execute(update(AuditEntry).values(mac=audit.LEGACY))
    assert "not keyed" in (await audit.verify(store)).problem
    assert await audit.adopt_legacy(store) == 3
    assert await audit.adopt_legacy(store) == 0
    result = await audit.verify(store)
    assert result.ok and result.count == 4  # plus the audit_rekeyed entry
    async with store() as session:
        last = await session.scalar(select(AuditEntry).where(AuditEntry.seq == 4))
    assert last is not None and last.action == "audit_rekeyed"


async def test_a_tampered_legacy_chain_is_not_rekeyed(
    store: async_sessionmaker[AsyncSession],
) -> None:
    await _append(store, 3)
    await _recompute(store, None)
    async with store() as session, session.begin():
        await session.execute(update(AuditEntry).values(mac=audit.LEGACY))
        await session.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(actor="li"))
    assert await audit.adopt_legacy(store) == 0
    result = await audit.verify(store)
    assert not result.ok and result.bad_seq == 1 and "not keyed" in result.problem


async def test_without_the_key_nothing_is_appended(
    store: async_sessionmaker[AsyncSession], db_url: str
) -> None:
    engine = make_engine(db_url)
    try:
        keyless = make_sessionmaker(engine)
        with pytest.raises(StoreError, match="audit key is not configured"):
            await _append(keyless, 1)
    finally:
        await engine.dispose()


# -- key rotation (the CLI is tested in test_audit_rotation.py) ---------------------------------

NEW_KEY = b"the-next-audit-key-0123456789abcdef-0123456789abcdef"


async def test_rotation_hands_the_chain_to_the_new_key_on_both_stores(
    db_url: str, store: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    """Two instances: one rotates and restarts with the new key, one still holds the old."""
    await _append(store, 3)
    rotated, started = await audit.rotate(store, NEW_KEY, "root", {"channel": "cli"})
    assert (rotated, started) == (4, 5)
    engine = make_engine(db_url)
    try:
        renewed = make_sessionmaker(engine, audit_key=NEW_KEY, retired_keys=(AUDIT_KEY,))
        await audit.check_key(renewed)
        await _append(renewed, 2, "gw1")
        with pytest.raises(StoreError, match="the audit key was rotated at entry 5 to key"):
            await _append(store, 1, "gw2")  # the instance still holding the old key
        with pytest.raises(StoreError, match="rotated at entry 5"):
            await audit.check_key(store)
        assert await audit.write_checkpoint(store, tmp_path / "old.jsonl") is None
        checkpoints = tmp_path / "new.jsonl"
        assert await audit.write_checkpoint(renewed, checkpoints) is not None
        result = await audit.verify(renewed, checkpoints)
        assert (result.ok, result.count, result.rotations, result.checkpoints) == (True, 7, 1, 1)

        without_old = make_sessionmaker(engine, audit_key=NEW_KEY)
        missing = await audit.verify(without_old)
        assert (missing.ok, missing.bad_seq) == (False, 1)

        async with store() as session, session.begin():  # after the hand-over, under the new key
            await session.execute(update(AuditEntry).where(AuditEntry.seq == 6).values(actor="x"))
        broken = await audit.verify(renewed)
        assert (broken.ok, broken.bad_seq, broken.problem) == (
            False,
            6,
            "hash mismatch: the entry was altered",
        )
    finally:
        await engine.dispose()
