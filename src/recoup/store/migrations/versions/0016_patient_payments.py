"""What patients actually paid (``payments.csv`` in the practice folder): the patient collection
KPI divides these payments by what the patients were billed. A store made before holds none
until the folder, with its payments.csv, is imported again.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# as in 0001: exact money, 64-bit ids on PostgreSQL
MONEY = sa.Numeric().with_variant(sa.String(40), "sqlite")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "patient_payments",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("source_row", sa.Integer()),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("patient_id", sa.Text(), nullable=False),
        sa.Column("claim_id", sa.Text(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("method", sa.String(16), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practices.id"],
            name=op.f("fk_patient_payments_practice_id_practices"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_payments")),
        sa.UniqueConstraint(
            "practice_id", "row_key", name=op.f("uq_patient_payments_practice_id_row_key")
        ),
    )
    with op.batch_alter_table("patient_payments") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patient_payments_claim_id"), ["claim_id"], unique=False
        )


def downgrade() -> None:
    op.drop_table("patient_payments")
