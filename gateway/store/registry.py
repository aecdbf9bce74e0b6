"""Registered secrets in the store: documents as keyed fingerprints, data sets as keyed hashes.

Nothing here ever stores text or values: a document is kept as the packed keyed fingerprints of
:func:`matchers.fingerprint.fingerprints` plus label, category, threshold, sizes, who and when; a
data set as packed keyed hashes of its normalised cell values and prefixes. The key is derived
from the audit/store key with its own label, and pinned by the first key rotation
(``keys.load_fingerprint_key``), so the register cannot be tested against guessed sentences
without it. Every change is written to the audit chain.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import select

from gateway.errors import StoreError
from gateway.registered import Registrations
from gateway.store import audit
from gateway.store.engine import Sessions, transaction
from gateway.store.keys import derive_fingerprint_key
from gateway.store.models import RegisteredCommon, RegisteredDataSet, RegisteredDocument
from matchers.exactdata import DataSet, ExactDataIndex
from matchers.fingerprint import (
    CURRENT_SCHEME,
    DEFAULT_MIN_RUN,
    FingerprintIndex,
    Registered,
    fingerprints,
    kgram_hashes,
    squeeze,
)
from matchers.normalize import fold

__all__ = [
    "CommonSummary",
    "DataSummary",
    "DocumentSummary",
    "RegistrationRefused",
    "add_common",
    "add_dataset",
    "add_document",
    "fingerprint_key",
    "list_common",
    "list_registered",
    "load_registrations",
    "registry_version",
    "remove",
]

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CELL = np.dtype([("hash", "<u8"), ("row", "<u4"), ("column", "<u4")])
_PREFIX = np.dtype([("hash", "<u8"), ("length", "<u4")])
#: Fewer fingerprints than this and a "document" is a phrase: it would match ordinary mail.
MIN_FINGERPRINTS = 5


class RegistrationRefused(StoreError):
    """A registration the rules refuse (not a store fault): ``str()`` for the command line,
    ``reason`` for the console (Chinese)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def fingerprint_key(audit_key: bytes) -> bytes:
    """The fingerprint key derived from an audit key (see ``keys.load_fingerprint_key``, which
    pins it across key rotations)."""
    return derive_fingerprint_key(audit_key)


def _new_id(prefix: str) -> str:
    tail = "".join(secrets.choice(_CROCKFORD) for _ in range(6))
    return f"{prefix}{datetime.now(UTC):%Y%m%d}-{tail}"


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    id: str
    label: str
    category: str
    threshold: int
    chars: int
    fingerprints: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DataSummary:
    id: str
    label: str
    category: str
    columns: tuple[str, ...]
    rows: int
    min_rows: int
    created_by: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class CommonSummary:
    id: str
    label: str
    files: int
    chars: int
    fingerprints: int
    created_by: str
    created_at: datetime


def _common(row: RegisteredCommon) -> CommonSummary:
    return CommonSummary(
        row.id,
        row.label,
        row.files,
        row.chars,
        row.fingerprint_count,
        row.created_by,
        audit.utc(row.created_at),
    )


def _document(row: RegisteredDocument) -> DocumentSummary:
    return DocumentSummary(
        row.id,
        row.label,
        row.category,
        row.threshold,
        row.chars,
        row.fingerprint_count,
        row.created_by,
        audit.utc(row.created_at),
    )


def _data(row: RegisteredDataSet) -> DataSummary:
    return DataSummary(
        row.id,
        row.label,
        row.category,
        tuple(str(c) for c in row.columns),
        row.rows,
        row.min_rows,
        row.created_by,
        audit.utc(row.created_at),
    )


async def add_document(
    sessions: Sessions,
    key: bytes,
    *,
    text: str,
    label: str,
    category: str,
    threshold: int,
    actor: str,
    via: dict[str, str] | None = None,
) -> DocumentSummary:
    """Fingerprint ``text`` under ``key`` and register it; the text itself is not kept."""
    if not 1 <= threshold <= 100:
        raise StoreError(f"threshold {threshold}% is out of range (1–100%)")
    hashes = sorted({value for value, _ in fingerprints(text, key, CURRENT_SCHEME)})
    if len(hashes) < MIN_FINGERPRINTS:
        raise RegistrationRefused(
            f"《{label}》 has too little text to register ({len(hashes)} fingerprints, "
            f"at least {MIN_FINGERPRINTS} needed)",
            f"《{label}》的文字太少，无法登记（只有 {len(hashes)} 个指纹，至少需要 "
            f"{MIN_FINGERPRINTS} 个）。",
        )
    row = RegisteredDocument(
        id=_new_id("D"),
        label=label,
        category=category,
        threshold=threshold,
        chars=len(squeeze(fold(text).text)),
        fingerprint_count=len(hashes),
        hashes=np.asarray(hashes, dtype="<u8").tobytes(),
        scheme=CURRENT_SCHEME,
        created_by=actor,
        created_at=datetime.now(UTC),
    )
    async with transaction(sessions) as session:
        await audit.begin_write(session)
        session.add(row)
        await audit.append(
            session,
            actor,
            "register_document",
            row.id,
            {
                "label": label,
                "category": category,
                "threshold": threshold,
                "fingerprints": len(hashes),
                **(via or {}),
            },
        )
    return _document(row)


async def add_dataset(
    sessions: Sessions,
    key: bytes,
    *,
    label: str,
    category: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    min_rows: int,
    unique: Sequence[int] = (),
    min_values: int = 2,
    actor: str,
    via: dict[str, str] | None = None,
) -> DataSummary:
    """Hash every cell of ``rows`` under ``key`` and register the set; values are not kept."""
    if min_rows < 1:
        raise StoreError(f"--min-rows {min_rows} must be at least 1")
    if not rows:
        raise RegistrationRefused(
            f"《{label}》 has no rows to register", f"《{label}》没有可登记的行。"
        )
    data = DataSet.register("", label, category, columns, rows, key, unique=unique)
    cells = np.array(
        [(h, row, column) for h, found in data.values.items() for row, column in found],
        dtype=_CELL,
    )
    prefixes = np.array(
        [(h, length) for h, lengths in data.prefixes.items() for length in lengths],
        dtype=_PREFIX,
    )
    row = RegisteredDataSet(
        id=_new_id("E"),
        label=label,
        category=category,
        columns=list(columns),
        unique_columns=sorted(unique),
        rows=data.rows,
        min_rows=min_rows,
        min_values=min_values,
        cells=cells.tobytes(),
        prefixes=prefixes.tobytes(),
        created_by=actor,
        created_at=datetime.now(UTC),
    )
    async with transaction(sessions) as session:
        await audit.begin_write(session)
        session.add(row)
        await audit.append(
            session,
            actor,
            "register_data",
            row.id,
            {
                "label": label,
                "category": category,
                "columns": list(columns),
                "rows": data.rows,
                "min_rows": min_rows,
                **(via or {}),
            },
        )
    return _data(row)


async def add_common(
    sessions: Sessions,
    key: bytes,
    *,
    texts: Sequence[str],
    label: str,
    actor: str,
    via: dict[str, str] | None = None,
) -> CommonSummary:
    """Register ``texts`` (ordinary mail and documents) as a stop-set: the keyed hash of every
    k-gram is kept, the text is not. Registered documents' fingerprints found in it are ignored.
    """
    hashes: set[int] = set()
    chars = 0
    for text in texts:
        hashes |= kgram_hashes(text, key, CURRENT_SCHEME)
        chars += len(squeeze(fold(text).text))
    if not hashes:
        raise RegistrationRefused(
            f"《{label}》 has no text to register as ordinary mail",
            f"《{label}》没有可登记的文字。",
        )
    row = RegisteredCommon(
        id=_new_id("C"),
        label=label,
        files=len(texts),
        chars=chars,
        fingerprint_count=len(hashes),
        hashes=np.asarray(sorted(hashes), dtype="<u8").tobytes(),
        scheme=CURRENT_SCHEME,
        created_by=actor,
        created_at=datetime.now(UTC),
    )
    async with transaction(sessions) as session:
        await audit.begin_write(session)
        session.add(row)
        await audit.append(
            session,
            actor,
            "register_common",
            row.id,
            {"label": label, "files": len(texts), "fingerprints": len(hashes), **(via or {})},
        )
    return _common(row)


async def list_common(sessions: Sessions) -> list[CommonSummary]:
    async with transaction(sessions) as session:
        rows = (await session.scalars(select(RegisteredCommon).order_by(RegisteredCommon.id))).all()
        return [_common(r) for r in rows]


async def list_registered(
    sessions: Sessions,
) -> tuple[list[DocumentSummary], list[DataSummary]]:
    async with transaction(sessions) as session:
        documents = (
            await session.scalars(select(RegisteredDocument).order_by(RegisteredDocument.id))
        ).all()
        sets = (
            await session.scalars(select(RegisteredDataSet).order_by(RegisteredDataSet.id))
        ).all()
        return [_document(d) for d in documents], [_data(s) for s in sets]


async def remove(
    sessions: Sessions, registration: str, actor: str, via: dict[str, str] | None = None
) -> str:
    """Remove a registered document, data set or ordinary-mail corpus; its label.

    Unknown id → StoreError."""
    async with transaction(sessions) as session:
        await audit.begin_write(session)
        found: RegisteredDocument | RegisteredDataSet | RegisteredCommon | None = None
        for model in (RegisteredDocument, RegisteredDataSet, RegisteredCommon):
            found = found or await session.get(model, registration)
        if found is not None:
            label = str(found.label)
            await session.delete(found)
            await audit.append(
                session, actor, "unregister", registration, {"label": label, **(via or {})}
            )
            return label
    raise RegistrationRefused(
        f"no registration {registration} (see `dlp-gateway register list`)",
        f"没有编号为 {registration} 的登记（可能已被删除）。",
    )


async def registry_version(sessions: Sessions) -> str:
    """A short version of the registration set ('' when nothing is registered)."""
    async with transaction(sessions) as session:
        ids = list(await session.scalars(select(RegisteredDocument.id)))
        ids += list(await session.scalars(select(RegisteredDataSet.id)))
        if not ids:  # an ordinary-mail corpus alone changes nothing
            return ""
        ids += list(await session.scalars(select(RegisteredCommon.id)))
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()[:16]


async def load_registrations(sessions: Sessions, key: bytes) -> Registrations:
    """Every registration, built into the indexes the inspection workers use."""
    async with transaction(sessions) as session:
        documents = list(await session.scalars(select(RegisteredDocument)))
        sets = list(await session.scalars(select(RegisteredDataSet)))
        commons = list(await session.scalars(select(RegisteredCommon)))
    if not documents and not sets:
        return Registrations()
    ids = sorted([d.id for d in documents] + [s.id for s in sets] + [c.id for c in commons])
    version = hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]
    registered = [
        Registered(
            d.id,
            d.label,
            d.category,
            np.frombuffer(d.hashes, dtype="<u8").astype(np.uint64),
            d.threshold / 100,
            DEFAULT_MIN_RUN,
            d.scheme,
        )
        for d in documents
    ]
    data_sets = [_load_dataset(s) for s in sets]
    # a corpus only removes fingerprints of its own scheme (documents registered before
    # scheme 2 are compared with corpora registered before it, until both are registered again)
    common = {
        scheme: np.concatenate(
            [
                np.frombuffer(c.hashes, dtype="<u8").astype(np.uint64)
                for c in commons
                if c.scheme == scheme
            ]
        )
        for scheme in {c.scheme for c in commons}
    }
    return Registrations(
        version,
        FingerprintIndex.build(key, registered, common=common) if registered else None,
        ExactDataIndex(key, data_sets) if data_sets else None,
    )


def _load_dataset(row: RegisteredDataSet) -> DataSet:
    values: dict[int, list[tuple[int, int]]] = {}
    for h, r, c in np.frombuffer(row.cells, dtype=_CELL).tolist():
        values.setdefault(int(h), []).append((int(r), int(c)))
    prefixes: dict[int, set[int]] = {}
    for h, length in np.frombuffer(row.prefixes, dtype=_PREFIX).tolist():
        prefixes.setdefault(int(h), set()).add(int(length))
    return DataSet(
        row.id,
        row.label,
        row.category,
        row.rows,
        tuple(str(c) for c in row.columns),
        {h: tuple(c) for h, c in values.items()},
        {h: frozenset(lengths) for h, lengths in prefixes.items()},
        frozenset(int(c) for c in row.unique_columns),
        row.min_values,
        row.min_rows,
    )
