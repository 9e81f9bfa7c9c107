"""The practice's sent 837P claims and their service lines (recoup.store.sent), so a denial shows
the claim as it was sent and a corrected claim is rebuilt from the original.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 23:50:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_MONEY = sa.Numeric().with_variant(sa.String(length=40), "sqlite")


def upgrade() -> None:
    op.create_table(
        "sent_claims",
        sa.Column("id", _ID, nullable=False),
        sa.Column("source_file_id", _ID, nullable=False),
        sa.Column("claim_key", sa.String(length=64), nullable=False),
        sa.Column("patient_control_number", sa.Text(), nullable=False),
        sa.Column("frequency", sa.String(length=4), nullable=False),
        sa.Column("place_of_service", sa.String(length=4), nullable=False),
        sa.Column("charge", _MONEY, nullable=False),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("payer_name", sa.Text(), nullable=False),
        sa.Column("filing_indicator", sa.String(length=4), nullable=False),
        sa.Column("billing_npi", sa.Text(), nullable=False),
        sa.Column("rendering_npi", sa.Text(), nullable=False),
        sa.Column("subscriber_id", sa.Text(), nullable=False),
        sa.Column("subscriber_name", sa.Text(), nullable=False),
        sa.Column("patient_name", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("payer_claim_control_number", sa.Text(), nullable=False),
        sa.Column("prior_authorization", sa.Text(), nullable=False),
        sa.Column("diagnoses", sa.Text(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("sent_date", sa.Date(), nullable=True),
        sa.Column("batch_control_number", sa.Text(), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_files.id"],
            name=op.f("fk_sent_claims_source_file_id_source_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_claims")),
        sa.UniqueConstraint("claim_key", name=op.f("uq_sent_claims_claim_key")),
    )
    op.create_index(
        op.f("ix_sent_claims_patient_control_number"), "sent_claims", ["patient_control_number"]
    )
    op.create_index(
        op.f("ix_sent_claims_billing_npi_sent_date"), "sent_claims", ["billing_npi", "sent_date"]
    )
    op.create_table(
        "sent_claim_lines",
        sa.Column("id", _ID, nullable=False),
        sa.Column("sent_claim_id", _ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("procedure_code", sa.Text(), nullable=False),
        sa.Column("modifiers", sa.Text(), nullable=False),
        sa.Column("units", _MONEY, nullable=False),
        sa.Column("charge", _MONEY, nullable=False),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("control_number", sa.Text(), nullable=False),
        sa.Column("prior_authorization", sa.Text(), nullable=False),
        sa.Column("diagnosis_pointers", sa.Text(), nullable=False),
        sa.Column("place_of_service", sa.String(length=4), nullable=False),
        sa.ForeignKeyConstraint(
            ["sent_claim_id"],
            ["sent_claims.id"],
            name=op.f("fk_sent_claim_lines_sent_claim_id_sent_claims"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sent_claim_lines")),
    )
    op.create_index(
        op.f("ix_sent_claim_lines_sent_claim_id"), "sent_claim_lines", ["sent_claim_id"]
    )


def downgrade() -> None:
    op.drop_table("sent_claim_lines")
    op.drop_table("sent_claims")
