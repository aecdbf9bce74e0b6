"""fingerprint scheme per registered document and ordinary-mail corpus (1 for existing rows)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("registered_documents", "registered_common")


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    for table in _TABLES:
        existing = {c["name"] for c in inspector.get_columns(table)}
        if "scheme" in existing:  # a store made by ``create_schema`` already has it
            continue
        with op.batch_alter_table(table, schema=None) as batch_op:
            # rows registered before scheme 2 hold scheme-1 (BLAKE2b) fingerprints
            batch_op.add_column(
                sa.Column("scheme", sa.Integer(), nullable=False, server_default="1")
            )


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("scheme")
