"""The review rules and actions shared by the console, its API and the CLI.

Who may do what to a held case (DESIGN "Review"):

- only ``reviewer`` (审核) and ``approver`` (审批) accounts open or decide cases, and nobody acts on
  mail they sent (the envelope sender or a From/Sender address is one of their ``emails``);
- a ``single`` case is released or rejected by one reviewer or approver;
- a ``two-person`` case needs a reviewer's approval (state ``reviewed``) and then the release by a
  *different* approver; the first ``release`` by a reviewer records the approval;
- every decision needs a reason and is written to the case timeline and the audit chain in the
  same transaction as the state change.

Release relays the stored original: the case is ``release_pending`` until upstream answers 2xx,
is retried with backoff on temporary failures and becomes ``release_failed`` on a permanent refusal.
The periodic jobs (``deliver_pending``, ``expire_and_purge``, ``refresh_gauges``) live here too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from gateway.errors import PermanentRelayError, RelayError, ReviewError, TemporaryRelayError
from gateway.relay import Relay
from gateway.settings import Settings
from gateway.store import audit
from gateway.store.models import OPEN_STATES, Case, CaseEvent, CaseState, Role, User

if TYPE_CHECKING:
    from gateway.metrics import Metrics
    from gateway.notify import Notifier

log = logging.getLogger("dlp_gateway.review")

GATEWAY = "gateway"
OFFICER_ROLES = (Role.REVIEWER, Role.APPROVER)
FINAL_STATES = (CaseState.RELEASED, CaseState.REJECTED, CaseState.EXPIRED, CaseState.BLOCKED)
MAX_REASON = 2000


class UnknownCase(ReviewError):
    """No case with that id (the console answers 404)."""


class OfficerAction(StrEnum):
    APPROVE = "approve"  # 审核: the reviewer's half of a two-person release
    RELEASE = "release"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What an officer's action did, in words for the officer."""

    case_id: str
    state: CaseState
    message: str


@dataclass(frozen=True, slots=True)
class BulkItem:
    case_id: str
    ok: bool
    state: str
    message: str


def _now() -> datetime:
    return datetime.now(UTC)


def sender_addresses(case: Case) -> set[str]:
    """The envelope sender plus the From and Sender header addresses, lower-cased."""
    found = {case.mail_from.strip().lower()} if case.mail_from else set()
    if case.raw:
        try:
            headers = BytesHeaderParser(policy=default_policy).parsebytes(case.raw)
            values = [str(v) for key in ("from", "sender") for v in headers.get_all(key) or ()]
        except Exception:  # a hostile header must not stop the review; the envelope still counts
            values = []
        found |= {addr.strip().lower() for _, addr in getaddresses(values) if addr}
    return found


def check_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ReviewError("必须填写理由（放行、退回和审核都要说明理由）")
    if len(reason) > MAX_REASON:
        raise ReviewError(f"理由过长：请控制在 {MAX_REASON} 字以内")
    return reason


class Review:
    """Officer actions on held cases and the gateway's periodic quarantine jobs."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        relay: Relay,
        notifier: Notifier,
        metrics: Metrics,
        settings: Settings,
    ) -> None:
        self._sessions = sessionmaker
        self._relay = relay
        self._notifier = notifier
        self._metrics = metrics
        self._settings = settings

    # -- reading -----------------------------------------------------------------------------

    async def view(self, case_id: str, actor: str) -> Case:
        """The case with its timeline, for an officer; the view is audited."""
        async with self._sessions() as session, session.begin():
            user = await self._officer(session, actor)
            case = await self._case(session, case_id)
            self._not_own(case, user)
            await self._record(session, case, actor, "viewed", "")
            await audit.append(session, actor, "view", case.id, {})
        async with self._sessions() as session:
            loaded = await session.scalar(
                select(Case).where(Case.id == case_id).options(selectinload(Case.events))
            )
            if loaded is None:  # pragma: no cover - deleted between the two reads
                raise ReviewError(f"没有编号为 {case_id} 的案件")
            return loaded

    async def download(self, case_id: str, actor: str) -> bytes:
        """The stored original .eml, for an officer; the download is audited."""
        async with self._sessions() as session, session.begin():
            user = await self._officer(session, actor)
            case = await self._case(session, case_id)
            self._not_own(case, user)
            if case.raw is None:
                raise ReviewError(f"案件 {case_id} 的原始邮件已按保存期限清除，无法下载")
            await self._record(session, case, actor, "downloaded", "")
            await audit.append(session, actor, "download", case.id, {"sha256": case.sha256})
            return case.raw

    # -- decisions ---------------------------------------------------------------------------

    async def approve(self, case_id: str, actor: str, reason: str) -> ActionResult:
        return await self.decide(OfficerAction.APPROVE, case_id, actor, reason)

    async def release(self, case_id: str, actor: str, reason: str) -> ActionResult:
        return await self.decide(OfficerAction.RELEASE, case_id, actor, reason)

    async def reject(self, case_id: str, actor: str, reason: str) -> ActionResult:
        return await self.decide(OfficerAction.REJECT, case_id, actor, reason)

    async def bulk(
        self, decision: OfficerAction, case_ids: Iterable[str], actor: str, reason: str
    ) -> list[BulkItem]:
        """Apply one decision to many cases; each is checked and audited on its own."""
        results: list[BulkItem] = []
        for case_id in dict.fromkeys(case_ids):
            try:
                done = await self.decide(decision, case_id, actor, reason)
            except ReviewError as exc:
                results.append(BulkItem(case_id, False, "", str(exc)))
            else:
                results.append(BulkItem(case_id, True, done.state.value, done.message))
        return results

    async def decide(
        self, decision: OfficerAction, case_id: str, actor: str, reason: str
    ) -> ActionResult:
        reason = check_reason(reason)
        async with self._sessions() as session, session.begin():
            user = await self._officer(session, actor)
            case = await self._case(session, case_id, for_update=True)
            self._not_own(case, user)
            if decision is OfficerAction.REJECT:
                result = await self._reject(session, case, user, reason)
            else:
                result = await self._release(session, case, user, reason, decision)
        if result.state is CaseState.REJECTED:
            self._metrics.rejections_total.inc()
            told = reason if self._settings.notify.tell_sender_reason else ""
            await self._notifier.rejected(case, told)
        elif result.state is CaseState.RELEASE_PENDING:
            delivered = await self.deliver(case_id)
            if delivered is not None:
                result = ActionResult(case_id, delivered, _DELIVERY_MESSAGES[delivered])
        return result

    async def _release(
        self, session: AsyncSession, case: Case, user: User, reason: str, decision: OfficerAction
    ) -> ActionResult:
        state = CaseState(case.state)
        role = Role(user.role)
        if state not in OPEN_STATES:
            raise ReviewError(f"案件 {case.id} 当前状态为「{STATE_LABELS[state]}」，不能再放行")
        now = _now()
        if case.release_mode != "two-person":
            if decision is OfficerAction.APPROVE:
                raise ReviewError(f"案件 {case.id} 只需一人放行，无需审核后审批：请直接放行")
            return await self._to_release_pending(session, case, user, reason, now)
        # two-person: 审核 (reviewer) first, then 审批 by a different approver
        if state is CaseState.PENDING:
            if role is not Role.REVIEWER:
                raise ReviewError(
                    f"案件 {case.id} 需两人放行：须先由审核人审核，再由另一位审批人放行"
                )
            case.state = CaseState.REVIEWED.value
            case.reviewed_by = user.name
            case.reviewed_at = now
            case.updated_at = now
            await self._record(session, case, user.name, "reviewed", reason)
            await audit.append(session, user.name, "approve", case.id, {"reason": reason})
            return ActionResult(case.id, CaseState.REVIEWED, "已审核，等待另一位审批人放行")
        if decision is OfficerAction.APPROVE:
            raise ReviewError(f"案件 {case.id} 已经审核过（审核人 {case.reviewed_by}）")
        if role is not Role.APPROVER:
            raise ReviewError(f"案件 {case.id} 已审核，须由审批人（而非审核人）放行")
        if case.reviewed_by == user.name:
            raise ReviewError("审核与审批须由不同人员完成：您已审核过此案件")
        return await self._to_release_pending(session, case, user, reason, now)

    async def _to_release_pending(
        self, session: AsyncSession, case: Case, user: User, reason: str, now: datetime
    ) -> ActionResult:
        if case.raw is None:
            raise ReviewError(f"案件 {case.id} 的原始邮件已清除，无法放行")
        case.state = CaseState.RELEASE_PENDING.value
        case.decided_by = user.name
        case.decided_at = now
        case.decision_reason = reason
        case.next_release_at = now
        case.last_release_error = None
        case.updated_at = now
        await self._record(session, case, user.name, "released", reason)
        await audit.append(session, user.name, "release", case.id, {"reason": reason})
        return ActionResult(case.id, CaseState.RELEASE_PENDING, "已放行，正在投递")

    async def _reject(
        self, session: AsyncSession, case: Case, user: User, reason: str
    ) -> ActionResult:
        state = CaseState(case.state)
        if state not in OPEN_STATES:
            raise ReviewError(f"案件 {case.id} 当前状态为「{STATE_LABELS[state]}」，不能退回")
        now = _now()
        case.state = CaseState.REJECTED.value
        case.decided_by = user.name
        case.decided_at = now
        case.decision_reason = reason
        case.updated_at = now
        await self._record(session, case, user.name, "rejected", reason)
        await audit.append(session, user.name, "reject", case.id, {"reason": reason})
        return ActionResult(case.id, CaseState.REJECTED, "已退回，已通知发件人")

    # -- delivery of released cases ------------------------------------------------------------

    async def deliver_pending(self) -> int:
        """Try every release whose retry time has come; return how many upstream took."""
        now = _now()
        async with self._sessions() as session:
            due = (
                await session.scalars(
                    select(Case.id)
                    .where(
                        Case.state == CaseState.RELEASE_PENDING.value,
                        or_(Case.next_release_at.is_(None), Case.next_release_at <= now),
                    )
                    .order_by(Case.next_release_at)
                    .limit(100)
                )
            ).all()
        delivered = 0
        for case_id in due:
            if await self.deliver(case_id) is CaseState.RELEASED:
                delivered += 1
        return delivered

    async def deliver(self, case_id: str) -> CaseState | None:
        """One delivery attempt, if this instance wins the claim; None when someone else has it."""
        now = _now()
        # The claim pushes the retry time past the relay timeout so that no other instance or
        # job sends the same case while this attempt is running.
        lease = now + timedelta(seconds=self._settings.relay.timeout * 2 + 60)
        async with self._sessions() as session, session.begin():
            await audit.begin_write(session)
            claimed = await session.execute(
                update(Case)
                .where(
                    Case.id == case_id,
                    Case.state == CaseState.RELEASE_PENDING.value,
                    or_(Case.next_release_at.is_(None), Case.next_release_at <= now),
                )
                .values(next_release_at=lease, release_attempts=Case.release_attempts + 1)
            )
            if getattr(claimed, "rowcount", 0) != 1:
                return None
            case = await self._case(session, case_id)
            raw, mail_from, rcpt_to = case.raw, case.mail_from, list(case.rcpt_to)
            attempt = case.release_attempts
            await self._record(session, case, GATEWAY, "release_attempt", f"第 {attempt} 次投递")
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
        now = _now()
        async with self._sessions() as session, session.begin():
            case = await self._case(session, case_id, for_update=True)
            case.state = CaseState.RELEASED.value
            case.upstream_reply = reply[:1000]
            case.next_release_at = None
            case.last_release_error = None
            case.updated_at = now
            await self._record(session, case, GATEWAY, "release_delivered", reply[:1000])
            await audit.append(
                session, GATEWAY, "release_delivered", case.id, {"reply": reply[:200]}
            )
        self._metrics.releases_total.inc()
        await self._notifier.released(case)
        log.info("case %s released: upstream said %s", case_id, reply[:200])
        return CaseState.RELEASED

    async def _delivery_deferred(self, case_id: str, attempt: int, error: str) -> CaseState:
        self._metrics.relay_errors_total.labels(kind="temporary").inc()
        backoff = self._settings.quarantine.release_retry_seconds or [300]
        delay = backoff[min(attempt - 1, len(backoff) - 1)]
        async with self._sessions() as session, session.begin():
            case = await self._case(session, case_id, for_update=True)
            case.next_release_at = _now() + timedelta(seconds=delay)
            case.last_release_error = error[:1000]
            case.updated_at = _now()
            await self._record(
                session,
                case,
                GATEWAY,
                "release_attempt",
                f"暂时失败，{delay} 秒后重试：{error[:500]}",
            )
        log.warning(
            "case %s: release attempt %d failed (%s); retry in %ds", case_id, attempt, error, delay
        )
        return CaseState.RELEASE_PENDING

    async def _delivery_failed(self, case_id: str, exc: RelayError) -> CaseState:
        self._metrics.relay_errors_total.labels(kind="permanent").inc()
        async with self._sessions() as session, session.begin():
            case = await self._case(session, case_id, for_update=True)
            case.state = CaseState.RELEASE_FAILED.value
            case.next_release_at = None
            case.last_release_error = str(exc)[:1000]
            case.updated_at = _now()
            await self._record(session, case, GATEWAY, "release_failed", str(exc)[:1000])
            await audit.append(
                session, GATEWAY, "release_failed", case.id, {"reply": str(exc)[:200]}
            )
        log.warning("case %s: upstream refused the release: %s", case_id, exc)
        return CaseState.RELEASE_FAILED

    # -- periodic jobs -------------------------------------------------------------------------

    async def expire_and_purge(self) -> tuple[int, int]:
        """Expire undecided cases past ``expire_after_days``; purge raw bytes past ``retain_days``."""
        now = _now()
        q = self._settings.quarantine
        expired: list[Case] = []
        async with self._sessions() as session, session.begin():
            await audit.begin_write(session)
            stale = (
                await session.scalars(
                    select(Case).where(
                        Case.state.in_([s.value for s in OPEN_STATES]),
                        Case.received_at < now - timedelta(days=q.expire_after_days),
                    )
                )
            ).all()
            for case in stale:
                case.state = CaseState.EXPIRED.value
                case.decided_by = GATEWAY
                case.decided_at = now
                case.decision_reason = f"超过 {q.expire_after_days:g} 天无人处理，自动退回"
                case.updated_at = now
                await self._record(session, case, GATEWAY, "expired", case.decision_reason)
                await audit.append(session, GATEWAY, "expire", case.id, {})
                expired.append(case)
            old = (
                await session.scalars(
                    select(Case).where(
                        Case.state.in_([s.value for s in FINAL_STATES]),
                        Case.raw.is_not(None),
                        Case.received_at < now - timedelta(days=q.retain_days),
                    )
                )
            ).all()
            for case in old:
                # Metadata, findings and the audit chain stay; the content itself goes.
                case.raw = None
                case.segments = []
                case.raw_purged_at = now
                case.updated_at = now
                await self._record(session, case, GATEWAY, "purged", "")
                await audit.append(session, GATEWAY, "purge", case.id, {"sha256": case.sha256})
        for case in expired:
            await self._notifier.expired(case)
        return len(expired), len(old)

    async def refresh_gauges(self) -> None:
        async with self._sessions() as session:
            row = (
                await session.execute(
                    select(func.count(), func.min(Case.received_at)).where(
                        Case.state.in_([s.value for s in OPEN_STATES])
                    )
                )
            ).one()
        count, oldest = int(row[0]), row[1]
        self._metrics.quarantine_pending.set(count)
        age = (_now() - audit.utc(oldest)).total_seconds() if oldest is not None else 0.0
        self._metrics.quarantine_oldest_pending_seconds.set(max(age, 0.0))

    # -- helpers -------------------------------------------------------------------------------

    @staticmethod
    async def _officer(session: AsyncSession, name: str) -> User:
        await audit.begin_write(session)
        user = await session.scalar(select(User).where(User.name == name))
        if user is None or user.disabled:
            raise ReviewError(f"账号 {name!r} 不存在或已停用")
        if Role(user.role) not in OFFICER_ROLES:
            raise ReviewError(f"账号 {name} 的角色（{ROLE_LABELS[Role(user.role)]}）无权处理案件")
        return user

    @staticmethod
    async def _case(session: AsyncSession, case_id: str, for_update: bool = False) -> Case:
        query = select(Case).where(Case.id == case_id)
        if for_update:
            await audit.begin_write(session)
            query = query.with_for_update()
        case = await session.scalar(query)
        if case is None:
            raise UnknownCase(f"没有编号为 {case_id} 的案件")
        return case

    @staticmethod
    def _not_own(case: Case, user: User) -> None:
        own = {e.lower() for e in user.emails or ()}
        if own & sender_addresses(case):
            raise ReviewError("不能审查或处理本人发出的邮件：请交由其他保密员处理")

    @staticmethod
    async def _record(
        session: AsyncSession, case: Case, actor: str, action: str, detail: str
    ) -> None:
        session.add(
            CaseEvent(case_id=case.id, at=_now(), actor=actor, action=action, detail=detail)
        )


STATE_LABELS: dict[CaseState, str] = {
    CaseState.PENDING: "待审查",
    CaseState.REVIEWED: "已审核待审批",
    CaseState.RELEASE_PENDING: "放行投递中",
    CaseState.RELEASE_FAILED: "放行被拒收",
    CaseState.RELEASED: "已放行",
    CaseState.REJECTED: "已退回",
    CaseState.EXPIRED: "已过期退回",
    CaseState.BLOCKED: "已拦截",
}

ROLE_LABELS: dict[Role, str] = {
    Role.REVIEWER: "审核人",
    Role.APPROVER: "审批人",
    Role.AUDITOR: "审计员",
    Role.ADMIN: "管理员",
}

_DELIVERY_MESSAGES: dict[CaseState, str] = {
    CaseState.RELEASED: "已放行，上游服务器已接收",
    CaseState.RELEASE_PENDING: "已放行，上游暂时不可用，将自动重试投递",
    CaseState.RELEASE_FAILED: "已放行，但上游服务器拒收：请查看原因后重新处理",
}
