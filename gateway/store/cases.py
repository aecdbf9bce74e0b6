"""Queries on held cases for the review rules, the periodic jobs and the service wiring.

The review code (``gateway/review``) works through :class:`CaseTx`, one write transaction that
holds the store's write lock (:func:`gateway.store.audit.begin_write`) from its first statement,
so that the case row, its timeline and the audit entry commit together or not at all. Database
faults leave as :class:`~gateway.errors.StoreError` (:func:`gateway.store.engine.store_errors`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer, selectinload

from gateway.store import audit
from gateway.store.engine import Sessions, store_errors
from gateway.store.models import OPEN_STATES, Case, CaseEvent, CaseState, User

FINAL_STATES = (CaseState.RELEASED, CaseState.REJECTED, CaseState.EXPIRED, CaseState.BLOCKED)


def _now() -> datetime:
    return datetime.now(UTC)


class CaseTx:
    """One locked write transaction on the quarantine (see :func:`write`)."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def user(self, name: str) -> User | None:
        return await self._session.scalar(select(User).where(User.name == name))

    async def case(
        self, case_id: str, *, for_update: bool = False, with_raw: bool = True
    ) -> Case | None:
        """The case row; ``with_raw=False`` leaves the stored message out (it may be 50 MiB,
        and this transaction holds the write lock): ``case.raw`` must then not be read."""
        query = select(Case).where(Case.id == case_id)
        if not with_raw:
            query = query.options(defer(Case.raw, raiseload=True))
        if for_update:
            query = query.with_for_update()
        return await self._session.scalar(query)

    def event(self, case_id: str, actor: str, action: str, detail: str = "") -> None:
        """Add a line to the case's timeline."""
        self._session.add(
            CaseEvent(case_id=case_id, at=_now(), actor=actor, action=action, detail=detail)
        )

    async def audit(
        self, actor: str, action: str, target: str = "", detail: Mapping[str, Any] | None = None
    ) -> None:
        """Append to the audit chain; entries without a channel are the gateway's own."""
        body = dict(detail or {})
        body.setdefault("channel", "gateway")
        await audit.append(self._session, actor, action, target, body)

    async def claim_release(self, case_id: str, now: datetime, lease_until: datetime) -> bool:
        """Take a due ``release_pending`` case for one delivery attempt (one instance wins)."""
        claimed = await self._session.execute(
            update(Case)
            .where(
                Case.id == case_id,
                Case.state == CaseState.RELEASE_PENDING.value,
                or_(Case.next_release_at.is_(None), Case.next_release_at <= now),
            )
            .values(next_release_at=lease_until, release_attempts=Case.release_attempts + 1)
        )
        return getattr(claimed, "rowcount", 0) == 1

    async def open_cases_received_before(self, moment: datetime) -> list[Case]:
        rows = await self._session.scalars(
            select(Case).where(
                Case.state.in_([s.value for s in OPEN_STATES]), Case.received_at < moment
            )
        )
        return list(rows.all())

    async def decided_cases_with_content_before(self, moment: datetime) -> list[Case]:
        rows = await self._session.scalars(
            select(Case).where(
                Case.state.in_([s.value for s in FINAL_STATES]),
                Case.raw.is_not(None),
                Case.received_at < moment,
            )
        )
        return list(rows.all())


@asynccontextmanager
async def write(sessions: Sessions) -> AsyncIterator[CaseTx]:
    """A committed write transaction holding the store's write lock from the start."""
    with store_errors():
        async with sessions() as session, session.begin():
            await audit.begin_write(session)
            yield CaseTx(session)


async def raw_head(sessions: Sessions, case_id: str, limit: int) -> bytes | None:
    """At most the first ``limit`` bytes of a case's stored message (None: purged or no such
    case), read by the database, not by loading the whole message."""
    with store_errors():
        async with sessions() as session:
            value = await session.scalar(
                select(func.substr(Case.raw, 1, limit)).where(Case.id == case_id)
            )
    return bytes(value) if value is not None else None


async def case_with_timeline(sessions: Sessions, case_id: str) -> Case | None:
    with store_errors():
        async with sessions() as session:
            return await session.scalar(
                select(Case).where(Case.id == case_id).options(selectinload(Case.events))
            )


async def due_releases(sessions: Sessions, now: datetime, limit: int = 100) -> list[str]:
    """Ids of ``release_pending`` cases whose retry time has come, earliest first."""
    with store_errors():
        async with sessions() as session:
            rows = await session.scalars(
                select(Case.id)
                .where(
                    Case.state == CaseState.RELEASE_PENDING.value,
                    or_(Case.next_release_at.is_(None), Case.next_release_at <= now),
                )
                .order_by(Case.next_release_at)
                .limit(limit)
            )
            return list(rows.all())


async def open_case_stats(sessions: Sessions) -> tuple[int, datetime | None]:
    """How many cases wait for an officer, and when the oldest of them arrived (UTC)."""
    with store_errors():
        async with sessions() as session:
            row = (
                await session.execute(
                    select(func.count(), func.min(Case.received_at)).where(
                        Case.state.in_([s.value for s in OPEN_STATES])
                    )
                )
            ).one()
    oldest = row[1]
    return int(row[0]), audit.utc(oldest) if oldest is not None else None


async def open_cases(sessions: Sessions, limit: int = 500) -> list[Case]:
    """Cases waiting for an officer, oldest first (the daily digest)."""
    with store_errors():
        async with sessions() as session:
            rows = await session.scalars(
                select(Case)
                .where(Case.state.in_([s.value for s in OPEN_STATES]))
                .order_by(Case.received_at)
                .limit(limit)
            )
            return list(rows.all())
