"""Sender release requests (业务理由, issue 11): the sender of a held mail explains, through the
signed link in the held notice (:func:`gateway.notify.check_link`), why it should go out — or
withdraws it (the case is closed as rejected by the sender; nothing is delivered).

No account: the link is the credential, for one case and one purpose, until it expires. The
request is accepted once per case and only while the case waits for an officer; it is stored with
the case, written to the timeline and audited (actor: the envelope sender, channel
``sender-link``) in one transaction.
"""

from __future__ import annotations

from gateway.errors import ReviewError
from gateway.review.base import ReviewBase, UnknownCase, now
from gateway.review.labels import STATE_LABELS
from gateway.store import cases as store_cases
from gateway.store.models import OPEN_STATES, Case, CaseState

MAX_REQUEST = 2000
SENDER_CHANNEL = "sender-link"
WITHDRAWN = "发件人撤回"


class SenderRequests(ReviewBase):
    async def request_case(self, case_id: str) -> Case:
        """The case a valid link names (only its summary is shown to the sender)."""
        case = await store_cases.case_with_timeline(self._sessions, case_id)
        if case is None:
            raise UnknownCase(f"没有编号为 {case_id} 的案件")
        return case

    async def sender_request(self, case_id: str, text: str, client: str) -> Case:
        justification = text.strip()
        if not justification:
            raise ReviewError("请填写业务理由")
        if len(justification) > MAX_REQUEST:
            raise ReviewError(f"业务理由不能超过 {MAX_REQUEST} 字")
        async with store_cases.write(self._sessions) as tx:
            case = await self._case(tx, case_id, for_update=True)
            if case.sender_request:
                raise ReviewError("本案件已提交过业务理由（每个案件仅限一次）")
            state = CaseState(case.state)
            if state not in OPEN_STATES:
                raise ReviewError(f"该邮件已处理（{STATE_LABELS[state]}），无需再说明")
            moment = now()
            case.sender_request = justification
            case.sender_request_at = moment
            case.updated_at = moment
            tx.event(case.id, case.mail_from or "<>", "sender_request", justification)
            await tx.audit(
                case.mail_from or "<>",
                "sender_request",
                case.id,
                {"justification": justification, "channel": SENDER_CHANNEL, "client": client},
            )
        await self._notifier.sender_requested(case)
        return case

    async def sender_withdraw(self, case_id: str, client: str) -> Case:
        """The sender takes the mail back: the open case is closed as rejected (by the sender,
        reason 发件人撤回), on the timeline and audited; nothing is delivered."""
        async with store_cases.write(self._sessions) as tx:
            case = await self._case(tx, case_id, for_update=True)
            state = CaseState(case.state)
            if state not in OPEN_STATES:
                raise ReviewError(f"该邮件已处理（{STATE_LABELS[state]}），无法撤回")
            moment = now()
            sender = case.mail_from or "<>"
            case.state = CaseState.REJECTED.value
            case.decided_by = sender
            case.decided_at = moment
            case.decision_reason = WITHDRAWN
            case.updated_at = moment
            tx.event(case.id, sender, "withdrawn", WITHDRAWN)
            await tx.audit(
                sender, "withdraw", case.id, {"channel": SENDER_CHANNEL, "client": client}
            )
        return case
