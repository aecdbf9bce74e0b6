"""The held case, typed: the one place where the stored JSON columns become records and back.

The ``cases`` table keeps categories, findings, parts, unscannable items and text segments as
JSON. Writers (:mod:`gateway.store.quarantine`) turn the inspection's records into JSON with
:func:`to_json`; readers (console, API, CLI, notices) call :func:`case_record` and get the same
records back — :class:`~matchers.model.CategoryScore`, :class:`~matchers.model.Finding`,
:class:`~gateway.extract.part.PartInfo`, :class:`~matchers.model.Unscannable`,
:class:`~matchers.model.Segment` — with enums for state and release mode, instead of re-reading
the JSON with ``.get(...)``. Rows written by older versions that lack a key get its default.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from sqlalchemy import inspect as sa_inspect

from gateway.extract.ocr_page import OcrLine, OcrPage
from gateway.extract.part import PartInfo
from gateway.store.audit import utc
from gateway.store.models import Case, CaseState
from matchers.model import (
    Action,
    CategoryScore,
    Finding,
    Release,
    Segment,
    Severity,
    Unscannable,
    UnscannableReason,
    blocking,
    holding,
)

__all__ = [
    "CaseRecord",
    "case_record",
    "category",
    "finding",
    "ocr_page",
    "part",
    "to_json",
    "unscannable",
]


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def to_json(record: Any) -> dict[str, Any]:
    """A record (dataclass) as the JSON the store keeps: enums as their values."""
    result: dict[str, Any] = _plain(dataclasses.asdict(record))
    return result


E = TypeVar("E", bound=Enum)


def _enum(kind: type[E], value: Any, default: E) -> E:
    try:
        return kind(value)
    except ValueError:
        return default


def category(data: Mapping[str, Any]) -> CategoryScore:
    return CategoryScore(
        id=str(data.get("id", "")),
        name=str(data.get("name", data.get("id", ""))),
        score=int(data.get("score", 0)),
        threshold=int(data.get("threshold", 1)),
        action=_enum(Action, data.get("action"), Action.QUARANTINE),
        severity=_enum(Severity, data.get("severity"), Severity.HIGH),
        release=_enum(Release, data.get("release"), Release.TWO_PERSON),
    )


def finding(data: Mapping[str, Any]) -> Finding:
    return Finding(
        category=str(data.get("category", "")),
        kind=str(data.get("kind", "")),
        rule=str(data.get("rule", "")),
        match=str(data.get("match", "")),
        location=str(data.get("location", "")),
        start=int(data.get("start", 0)),
        end=int(data.get("end", 0)),
        context=str(data.get("context", "")),
        context_start=int(data.get("context_start", 0)),
        context_end=int(data.get("context_end", 0)),
        weight=int(data.get("weight", 0)),
    )


def part(data: Mapping[str, Any]) -> PartInfo:
    return PartInfo(
        location=str(data.get("location", "")),
        filename=str(data.get("filename", "")),
        content_type=str(data.get("content_type", "")),
        size=int(data.get("size", 0)),
        sha256=str(data.get("sha256", "")),
        status=str(data.get("status", "")),
        reason=str(data.get("reason", "")),
    )


def unscannable(data: Mapping[str, Any]) -> Unscannable:
    return Unscannable(
        location=str(data.get("location", "")),
        reason=_enum(UnscannableReason, data.get("reason"), UnscannableReason.ERROR),
        detail=str(data.get("detail", "")),
    )


def _quad(value: Any) -> tuple[int, int, int, int, int, int, int, int]:
    numbers = (
        [int(v) for v in value if isinstance(v, int | float)][:8] if isinstance(value, list) else []
    )
    numbers += [0] * (8 - len(numbers))
    x0, y0, x1, y1, x2, y2, x3, y3 = numbers
    return (x0, y0, x1, y1, x2, y2, x3, y3)


def ocr_page(data: Mapping[str, Any]) -> OcrPage:
    """A picture read by OCR (``cases.ocr_pages``): its size and lines with their boxes."""
    return OcrPage(
        location=str(data.get("location", "")),
        width=int(data.get("width", 0)),
        height=int(data.get("height", 0)),
        lines=tuple(
            OcrLine(text=str(line.get("text", "")), box=_quad(line.get("box")))
            for line in _items(data.get("lines"))
        ),
    )


def _segment(data: Mapping[str, Any]) -> Segment:
    return Segment(location=str(data.get("location", "")), text=str(data.get("text", "")))


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """A held (or blocked, or decided) case as every reader should see it."""

    id: str
    state: CaseState
    release_mode: Release
    verdict: str
    severity: str
    mail_from: str
    rcpt_to: tuple[str, ...]
    subject: str
    message_id: str
    size: int
    sha256: str
    received_at: datetime
    scope_version: str
    client_addr: str
    auth_user: str | None
    gateway_id: str
    categories: tuple[CategoryScore, ...]
    findings: tuple[Finding, ...]
    parts: tuple[PartInfo, ...]
    unscannable: tuple[Unscannable, ...]
    segments: tuple[Segment, ...]
    ocr_pages: tuple[OcrPage, ...]
    reviewed_by: str | None
    reviewed_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str | None
    content_purged: bool

    @property
    def holding(self) -> tuple[CategoryScore, ...]:
        """The categories that held this mail (the same rule as ``Decision.holding``)."""
        return holding(self.categories)

    @property
    def blocking(self) -> tuple[CategoryScore, ...]:
        """The ``reject`` categories that refused this mail at SMTP time."""
        return blocking(self.categories)


def _items(value: Sequence[Any] | None) -> Sequence[Mapping[str, Any]]:
    return [v for v in value or () if isinstance(v, Mapping)]


def case_record(case: Case) -> CaseRecord:
    """The typed record of a stored case (the one conversion from the JSON columns).

    Columns a listing query left unloaded (the text ``segments``, ``ocr_pages``) come back
    empty.
    """
    unloaded = sa_inspect(case).unloaded
    return CaseRecord(
        id=case.id,
        state=_enum(CaseState, case.state, CaseState.PENDING),
        release_mode=_enum(Release, case.release_mode, Release.TWO_PERSON),
        verdict=case.verdict,
        severity=case.severity,
        mail_from=case.mail_from,
        rcpt_to=tuple(str(r) for r in case.rcpt_to or ()),
        subject=case.subject,
        message_id=case.message_id,
        size=case.size,
        sha256=case.sha256,
        received_at=utc(case.received_at),
        scope_version=case.scope_version,
        client_addr=case.client_addr,
        auth_user=case.auth_user,
        gateway_id=case.gateway_id,
        categories=tuple(category(c) for c in _items(case.categories)),
        findings=tuple(finding(f) for f in _items(case.findings)),
        parts=tuple(part(p) for p in _items(case.parts)),
        unscannable=tuple(unscannable(u) for u in _items(case.unscannable)),
        segments=()
        if "segments" in unloaded
        else tuple(_segment(s) for s in _items(case.segments)),
        ocr_pages=()
        if "ocr_pages" in unloaded
        else tuple(ocr_page(p) for p in _items(case.ocr_pages)),
        reviewed_by=case.reviewed_by,
        reviewed_at=utc(case.reviewed_at) if case.reviewed_at else None,
        decided_by=case.decided_by,
        decided_at=utc(case.decided_at) if case.decided_at else None,
        decision_reason=case.decision_reason,
        content_purged=case.raw_purged_at is not None,
    )
