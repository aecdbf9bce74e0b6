"""The store's schema: held cases, their timeline, console accounts and the audit chain.

One ``Base`` for every table so Alembic sees the whole schema. The same schema serves SQLite
(default) and PostgreSQL (several gateway instances sharing one database).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class CaseState(StrEnum):
    PENDING = "pending"  # held, waiting for an officer
    REVIEWED = "reviewed"  # two-person: reviewer approved (审核), waiting for an approver (审批)
    RELEASE_PENDING = "release_pending"  # released by an officer, upstream has not said 2xx yet
    RELEASE_FAILED = "release_failed"  # upstream refused permanently; officers must decide again
    RELEASED = "released"  # upstream took it
    REJECTED = "rejected"  # an officer rejected it
    EXPIRED = "expired"  # nobody decided within quarantine.expire_after_days
    BLOCKED = "blocked"  # refused at SMTP time by a ``reject`` category; kept for the record


OPEN_STATES = (CaseState.PENDING, CaseState.REVIEWED, CaseState.RELEASE_FAILED)


class Feedback(StrEnum):
    """The officer's verdict on a hold, for tuning the tables (issue 11)."""

    CORRECT = "correct"  # 确认涉密/应扣押
    FALSE_POSITIVE = "false_positive"  # 误报


class Role(StrEnum):
    REVIEWER = "reviewer"  # 审核
    APPROVER = "approver"  # 审批
    AUDITOR = "auditor"  # reads the audit log
    ADMIN = "admin"  # accounts


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # e.g. Q20261127-7K3F9A
    state: Mapped[str] = mapped_column(String(20), index=True)
    verdict: Mapped[str] = mapped_column(String(20))  # pass | quarantine | reject
    release_mode: Mapped[str] = mapped_column(String(20), default="single")  # single | two-person
    severity: Mapped[str] = mapped_column(String(10), default="low")  # highest triggered

    # envelope and session
    mail_from: Mapped[str] = mapped_column(Text, index=True)
    rcpt_to: Mapped[list[Any]] = mapped_column(JSON)  # the recipients this copy is for
    client_addr: Mapped[str] = mapped_column(String(64), default="")
    helo: Mapped[str] = mapped_column(Text, default="")
    tls: Mapped[bool] = mapped_column(Boolean, default=False)
    auth_user: Mapped[str | None] = mapped_column(Text, nullable=True)
    gateway_id: Mapped[str] = mapped_column(String(64), default="")  # which instance held it

    # message
    message_id: Mapped[str] = mapped_column(Text, default="")
    subject: Mapped[str] = mapped_column(Text, default="")  # decoded, for the queue only
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    raw: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # None once purged
    raw_purged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    # inspection
    scope_version: Mapped[str] = mapped_column(String(64))
    # [{id, name, score, threshold, action, severity, release}]
    categories: Mapped[list[Any]] = mapped_column(JSON)
    category_ids: Mapped[str] = mapped_column(Text, default="")  # " land personnel " for filtering
    findings: Mapped[list[Any]] = mapped_column(JSON)  # Finding dicts
    unscannable: Mapped[list[Any]] = mapped_column(JSON)  # [{location, reason, detail}]
    # [{location, filename, content_type, size, sha256, status, reason}]
    parts: Mapped[list[Any]] = mapped_column(JSON)
    segments: Mapped[list[Any]] = mapped_column(JSON)  # [{location, text}] extracted text, capped
    # pictures read by OCR: [{location, width, height, lines: [{text, box}]}], no pixels
    ocr_pages: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    inspection_ms: Mapped[int] = mapped_column(Integer, default=0)

    # timeline summary (full history in case_events)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reviewed_by: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # the officer's verdict on the hold (optional): correct (确认涉密) | false_positive (误报)
    feedback: Mapped[str | None] = mapped_column(String(20), nullable=True, index=True)
    # for a false positive: the finding keys ("category:kind:rule") the officer marked wrong
    wrong_findings: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    feedback_by: Mapped[str | None] = mapped_column(Text, nullable=True)
    # the sender's business justification (业务理由), written once through the notice's link
    sender_request: Mapped[str | None] = mapped_column(Text, nullable=True)
    sender_request_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )

    # release delivery (state release_pending)
    release_attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_release_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_release_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    upstream_reply: Mapped[str | None] = mapped_column(Text, nullable=True)

    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_cases_state_received", "state", "received_at"),)


class CaseEvent(Base):
    """The case's timeline: received, held, notified, viewed, reviewed, released, …"""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(Text)  # "gateway" or an account name
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(Text, default="")

    case: Mapped[Case] = relationship(back_populates="events")


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    emails: Mapped[list[Any]] = mapped_column(JSON, default=list)  # own addresses: no self-review
    password_hash: Mapped[str] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    password_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ConsoleSession(Base):
    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditEntry(Base):
    """Append-only, chained: ``hash = HMAC-SHA256(key, canonical(entry with prev_hash))``.

    ``mac`` names how ``hash`` was made: ``hmac-sha256`` (keyed, every entry since migration
    0002) or ``sha256`` (an unkeyed entry from before; re-keyed at the first start with a key).
    """

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2, 3, … no gaps
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str] = mapped_column(Text, default="")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(16), server_default="sha256")


class JobClaim(Base):
    """One row per periodic job and period: whoever inserts it first runs the job (cluster-wide)."""

    __tablename__ = "job_claims"

    job: Mapped[str] = mapped_column(String(40), primary_key=True)  # e.g. "digest"
    period: Mapped[str] = mapped_column(String(40), primary_key=True)  # e.g. "2026-12-05"
    claimed_by: Mapped[str] = mapped_column(Text)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RegisteredDocument(Base):
    """A registered secret document: keyed fingerprints and sizes, never its text.

    ``hashes`` packs the keyed winnowed fingerprints as little-endian unsigned 64-bit integers.
    """

    __tablename__ = "registered_documents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # e.g. D20261205-7K3F9A
    label: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64))
    threshold: Mapped[int] = mapped_column(Integer)  # percent of its fingerprints
    chars: Mapped[int] = mapped_column(Integer)  # squeezed characters registered
    fingerprint_count: Mapped[int] = mapped_column(Integer)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)
    # matchers.fingerprint scheme of ``hashes``; rows from before scheme 2 (migration 0007) are 1
    scheme: Mapped[int] = mapped_column(Integer, server_default="1")
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RegisteredDataSet(Base):
    """A registered data set (exact-data match): keyed hashes of row values, never the values.

    ``cells`` packs (value hash u64, row u32, column u32) and ``prefixes`` (prefix hash u64,
    value length u32), little-endian.
    """

    __tablename__ = "registered_datasets"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # e.g. E20261205-7K3F9A
    label: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(64))
    columns: Mapped[list[Any]] = mapped_column(JSON)  # column kinds, e.g. ["name", "id", "mobile"]
    unique_columns: Mapped[list[Any]] = mapped_column(JSON)  # column numbers
    rows: Mapped[int] = mapped_column(Integer)
    min_rows: Mapped[int] = mapped_column(Integer)
    min_values: Mapped[int] = mapped_column(Integer)
    cells: Mapped[bytes] = mapped_column(LargeBinary)
    prefixes: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class TrialHit(Base):
    """A ``monitor`` category that triggered on a message (trial mode, issue 11): what the table
    *would* have held. Evidence is the category's findings; ``segments`` (the extracted text) only
    with ``quarantine.trial_keep_text``. Nothing here holds or delays mail."""

    __tablename__ = "trial_hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    scope_version: Mapped[str] = mapped_column(String(64))
    category: Mapped[str] = mapped_column(String(64), index=True)
    category_name: Mapped[str] = mapped_column(Text, default="")
    score: Mapped[int] = mapped_column(Integer, default=0)
    threshold: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str] = mapped_column(String(20))  # what really happened: pass|quarantine|reject
    mail_from: Mapped[str] = mapped_column(Text, default="")
    rcpt_to: Mapped[list[Any]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(Text, default="")
    message_id: Mapped[str] = mapped_column(Text, default="")
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    findings: Mapped[list[Any]] = mapped_column(JSON)  # this category's Finding dicts
    segments: Mapped[list[Any] | None] = mapped_column(JSON, nullable=True)
    gateway_id: Mapped[str] = mapped_column(String(64), default="")


class ScopeVersion(Base):
    """The scope tables' content, stored once per version hash (the hash cases record), so a
    case page can show the exact table text that decided it (issue 11)."""

    __tablename__ = "scope_versions"

    version: Mapped[str] = mapped_column(String(64), primary_key=True)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    loaded_by: Mapped[str] = mapped_column(Text, default="")  # instance and trigger
    files: Mapped[list[Any]] = mapped_column(JSON)  # [{name, text}] sorted by name


class RegisteredCommon(Base):
    """A corpus of ordinary mail registered as a stop-set: keyed hashes of its k-grams, no text.

    A registered document's fingerprint found here is ignored at match time (boilerplate the
    unit's ordinary mail shares). ``hashes`` packs the keyed hash of every distinct k-gram as
    little-endian unsigned 64-bit integers.
    """

    __tablename__ = "registered_common"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # e.g. C20261205-7K3F9A
    label: Mapped[str] = mapped_column(Text)
    files: Mapped[int] = mapped_column(Integer)  # files read
    chars: Mapped[int] = mapped_column(Integer)  # squeezed characters read
    fingerprint_count: Mapped[int] = mapped_column(Integer)
    hashes: Mapped[bytes] = mapped_column(LargeBinary)
    # matchers.fingerprint scheme of ``hashes``; rows from before scheme 2 (migration 0007) are 1
    scheme: Mapped[int] = mapped_column(Integer, server_default="1")
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
