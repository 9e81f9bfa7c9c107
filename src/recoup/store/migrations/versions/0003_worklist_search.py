"""Fast worklist search and paging: one lower-cased search column for the patient filter and one
for the free-text filter (a LIKE on one column instead of lower() on eight), each in a covering
index with the lane and amount so a search's totals read the index alone; and the amount negated
so the default order (deadline, then largest first) is one ascending index.

The new columns are filled from the rows already stored.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 00:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PATIENT = ("patient_name", "patient_account", "patient_id")
_ALL = (
    "patient_name",
    "patient_account",
    "payer_claim_id",
    "payer_name",
    "code",
    "reason_code",
    "denial_id",
    "action",
)


def _joined(columns: Sequence[str]) -> str:
    return "lower(" + " || ' ' || ".join(f"coalesce({c}, '')" for c in columns) + ")"


def upgrade() -> None:
    with op.batch_alter_table("denials", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("search_patient", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("search_all", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("neg_amount_cents", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.execute(
        f"UPDATE denials SET search_patient = {_joined(_PATIENT)}, "
        f"search_all = {_joined(_ALL)}, neg_amount_cents = -amount_cents"
    )
    with op.batch_alter_table("denials", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_denials_status_sort_deadline_neg_amount_cents_id"),
            ["status", "sort_deadline", "neg_amount_cents", "id"],
            unique=False,
        )
        # the payer and patient orders of the worklist, walked in index order
        batch_op.create_index(
            batch_op.f("ix_denials_status_payer_name_sort_deadline_neg_amount_cents_id"),
            ["status", "payer_name", "sort_deadline", "neg_amount_cents", "id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_denials_patient_name_patient_account_sort_deadline_id"),
            ["patient_name", "patient_account", "sort_deadline", "id"],
            unique=False,
        )
        # covering indexes: a search's totals by lane read the index alone (no row lookups)
        for column in ("search_patient", "search_all"):
            batch_op.create_index(
                batch_op.f(f"ix_denials_status_lane_amount_cents_{column}"),
                ["status", "lane", "amount_cents", column],
                unique=False,
            )


def downgrade() -> None:
    with op.batch_alter_table("denials", schema=None) as batch_op:
        for column in ("search_patient", "search_all"):
            batch_op.drop_index(batch_op.f(f"ix_denials_status_lane_amount_cents_{column}"))
        batch_op.drop_index(batch_op.f("ix_denials_patient_name_patient_account_sort_deadline_id"))
        batch_op.drop_index(
            batch_op.f("ix_denials_status_payer_name_sort_deadline_neg_amount_cents_id")
        )
        batch_op.drop_index(batch_op.f("ix_denials_status_sort_deadline_neg_amount_cents_id"))
        batch_op.drop_column("neg_amount_cents")
        batch_op.drop_column("search_all")
        batch_op.drop_column("search_patient")
