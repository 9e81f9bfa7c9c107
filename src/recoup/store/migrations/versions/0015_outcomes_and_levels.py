"""Outcomes that hold and appeal levels: the appeal level a denial is at (``appeal_level``), the
payer type triage found (``payer_type``, which picks the next level), the remittance that paid
a denied line (``outcome_source``, JSON), the reference of the payer's decision
(``outcome_reference``); and every step of a denial's history (``denial_events``: sent, decided,
level opened, paid by a remittance, outcome undone), with what the row was before the step so
that an outcome can be undone.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 02:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric().with_variant(sa.String(40), "sqlite")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("denials") as batch:
        batch.add_column(
            sa.Column("appeal_level", sa.Integer(), nullable=False, server_default="1")
        )
        batch.add_column(sa.Column("payer_type", sa.String(32), nullable=True))
        batch.add_column(sa.Column("outcome_source", sa.Text(), nullable=True))
        batch.add_column(sa.Column("outcome_reference", sa.Text(), nullable=True))
    op.create_table(
        "denial_events",
        sa.Column("id", ID, nullable=False),
        sa.Column("denial_row_id", ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("on", sa.Date(), nullable=True),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("amount", MONEY, nullable=True),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("before", sa.Text(), nullable=True),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["denial_row_id"], ["denials.id"], name=op.f("fk_denial_events_denial_row_id_denials")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_denial_events")),
    )
    op.create_index(
        op.f("ix_denial_events_denial_row_id"), "denial_events", ["denial_row_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_denial_events_denial_row_id"), table_name="denial_events")
    op.drop_table("denial_events")
    with op.batch_alter_table("denials") as batch:
        batch.drop_column("outcome_reference")
        batch.drop_column("outcome_source")
        batch.drop_column("payer_type")
        batch.drop_column("appeal_level")
