"""The first schema: source files, remittances, claims and their lineage; practice data.

Revision ID: 0001
Revises:
Create Date: 2026-11-23 22:15:47.740889
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Exact money: NUMERIC on PostgreSQL, text on SQLite (see recoup.store.tables.Money).
MONEY = sa.Numeric().with_variant(sa.String(40), "sqlite")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "practices",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_key", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("npi", sa.Text(), nullable=False),
        sa.Column("tax_id", sa.Text(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text(), nullable=False),
        sa.Column("signer_name", sa.Text(), nullable=False),
        sa.Column("signer_title", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practices")),
        sa.UniqueConstraint("practice_key", name=op.f("uq_practices_practice_key")),
    )
    op.create_table(
        "source_files",
        sa.Column("id", ID, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_files")),
        sa.UniqueConstraint("sha256", name=op.f("uq_source_files_sha256")),
    )
    op.create_table(
        "authorizations",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("patient_id", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("auth_number", sa.Text(), nullable=False),
        sa.Column("codes", sa.Text(), nullable=False),
        sa.Column("units", MONEY, nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("per", sa.String(length=16), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_authorizations_practice_id_practices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorizations")),
        sa.UniqueConstraint(
            "practice_id", "row_key", name=op.f("uq_authorizations_practice_id_row_key")
        ),
    )
    op.create_table(
        "benefits",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("patient_id", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("benefit", sa.Text(), nullable=False),
        sa.Column("limit_amount", MONEY, nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("counts_codes", sa.Text(), nullable=False),
        sa.Column("excludes_codes", sa.Text(), nullable=False),
        sa.Column("used_elsewhere", MONEY, nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_benefits_practice_id_practices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_benefits")),
        sa.UniqueConstraint("practice_id", "row_key", name=op.f("uq_benefits_practice_id_row_key")),
    )
    op.create_table(
        "coverages",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("patient_id", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("payer_name", sa.Text(), nullable=False),
        sa.Column("payer_type", sa.String(length=32), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Text(), nullable=False),
        sa.Column("group_number", sa.Text(), nullable=False),
        sa.Column("plan_name", sa.Text(), nullable=False),
        sa.Column("plan_year_start", sa.String(length=5), nullable=True),
        sa.Column("effective_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_coverages_practice_id_practices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coverages")),
        sa.UniqueConstraint(
            "practice_id", "row_key", name=op.f("uq_coverages_practice_id_row_key")
        ),
    )
    op.create_table(
        "documents",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("patient_id", sa.Text(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_documents_practice_id_practices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint(
            "practice_id", "row_key", name=op.f("uq_documents_practice_id_row_key")
        ),
    )
    op.create_table(
        "patients",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("patient_id", sa.Text(), nullable=False),
        sa.Column("first_name", sa.Text(), nullable=False),
        sa.Column("last_name", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("account_number", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_patients_practice_id_practices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
        sa.UniqueConstraint("practice_id", "row_key", name=op.f("uq_patients_practice_id_row_key")),
    )
    op.create_table(
        "payers",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("payer_type", sa.String(length=32), nullable=True),
        sa.Column("appeal_address", sa.Text(), nullable=False),
        sa.Column("appeal_days", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_payers_practice_id_practices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payers")),
        sa.UniqueConstraint("practice_id", "row_key", name=op.f("uq_payers_practice_id_row_key")),
    )
    op.create_table(
        "remittances",
        sa.Column("id", ID, nullable=False),
        sa.Column("source_file_id", ID, nullable=False),
        sa.Column("remittance_key", sa.String(length=64), nullable=False),
        sa.Column("payer_key", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("payer_name", sa.Text(), nullable=False),
        sa.Column("payee_id", sa.Text(), nullable=False),
        sa.Column("payee_name", sa.Text(), nullable=False),
        sa.Column("trace_number", sa.Text(), nullable=False),
        sa.Column("trace_originator", sa.Text(), nullable=False),
        sa.Column("handling_code", sa.String(length=4), nullable=False),
        sa.Column("credit_debit", sa.String(length=4), nullable=False),
        sa.Column("payment_method", sa.String(length=8), nullable=False),
        sa.Column("payment_amount", MONEY, nullable=False),
        sa.Column("payment_date", sa.Date(), nullable=True),
        sa.Column("production_date", sa.Date(), nullable=True),
        sa.Column("control_number", sa.Text(), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_files.id"],
            name=op.f("fk_remittances_source_file_id_source_files"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remittances")),
        sa.UniqueConstraint("remittance_key", name=op.f("uq_remittances_remittance_key")),
    )
    op.create_table(
        "visits",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("patient_id", sa.Text(), nullable=False),
        sa.Column("claim_id", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=False),
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("modifiers", sa.Text(), nullable=False),
        sa.Column("units", MONEY, nullable=False),
        sa.Column("charge", MONEY, nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("rendering_provider", sa.Text(), nullable=False),
        sa.Column("supervising_provider", sa.Text(), nullable=False),
        sa.Column("note_ref", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_visits_practice_id_practices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visits")),
        sa.UniqueConstraint("practice_id", "row_key", name=op.f("uq_visits_practice_id_row_key")),
    )
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_visits_claim_id"), ["claim_id"], unique=False)

    op.create_table(
        "waivers",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_id", ID, nullable=False),
        sa.Column("row_key", sa.Text(), nullable=False),
        sa.Column("patient_id", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("signed_date", sa.Date(), nullable=False),
        sa.Column("codes", sa.Text(), nullable=False),
        sa.Column("valid_through", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practices.id"], name=op.f("fk_waivers_practice_id_practices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_waivers")),
        sa.UniqueConstraint("practice_id", "row_key", name=op.f("uq_waivers_practice_id_row_key")),
    )
    op.create_table(
        "claims",
        sa.Column("id", ID, nullable=False),
        sa.Column("remittance_id", ID, nullable=False),
        sa.Column("claim_key", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("payer_key", sa.Text(), nullable=False),
        sa.Column("payer_name", sa.Text(), nullable=False),
        sa.Column("trace_number", sa.Text(), nullable=False),
        sa.Column("patient_control_number", sa.Text(), nullable=False),
        sa.Column("payer_claim_id", sa.Text(), nullable=False),
        sa.Column("original_reference", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=4), nullable=False),
        sa.Column("charge", MONEY, nullable=False),
        sa.Column("paid", MONEY, nullable=False),
        sa.Column("patient_responsibility", MONEY, nullable=True),
        sa.Column("denied", MONEY, nullable=False),
        sa.Column("denial_codes", sa.Text(), nullable=False),
        sa.Column("filing_indicator", sa.String(length=4), nullable=False),
        sa.Column("frequency", sa.String(length=4), nullable=False),
        sa.Column("patient_name", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Text(), nullable=False),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("notice_date", sa.Date(), nullable=True),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("lineage", sa.String(length=16), nullable=False),
        sa.Column("reverses_id", ID, nullable=True),
        sa.Column("reversed_by_id", ID, nullable=True),
        sa.Column("follows_id", ID, nullable=True),
        sa.ForeignKeyConstraint(
            ["follows_id"], ["claims.id"], name=op.f("fk_claims_follows_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["remittance_id"], ["remittances.id"], name=op.f("fk_claims_remittance_id_remittances")
        ),
        sa.ForeignKeyConstraint(
            ["reversed_by_id"], ["claims.id"], name=op.f("fk_claims_reversed_by_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["reverses_id"], ["claims.id"], name=op.f("fk_claims_reverses_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claims")),
        sa.UniqueConstraint("claim_key", name=op.f("uq_claims_claim_key")),
    )
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_claims_patient_control_number"), ["patient_control_number"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_claims_payer_claim_id"), ["payer_claim_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_claims_payer_key_patient_control_number"),
            ["payer_key", "patient_control_number"],
            unique=False,
        )

    op.create_table(
        "claim_sources",
        sa.Column("claim_id", ID, nullable=False),
        sa.Column("source_file_id", ID, nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("remittance_id", ID, nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_claim_sources_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["remittance_id"],
            ["remittances.id"],
            name=op.f("fk_claim_sources_remittance_id_remittances"),
        ),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_files.id"],
            name=op.f("fk_claim_sources_source_file_id_source_files"),
        ),
        sa.PrimaryKeyConstraint(
            "claim_id", "source_file_id", "segment", name=op.f("pk_claim_sources")
        ),
    )
    op.create_table(
        "service_lines",
        sa.Column("id", ID, nullable=False),
        sa.Column("claim_id", ID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("qualifier", sa.String(length=4), nullable=False),
        sa.Column("procedure_code", sa.Text(), nullable=False),
        sa.Column("modifiers", sa.Text(), nullable=False),
        sa.Column("charge", MONEY, nullable=False),
        sa.Column("paid", MONEY, nullable=False),
        sa.Column("units", MONEY, nullable=True),
        sa.Column("allowed", MONEY, nullable=True),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("control_number", sa.Text(), nullable=False),
        sa.Column("remarks", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_service_lines_claim_id_claims")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_lines")),
    )
    with op.batch_alter_table("service_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_service_lines_claim_id"), ["claim_id"], unique=False)

    op.create_table(
        "adjustments",
        sa.Column("id", ID, nullable=False),
        sa.Column("claim_id", ID, nullable=False),
        sa.Column("line_id", ID, nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("group_code", sa.String(length=4), nullable=False),
        sa.Column("reason_code", sa.String(length=8), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("quantity", MONEY, nullable=True),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claims.id"], name=op.f("fk_adjustments_claim_id_claims")
        ),
        sa.ForeignKeyConstraint(
            ["line_id"], ["service_lines.id"], name=op.f("fk_adjustments_line_id_service_lines")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_adjustments")),
    )
    with op.batch_alter_table("adjustments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_adjustments_claim_id"), ["claim_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("adjustments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_adjustments_claim_id"))

    op.drop_table("adjustments")
    with op.batch_alter_table("service_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_lines_claim_id"))

    op.drop_table("service_lines")
    op.drop_table("claim_sources")
    with op.batch_alter_table("claims", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_claims_payer_key_patient_control_number"))
        batch_op.drop_index(batch_op.f("ix_claims_payer_claim_id"))
        batch_op.drop_index(batch_op.f("ix_claims_patient_control_number"))

    op.drop_table("claims")
    op.drop_table("waivers")
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_visits_claim_id"))

    op.drop_table("visits")
    op.drop_table("remittances")
    op.drop_table("payers")
    op.drop_table("patients")
    op.drop_table("documents")
    op.drop_table("coverages")
    op.drop_table("benefits")
    op.drop_table("authorizations")
    op.drop_table("source_files")
    op.drop_table("practices")
