"""Schema migrations (Alembic) for the store, and :func:`upgrade`, run by ``serve`` and the CLI.

``upgrade(url)`` brings any SQLite or PostgreSQL database to the newest revision. A database made
by the older ``create_schema`` stand-in (tables present, no ``alembic_version``) is stamped with
the initial revision first, then upgraded.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.errors import StoreError
from gateway.settings import Settings
from gateway.store.audit import adopt_legacy, check_key
from gateway.store.engine import make_engine, make_sessionmaker, store_errors
from gateway.store.keys import load_key, retired_keys

HERE = Path(__file__).resolve().parent
INITIAL = "0001"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    # ConfigParser interpolation: a literal % in a password must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _upgrade(connection: Connection, config: Config) -> None:
    tables = set(inspect(connection).get_table_names())
    config.attributes["connection"] = connection
    if "cases" in tables and "alembic_version" not in tables:
        command.stamp(config, INITIAL)
    command.upgrade(config, "head")


async def upgrade(url: str) -> None:
    """Migrate the database at ``url`` to the newest schema (idempotent)."""
    try:
        engine = make_engine(url)
    except (ArgumentError, ImportError, NoSuchModuleError) as exc:
        raise StoreError(
            f"database URL {_safe(url)} is not supported: use sqlite+aiosqlite:///PATH "
            "or postgresql+asyncpg://USER@HOST/DB (setting database_url)"
        ) from exc
    except OSError as exc:
        raise StoreError(f"database {_safe(url)}: {exc.strerror or exc}") from exc
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade, alembic_config(url))
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"database {_safe(url)}: cannot migrate the schema: {exc}") from exc
    finally:
        await engine.dispose()


def _safe(url: str) -> str:
    """The URL without its password, for messages."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rpartition("@")[2]
    return scheme + sep + rest


@asynccontextmanager
async def migrated_store(
    url: str,
    audit_key: bytes | None = None,
    *,
    writing: bool = True,
    retired_keys: tuple[bytes, ...] = (),
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Upgrade the schema, then yield sessions on it; with ``audit_key`` they may write the
    audit chain — when ``writing``, an unkeyed chain from before migration 0002 is re-keyed
    first and a key that does not verify the newest entry is refused."""
    await upgrade(url)
    engine = make_engine(url)
    try:
        sessions = make_sessionmaker(engine, audit_key=audit_key, retired_keys=retired_keys)
        if audit_key and writing:
            with store_errors():
                await adopt_legacy(sessions)
                await check_key(sessions)
        yield sessions
    finally:
        await engine.dispose()


@asynccontextmanager
async def open_store(
    settings: Settings, *, writing: bool = True
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The store of ``settings`` with its audit key: the CLI's way in. ``writing=False`` (audit
    verification) neither creates a key nor refuses a chain the key does not fit."""
    await upgrade(settings.effective_database_url)  # a bad URL or a dead server is said first
    key = load_key(settings, create=writing)
    retired = retired_keys(settings)
    async with migrated_store(
        settings.effective_database_url, key, writing=writing, retired_keys=retired
    ) as sessions:
        yield sessions
