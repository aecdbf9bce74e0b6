"""The queue query in the store: search, categories by id, paging, counts — on both stores."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.store import audit
from gateway.store.queue import ALL, QueueFilter, list_cases
from tests.fixtures_console import days_ago, insert_case


async def _ids(store: async_sessionmaker[AsyncSession], flt: QueueFilter) -> list[str]:
    return [c.id for c in (await list_cases(store, flt)).cases]


async def test_search_finds_id_subject_sender_and_recipient(
    store: async_sessionmaker[AsyncSession],
) -> None:
    land = await insert_case(store, received_at=days_ago(2))
    other = await insert_case(
        store,
        subject="季度 100% 例会_通知",
        mail_from="wang.wu@gov.example.cn",
        rcpt=["someone@partner.example"],
        received_at=days_ago(1),
    )
    assert await _ids(store, QueueFilter(search=land.id.lower())) == [land.id]
    assert await _ids(store, QueueFilter(search="征地拆迁")) == [land.id]
    assert await _ids(store, QueueFilter(search="WANG.WU")) == [other.id]
    assert await _ids(store, QueueFilter(search="partner.example")) == [other.id]
    assert await _ids(store, QueueFilter(search="100%")) == [other.id]  # % is literal
    assert await _ids(store, QueueFilter(search="_通知")) == [other.id]
    assert await _ids(store, QueueFilter(search="nothing-like-this")) == []


@pytest.mark.parametrize(
    ("categories", "expected"),
    [(("personnel",), ["two"]), (("land",), ["one", "two"]), (("nope", "personnel"), ["two"])],
)
async def test_categories_match_any_of_the_ids(
    store: async_sessionmaker[AsyncSession], categories: tuple[str, ...], expected: list[str]
) -> None:
    one = await insert_case(store, received_at=days_ago(2))
    two = await insert_case(store, two_person=True, received_at=days_ago(1))
    names = {one.id: "one", two.id: "two"}
    found = await _ids(store, QueueFilter(state=ALL, categories=categories))
    assert [names[i] for i in found] == expected


async def test_audit_entries_are_listed_newest_first_with_filters(
    store: async_sessionmaker[AsyncSession],
) -> None:
    for actor in ("shen", "li", "shen"):
        async with store() as session, session.begin():
            await audit.append(session, actor, "view", "Q1", {})
    entries, total = await audit.list_entries(store, actor="shen")
    assert total == 2 and [e.seq for e in entries] == [3, 1]
    entries, total = await audit.list_entries(store, offset=1, limit=1)
    assert total == 3 and [e.seq for e in entries] == [2]
