"""The append-only, keyed, chained audit log: every login, view, download, decision, account change.

Each entry's ``hash`` is HMAC-SHA256, under a key kept *outside* the database (``audit.key`` /
``DLP_AUDIT__KEY`` or the 0600 file ``<data_dir>/audit.key``, the same on every instance), over a
canonical JSON of ``(seq, at, actor, action, target, detail, prev_hash)``; ``prev_hash`` is the
previous entry's hash (64 zeros for the first). Someone who can write the database but does not
hold the key can therefore not alter, insert, renumber or remove an entry and recompute the rest:
:func:`verify` names the first entry that does not fit, or the missing range.

Cutting the *tail* (deleting the newest entries) leaves a chain that fits; that is what the
signed checkpoints are for: :func:`write_checkpoint` appends ``(seq, head hash, time, MAC)`` to a
file outside the database (and logs it), and :func:`verify` checks the database still holds every
checkpointed entry with the checkpointed hash — also against auditors' mailed copies, which
survive the server's file being cut as well.

**Key rotation** (:func:`rotate`): one entry under the old key names the new key's id, the next
is signed by the new key, and :func:`verify` follows the chain across, with the retired keys
(``gateway/store/keys.py``) verifying what came before. A process still holding a retired key
refuses to append.

Appends run inside the caller's transaction (the audit row commits or rolls back with the action it
records) and are serialised across writers and gateway instances: PostgreSQL takes a transaction
advisory lock, SQLite takes its single writer lock up front (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.errors import StoreError
from gateway.store.checkpoints import Checkpoint, append_line, read_checkpoints
from gateway.store.keys import MIN_KEY_CHARS, key_id, keyring, load_key
from gateway.store.models import AuditEntry

__all__ = [
    "MIN_KEY_CHARS",
    "Checkpoint",
    "VerifyResult",
    "append",
    "check_key",
    "load_key",
    "read_checkpoints",
    "rotate",
    "verify",
    "write_checkpoint",
]

log = logging.getLogger("dlp_gateway.audit")

GENESIS = "0" * 64
KEYED = "hmac-sha256"
LEGACY = "sha256"
ROTATED = "audit_key_rotated"  # the last entry under the old key, naming the new key
STARTED = "audit_key_started"  # the first entry under the new key
# Any constant works; it names "the audit chain" among the database's advisory locks.
_PG_LOCK_KEY = 0x646C7061  # "dlpa"


# -- the key (gateway/store/keys.py) -------------------------------------------------------------


def _session_key(session: AsyncSession) -> bytes:
    key = session.info.get("audit_key")
    if not isinstance(key, bytes) or not key:
        raise StoreError("the audit key is not configured for this store (make_sessionmaker)")
    return key


# -- writing ----------------------------------------------------------------------------------


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


def _canonical(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    detail: Mapping[str, Any],
    prev_hash: str,
) -> bytes:
    return json.dumps(
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
    ).encode("utf-8")


def entry_mac(
    key: bytes,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    detail: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """The keyed hash of one entry (HMAC-SHA256 over its canonical JSON)."""
    body = _canonical(seq, at, actor, action, target, detail, prev_hash)
    return hmac.new(key, body, hashlib.sha256).hexdigest()


def legacy_hash(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    target: str,
    detail: Mapping[str, Any],
    prev_hash: str,
) -> str:
    """The unkeyed SHA-256 of entries written before migration 0002 (checked when re-keying)."""
    body = _canonical(seq, at, actor, action, target, detail, prev_hash)
    return hashlib.sha256(body).hexdigest()


async def append(
    session: AsyncSession,
    actor: str,
    action: str,
    target: str = "",
    detail: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Add one entry to the chain inside the caller's transaction (the caller commits).

    Refused (``StoreError``) when the chain was rotated to another key since this process
    loaded its key: an instance still holding the retired key must not extend the chain.
    """
    key = _session_key(session)
    await begin_write(session)
    await _refuse_retired(session, key)
    return await _append_under(session, key, actor, action, target, detail)


async def _append_under(
    session: AsyncSession,
    key: bytes,
    actor: str,
    action: str,
    target: str,
    detail: Mapping[str, Any] | None,
) -> AuditEntry:
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
        hash=entry_mac(key, seq, at, actor, action, target, body, prev),
        mac=KEYED,
    )
    session.add(entry)
    await session.flush()
    return entry


async def _latest_start(session: AsyncSession) -> tuple[int, str] | None:
    """The newest rotation's first entry: its number and the key id it names (indexed)."""
    row = (
        await session.execute(
            select(AuditEntry.seq, AuditEntry.detail)
            .where(AuditEntry.action == STARTED)
            .order_by(AuditEntry.seq.desc())
            .limit(1)
        )
    ).first()
    if row is None:
        return None
    detail = row.detail if isinstance(row.detail, dict) else {}
    return int(row.seq), str(detail.get("key", ""))


async def _refuse_retired(session: AsyncSession, key: bytes) -> None:
    start = await _latest_start(session)
    if start is not None and start[1] != key_id(key):
        raise StoreError(
            f"the audit key was rotated at entry {start[0]} to key {start[1]}; this process holds "
            f"key {key_id(key)}: install the new key and restart it (nothing was written)"
        )


async def rotate(
    sessionmaker: async_sessionmaker[AsyncSession],
    new_key: bytes,
    actor: str,
    via: Mapping[str, Any],
) -> tuple[int, int]:
    """Re-anchor the chain under ``new_key``; return the two entries' numbers.

    One transaction writes ``audit_key_rotated`` under the current (old) key, naming the new
    key's id, and then ``audit_key_started`` under the new key, naming it again. :func:`verify`
    follows the chain across: an entry signed by the old key hands over to the new one, so a
    forger needs the new key to extend or rewrite anything after the rotation.
    """
    async with sessionmaker() as session, session.begin():
        old = _session_key(session)
        await begin_write(session)
        await _refuse_retired(session, old)
        old_id, new_id = key_id(old), key_id(new_key)
        if old_id == new_id:
            raise StoreError("the new audit key is the current one")
        detail = {"old_key": old_id, "new_key": new_id, **via}
        rotated = await _append_under(session, old, actor, ROTATED, "", detail)
        started = await _append_under(
            session, new_key, actor, STARTED, "", {"key": new_id, "previous_key": old_id, **via}
        )
    log.warning("audit chain re-anchored under key %s at entry %d", new_id, started.seq)
    return rotated.seq, started.seq


async def adopt_legacy(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Re-key the unkeyed entries of a chain written before migration 0002; return how many.

    Only an intact unkeyed chain is re-keyed (checked with its SHA-256 first); a broken one is
    left as it is, so that :func:`verify` keeps reporting where it breaks. The re-keying itself is
    recorded as an ``audit_rekeyed`` entry holding the old head hash.
    """
    async with sessionmaker() as session, session.begin():
        key = _session_key(session)
        await begin_write(session)
        legacy = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.mac != KEYED)
        )
        if not legacy:
            return 0
        rows = (await session.scalars(select(AuditEntry).order_by(AuditEntry.seq))).all()
        prev, expected = GENESIS, 1
        for row in rows:
            fields = (row.seq, row.at, row.actor, row.action, row.target, row.detail)
            if row.mac == KEYED or row.seq != expected or row.prev_hash != prev:
                log.error("audit chain: unkeyed entries are not intact; left for `audit verify`")
                return 0
            if legacy_hash(*fields, row.prev_hash) != row.hash:
                log.error("audit chain: entry %d does not match its hash; not re-keyed", row.seq)
                return 0
            prev, expected = row.hash, expected + 1
        old_head, new_prev = prev, GENESIS
        for row in rows:
            row.prev_hash = new_prev
            row.hash = entry_mac(
                key, row.seq, row.at, row.actor, row.action, row.target, row.detail, new_prev
            )
            row.mac = KEYED
            new_prev = row.hash
        await session.flush()
        await append(
            session,
            "gateway",
            "audit_rekeyed",
            "",
            {"entries": len(rows), "legacy_head": old_head, "channel": "gateway"},
        )
    log.warning("audit chain: %d unkeyed entries re-keyed under the audit key", len(rows))
    return len(rows)


# -- reading ----------------------------------------------------------------------------------


async def list_entries(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    actor: str = "",
    action: str = "",
    target: str = "",
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[AuditEntry], int]:
    """Entries newest first (exact-match filters; empty ones do not filter) and the total."""
    query = select(AuditEntry)
    count = select(func.count()).select_from(AuditEntry)
    for column, value in (
        (AuditEntry.actor, actor),
        (AuditEntry.action, action),
        (AuditEntry.target, target),
    ):
        if value:
            query = query.where(column == value)
            count = count.where(column == value)
    try:
        async with sessionmaker() as session:
            total = int(await session.scalar(count) or 0)
            rows = await session.scalars(
                query.order_by(AuditEntry.seq.desc()).offset(max(offset, 0)).limit(limit)
            )
            return list(rows.all()), total
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"audit log unavailable: {type(exc).__name__}") from exc


async def check_key(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """Refuse to extend a chain whose newest entry does not verify under this key.

    An instance started with another key (a new key file on a new host, or the key retired by a
    rotation) would otherwise append entries nobody can verify alongside the others'.
    ``audit verify`` says where it breaks.
    """
    async with sessionmaker() as session:
        key = _session_key(session)
        await _refuse_retired(session, key)
        row = await session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))
        if row is None or row.mac != KEYED:
            return
        computed = entry_mac(
            key, row.seq, row.at, row.actor, row.action, row.target, row.detail, row.prev_hash
        )
    if not hmac.compare_digest(computed, row.hash):
        raise StoreError(
            f"the newest audit entry ({row.seq}) does not verify under this audit key: a different "
            "key than the other instances', or the entry was altered (run `dlp-gateway audit "
            "verify` with the right key); nothing was written"
        )


# -- checkpoints (gateway/store/checkpoints.py) -----------------------------------------------


async def write_checkpoint(
    sessionmaker: async_sessionmaker[AsyncSession], path: Path
) -> Checkpoint | None:
    """Append a signed checkpoint of the chain's head to ``path`` (and the log) if it moved.

    None when nothing moved, or when the chain was rotated to a key this process does not hold
    (its signature would not verify; the instances holding the new key write the checkpoints).
    """
    async with sessionmaker() as session:
        key = _session_key(session)
        start = await _latest_start(session)
        last = (
            await session.execute(
                select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
            )
        ).first()
    if start is not None and start[1] != key_id(key):
        log.error(
            "audit checkpoint skipped: the chain was rotated to key %s at entry %d; restart "
            "this instance with the new key",
            start[1],
            start[0],
        )
        return None
    if last is None:
        return None
    previous = [c for c in read_checkpoints(path) if isinstance(c, Checkpoint)]
    if previous and previous[-1].seq >= int(last.seq):
        return None
    point = Checkpoint.sign(key, int(last.seq), str(last.hash), _at_text(datetime.now(UTC)))
    append_line(path, point)
    log.info(
        "audit checkpoint",
        extra={"audit_seq": point.seq, "audit_head": point.head, "audit_mac": point.mac},
    )
    return point


# -- verification -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """``ok`` with the number of entries checked, or the first entry that breaks the chain."""

    ok: bool
    count: int
    bad_seq: int | None = None
    problem: str = ""
    checkpoints: int = 0
    copied: int = 0  # of ``checkpoints``, those found in auditors' copies
    rotations: int = 0
    #: What broke, as a code the console words in Chinese: ``inserted``, ``removed``,
    #: ``unkeyed``, ``relinked``, ``key_missing``, ``altered``, ``checkpoint_edited``,
    #: ``tail_cut``, ``rewritten`` (``problem`` says it in full, in English, for the CLI).
    kind: str = ""
    #: With ``removed`` and ``tail_cut``: the last missing entry.
    missing_to: int | None = None

    def describe(self) -> str:
        if self.ok:
            keys = f", {self.rotations + 1} keys" if self.rotations else ""
            anchored = f", {self.checkpoints} checkpoints match" if self.checkpoints else ""
            copied = f" ({self.copied} in auditors' copies)" if self.copied else ""
            return f"OK: audit chain intact, {self.count} entries{keys}{anchored}{copied}"
        if self.bad_seq is None:
            return f"BROKEN: {self.problem}"
        return f"BROKEN at entry {self.bad_seq}: {self.problem}"


@dataclass(slots=True)
class _Walk:
    """Where the walk is: the key in force, and what the checkpoints will be held against."""

    ring: dict[str, bytes]
    key: bytes | None = None
    handover: str = ""  # the key named by a rotation entry, in force from the next entry
    rotations: int = 0


def _ring(session: AsyncSession) -> dict[str, bytes]:
    retired = session.info.get("audit_retired", ())
    return keyring(_session_key(session), tuple(retired))


async def verify(
    sessionmaker: async_sessionmaker[AsyncSession],
    checkpoints: Path | None = None,
    batch: int = 1000,
    *,
    copies: Sequence[tuple[Path, Sequence[Checkpoint]]] = (),
) -> VerifyResult:
    """Walk the chain from the first entry, across key rotations; then hold it against the
    signed checkpoints of the gateway's file and of the auditors' ``copies``."""
    expected_seq = 1
    prev = GENESIS
    heads: dict[int, tuple[str, bytes]] = {}
    async with sessionmaker() as session:
        walk = _Walk(_ring(session))
        stray = await session.scalar(select(AuditEntry.seq).where(AuditEntry.seq < 1).limit(1))
        if stray is not None:
            return VerifyResult(
                False, 0, stray, "entry outside the chain's numbering: inserted", kind="inserted"
            )
        points = read_checkpoints(checkpoints) if checkpoints else []
        wanted = {c.seq for c in points if isinstance(c, Checkpoint)}
        wanted |= {c.seq for _, copy in copies for c in copy}
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
                break
            for row in rows:
                broken = await _check_row(session, walk, row, expected_seq, prev)
                if broken is not None:
                    return broken
                assert walk.key is not None
                if row.seq in wanted:
                    heads[row.seq] = (row.hash, walk.key)
                prev = row.hash
                expected_seq += 1
            session.expunge_all()
    count = expected_seq - 1
    checked = copied = 0
    sources: list[tuple[str, Sequence[Checkpoint | str]]] = []
    if checkpoints is not None:
        sources.append((f"checkpoint file {checkpoints}", points))
    sources += [(f"auditor's copy {path}", list(copy)) for path, copy in copies]
    for label, found in sources:
        result = _against_checkpoints(walk.ring, count, heads, found, label)
        if not result.ok:
            return result
        checked += result.checkpoints
        if label.startswith("auditor"):
            copied += result.checkpoints
    return VerifyResult(True, count, checkpoints=checked, copied=copied, rotations=walk.rotations)


async def _check_row(
    session: AsyncSession, walk: _Walk, row: AuditEntry, expected_seq: int, prev: str
) -> VerifyResult | None:
    """None when ``row`` fits the chain (and moves the walk on), else what is wrong with it."""
    done = expected_seq - 1
    if row.seq != expected_seq:
        last = row.seq - 1
        gone = f"entry {expected_seq}" if last == expected_seq else f"entries {expected_seq}–{last}"
        return VerifyResult(
            False,
            done,
            expected_seq,
            f"{gone} missing (removed; the next entry is {row.seq})",
            kind="removed",
            missing_to=last,
        )
    if row.mac != KEYED:
        return VerifyResult(
            False,
            done,
            row.seq,
            "entry is not keyed: written without the audit key (forged or not re-keyed)",
            kind="unkeyed",
        )
    if row.prev_hash != prev:
        return VerifyResult(
            False,
            done,
            row.seq,
            "previous-hash mismatch: an entry before it was inserted, removed or rewritten",
            kind="relinked",
        )
    fields = (row.seq, row.at, row.actor, row.action, row.target, row.detail, prev)
    if walk.handover:
        key = walk.ring.get(walk.handover)
        if key is None:
            return VerifyResult(
                False,
                done,
                row.seq,
                f"written under key {walk.handover} (named by the rotation at entry {done}), "
                "which is not on hand: the current key file or DLP_AUDIT__KEY must hold it",
                kind="key_missing",
            )
        walk.key, walk.handover = key, ""
        walk.rotations += 1
    if walk.key is None:  # the first entry: under whichever key on hand signed it
        walk.key = next(
            (k for k in walk.ring.values() if hmac.compare_digest(entry_mac(k, *fields), row.hash)),
            None,
        )
        if walk.key is None:
            problem = await _first_key_problem(session, walk.ring)
            return VerifyResult(False, done, row.seq, problem, kind="altered")
    if not hmac.compare_digest(entry_mac(walk.key, *fields), row.hash):
        return VerifyResult(
            False, done, row.seq, "hash mismatch: the entry was altered", kind="altered"
        )
    if row.action == ROTATED and isinstance(row.detail, dict):
        walk.handover = str(row.detail.get("new_key", ""))
    return None


async def _first_key_problem(session: AsyncSession, ring: Mapping[str, bytes]) -> str:
    """Why entry 1 verifies under no key on hand: altered, or its key retired and missing."""
    first = (
        await session.execute(
            select(AuditEntry.seq, AuditEntry.detail)
            .where(AuditEntry.action == ROTATED)
            .order_by(AuditEntry.seq)
            .limit(1)
        )
    ).first()
    detail = first.detail if first is not None and isinstance(first.detail, dict) else {}
    old = str(detail.get("old_key", ""))
    if first is not None and old and old not in ring:
        return (
            f"hash mismatch: the entry was altered, or it was written under key {old} (retired "
            f"at entry {first.seq}), which is not on hand: put audit.key.{old} next to the key "
            "file or set audit.retired_keys"
        )
    return "hash mismatch: the entry was altered"


def _against_checkpoints(
    ring: Mapping[str, bytes],
    count: int,
    heads: Mapping[int, tuple[str, bytes]],
    points: Sequence[Checkpoint | str],
    label: str,
) -> VerifyResult:
    checked = 0
    copy = not label.startswith("checkpoint file")
    where = f"; {label}" if copy else ""
    for number, point in enumerate(points, 1):
        if isinstance(point, str):
            return VerifyResult(
                False, count, None, f"{label}: {point} (edited)", kind="checkpoint_edited"
            )
        known = heads.get(point.seq)
        signers = [known[1]] if known is not None else list(ring.values())
        if not any(point.valid(k) for k in signers):
            return VerifyResult(
                False,
                count,
                None,
                f"{label}: {'checkpoint' if copy else 'line'} {number} has a bad signature (edited)",
                kind="checkpoint_edited",
            )
        if point.seq > count:
            gone = (
                f"entry {count + 1}"
                if point.seq == count + 1
                else f"entries {count + 1}–{point.seq}"
            )
            return VerifyResult(
                False,
                count,
                count + 1,
                f"{gone} missing: the log ends at {count} but a checkpoint of "
                f"{point.at} saw entry {point.seq} (tail cut{where})",
                kind="tail_cut",
                missing_to=point.seq,
            )
        if known is None or known[0] != point.head:
            return VerifyResult(
                False,
                count,
                point.seq,
                f"differs from the checkpoint of {point.at} (the chain was rewritten{where})",
                kind="rewritten",
            )
        checked += 1
    return VerifyResult(True, count, checkpoints=checked)
