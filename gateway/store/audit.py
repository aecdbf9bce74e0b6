"""The append-only, hash-chained audit log: every login, view, download, decision, account change.

Each entry's ``hash`` is ``sha256`` over a canonical JSON of ``(seq, at, actor, action, target,
detail, prev_hash)``, and ``prev_hash`` is the previous entry's hash (64 zeros for the first), so
altering, inserting or removing an entry breaks the chain at that entry. :func:`verify` names the
first entry that does not fit.

Appends run inside the caller's transaction (the audit row commits or rolls back with the action it
records) and are serialised across writers and gateway instances: PostgreSQL takes a transaction
advisory lock, SQLite takes its single writer lock up front (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.store.models import AuditEntry

GENESIS = "0" * 64
# Any constant works; it names "the audit chain" among the database's advisory locks.
_PG_LOCK_KEY = 0x646C7061  # "dlpa"


async def begin_write(session: AsyncSession) -> None:
    """Take the store's write lock for this transaction, before anything is read.

    Without it two writers could both read the same last entry and fork the chain (PostgreSQL),
    or a SQLite reader's snapshot could go stale before its first write (``SQLITE_BUSY``).
    Safe to call more than once in a transaction.
    """
    conn = await session.connection()
    if conn.dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif conn.dialect.name == "sqlite":
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        if driver is not None and not driver.in_transaction:
            await session.execute(text("BEGIN IMMEDIATE"))


def utc(moment: datetime) -> datetime:
    """SQLite hands datetimes back naive; every stored moment is UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _at_text(moment: datetime) -> str:
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    detail: Mapping[str, Any],
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        {
            "seq": seq,
            "at": _at_text(at),
            "actor": actor,
            "action": action,
            "target": target,
            "detail": detail,
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


async def append(
    session: AsyncSession,
    actor: str,
    action: str,
    target: str = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry to the chain inside the caller's transaction (the caller commits)."""
    await begin_write(session)
    body = dict(detail or {})
    # Round-trip through JSON now so the hash covers exactly what the database will return.
    body = json.loads(json.dumps(body, ensure_ascii=False, default=str))
    last = (
        await session.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        )
    ).first()
    seq = 1 if last is None else int(last.seq) + 1
    prev = GENESIS if last is None else str(last.hash)
    # Microsecond precision is what both SQLite and PostgreSQL keep.
    at = datetime.now(UTC)
    entry = AuditEntry(
        seq=seq,
        at=at,
        actor=actor,
        action=action,
        target=target,
        detail=body,
        prev_hash=prev,
        hash=entry_hash(seq, at, actor, action, target, body, prev),
    )
    session.add(entry)
    await session.flush()
    return entry


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """``ok`` with the number of entries checked, or the first entry that breaks the chain."""

    ok: bool
    count: int
    bad_seq: int | None = None
    problem: str = ""

    def describe(self) -> str:
        if self.ok:
            return f"OK: audit chain intact, {self.count} entries"
        return f"BROKEN at entry {self.bad_seq}: {self.problem}"


async def verify(sessionmaker: async_sessionmaker[AsyncSession], batch: int = 1000) -> VerifyResult:
    """Walk the chain from the first entry; stop at the first one that does not fit."""
    expected_seq = 1
    prev = GENESIS
    async with sessionmaker() as session:
        stray = await session.scalar(select(AuditEntry.seq).where(AuditEntry.seq < 1).limit(1))
        if stray is not None:
            return VerifyResult(False, 0, stray, "entry outside the chain's numbering: inserted")
        while True:
            rows = (
                await session.scalars(
                    select(AuditEntry)
                    .where(AuditEntry.seq >= expected_seq)
                    .order_by(AuditEntry.seq)
                    .limit(batch)
                )
            ).all()
            if not rows:
                return VerifyResult(ok=True, count=expected_seq - 1)
            for row in rows:
                if row.seq != expected_seq:
                    return VerifyResult(
                        False,
                        expected_seq - 1,
                        expected_seq,
                        f"entry missing (next entry is {row.seq}): removed",
                    )
                if row.prev_hash != prev:
                    return VerifyResult(
                        False,
                        expected_seq - 1,
                        row.seq,
                        "previous-hash mismatch: an entry before it was inserted, removed or rewritten",
                    )
                computed = entry_hash(
                    row.seq, row.at, row.actor, row.action, row.target, row.detail, row.prev_hash
                )
                if computed != row.hash:
                    return VerifyResult(
                        False, expected_seq - 1, row.seq, "hash mismatch: the entry was altered"
                    )
                prev = row.hash
                expected_seq += 1
            session.expunge_all()
