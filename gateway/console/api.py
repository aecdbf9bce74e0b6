"""The console's JSON API under ``/api`` (documented at ``/api/openapi.json``).

Same session cookie, same rules and same audit as the pages; a POST needs the session's CSRF
token in the ``X-CSRF-Token`` header (``GET /api/me`` returns it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Request
from pydantic import BaseModel, Field

from gateway.console.auth import (
    AUDITORS,
    OFFICERS,
    actor,
    check_csrf,
    console,
    require_role,
    signed_in,
)
from gateway.review import Channel, OfficerAction
from gateway.store import audit
from gateway.store.models import Case, CaseState
from gateway.store.queue import ALL, OPEN, QueueFilter, list_cases

router: APIRouter = APIRouter(prefix="/api", tags=["console"])

CaseId = Annotated[str, Path(max_length=40, description="案件编号，如 Q20261127-7K3F9A")]
StateParam = Literal[
    "open",
    "all",
    "pending",
    "reviewed",
    "release_pending",
    "release_failed",
    "released",
    "rejected",
    "expired",
    "blocked",
]


class Me(BaseModel):
    name: str
    role: str
    csrf_token: str


class CaseSummary(BaseModel):
    id: str
    state: str
    severity: str
    release_mode: str
    mail_from: str
    rcpt_to: list[str]
    subject: str
    categories: list[dict[str, Any]]
    received_at: datetime


class CasePage(BaseModel):
    total: int
    page: int
    per_page: int
    counts: dict[str, int]
    cases: list[CaseSummary]


class Event(BaseModel):
    at: datetime
    actor: str
    action: str
    detail: str


class CaseDetail(CaseSummary):
    client_addr: str
    helo: str
    tls: bool
    message_id: str
    size: int
    sha256: str
    scope_version: str
    findings: list[dict[str, Any]]
    unscannable: list[dict[str, Any]]
    parts: list[dict[str, Any]]
    segments: list[dict[str, Any]]
    reviewed_by: str | None
    decided_by: str | None
    decision_reason: str | None
    feedback: str | None
    wrong_findings: list[str]
    feedback_by: str | None
    last_release_error: str | None
    raw_available: bool
    events: list[Event]


class ActionIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="理由（必填）")
    feedback: Literal["correct", "false_positive", "false-positive"] | None = Field(
        default=None, description="判定（可选）：correct 确认涉密/应扣押，false_positive 误报"
    )
    wrong: list[Annotated[str, Field(max_length=500)]] = Field(
        default_factory=list,
        max_length=500,
        description="误报的命中（category:kind:rule）；为空则全部计分命中视为误报",
    )


class ActionOut(BaseModel):
    case_id: str
    state: str
    message: str


class BulkIn(BaseModel):
    action: Literal["release", "reject"]
    case_ids: list[Annotated[str, Field(max_length=40)]] = Field(min_length=1, max_length=200)
    reason: str = Field(min_length=1, max_length=2000)


class BulkOut(BaseModel):
    case_id: str
    ok: bool
    state: str
    message: str


class AuditOut(BaseModel):
    seq: int
    at: datetime
    actor: str
    action: str
    target: str
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    total: int
    entries: list[AuditOut]


class VerifyOut(BaseModel):
    ok: bool
    count: int
    bad_seq: int | None
    problem: str


def _summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id,
        "state": case.state,
        "severity": case.severity,
        "release_mode": case.release_mode,
        "mail_from": case.mail_from,
        "rcpt_to": list(case.rcpt_to),
        "subject": case.subject,
        "categories": list(case.categories or ()),
        "received_at": audit.utc(case.received_at),
    }


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> dict[str, Any]:
    """The API's OpenAPI document, for signed-in users only (it maps the console)."""
    await signed_in(request)
    schema: dict[str, Any] = request.app.openapi()
    return schema


@router.get("/me")
async def me(request: Request) -> Me:
    info = await signed_in(request)
    return Me(name=info.name, role=info.role.value, csrf_token=info.csrf_token)


@router.get("/cases")
async def cases(
    request: Request,
    state: Annotated[StateParam, Query()] = "open",
    category: Annotated[str, Query(max_length=64)] = "",
    severity: Annotated[Literal["", "low", "medium", "high", "critical"], Query()] = "",
    sender: Annotated[str, Query(max_length=200)] = "",
    domain: Annotated[str, Query(max_length=200)] = "",
    since: date | None = None,
    until: date | None = None,
    page: Annotated[int, Query(ge=1, le=100000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=200)] = 50,
) -> CasePage:
    """Held cases, oldest first, with counts per state."""
    info = await signed_in(request)
    require_role(info, OFFICERS)
    wanted = str(state or OPEN)
    if wanted not in (OPEN, ALL) and wanted not in {s.value for s in CaseState}:
        wanted = OPEN
    flt = QueueFilter(
        state=wanted, category=category, severity=severity, sender=sender, domain=domain,
        since=since, until=until,
    )  # fmt: skip
    result = await list_cases(console(request).sessionmaker, flt, page, per_page)
    return CasePage(
        total=result.total,
        page=result.page,
        per_page=result.per_page,
        counts=result.counts,
        cases=[CaseSummary(**_summary(c)) for c in result.cases],
    )


@router.get("/cases/{case_id}")
async def case_detail(request: Request, case_id: CaseId) -> CaseDetail:
    """One case with findings, parts, extracted text and timeline (the view is audited)."""
    info = await signed_in(request)
    require_role(info, OFFICERS)
    case = await console(request).review.view(case_id, actor(request, info, Channel.API))
    return CaseDetail(
        **_summary(case),
        client_addr=case.client_addr,
        helo=case.helo,
        tls=case.tls,
        message_id=case.message_id,
        size=case.size,
        sha256=case.sha256,
        scope_version=case.scope_version,
        findings=list(case.findings or ()),
        unscannable=list(case.unscannable or ()),
        parts=list(case.parts or ()),
        segments=list(case.segments or ()),
        reviewed_by=case.reviewed_by,
        decided_by=case.decided_by,
        decision_reason=case.decision_reason,
        feedback=case.feedback,
        wrong_findings=[str(w) for w in case.wrong_findings or ()],
        feedback_by=case.feedback_by,
        last_release_error=case.last_release_error,
        raw_available=case.raw is not None,
        events=[
            Event(at=audit.utc(e.at), actor=e.actor, action=e.action, detail=e.detail)
            for e in case.events
        ],
    )


@router.post("/cases/bulk")
async def bulk(
    request: Request,
    body: BulkIn,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> list[BulkOut]:
    """Release or reject many cases; each is checked and audited on its own."""
    info = await signed_in(request)
    require_role(info, OFFICERS)
    check_csrf(info, x_csrf_token)
    results = await console(request).review.bulk(
        OfficerAction(body.action), body.case_ids, actor(request, info, Channel.API), body.reason
    )
    return [BulkOut(case_id=r.case_id, ok=r.ok, state=r.state, message=r.message) for r in results]


@router.post("/cases/{case_id}/{action}")
async def act(
    request: Request,
    case_id: CaseId,
    action: Literal["approve", "release", "reject"],
    body: ActionIn,
    x_csrf_token: Annotated[str | None, Header()] = None,
) -> ActionOut:
    """Approve (审核), release or reject one case; 409 explains a rule that forbids it."""
    info = await signed_in(request)
    require_role(info, OFFICERS)
    check_csrf(info, x_csrf_token)
    result = await console(request).review.decide(
        OfficerAction(action),
        case_id,
        actor(request, info, Channel.API),
        body.reason,
        feedback=body.feedback,
        wrong=body.wrong,
    )
    return ActionOut(case_id=result.case_id, state=result.state.value, message=result.message)


@router.get("/audit")
async def audit_entries(
    request: Request,
    offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> AuditPage:
    """Audit entries, newest first (auditors only)."""
    info = await signed_in(request)
    require_role(info, AUDITORS)
    rows, total = await audit.list_entries(
        console(request).sessionmaker, offset=offset, limit=limit
    )
    return AuditPage(
        total=total,
        entries=[
            AuditOut(
                seq=e.seq,
                at=audit.utc(e.at),
                actor=e.actor,
                action=e.action,
                target=e.target,
                detail=dict(e.detail),
                prev_hash=e.prev_hash,
                hash=e.hash,
            )
            for e in rows
        ],
    )


@router.get("/audit/verify")
async def audit_verify(request: Request) -> VerifyOut:
    """Check the whole hash chain (auditors only)."""
    info = await signed_in(request)
    require_role(info, AUDITORS)
    result = await audit.verify(console(request).sessionmaker)
    return VerifyOut(
        ok=result.ok, count=result.count, bad_seq=result.bad_seq, problem=result.problem
    )
