"""keyed audit chain (mac column) and cluster-wide job claims

Existing audit entries are marked ``sha256`` (unkeyed); ``gateway.store.audit.adopt_legacy``
re-keys them under the audit key at the first start that has one (it needs the key, which
the migration does not see).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A store made by ``create_schema`` (stamped 0001) may have both already.
    inspector = sa.inspect(op.get_bind())
    if "mac" not in {c["name"] for c in inspector.get_columns("audit_log")}:
        with op.batch_alter_table("audit_log", schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("mac", sa.String(length=16), server_default="sha256", nullable=False)
            )
    if "job_claims" in inspector.get_table_names():
        return
    op.create_table(
        "job_claims",
        sa.Column("job", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("claimed_by", sa.Text(), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("job", "period"),
    )


def downgrade() -> None:
    op.drop_table("job_claims")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_column("mac")
