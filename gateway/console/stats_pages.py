"""统计: the tuning statistics for officers and auditors — page, CSV export and ``/api/stats``.

Query parameters (all optional): ``since`` and ``until`` (local dates, default the last 30 days),
``kind`` (category, term, near, pattern, detector), ``sort`` (a column of
:data:`gateway.store.stats.SORT_KEYS`, default ``worst``) and ``order`` (``desc`` | ``asc``).
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from gateway.console.auth import AUDITORS, OFFICERS, console, require_role, signed_in
from gateway.console.trend import trend_svg
from gateway.store.stats import (
    KINDS,
    SORT_KEYS,
    StatRow,
    Stats,
    category_names,
    period,
    rule_stats,
    sort_rows,
    trial_hits,
)
from gateway.store.stats import to_csv as rows_csv

router = APIRouter()
READERS = OFFICERS | AUDITORS
TRIAL_DAYS = 7
KIND_NAMES = {
    "category": "类别",
    "term": "关键词",
    "near": "邻近组合",
    "pattern": "模式",
    "detector": "检测器",
}


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise HTTPException(400, f"{name} 不是日期（YYYY-MM-DD）：{value[:20]}") from None


Param = Annotated[str | None, Query(max_length=40)]


async def _stats(
    request: Request,
    since_text: str | None,
    until_text: str | None,
    kind: str | None,
    sort: str | None,
    order_text: str | None,
) -> tuple[Stats, list[StatRow], dict[str, str]]:
    info = await signed_in(request)
    require_role(info, READERS)
    ctx = console(request)
    zone = ctx.settings.zone
    try:
        since, until = period(_day(since_text, "起始日期"), _day(until_text, "结束日期"), zone)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    kind = kind or ""
    if kind and kind not in KINDS:
        raise HTTPException(400, f"未知的统计对象：{kind[:20]}")
    sort = sort or "worst"
    if sort not in SORT_KEYS:
        raise HTTPException(400, f"未知的排序列：{sort[:20]}")
    order = "asc" if order_text == "asc" else "desc"
    names = await asyncio.to_thread(category_names, ctx.settings.scope_dir)
    stats = await rule_stats(ctx.sessionmaker, since, until, zone, names)
    rows = sort_rows(
        [r for r in stats.rows if not kind or r.kind == kind], sort, descending=order == "desc"
    )
    chosen = {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "kind": kind,
        "sort": sort,
        "order": order,
    }
    return stats, rows, chosen


@router.get("/stats", response_class=HTMLResponse, include_in_schema=False)
async def stats_page(
    request: Request,
    since: Param = None,
    until: Param = None,
    kind: Param = None,
    sort: Param = None,
    order: Param = None,
) -> Response:
    info = await signed_in(request)
    stats, rows, chosen = await _stats(request, since, until, kind, sort, order)
    return console(request).render(
        "stats.html",
        user=info,
        stats=stats,
        rows=rows,
        chosen=chosen,
        kinds=KIND_NAMES,
        trend=trend_svg(stats.days),
    )


@router.get("/stats.csv", include_in_schema=False)
async def stats_csv(
    request: Request,
    since: Param = None,
    until: Param = None,
    kind: Param = None,
    sort: Param = None,
    order: Param = None,
) -> Response:
    _, rows, chosen = await _stats(request, since, until, kind, sort, order)
    name = f"dlp-stats-{chosen['since']}-{chosen['until']}.csv"
    return Response(
        "\ufeff" + rows_csv(rows),  # the BOM lets Excel read the Chinese as UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/api/stats", tags=["console"])
async def stats_api(
    request: Request,
    since: Annotated[str | None, Query(max_length=40, description="起始日期 YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(max_length=40, description="结束日期 YYYY-MM-DD")] = None,
    kind: Annotated[str | None, Query(max_length=40, description="/".join(KINDS))] = None,
    sort: Annotated[str | None, Query(max_length=40, description="/".join(SORT_KEYS))] = None,
    order: Annotated[str | None, Query(max_length=40, description="desc | asc")] = None,
) -> dict[str, Any]:
    """Statistics per category and rule over a period, worst offenders first (officers and
    auditors)."""
    stats, rows, chosen = await _stats(request, since, until, kind, sort, order)
    return {**chosen, **stats.as_dict(rows)}


@router.get("/trial", response_class=HTMLResponse, include_in_schema=False)
async def trial_page(
    request: Request,
    since: Param = None,
    until: Param = None,
    sort: Param = None,
    order: Param = None,
) -> Response:
    """试运行: what the ``monitor`` tables would have held (default: the last 7 days)."""
    info = await signed_in(request)
    require_role(info, READERS)
    ctx = console(request)
    zone = ctx.settings.zone
    try:
        first = _day(since, "起始日期")
        last = _day(until, "结束日期")
        if first is None:
            end = last or datetime.now(zone).date()
            first = end - timedelta(days=TRIAL_DAYS - 1)
        start, end = period(first, last, zone)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    column = sort or "worst"
    if column not in SORT_KEYS:
        raise HTTPException(400, f"未知的排序列：{column[:20]}")
    direction = "asc" if order == "asc" else "desc"
    names = await asyncio.to_thread(category_names, ctx.settings.scope_dir)
    hits, stats = await trial_hits(ctx.sessionmaker, start, end, zone, names=names)
    rows = sort_rows(stats.rows, column, descending=direction == "desc")
    return ctx.render(
        "trial.html",
        user=info,
        hits=hits,
        stats=stats,
        rows=rows,
        chosen={
            "since": start.isoformat(),
            "until": end.isoformat(),
            "kind": "",
            "sort": column,
            "order": direction,
        },
        kinds=KIND_NAMES,
        trend=trend_svg(stats.days),
    )
