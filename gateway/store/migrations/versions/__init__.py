"""Alembic revisions of the store schema (one file per revision)."""
