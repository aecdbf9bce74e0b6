"""Officer actions on held cases: view, download, approve (审核), release, reject, bulk.

Every action checks the officer against :func:`gateway.review.rules.allowed_actions` inside the
store's write lock, and writes the case timeline and the audit entry (with the channel and the
client, :class:`~gateway.review.rules.Actor`) in the same transaction as the state change. An
attempt on one's own mail is refused and the refusal itself is audited (``own_mail_refused``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from gateway.errors import ReviewError
from gateway.review.addresses import canonical_set, header_addresses, header_section
from gateway.review.base import UnknownCase, now
from gateway.review.delivery import DELIVERY_MESSAGES, ReleaseDelivery
from gateway.review.feedback import Verdict, check_verdict
from gateway.review.rules import (
    NO_ADDRESS,
    OFFICER_ROLES,
    OWN_MAIL,
    Actor,
    OfficerAction,
    allowed_actions,
    as_actor,
    check_reason,
    is_own_mail,
)
from gateway.store import cases as store_cases
from gateway.store.cases import CaseTx
from gateway.store.models import Case, CaseState, Role, User


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


#: how much of a stored message is read to find its senders before an officer's view
HEAD_BYTES = 256 * 1024


class _OwnMail(Exception):
    """Raised inside the transaction so that the refusal is audited after the rollback."""


class OfficerActions(ReleaseDelivery):
    # -- reading -----------------------------------------------------------------------------

    async def view(self, case_id: str, actor: Actor | str) -> Case:
        """The case with its timeline, for an officer; the view is audited."""
        who = as_actor(actor)
        # the senders named in the stored headers, read before the write lock is taken and
        # parsed off the event loop: the message itself may be 50 MiB
        senders = await self._senders(case_id)
        async with (
            self._guard(who, "view", case_id),
            store_cases.write(self._sessions) as tx,
        ):
            case = await self._open(tx, case_id, who, senders=senders)
            tx.event(case.id, who.name, "viewed", "")
            await tx.audit(who.name, "view", case.id, who.audit_detail())
        loaded = await store_cases.case_with_timeline(self._sessions, case_id)
        if loaded is None:  # pragma: no cover - deleted between the two reads
            raise ReviewError(f"没有编号为 {case_id} 的案件")
        return loaded

    async def download(self, case_id: str, actor: Actor | str) -> bytes:
        """The stored original .eml, for an officer; the download is audited."""
        who = as_actor(actor)
        async with (
            self._guard(who, "download", case_id),
            store_cases.write(self._sessions) as tx,
        ):
            case = await self._open(tx, case_id, who)
            if case.raw is None:
                raise ReviewError(f"案件 {case_id} 的原始邮件已按保存期限清除，无法下载")
            tx.event(case.id, who.name, "downloaded", "")
            await tx.audit(
                who.name, "download", case.id, {"sha256": case.sha256, **who.audit_detail()}
            )
            return case.raw

    async def view_picture(self, case_id: str, actor: Actor | str, number: int) -> Case:
        """The case, for the preview of its ``number``-th picture read by OCR (the console
        renders it from the stored message); audited as ``preview`` like a view."""
        who = as_actor(actor)
        async with (
            self._guard(who, "preview", case_id),
            store_cases.write(self._sessions) as tx,
        ):
            case = await self._open(tx, case_id, who)
            await tx.audit(who.name, "preview", case.id, {"picture": number, **who.audit_detail()})
            return case

    # -- decisions ---------------------------------------------------------------------------

    async def approve(self, case_id: str, actor: Actor | str, reason: str) -> ActionResult:
        return await self.decide(OfficerAction.APPROVE, case_id, actor, reason)

    async def release(self, case_id: str, actor: Actor | str, reason: str) -> ActionResult:
        return await self.decide(OfficerAction.RELEASE, case_id, actor, reason)

    async def reject(self, case_id: str, actor: Actor | str, reason: str) -> ActionResult:
        return await self.decide(OfficerAction.REJECT, case_id, actor, reason)

    async def bulk(
        self, decision: OfficerAction, case_ids: Iterable[str], actor: Actor | str, reason: str
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
        self,
        decision: OfficerAction,
        case_id: str,
        actor: Actor | str,
        reason: str,
        *,
        feedback: str | None = None,
        wrong: Sequence[str] = (),
    ) -> ActionResult:
        """Approve, release or reject; ``feedback`` (optional) is the officer's verdict on the
        hold — ``correct`` or ``false-positive`` with the ``wrong`` finding keys
        (:mod:`gateway.review.feedback`) — stored with the case and audited with the decision."""
        who = as_actor(actor)
        reason = check_reason(reason)
        async with (
            self._guard(who, decision.value, case_id),
            store_cases.write(self._sessions) as tx,
        ):
            user = await self._officer(tx, who.name)
            case = await self._case(tx, case_id, for_update=True)
            allowed = allowed_actions(case, user)
            if allowed.own_mail:
                raise _OwnMail
            allowed.check(decision)
            verdict = check_verdict(list(case.findings or ()), feedback, wrong)
            if verdict is not None:
                await self._record_verdict(tx, case, who, verdict)
            if decision is OfficerAction.REJECT:
                result = await self._reject(tx, case, who, reason)
            else:
                result = await self._release(tx, case, user, who, reason)
        if result.state is CaseState.REJECTED:
            self._metrics.rejections_total.inc()
            told = reason if self._settings.notify.tell_sender_reason else ""
            await self._notifier.rejected(case, told)
        elif result.state is CaseState.RELEASE_PENDING:
            delivered = await self.deliver(case_id)
            if delivered is not None:
                result = ActionResult(case_id, delivered, DELIVERY_MESSAGES[delivered])
        return result

    async def _release(
        self, tx: CaseTx, case: Case, user: User, who: Actor, reason: str
    ) -> ActionResult:
        moment = now()
        if case.release_mode == "two-person" and CaseState(case.state) is CaseState.PENDING:
            # allowed_actions let only a reviewer get here: this is the 审核 half
            case.state = CaseState.REVIEWED.value
            case.reviewed_by = user.name
            case.reviewed_at = moment
            case.updated_at = moment
            tx.event(case.id, user.name, "reviewed", reason)
            await tx.audit(user.name, "approve", case.id, {"reason": reason, **who.audit_detail()})
            return ActionResult(case.id, CaseState.REVIEWED, "已审核，等待另一位审批人放行")
        return await self._to_release_pending(tx, case, who, reason, moment)

    async def _to_release_pending(
        self, tx: CaseTx, case: Case, who: Actor, reason: str, moment: datetime
    ) -> ActionResult:
        if case.raw is None:
            raise ReviewError(f"案件 {case.id} 的原始邮件已清除，无法放行")
        case.state = CaseState.RELEASE_PENDING.value
        case.decided_by = who.name
        case.decided_at = moment
        case.decision_reason = reason
        case.next_release_at = moment
        case.last_release_error = None
        case.updated_at = moment
        tx.event(case.id, who.name, "released", reason)
        detail = {"reason": reason, **who.audit_detail()}
        if case.reviewed_by:
            detail["reviewed_by"] = case.reviewed_by
        await tx.audit(who.name, "release", case.id, detail)
        return ActionResult(case.id, CaseState.RELEASE_PENDING, "已放行，正在投递")

    async def _reject(self, tx: CaseTx, case: Case, who: Actor, reason: str) -> ActionResult:
        moment = now()
        case.state = CaseState.REJECTED.value
        case.decided_by = who.name
        case.decided_at = moment
        case.decision_reason = reason
        case.updated_at = moment
        tx.event(case.id, who.name, "rejected", reason)
        await tx.audit(who.name, "reject", case.id, {"reason": reason, **who.audit_detail()})
        return ActionResult(case.id, CaseState.REJECTED, "已退回，已通知发件人")

    @staticmethod
    async def _record_verdict(tx: CaseTx, case: Case, who: Actor, verdict: Verdict) -> None:
        """The verdict on the case (a later decision's verdict replaces it), timeline, audit."""
        case.feedback = verdict.feedback.value
        case.wrong_findings = list(verdict.wrong)
        case.feedback_by = who.name
        tx.event(case.id, who.name, "feedback", verdict.describe())
        await tx.audit(
            who.name, "feedback", case.id, {**verdict.audit_detail(), **who.audit_detail()}
        )

    # -- helpers -------------------------------------------------------------------------------

    async def _open(
        self, tx: CaseTx, case_id: str, who: Actor, *, senders: set[str] | None = None
    ) -> Case:
        """The case, for an officer who did not send it. With ``senders`` (the header
        addresses, from :meth:`_senders`) the stored message is not loaded."""
        user = await self._officer(tx, who.name)
        if senders is None:
            case = await self._case(tx, case_id)
        else:
            found = await tx.case(case_id, with_raw=False)
            if found is None:
                raise UnknownCase(f"没有编号为 {case_id} 的案件")
            case = found
        if not canonical_set(user.emails or ()):
            raise ReviewError(NO_ADDRESS)
        if is_own_mail(case, user, senders):
            raise _OwnMail
        return case

    async def _senders(self, case_id: str) -> set[str]:
        """From/Sender/Reply-To of the stored message, from a bounded prefix of it (the whole
        message only when its header section is longer than that)."""
        head = await store_cases.raw_head(self._sessions, case_id, HEAD_BYTES)
        if head is None:
            return set()
        section = header_section(head)
        if section is None and len(head) >= HEAD_BYTES:
            case = await store_cases.case_with_timeline(self._sessions, case_id)
            section = case.raw if case is not None else None
        return await asyncio.to_thread(header_addresses, section or head)

    @staticmethod
    async def _officer(tx: CaseTx, name: str) -> User:
        from gateway.review.labels import ROLE_LABELS

        user = await tx.user(name)
        if user is None or user.disabled:
            raise ReviewError(f"账号 {name!r} 不存在或已停用")
        if Role(user.role) not in OFFICER_ROLES:
            raise ReviewError(f"账号 {name} 的角色（{ROLE_LABELS[Role(user.role)]}）无权处理案件")
        return user

    def _guard(self, who: Actor, action: str, case_id: str) -> _OwnMailGuard:
        return _OwnMailGuard(self, who, action, case_id)


class _OwnMailGuard:
    """Turns :class:`_OwnMail` into an audited refusal (after the action's rollback)."""

    def __init__(self, review: OfficerActions, who: Actor, action: str, case_id: str) -> None:
        self._review = review
        self._who = who
        self._action = action
        self._case_id = case_id

    async def __aenter__(self) -> None:
        return None

    async def __aexit__(self, kind: object, exc: BaseException | None, tb: object) -> None:
        if not isinstance(exc, _OwnMail):
            return
        async with store_cases.write(self._review._sessions) as tx:
            await tx.audit(
                self._who.name,
                "own_mail_refused",
                self._case_id,
                {"attempted": self._action, **self._who.audit_detail()},
            )
        raise ReviewError(OWN_MAIL) from None
