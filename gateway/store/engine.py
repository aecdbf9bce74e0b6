"""Database engine and sessions for the store (SQLite file by default, or PostgreSQL).

SQLite runs in WAL mode with ``synchronous=FULL`` so that a commit is on disk (fsync) before
the gateway answers 250.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any, TypeAlias

from sqlalchemy import event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from gateway.errors import StoreError
from gateway.store.models import Base

__all__ = [
    "AsyncEngine",
    "Sessions",
    "create_schema",
    "make_engine",
    "make_sessionmaker",
    "store_errors",
    "transaction",
]

Sessions: TypeAlias = async_sessionmaker[AsyncSession]
"""How the rest of the gateway holds the store: a session factory it passes to store functions."""


@contextmanager
def store_errors(what: str = "quarantine store") -> Iterator[None]:
    """The one translator of database faults: any driver or SQLAlchemy error becomes
    :class:`~gateway.errors.StoreError` naming only the fault's type (never its SQL or values)."""
    try:
        yield
    except (SQLAlchemyError, OSError) as exc:
        raise StoreError(f"{what} unavailable: {type(exc).__name__}") from exc


@asynccontextmanager
async def transaction(sessions: Sessions) -> AsyncIterator[AsyncSession]:
    """One committed transaction with database faults translated to ``StoreError``."""
    with store_errors():
        async with sessions() as session, session.begin():
            yield session


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    # Values never reach log lines or exception texts (mail addresses, reasons, raw mail).
    kwargs.setdefault("hide_parameters", True)
    engine = create_async_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def make_sessionmaker(
    engine: AsyncEngine, *, audit_key: bytes | None = None, retired_keys: tuple[bytes, ...] = ()
) -> async_sessionmaker[AsyncSession]:
    """Sessions on ``engine``; ``audit_key`` (from ``keys.load_key``) lets them write the audit
    chain — without it an audit append raises ``StoreError`` (read-only use). ``retired_keys``
    (``keys.retired_keys``) verify the entries written before a key rotation."""
    info: dict[str, object] = {"audit_key": audit_key} if audit_key else {}
    if retired_keys:
        info["audit_retired"] = retired_keys
    return async_sessionmaker(engine, expire_on_commit=False, info=info)


async def create_schema(engine: AsyncEngine) -> None:
    """Create missing tables (the migrations in ``gateway/store/migrations`` are the upgrade path)."""
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)


async def ping(sessions: Sessions, timeout: float = 3.0) -> None:
    """One round trip to the database (readiness); raises ``StoreError`` when it fails."""
    with store_errors():
        async with asyncio.timeout(timeout), sessions() as session:
            await session.execute(text("SELECT 1"))
