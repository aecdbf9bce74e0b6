"""Persistence: the quarantine, accounts and audit log in SQLite or PostgreSQL.

The only package that imports SQLAlchemy or Alembic: :mod:`.engine` (engines and sessions),
:mod:`.models` (tables), :mod:`.migrations` (Alembic), :mod:`.quarantine` (held cases),
:mod:`.accounts` (console accounts), :mod:`.audit` (the chained audit log).
"""
