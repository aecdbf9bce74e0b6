"""The queue of held cases: filters, search, paging and per-state counts (console, API and CLI).

Callers pass the store's session factory (:data:`gateway.store.engine.Sessions`), never a
session: the queries and their database faults (``StoreError``) stay in the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, TypeVar

from sqlalchemy import Select, Text, cast, func, or_, select
from sqlalchemy.orm import defer

from gateway.store.engine import Sessions, store_errors
from gateway.store.models import OPEN_STATES, Case, CaseState

OPEN = "open"  # the default view: cases that still need an officer
ALL = "all"
MAX_PER_PAGE = 200
_Q = TypeVar("_Q", bound=Select[*tuple[Any, ...]])


def _like_literal(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What the officer asked to see. Empty fields do not filter."""

    state: str = OPEN  # "open", "all" or a CaseState value
    category: str = ""  # one category id
    # any of these category ids (the console maps the names an officer types to ids)
    categories: tuple[str, ...] = ()
    severity: str = ""
    sender: str = ""  # substring of the envelope sender
    domain: str = ""  # recipient domain
    since: date | None = None
    until: date | None = None  # inclusive
    search: str = ""  # substring of the case id, subject, sender or a recipient

    def apply(self, query: _Q) -> _Q:
        if self.state == OPEN:
            query = query.where(Case.state.in_([s.value for s in OPEN_STATES]))
        elif self.state and self.state != ALL:
            query = query.where(Case.state == self.state)
        return self.apply_except_state(query)

    def apply_except_state(self, query: _Q) -> _Q:
        if self.category:
            query = query.where(
                Case.category_ids.like(f"% {_like_literal(self.category.strip())} %", escape="\\")
            )
        if self.categories:
            query = query.where(
                or_(
                    *(
                        Case.category_ids.like(f"% {_like_literal(c.strip())} %", escape="\\")
                        for c in self.categories
                    )
                )
            )
        if self.search.strip():
            needle = f"%{_like_literal(self.search.strip().lower())}%"
            query = query.where(
                or_(
                    func.lower(Case.id).like(needle, escape="\\"),
                    func.lower(Case.subject).like(needle, escape="\\"),
                    func.lower(Case.mail_from).like(needle, escape="\\"),
                    func.lower(cast(Case.rcpt_to, Text)).like(needle, escape="\\"),
                )
            )
        if self.severity:
            query = query.where(Case.severity == self.severity)
        if self.sender:
            query = query.where(
                func.lower(Case.mail_from).like(
                    f"%{_like_literal(self.sender.strip().lower())}%", escape="\\"
                )
            )
        if self.domain:
            # rcpt_to is a JSON list of strings: match "...@domain" up to the closing quote.
            domain = _like_literal(self.domain.strip().lower().lstrip("@"))
            query = query.where(
                func.lower(cast(Case.rcpt_to, Text)).like(f'%@{domain}"%', escape="\\")
            )
        if self.since is not None:
            query = query.where(Case.received_at >= datetime.combine(self.since, time(), UTC))
        if self.until is not None:
            end = datetime.combine(self.until + timedelta(days=1), time(), UTC)
            query = query.where(Case.received_at < end)
        return query


@dataclass(frozen=True, slots=True)
class QueuePage:
    cases: list[Case]
    total: int
    page: int
    per_page: int
    counts: dict[str, int]  # per state, under the non-state filters

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


async def list_cases(
    sessions: Sessions, flt: QueueFilter, page: int = 1, per_page: int = 50
) -> QueuePage:
    """One page of cases, oldest first (the oldest pending case is the most urgent)."""
    per_page = min(max(per_page, 1), MAX_PER_PAGE)
    page = max(page, 1)
    with store_errors():
        async with sessions() as session:
            return await _list(session, flt, page, per_page)


async def _list(session: Any, flt: QueueFilter, page: int, per_page: int) -> QueuePage:
    total = int(await session.scalar(flt.apply(select(func.count()).select_from(Case))) or 0)
    rows = (
        await session.scalars(
            flt.apply(select(Case))
            # The queue never needs the message itself; a held message can be 50 MiB.
            .options(defer(Case.raw), defer(Case.segments), defer(Case.ocr_pages))
            .order_by(Case.received_at, Case.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    ).all()
    counted = (
        await session.execute(
            flt.apply_except_state(select(Case.state, func.count()).group_by(Case.state))
        )
    ).all()
    counts = {s.value: 0 for s in CaseState}
    counts.update({str(state): int(n) for state, n in counted})
    return QueuePage(list(rows), total, page, per_page, counts)
