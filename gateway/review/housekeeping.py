"""The quarantine's periodic jobs: expiry of undecided cases, purge of old content, gauges.

Each run takes the store's write lock before reading (``store.cases.write``), so with several
instances on one database each case is expired or purged by exactly one of them.
"""

from __future__ import annotations

from datetime import timedelta

from gateway.review.base import GATEWAY, ReviewBase, now
from gateway.store import cases as store_cases
from gateway.store.models import Case, CaseState


class Housekeeping(ReviewBase):
    async def expire_and_purge(self) -> tuple[int, int]:
        """Expire undecided cases past ``expire_after_days``; purge raw bytes past ``retain_days``."""
        moment = now()
        q = self._settings.quarantine
        expired: list[Case] = []
        async with store_cases.write(self._sessions) as tx:
            stale = await tx.open_cases_received_before(
                moment - timedelta(days=q.expire_after_days)
            )
            for case in stale:
                case.state = CaseState.EXPIRED.value
                case.decided_by = GATEWAY
                case.decided_at = moment
                case.decision_reason = f"超过 {q.expire_after_days:g} 天无人处理，自动退回"
                case.updated_at = moment
                tx.event(case.id, GATEWAY, "expired", case.decision_reason)
                await tx.audit(GATEWAY, "expire", case.id, {})
                expired.append(case)
            old = await tx.decided_cases_with_content_before(moment - timedelta(days=q.retain_days))
            for case in old:
                # Metadata, findings and the audit chain stay; the content itself goes.
                case.raw = None
                case.segments = []
                case.ocr_pages = None  # the lines OCR read are extracted text too
                case.raw_purged_at = moment
                case.updated_at = moment
                tx.event(case.id, GATEWAY, "purged", "")
                await tx.audit(GATEWAY, "purge", case.id, {"sha256": case.sha256})
        for case in expired:
            await self._notifier.expired(case)
        return len(expired), len(old)

    async def refresh_gauges(self) -> None:
        count, oldest = await store_cases.open_case_stats(self._sessions)
        self._metrics.quarantine_pending.set(count)
        age = (now() - oldest).total_seconds() if oldest is not None else 0.0
        self._metrics.quarantine_oldest_pending_seconds.set(max(age, 0.0))
