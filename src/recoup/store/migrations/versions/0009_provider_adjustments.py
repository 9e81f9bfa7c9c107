"""Provider-level adjustments (PLB) of stored remittances, and the practice's [x12] strict
setting (practices.x12_strict), and remittances.superseded_by_id (a payer's later copy of the
same check replaced this one). PLB rows: takebacks, interest and the rest,
each with the claim its reference names when one is found. Remittances stored before hold no
rows (a fresh store, or a new file, has them).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 23:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Exact money: NUMERIC on PostgreSQL, text on SQLite (see recoup.store.tables.Money).
MONEY = sa.Numeric().with_variant(sa.String(40), "sqlite")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "provider_adjustments",
        sa.Column("id", ID, nullable=False),
        sa.Column("remittance_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Text(), nullable=False),
        sa.Column("fiscal_period_end", sa.Date(), nullable=True),
        sa.Column("reason_code", sa.String(8), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("claim_id", ID, nullable=True),
        sa.Column("link_rule", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["remittance_id"],
            ["remittances.id"],
            name=op.f("fk_provider_adjustments_remittance_id_remittances"),
        ),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_provider_adjustments_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_adjustments")),
    )
    op.create_index(
        op.f("ix_provider_adjustments_remittance_id"), "provider_adjustments", ["remittance_id"]
    )
    op.create_index(op.f("ix_provider_adjustments_claim_id"), "provider_adjustments", ["claim_id"])
    fk_name = op.f("fk_remittances_superseded_by_id_remittances")
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; a batch copy of remittances could
        # not drop the old table while claims point at it and foreign keys are enforced
        op.execute(
            f"ALTER TABLE remittances ADD COLUMN superseded_by_id INTEGER "
            f"CONSTRAINT {fk_name} REFERENCES remittances (id)"
        )
    else:
        op.add_column("remittances", sa.Column("superseded_by_id", ID, nullable=True))
        op.create_foreign_key(fk_name, "remittances", "remittances", ["superseded_by_id"], ["id"])
    # a plain ADD COLUMN on both (a batch copy of practices would meet the same foreign keys)
    op.add_column(
        "practices",
        sa.Column("x12_strict", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("remittances") as batch:
        if op.get_bind().dialect.name != "sqlite":  # SQLite's copy leaves the reference out
            batch.drop_constraint(
                op.f("fk_remittances_superseded_by_id_remittances"), type_="foreignkey"
            )
        batch.drop_column("superseded_by_id")
    with op.batch_alter_table("practices") as batch:
        batch.drop_column("x12_strict")
    op.drop_index(op.f("ix_provider_adjustments_claim_id"), table_name="provider_adjustments")
    op.drop_index(op.f("ix_provider_adjustments_remittance_id"), table_name="provider_adjustments")
    op.drop_table("provider_adjustments")
