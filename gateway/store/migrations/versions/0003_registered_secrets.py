"""registered secrets: document fingerprints and exact-data sets (keyed hashes only)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A store made by ``create_schema`` (stamped 0001) may have them already.
    tables = set(sa.inspect(op.get_bind()).get_table_names())
    if "registered_documents" not in tables:
        op.create_table(
            "registered_documents",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("label", sa.Text(), nullable=False),
            sa.Column("category", sa.String(length=64), nullable=False),
            sa.Column("threshold", sa.Integer(), nullable=False),
            sa.Column("chars", sa.Integer(), nullable=False),
            sa.Column("fingerprint_count", sa.Integer(), nullable=False),
            sa.Column("hashes", sa.LargeBinary(), nullable=False),
            sa.Column("created_by", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )
    if "registered_datasets" not in tables:
        op.create_table(
            "registered_datasets",
            sa.Column("id", sa.String(length=40), nullable=False),
            sa.Column("label", sa.Text(), nullable=False),
            sa.Column("category", sa.String(length=64), nullable=False),
            sa.Column("columns", sa.JSON(), nullable=False),
            sa.Column("unique_columns", sa.JSON(), nullable=False),
            sa.Column("rows", sa.Integer(), nullable=False),
            sa.Column("min_rows", sa.Integer(), nullable=False),
            sa.Column("min_values", sa.Integer(), nullable=False),
            sa.Column("cells", sa.LargeBinary(), nullable=False),
            sa.Column("prefixes", sa.LargeBinary(), nullable=False),
            sa.Column("created_by", sa.Text(), nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.PrimaryKeyConstraint("id"),
        )


def downgrade() -> None:
    op.drop_table("registered_datasets")
    op.drop_table("registered_documents")
