"""Alembic migrations build exactly the schema of ``gateway/store/models.py``, on both stores."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, text

from gateway.store.engine import create_schema, make_engine
from gateway.store.migrations import upgrade
from gateway.store.models import Base


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_upgrade_builds_the_models_schema_and_is_idempotent(db_url: str) -> None:
    await upgrade(db_url)
    await upgrade(db_url)  # a second start changes nothing
    engine = make_engine(db_url)
    try:
        async with engine.connect() as conn:
            diff = await conn.run_sync(_diff)
            version = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    finally:
        await engine.dispose()
    assert diff == [], (
        "gateway/store/models.py changed: add a migration under gateway/store/migrations/versions"
    )
    assert version is not None


async def test_a_store_made_by_create_schema_is_adopted(db_url: str) -> None:
    engine = make_engine(db_url)
    try:
        await create_schema(engine)
        await upgrade(db_url)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    assert {
        "cases",
        "case_events",
        "users",
        "console_sessions",
        "audit_log",
        "alembic_version",
    } <= tables
