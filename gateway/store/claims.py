"""Cluster-wide claims of periodic jobs: the first instance to insert (job, period) runs it.

Several gateway instances share one database; a job that must run once per period for the whole
cluster (the officers' daily digest) first inserts its ``job_claims`` row. The primary key makes
the insert succeed for exactly one instance, on SQLite and PostgreSQL alike. Per-case jobs
(release retries, expiry, purge) do not need this: they claim the case rows themselves
(``store.cases``: the release lease, and the store's write lock around expiry and purge).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from gateway.store.engine import Sessions, store_errors
from gateway.store.models import JobClaim


async def claim(sessions: Sessions, job: str, period: str, by: str) -> bool:
    """True if this caller now owns ``job`` for ``period``; False if another one does."""
    with store_errors():
        try:
            async with sessions() as session, session.begin():
                session.add(
                    JobClaim(job=job, period=period, claimed_by=by, claimed_at=datetime.now(UTC))
                )
        except IntegrityError:
            return False
    return True


async def release(sessions: Sessions, job: str, period: str) -> None:
    """Give a claim back (the job failed), so that another instance or a retry may run it."""
    with store_errors():
        async with sessions() as session, session.begin():
            await session.execute(
                delete(JobClaim).where(JobClaim.job == job, JobClaim.period == period)
            )
