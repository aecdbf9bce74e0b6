"""Tuning statistics (issue 11): which categories and rules hold mail, and how often wrongly.

One row per category and per rule (``category:kind:rule``, kinds ``term``, ``near``, ``pattern``,
``detector``) over the cases received in a period (local dates in the unit's time zone):

- ``hits``: findings that scored (an exclude word's discounted hits do not count);
- ``holds``: held cases (quarantined or blocked) it contributed a scoring finding to;
- ``confirmed``: of those, judged cases where this rule was right: judged 确认涉密/应扣押, or
  judged 误报 without this rule among the wrong findings (the officer unticked it);
- ``false_positives``: cases judged 误报 with this rule among the wrong findings (for a category:
  with any of its rules among them);
- ``fp_rate``: false positives / judged cases (confirmed + false positives), ``None`` if none;
- ``last_seen``: when the newest of those cases arrived.

"Worst offenders first" is the default order: false positives, then FP rate, then hits.

Each row carries its category's Chinese name (``category_name``): from the current scope tables
(:func:`category_names`), else the name recorded with the newest case or trial hit (a category
since removed from the tables keeps the name officers saw).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any

from sqlalchemy import select

from gateway.store.engine import Sessions, store_errors
from gateway.store.models import Case, Feedback, TrialHit
from matchers.errors import DlpError as ScopeFault
from matchers.scope import load_scope

KINDS = ("category", "term", "near", "pattern", "detector")
SORT_KEYS = (
    "worst",
    "hits",
    "holds",
    "confirmed",
    "false_positives",
    "fp_rate",
    "last_seen",
    "key",
)
DEFAULT_DAYS = 30
MAX_DAYS = 366


@dataclass(slots=True)
class StatRow:
    kind: str  # "category" | "term" | "near" | "pattern" | "detector"
    key: str  # category id, or "category:kind:rule"
    category: str
    rule: str  # "" for a category row
    category_name: str = ""  # the category's Chinese name (scope tables), "" if unknown
    hits: int = 0
    holds: int = 0
    confirmed: int = 0
    false_positives: int = 0
    last_seen: datetime | None = None

    @property
    def judged(self) -> int:
        return self.confirmed + self.false_positives

    @property
    def fp_rate(self) -> float | None:
        return self.false_positives / self.judged if self.judged else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "key": self.key,
            "category": self.category,
            "category_name": self.category_name,
            "rule": self.rule,
            "hits": self.hits,
            "holds": self.holds,
            "confirmed": self.confirmed,
            "false_positives": self.false_positives,
            "fp_rate": None if self.fp_rate is None else round(self.fp_rate, 4),
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
        }


@dataclass(frozen=True, slots=True)
class DayPoint:
    day: date
    holds: int
    confirmed: int
    false_positives: int


@dataclass(slots=True)
class Stats:
    since: date
    until: date  # inclusive
    cases: int = 0
    rows: list[StatRow] = field(default_factory=list)
    days: list[DayPoint] = field(default_factory=list)

    def as_dict(self, rows: list[StatRow]) -> dict[str, Any]:
        """The figures as JSON (CLI and API): case count, the given (sorted) rows, the trend."""
        return {
            "cases": self.cases,
            "rows": [r.as_dict() for r in rows],
            "days": [
                {
                    "day": d.day.isoformat(),
                    "holds": d.holds,
                    "confirmed": d.confirmed,
                    "false_positives": d.false_positives,
                }
                for d in self.days
            ],
        }


def period(
    since: date | None, until: date | None, zone: tzinfo, today: date | None = None
) -> tuple[date, date]:
    """The chosen period (default: the last 30 days up to today), at most a year long."""
    today = today or datetime.now(zone).date()
    end = until or today
    start = since or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValueError(f"起始日期 {start} 晚于结束日期 {end}")
    if (end - start).days >= MAX_DAYS:
        raise ValueError(f"统计区间最长 {MAX_DAYS} 天")
    return start, end


def _bounds(since: date, until: date, zone: tzinfo) -> tuple[datetime, datetime]:
    start = datetime.combine(since, time.min, zone).astimezone(UTC)
    end = datetime.combine(until + timedelta(days=1), time.min, zone).astimezone(UTC)
    return start, end


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _key(finding: Mapping[str, Any]) -> str:
    return f"{finding.get('category', '')}:{finding.get('kind', '')}:{finding.get('rule', '')}"


def sort_rows(rows: list[StatRow], by: str = "worst", descending: bool = True) -> list[StatRow]:
    """Rows in the asked order; ``worst`` = false positives, FP rate, hits (worst first)."""
    floor = datetime.min.replace(tzinfo=UTC)
    keys: dict[str, Any] = {
        "worst": lambda r: (r.false_positives, r.fp_rate or 0.0, r.hits),
        "fp_rate": lambda r: (-1.0 if r.fp_rate is None else r.fp_rate, r.false_positives),
        "last_seen": lambda r: r.last_seen or floor,
        "key": lambda r: r.key,
    }
    key = keys.get(by) or (lambda r: (getattr(r, by), r.hits))
    return sorted(rows, key=key, reverse=descending)


def category_names(scope_dir: Path) -> dict[str, str]:
    """Category id → Chinese name from the scope tables; ``{}`` if they do not load (the rows
    then fall back on the names recorded with the cases)."""
    try:
        return {c.id: c.name for c in load_scope(scope_dir).categories}
    except (ScopeFault, OSError):
        return {}


def aggregate(
    cases: Iterable[tuple[datetime, list[Any], str | None, list[Any] | None]],
    since: date,
    until: date,
    zone: tzinfo,
    names: Mapping[str, str] | None = None,
    recorded: Mapping[str, str] | None = None,
) -> Stats:
    """The statistics of ``(received_at, findings, feedback, wrong_findings)`` tuples; category
    names from ``names`` (the scope tables), else ``recorded`` (stored with the cases)."""
    stats = Stats(since, until)
    rows: dict[str, StatRow] = {}
    per_day: dict[date, list[int]] = {}
    known = {**(recorded or {}), **(names or {})}

    def row(kind: str, key: str, category: str, rule: str) -> StatRow:
        found = rows.get(key)
        if found is None:
            found = rows[key] = StatRow(kind, key, category, rule, known.get(category, ""))
        return found

    for received, findings, feedback, wrong in cases:
        received = _utc(received)
        stats.cases += 1
        wrong_keys = {str(w) for w in wrong or ()}
        fp = feedback == Feedback.FALSE_POSITIVE.value
        ok = feedback == Feedback.CORRECT.value
        counts = per_day.setdefault(received.astimezone(zone).date(), [0, 0, 0])
        counts[0] += 1
        counts[1] += ok
        counts[2] += fp
        touched: set[str] = set()
        for finding in findings or ():
            if not isinstance(finding, Mapping) or finding.get("suppressed_by"):
                continue
            category = str(finding.get("category", ""))
            kind = str(finding.get("kind", ""))
            key = _key(finding)
            for target in (
                row("category", category, category, ""),
                row(kind if kind in KINDS else "term", key, category, str(finding.get("rule", ""))),
            ):
                target.hits += 1
                if target.key in touched:
                    continue
                touched.add(target.key)
                target.holds += 1
                wrong_here = target.key in wrong_keys or (
                    target.kind == "category"
                    and any(w.startswith(f"{category}:") for w in wrong_keys)
                )
                if fp and wrong_here:
                    target.false_positives += 1
                elif ok or fp:  # judged, and this rule was right (not among the wrong ones)
                    target.confirmed += 1
                if target.last_seen is None or received > target.last_seen:
                    target.last_seen = received
    stats.rows = sort_rows(list(rows.values()))
    day = since
    while day <= until:
        holds, confirmed, fps = per_day.get(day, [0, 0, 0])
        stats.days.append(DayPoint(day, holds, confirmed, fps))
        day += timedelta(days=1)
    return stats


async def rule_stats(
    sessions: Sessions,
    since: date,
    until: date,
    zone: tzinfo,
    names: Mapping[str, str] | None = None,
) -> Stats:
    """Statistics over the held cases received from ``since`` to ``until`` (local dates);
    ``names``: category id → Chinese name (:func:`category_names`)."""
    start, end = _bounds(since, until, zone)
    with store_errors():
        async with sessions() as session:
            result = await session.execute(
                select(
                    Case.received_at,
                    Case.findings,
                    Case.feedback,
                    Case.wrong_findings,
                    Case.categories,
                )
                .where(
                    Case.received_at >= start,
                    Case.received_at < end,
                    Case.verdict != "pass",
                )
                .order_by(Case.received_at)
            )
            records = result.all()
    recorded: dict[str, str] = {}
    for r in records:  # oldest first: the newest case's name wins
        for category in r[4] or ():
            if isinstance(category, Mapping) and category.get("name"):
                recorded[str(category.get("id", ""))] = str(category["name"])
    tuples = [(r[0], list(r[1] or ()), r[2], r[3]) for r in records]
    return aggregate(tuples, since, until, zone, names, recorded)


CSV_COLUMNS = (
    "kind",
    "key",
    "category",
    "category_name",
    "rule",
    "hits",
    "holds",
    "confirmed",
    "false_positives",
    "fp_rate",
    "last_seen",
)


def to_csv(rows: Iterable[StatRow]) -> str:
    """The rows as CSV (UTF-8 text, header first), for officers' spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for item in rows:
        data = item.as_dict()
        writer.writerow(["" if data[c] is None else data[c] for c in CSV_COLUMNS])
    return out.getvalue()


async def trial_hits(
    sessions: Sessions,
    since: date,
    until: date,
    zone: tzinfo,
    limit: int = 500,
    names: Mapping[str, str] | None = None,
) -> tuple[list[TrialHit], Stats]:
    """Trial mode: the ``monitor`` hits received in the period (newest first, at most
    ``limit``) and their statistics (``holds`` = messages the table would have held)."""
    start, end = _bounds(since, until, zone)
    with store_errors():
        async with sessions() as session:
            rows = list(
                (
                    await session.scalars(
                        select(TrialHit)
                        .where(TrialHit.received_at >= start, TrialHit.received_at < end)
                        .order_by(TrialHit.received_at.desc(), TrialHit.id.desc())
                    )
                ).all()
            )
    recorded = {r.category: r.category_name for r in reversed(rows) if r.category_name}
    stats = aggregate(
        ((r.received_at, list(r.findings or ()), None, None) for r in rows),
        since,
        until,
        zone,
        names,
        recorded,
    )
    return rows[:limit], stats
