"""Delivery of released cases: one claimed attempt at a time, retries with backoff.

A released case is ``release_pending`` until upstream answers 2xx, is retried with the backoff of
``quarantine.release_retry_seconds`` on temporary failures and becomes ``release_failed`` on a
permanent refusal (officers decide again). The claim (``CaseTx.claim_release``) moves the retry
time past the relay timeout, so no other job or gateway instance sends the same case meanwhile.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from gateway.errors import PermanentRelayError, RelayError, TemporaryRelayError
from gateway.review.base import GATEWAY, ReviewBase, now
from gateway.store import cases as store_cases
from gateway.store.models import CaseState

log = logging.getLogger("dlp_gateway.review")

DELIVERY_MESSAGES: dict[CaseState, str] = {
    CaseState.RELEASED: "已放行，上游服务器已接收",
    CaseState.RELEASE_PENDING: "已放行，上游暂时不可用，将自动重试投递",
    CaseState.RELEASE_FAILED: "已放行，但上游服务器拒收：请查看原因后重新处理",
}


class ReleaseDelivery(ReviewBase):
    async def deliver_pending(self) -> int:
        """Try every release whose retry time has come; return how many upstream took."""
        delivered = 0
        for case_id in await store_cases.due_releases(self._sessions, now()):
            if await self.deliver(case_id) is CaseState.RELEASED:
                delivered += 1
        return delivered

    async def deliver(self, case_id: str) -> CaseState | None:
        """One delivery attempt, if this instance wins the claim; None when someone else has it."""
        moment = now()
        lease = moment + timedelta(seconds=self._settings.relay.timeout * 2 + 60)
        async with store_cases.write(self._sessions) as tx:
            if not await tx.claim_release(case_id, moment, lease):
                return None
            case = await self._case(tx, case_id)
            raw, mail_from, rcpt_to = case.raw, case.mail_from, list(case.rcpt_to)
            attempt = case.release_attempts
            tx.event(case.id, GATEWAY, "release_attempt", f"第 {attempt} 次投递")
        try:
            if raw is None:
                raise PermanentRelayError(554, "原始邮件已清除")
            reply = await self._relay.send(mail_from, rcpt_to, raw)
        except PermanentRelayError as exc:
            return await self._delivery_failed(case_id, exc)
        except (TemporaryRelayError, RelayError) as exc:
            return await self._delivery_deferred(case_id, attempt, str(exc))
        except Exception as exc:  # an unexpected relay fault must not lose the release
            log.exception("release of %s: unexpected relay error", case_id)
            return await self._delivery_deferred(case_id, attempt, f"{type(exc).__name__}")
        return await self._delivered(case_id, reply)

    async def _delivered(self, case_id: str, reply: str) -> CaseState:
        async with store_cases.write(self._sessions) as tx:
            case = await self._case(tx, case_id, for_update=True)
            case.state = CaseState.RELEASED.value
            case.upstream_reply = reply[:1000]
            case.next_release_at = None
            case.last_release_error = None
            case.updated_at = now()
            tx.event(case.id, GATEWAY, "release_delivered", reply[:1000])
            await tx.audit(GATEWAY, "release_delivered", case.id, {"reply": reply[:200]})
        self._metrics.releases_total.inc()
        await self._notifier.released(case)
        log.info("case %s released: upstream said %s", case_id, reply[:200])
        return CaseState.RELEASED

    async def _delivery_deferred(self, case_id: str, attempt: int, error: str) -> CaseState:
        self._metrics.relay_errors_total.labels(kind="temporary").inc()
        backoff = self._settings.quarantine.release_retry_seconds or [300]
        delay = backoff[min(attempt - 1, len(backoff) - 1)]
        async with store_cases.write(self._sessions) as tx:
            case = await self._case(tx, case_id, for_update=True)
            case.next_release_at = now() + timedelta(seconds=delay)
            case.last_release_error = error[:1000]
            case.updated_at = now()
            tx.event(
                case.id, GATEWAY, "release_attempt", f"暂时失败，{delay} 秒后重试：{error[:500]}"
            )
        log.warning(
            "case %s: release attempt %d failed (%s); retry in %ds", case_id, attempt, error, delay
        )
        return CaseState.RELEASE_PENDING

    async def _delivery_failed(self, case_id: str, exc: RelayError) -> CaseState:
        self._metrics.relay_errors_total.labels(kind="permanent").inc()
        async with store_cases.write(self._sessions) as tx:
            case = await self._case(tx, case_id, for_update=True)
            case.state = CaseState.RELEASE_FAILED.value
            case.next_release_at = None
            case.last_release_error = str(exc)[:1000]
            case.updated_at = now()
            tx.event(case.id, GATEWAY, "release_failed", str(exc)[:1000])
            await tx.audit(GATEWAY, "release_failed", case.id, {"reply": str(exc)[:200]})
        log.warning("case %s: upstream refused the release: %s", case_id, exc)
        return CaseState.RELEASE_FAILED
