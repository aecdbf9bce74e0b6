"""the officers' verdict on a hold: correct or false positive, and which findings were wrong

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = {c["name"] for c in inspector.get_columns("cases")}
    if "feedback" in existing:  # a store made by ``create_schema`` already has them
        return
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feedback", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("wrong_findings", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("feedback_by", sa.Text(), nullable=True))
        batch_op.create_index("ix_cases_feedback", ["feedback"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_feedback")
        batch_op.drop_column("feedback_by")
        batch_op.drop_column("wrong_findings")
        batch_op.drop_column("feedback")
