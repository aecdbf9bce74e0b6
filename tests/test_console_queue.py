"""Queue filters and counts, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.store.queue import ALL, QueueFilter, list_cases
from tests.fixtures_console import insert_case, outbox_review


def noon(days: int) -> datetime:
    """Noon (UTC) ``days`` days ago: a day filter's result does not depend on the hour it runs."""
    return datetime.combine(datetime.now(UTC).date() - timedelta(days=days), time(12), UTC)


async def test_filters_and_counts(store: async_sessionmaker[AsyncSession], tmp_path: Path) -> None:
    land = await insert_case(store, rcpt=["a@163.com", "b@QQ.com"], received_at=noon(3))
    personnel = await insert_case(
        store,
        two_person=True,
        mail_from="li.si@gov.example.cn",
        rcpt=["c@126.com"],
        received_at=noon(2),
    )
    review = await outbox_review(store, tmp_path)
    released = await insert_case(store, state="released", received_at=noon(1), review=review)

    assert (released.decided_by, released.state) == ("shen", "released")
    timeline = [e.action for e in released.events]
    assert timeline[-4:] == ["released", "release_attempt", "release_delivered", "notified_sender"]

    async def ids(flt: QueueFilter) -> list[str]:
        return [c.id for c in (await list_cases(store, flt)).cases]

    assert await ids(QueueFilter()) == [land.id, personnel.id]
    assert await ids(QueueFilter(state=ALL)) == [land.id, personnel.id, released.id]
    assert await ids(QueueFilter(state="released")) == [released.id]
    assert await ids(QueueFilter(category="personnel")) == [personnel.id]
    assert await ids(QueueFilter(category="person")) == []  # whole ids only
    assert await ids(QueueFilter(severity="critical")) == [personnel.id]
    assert await ids(QueueFilter(sender="LI.SI")) == [personnel.id]
    assert await ids(QueueFilter(domain="qq.com")) == [land.id]  # any recipient, any case
    assert await ids(QueueFilter(domain="q.com")) == []  # whole domains only
    assert await ids(QueueFilter(sender="%")) == []  # LIKE wildcards are literal
    assert await ids(QueueFilter(since=noon(2).date(), until=noon(2).date())) == [personnel.id]
    assert await ids(QueueFilter(since=noon(3).date(), until=noon(2).date())) == [
        land.id,
        personnel.id,
    ]

    page = await list_cases(store, QueueFilter(category="land"))
    assert page.counts["pending"] == 2 and page.counts["released"] == 1 and page.total == 2
