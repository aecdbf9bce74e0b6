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
checkpointed entry with the checkpointed hash.

Appends run inside the caller's transaction (the audit row commits or rolls back with the action it
records) and are serialised across writers and gateway instances: PostgreSQL takes a transaction
advisory lock, SQLite takes its single writer lock up front (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.errors import StoreError
from gateway.store.models import AuditEntry

if TYPE_CHECKING:
    from gateway.settings import Settings

log = logging.getLogger("dlp_gateway.audit")

GENESIS = "0" * 64
KEYED = "hmac-sha256"
LEGACY = "sha256"
MIN_KEY_CHARS = 32
# Any constant works; it names "the audit chain" among the database's advisory locks.
_PG_LOCK_KEY = 0x646C7061  # "dlpa"


# -- the key ----------------------------------------------------------------------------------


def load_key(settings: Settings, *, create: bool = True) -> bytes:
    """The audit key: ``audit.key`` (env ``DLP_AUDIT__KEY``) or the key file, created if absent
    and ``create`` (never for verification: a new key cannot verify an old chain).

    The file must be private to the gateway's user (mode 0600 or stricter): a key others can read
    protects nothing, so a wider mode is refused.
    """
    if settings.audit.key is not None:
        value = settings.audit.key.get_secret_value()
        if len(value) < MIN_KEY_CHARS:
            raise StoreError(
                f"audit.key is too short ({len(value)} characters): use at least {MIN_KEY_CHARS} "
                "random characters (e.g. `openssl rand -hex 32`)"
            )
        return value.encode("utf-8")
    return _key_file(settings.audit_key_file, create)


def _key_file(path: Path, create: bool) -> bytes:
    if not create and not path.exists():
        raise StoreError(
            f"audit key file {path} not found: the chain can only be checked with the key it was "
            "written with (set DLP_AUDIT__KEY or audit.key_file)"
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as new:
                new.write(secrets.token_hex(32) + "\n")
                new.flush()
                os.fsync(new.fileno())
            log.warning("created a new audit key in %s: back it up with the database", path)
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise StoreError(
                f"audit key file {path} is readable by others (mode {mode:o}): chmod 600 {path}"
            )
        value = path.read_text("utf-8").strip()
    except OSError as exc:
        raise StoreError(f"audit key file {path}: {exc.strerror or exc}") from exc
    if len(value) < MIN_KEY_CHARS:
        raise StoreError(f"audit key file {path} holds fewer than {MIN_KEY_CHARS} characters")
    return value.encode("utf-8")


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
    """Add one entry to the chain inside the caller's transaction (the caller commits)."""
    key = _session_key(session)
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
        hash=entry_mac(key, seq, at, actor, action, target, body, prev),
        mac=KEYED,
    )
    session.add(entry)
    await session.flush()
    return entry


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

    An instance started with another key (a new key file on a new host) would otherwise append
    entries nobody can verify alongside the others'. ``audit verify`` says where it breaks.
    """
    async with sessionmaker() as session:
        key = _session_key(session)
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


# -- checkpoints ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    head: str
    at: str
    mac: str

    @staticmethod
    def sign(key: bytes, seq: int, head: str, at: str) -> Checkpoint:
        message = f"dlp-audit-checkpoint:{seq}:{head}:{at}".encode()
        return Checkpoint(seq, head, at, hmac.new(key, message, hashlib.sha256).hexdigest())

    def valid(self, key: bytes) -> bool:
        return hmac.compare_digest(Checkpoint.sign(key, self.seq, self.head, self.at).mac, self.mac)

    def line(self) -> str:
        return json.dumps(
            {"seq": self.seq, "head": self.head, "at": self.at, "mac": self.mac},
            separators=(",", ":"),
        )


def read_checkpoints(path: Path) -> list[Checkpoint | str]:
    """Every line of the checkpoint file: a Checkpoint, or the line's problem as text."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise StoreError(f"audit checkpoints {path}: {exc.strerror or exc}") from exc
    found: list[Checkpoint | str] = []
    for number, line in enumerate(lines, 1):
        try:
            data = json.loads(line)
            found.append(
                Checkpoint(int(data["seq"]), str(data["head"]), str(data["at"]), str(data["mac"]))
            )
        except (ValueError, KeyError, TypeError):
            found.append(f"line {number} is not a checkpoint")
    return found


async def write_checkpoint(
    sessionmaker: async_sessionmaker[AsyncSession], path: Path
) -> Checkpoint | None:
    """Append a signed checkpoint of the chain's head to ``path`` (and the log) if it moved."""
    async with sessionmaker() as session:
        key = _session_key(session)
        last = (
            await session.execute(
                select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
            )
        ).first()
    if last is None:
        return None
    previous = [c for c in read_checkpoints(path) if isinstance(c, Checkpoint)]
    if previous and previous[-1].seq >= int(last.seq):
        return None
    point = Checkpoint.sign(key, int(last.seq), str(last.hash), _at_text(datetime.now(UTC)))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as out:
            out.write(point.line() + "\n")
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        raise StoreError(f"audit checkpoints {path}: {exc.strerror or exc}") from exc
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

    def describe(self) -> str:
        if self.ok:
            anchored = f", {self.checkpoints} checkpoints match" if self.checkpoints else ""
            return f"OK: audit chain intact, {self.count} entries{anchored}"
        if self.bad_seq is None:
            return f"BROKEN: {self.problem}"
        return f"BROKEN at entry {self.bad_seq}: {self.problem}"


async def verify(
    sessionmaker: async_sessionmaker[AsyncSession],
    checkpoints: Path | None = None,
    batch: int = 1000,
) -> VerifyResult:
    """Walk the chain from the first entry; then hold it against the signed checkpoints."""
    expected_seq = 1
    prev = GENESIS
    heads: dict[int, str] = {}
    async with sessionmaker() as session:
        key = _session_key(session)
        stray = await session.scalar(select(AuditEntry.seq).where(AuditEntry.seq < 1).limit(1))
        if stray is not None:
            return VerifyResult(False, 0, stray, "entry outside the chain's numbering: inserted")
        wanted = {
            c.seq
            for c in (read_checkpoints(checkpoints) if checkpoints else [])
            if isinstance(c, Checkpoint)
        }
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
                if row.seq != expected_seq:
                    last = row.seq - 1
                    gone = (
                        f"entry {expected_seq}"
                        if last == expected_seq
                        else f"entries {expected_seq}–{last}"
                    )
                    return VerifyResult(
                        False,
                        expected_seq - 1,
                        expected_seq,
                        f"{gone} missing (removed; the next entry is {row.seq})",
                    )
                if row.mac != KEYED:
                    return VerifyResult(
                        False,
                        expected_seq - 1,
                        row.seq,
                        "entry is not keyed: written without the audit key (forged or not re-keyed)",
                    )
                if row.prev_hash != prev:
                    return VerifyResult(
                        False,
                        expected_seq - 1,
                        row.seq,
                        "previous-hash mismatch: an entry before it was inserted, removed or rewritten",
                    )
                computed = entry_mac(
                    key, row.seq, row.at, row.actor, row.action, row.target, row.detail, prev
                )
                if not hmac.compare_digest(computed, row.hash):
                    return VerifyResult(
                        False,
                        expected_seq - 1,
                        row.seq,
                        "hash mismatch: the entry was altered",
                    )
                if row.seq in wanted:
                    heads[row.seq] = row.hash
                prev = row.hash
                expected_seq += 1
            session.expunge_all()
    count = expected_seq - 1
    if checkpoints is None:
        return VerifyResult(True, count)
    return _against_checkpoints(key, count, heads, read_checkpoints(checkpoints), checkpoints)


def _against_checkpoints(
    key: bytes,
    count: int,
    heads: Mapping[int, str],
    points: list[Checkpoint | str],
    path: Path,
) -> VerifyResult:
    checked = 0
    for number, point in enumerate(points, 1):
        if isinstance(point, str) or not point.valid(key):
            why = point if isinstance(point, str) else f"line {number} has a bad signature"
            return VerifyResult(False, count, None, f"checkpoint file {path}: {why} (edited)")
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
                f"{point.at} saw entry {point.seq} (tail cut)",
            )
        if heads.get(point.seq) != point.head:
            return VerifyResult(
                False,
                count,
                point.seq,
                f"differs from the checkpoint of {point.at} (the chain was rewritten)",
            )
        checked += 1
    return VerifyResult(True, count, checkpoints=checked)
