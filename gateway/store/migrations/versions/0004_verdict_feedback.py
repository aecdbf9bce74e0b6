"""the officers' verdict on a hold (correct or false positive, which findings were wrong);
trial hits of ``monitor`` categories; the sender's release request (业务理由);
the scope tables' content per version

Revision ID: 0004
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    existing = {c["name"] for c in inspector.get_columns("cases")}
    if "feedback" not in existing:  # a store made by ``create_schema`` already has them
        with op.batch_alter_table("cases", schema=None) as batch_op:
            batch_op.add_column(sa.Column("feedback", sa.String(length=20), nullable=True))
            batch_op.add_column(sa.Column("wrong_findings", sa.JSON(), nullable=True))
            batch_op.add_column(sa.Column("feedback_by", sa.Text(), nullable=True))
            batch_op.add_column(sa.Column("sender_request", sa.Text(), nullable=True))
            batch_op.add_column(
                sa.Column("sender_request_at", sa.DateTime(timezone=True), nullable=True)
            )
            batch_op.create_index("ix_cases_feedback", ["feedback"], unique=False)
    tables = set(inspector.get_table_names())
    if "scope_versions" not in tables:
        op.create_table(
            "scope_versions",
            sa.Column("version", sa.String(length=64), nullable=False),
            sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("loaded_by", sa.Text(), nullable=False),
            sa.Column("files", sa.JSON(), nullable=False),
            sa.PrimaryKeyConstraint("version"),
        )
        op.create_index(
            "ix_scope_versions_loaded_at", "scope_versions", ["loaded_at"], unique=False
        )
    if "trial_hits" in tables:
        return
    op.create_table(
        "trial_hits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("scope_version", sa.String(length=64), nullable=False),
        sa.Column("category", sa.String(length=64), nullable=False),
        sa.Column("category_name", sa.Text(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("mail_from", sa.Text(), nullable=False),
        sa.Column("rcpt_to", sa.JSON(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("message_id", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("segments", sa.JSON(), nullable=True),
        sa.Column("gateway_id", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_trial_hits_received_at", "trial_hits", ["received_at"], unique=False)
    op.create_index("ix_trial_hits_category", "trial_hits", ["category"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_scope_versions_loaded_at", table_name="scope_versions")
    op.drop_table("scope_versions")
    op.drop_index("ix_trial_hits_category", table_name="trial_hits")
    op.drop_index("ix_trial_hits_received_at", table_name="trial_hits")
    op.drop_table("trial_hits")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_feedback")
        batch_op.drop_column("sender_request_at")
        batch_op.drop_column("sender_request")
        batch_op.drop_column("feedback_by")
        batch_op.drop_column("wrong_findings")
        batch_op.drop_column("feedback")
