"""The tuning loop's store functions on both stores (SQLite and PostgreSQL): statistics over a
period in the unit's time zone, trial hits, and scope versions kept once."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.inspection import inspect_message
from gateway.settings import LimitSettings
from gateway.smtp.envelope import Envelope
from gateway.store import scope_versions
from gateway.store.models import Case
from gateway.store.quarantine import Quarantine
from gateway.store.stats import category_names, period, rule_stats, trial_hits
from tests.fixtures_console import days_ago, insert_case
from tests.fixtures_smtp import SCOPE, SENSITIVE_TEXT, message
from tests.support.trial import EngineInspector, trial_scope

ZONE = ZoneInfo("Asia/Shanghai")


async def test_statistics_count_the_period_and_the_verdicts(
    store: async_sessionmaker[AsyncSession],
) -> None:
    fp = await insert_case(store, two_person=True)
    other = await insert_case(store, two_person=True, received_at=days_ago(3))
    await insert_case(store, received_at=days_ago(45))
    land_hits = sum(
        1
        for case in (fp, other)
        for f in case.findings
        if f["category"] == "land" and not f.get("suppressed_by")
    )
    async with store() as session, session.begin():
        await session.execute(
            update(Case)
            .where(Case.id == fp.id)
            .values(feedback="false_positive", wrong_findings=["personnel:term:考察对象"])
        )
    since, until = period(None, None, ZONE)
    stats = await rule_stats(store, since, until, ZONE)
    rows = {r.key: r for r in stats.rows}
    assert stats.cases == 2 and len(stats.days) == 30
    assert (rows["personnel:term:考察对象"].holds, rows["personnel:term:考察对象"].fp_rate) == (
        2,
        1.0,
    )
    assert (rows["personnel:term:拟提拔"].confirmed, rows["personnel:term:拟提拔"].fp_rate) == (
        1,
        0.0,
    )
    assert land_hits > 2 and rows["land"].hits == land_hits  # every land finding of both
    assert rows["land"].holds == 2 and rows["land"].false_positives == 0
    assert stats.days[-1].false_positives == 1 and stats.days[-4].holds == 1

    old = await rule_stats(store, until - timedelta(days=50), until - timedelta(days=40), ZONE)
    assert old.cases == 1 and {r.category for r in old.rows} == {"land"}
    assert {"land", "land:term:征地拆迁补偿方案", "land:term:青苗补偿"} <= {r.key for r in old.rows}

    # names: the scope tables' first, else the one recorded with the cases; ids stay the keys
    assert rows["personnel"].category_name == "干部人事"  # recorded (no tables given)
    renamed = await rule_stats(store, since, until, ZONE, {"land": "征地拆迁（新）"})
    named = {r.key: r.category_name for r in renamed.rows}
    assert named["land"] == named["land:term:征地拆迁补偿方案"] == "征地拆迁（新）"
    assert named["personnel:term:考察对象"] == "干部人事"


def test_category_names_come_from_the_scope_tables(tmp_path: Path) -> None:
    assert category_names(SCOPE)["personnel"] == "干部人事"
    assert category_names(tmp_path / "missing") == {}  # unloadable: the recorded names serve


def test_a_period_is_checked() -> None:
    assert period(date(2026, 12, 1), date(2026, 12, 5), ZONE) == (
        date(2026, 12, 1),
        date(2026, 12, 5),
    )
    assert period(None, date(2026, 12, 5), ZONE)[0] == date(2026, 11, 6)
    for since, until in (
        (date(2026, 12, 6), date(2026, 12, 5)),
        (date(2020, 1, 1), date(2026, 1, 1)),
    ):
        try:
            period(since, until, ZONE)
        except ValueError:
            continue
        raise AssertionError((since, until))


async def test_trial_hits_and_scope_versions_on_both_stores(
    store: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    scope = trial_scope(tmp_path)
    raw = message(SENSITIVE_TEXT)
    inspection = inspect_message(raw, EngineInspector(scope).engine, LimitSettings())
    envelope = Envelope("zhang.san@example.gov.cn", ("partner@example.com",))
    [hit] = await Quarantine(store).record_trial(envelope, raw, inspection, keep_text=True)
    assert hit.category == "donghu" and hit.segments
    since, until = period(None, None, ZONE)
    hits, stats = await trial_hits(store, since, until, ZONE)
    assert [h.category for h in hits] == ["donghu"]
    assert [(r.key, r.holds) for r in stats.rows] == [("donghu", 1), ("donghu:term:东湖片区", 1)]
    assert {r.category_name for r in stats.rows} == {"东湖片区（试运行）"}  # recorded with the hit

    first = await scope_versions.record(store, scope, "a start")
    assert await scope_versions.record(store, scope, "b start") == first  # stored once
    kept = await scope_versions.get(store, first)
    assert kept is not None and kept.loaded_by == "a start"
    assert [v.version for v in await scope_versions.history(store)] == [first]
