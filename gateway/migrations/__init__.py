"""Schema migrations (Alembic) for the store, and :func:`upgrade`, run by ``serve`` and the CLI.

``upgrade(url)`` brings any SQLite or PostgreSQL database to the newest revision. A database made
by the older ``create_schema`` stand-in (tables present, no ``alembic_version``) is stamped with
the initial revision first, then upgraded.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect

from gateway.db import make_engine

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
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_upgrade, alembic_config(url))
    finally:
        await engine.dispose()
