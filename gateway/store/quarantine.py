"""Writes to the quarantine store at SMTP time: held and blocked cases, with their timeline.

Each method commits in its own transaction and returns only once the commit is durable
(SQLite WAL with ``synchronous=FULL``, see ``gateway/store/engine.py``; PostgreSQL's commit is durable by
default), because the SMTP layer answers 250 right after. Any database fault becomes
``StoreError``, which the SMTP layer answers with ``451 4.3.0``.

The JSON shapes of the ``Case`` columns are the contract with the console (``gateway/review.py``
and ``gateway/console`` read them): ``categories`` holds every category with a score above zero
(enum values as plain strings), ``category_ids`` is `` id1 id2 `` for LIKE filtering,
``findings``/``parts`` are the dataclasses as dicts, ``unscannable`` is
``[{location, reason, detail}]`` and ``segments`` ``[{location, text}]`` with each text capped
at ``SEGMENT_CAP`` characters; ``ocr_pages`` is the :class:`~gateway.extract.ocr_page.OcrPage`
of every picture read by OCR (line texts and boxes, no pixels).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from gateway.errors import StoreError
from gateway.inspection import Inspection
from gateway.smtp.envelope import Envelope
from gateway.store.engine import store_errors
from gateway.store.models import Case, CaseEvent, CaseState, TrialHit
from gateway.store.records import to_json
from matchers.model import Action, CategoryScore, Release, Severity, Verdict

__all__ = ["SEGMENT_CAP", "Quarantine", "new_case_id"]

SEGMENT_CAP = 200_000
OCR_PAGE_CAP = 1000  # pictures whose line boxes are kept (``ocr.max_pages`` is at most 1000)
TRUNCATED = "…(截断)"
GATEWAY = "gateway"

# Crockford base32: no I, L, O, U, so an id read aloud or retyped is unambiguous.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_SEVERITY_ORDER = {s: i for i, s in enumerate(Severity)}


def new_case_id(now: dt.datetime | None = None) -> str:
    """``Q<yyyymmdd>-<6 Crockford base32 chars>`` (30 random bits per day)."""
    day = (now or dt.datetime.now(dt.UTC)).strftime("%Y%m%d")
    tail = "".join(secrets.choice(_CROCKFORD) for _ in range(6))
    return f"Q{day}-{tail}"


def _cap(text: str) -> str:
    if len(text) <= SEGMENT_CAP:
        return text
    return text[:SEGMENT_CAP] + TRUNCATED


def _summary(inspection: Inspection) -> dict[str, Any]:
    """The inspection as the Case columns want it."""
    decision = inspection.decision
    triggered = holding_categories(inspection)
    scored = [c for c in decision.categories if c.score > 0]
    return {
        "verdict": decision.verdict.value,
        "scope_version": decision.scope_version,
        "categories": [to_json(c) for c in scored],
        # spaces around every id so that LIKE '% land %' finds it (console filter)
        "category_ids": "".join(f" {c.id} " for c in scored).replace("  ", " "),
        "findings": [to_json(f) for f in decision.findings],
        "unscannable": [
            {"location": u.location, "reason": u.reason.value, "detail": u.detail}
            for u in decision.unscannable
        ],
        "parts": [to_json(p) for p in inspection.parts],
        "segments": [{"location": s.location, "text": _cap(s.text)} for s in inspection.segments],
        "ocr_pages": [to_json(p) for p in inspection.pictures[:OCR_PAGE_CAP]],
        "release_mode": release_mode(triggered),
        "severity": severity(triggered),
        "inspection_ms": inspection.elapsed_ms,
        "subject": inspection.subject,
        "message_id": inspection.message_id,
    }


def release_mode(triggered: Sequence[CategoryScore]) -> str:
    """Two-person if ANY triggered category asks for it (the stricter rule wins)."""
    if any(c.release == Release.TWO_PERSON for c in triggered):
        return Release.TWO_PERSON.value
    return Release.SINGLE.value


def severity(triggered: Sequence[CategoryScore]) -> str:
    """The highest severity among triggered categories; ``high`` when held only as unscannable."""
    if not triggered:
        return Severity.HIGH.value
    return max((c.severity for c in triggered), key=lambda s: _SEVERITY_ORDER[s]).value


class Quarantine:
    """Held and blocked cases; ``gateway_id`` names the instance that took the message."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], *, gateway_id: str = ""
    ) -> None:
        self._sessionmaker = sessionmaker
        self._gateway_id = gateway_id

    async def hold(
        self,
        envelope: Envelope,
        raw: bytes,
        inspection: Inspection,
        rcpt_to: Sequence[str],
    ) -> Case:
        """Store a held copy for ``rcpt_to`` (state pending) and return it once durable."""
        return await self._insert(
            envelope, raw, inspection, rcpt_to, CaseState.PENDING, "held", _held_detail(inspection)
        )

    async def record_block(
        self,
        envelope: Envelope,
        raw: bytes,
        inspection: Inspection,
        rcpt_to: Sequence[str],
    ) -> Case:
        """Keep a message refused by a ``reject`` category, for the officers' record."""
        names = "、".join(c.name for c in blocking_categories(inspection))
        return await self._insert(
            envelope, raw, inspection, rcpt_to, CaseState.BLOCKED, "blocked", f"拦截类别：{names}"
        )

    async def defer_delivery(
        self,
        envelope: Envelope,
        raw: bytes,
        inspection: Inspection,
        rcpt_to: Sequence[str],
        error: str,
        *,
        permanent: bool,
        parent_id: str,
    ) -> Case:
        """Keep the internal recipients' copy that upstream did not take at once.

        The external copy of the same message is already held as ``parent_id``, so answering
        4xx would make the client resend (and hold) it twice. Instead the internal copy goes
        into the store as already released by the gateway: ``release_pending`` is retried by
        ``Review.deliver_pending`` with the usual backoff; ``release_failed`` (upstream said
        5xx) is shown to officers to decide again.
        """
        state = CaseState.RELEASE_FAILED if permanent else CaseState.RELEASE_PENDING
        detail = f"内部收件人副本（外部副本 {parent_id} 已扣留）首次投递失败：{error}"
        now = dt.datetime.now(dt.UTC)
        return await self._insert(
            envelope,
            raw,
            inspection,
            rcpt_to,
            state,
            "release_failed" if permanent else "release_attempt",
            detail,
            decided_by=GATEWAY,
            decided_at=now,
            decision_reason="内部收件人不受外发检查，自动投递",
            last_release_error=error,
            release_attempts=1,
            next_release_at=None if permanent else now,
            verdict=Verdict.PASS.value,
        )

    async def record_trial(
        self, envelope: Envelope, raw: bytes, inspection: Inspection, *, keep_text: bool = False
    ) -> list[TrialHit]:
        """Keep the evidence of every triggered ``monitor`` category (trial mode); the message
        itself goes on as the other categories decide. The extracted text only with
        ``keep_text`` (setting ``quarantine.trial_keep_text``), never the raw message."""
        decision = inspection.decision
        trial = [c for c in decision.triggered if c.action == Action.MONITOR]
        if not trial:
            return []
        now = dt.datetime.now(dt.UTC)
        digest = hashlib.sha256(raw).hexdigest()
        segments = (
            [{"location": s.location, "text": _cap(s.text)} for s in inspection.segments]
            if keep_text
            else None
        )
        hits = [
            TrialHit(
                received_at=now,
                scope_version=decision.scope_version,
                category=c.id,
                category_name=c.name,
                score=c.score,
                threshold=c.threshold,
                outcome=decision.verdict.value,
                mail_from=envelope.mail_from,
                rcpt_to=list(envelope.rcpt_to),
                subject=inspection.subject,
                message_id=inspection.message_id,
                size=len(raw),
                sha256=digest,
                findings=[to_json(f) for f in decision.findings if f.category == c.id],
                segments=segments,
                gateway_id=self._gateway_id,
            )
            for c in trial
        ]
        with store_errors():
            async with self._sessionmaker() as session, session.begin():
                session.add_all(hits)
        return hits

    async def get(self, case_id: str) -> Case | None:
        with store_errors():
            async with self._sessionmaker() as session:
                result = await session.execute(
                    select(Case).where(Case.id == case_id).options(selectinload(Case.events))
                )
                return result.scalar_one_or_none()

    async def add_event(
        self, case_id: str, action: str, detail: str = "", actor: str = GATEWAY
    ) -> None:
        with store_errors():
            async with self._sessionmaker() as session, session.begin():
                session.add(
                    CaseEvent(
                        case_id=case_id,
                        at=dt.datetime.now(dt.UTC),
                        actor=actor,
                        action=action,
                        detail=detail,
                    )
                )

    async def add_events(
        self, events: Sequence[tuple[str, str, str]], actor: str = GATEWAY
    ) -> None:
        """Several ``(case_id, action, detail)`` timeline lines in one transaction (a batch of
        notices: one commit, one fsync, instead of one each)."""
        if not events:
            return
        now = dt.datetime.now(dt.UTC)
        with store_errors():
            async with self._sessionmaker() as session, session.begin():
                session.add_all(
                    CaseEvent(case_id=case_id, at=now, actor=actor, action=action, detail=detail)
                    for case_id, action, detail in events
                )

    async def _insert(
        self,
        envelope: Envelope,
        raw: bytes,
        inspection: Inspection,
        rcpt_to: Sequence[str],
        state: CaseState,
        action: str,
        detail: str,
        **extra: Any,
    ) -> Case:
        fields = {**_summary(inspection), **extra}
        now = dt.datetime.now(dt.UTC)
        for _ in range(5):  # a case id collides once in ~10^9 per day: retry with a new one
            case = Case(
                id=new_case_id(now),
                state=state.value,
                mail_from=envelope.mail_from,
                rcpt_to=list(rcpt_to),
                client_addr=envelope.client_addr,
                helo=envelope.helo,
                tls=envelope.tls,
                auth_user=envelope.auth_user,
                gateway_id=self._gateway_id,
                size=len(raw),
                sha256=hashlib.sha256(raw).hexdigest(),
                raw=raw,
                received_at=now,
                updated_at=now,
                **fields,
            )
            case.events = [
                CaseEvent(
                    at=now, actor=GATEWAY, action="received", detail=_received_detail(envelope)
                ),
                CaseEvent(at=now, actor=GATEWAY, action=action, detail=detail),
            ]
            try:
                with store_errors():
                    async with self._sessionmaker() as session, session.begin():
                        session.add(case)
                return case
            except StoreError as exc:
                if isinstance(exc.__cause__, IntegrityError):
                    continue
                raise
        raise StoreError("could not allocate a unique case id")


def blocking_categories(inspection: Inspection) -> tuple[CategoryScore, ...]:
    return inspection.decision.blocking


def holding_categories(inspection: Inspection) -> tuple[CategoryScore, ...]:
    return inspection.decision.holding


def _held_detail(inspection: Inspection) -> str:
    parts = []
    names = "、".join(c.name for c in holding_categories(inspection))
    if names:
        parts.append(f"命中类别：{names}")
    reasons = "、".join(sorted({u.reason.value for u in inspection.decision.unscannable}))
    if reasons:
        parts.append(f"无法检查：{reasons}")
    return "；".join(parts) or "扣留"


def _received_detail(envelope: Envelope) -> str:
    how = []
    if envelope.tls:
        how.append("TLS")
    if envelope.auth_user:
        how.append(f"AUTH {envelope.auth_user}")
    suffix = f"（{'，'.join(how)}）" if how else ""
    return f"来自 {envelope.client_addr or '未知地址'} HELO {envelope.helo or '-'}{suffix}"
