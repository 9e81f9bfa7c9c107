"""The practice's contracted rates (``fee_schedules/<payer_id>.csv``), one row per payer, code,
modifier set and start date, so triage from the store finds the same underpayments as triage
from the practice folder. A store made before holds none until the folder is imported again.

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-03 23:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# as in 0001: exact money, 64-bit ids on PostgreSQL
MONEY = sa.Numeric().with_variant(sa.String(40), "sqlite")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "fee_schedules",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("source_row", sa.Integer()),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("modifiers", sa.Text(), nullable=False),
        sa.Column("allowed", MONEY, nullable=False),
        sa.Column("valid_from", sa.Date()),
        sa.Column("valid_to", sa.Date()),
        sa.ForeignKeyConstraint(["practice_id"], ["practices.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("practice_id", "row_key"),
    )


def downgrade() -> None:
    op.drop_table("fee_schedules")
