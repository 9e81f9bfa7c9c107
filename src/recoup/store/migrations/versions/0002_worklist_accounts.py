"""The worklist and accounts: denials with their workflow, the 835 bytes for re-triage, users,
the audit log and login attempts; the practice folder's path and each practice row's place.

Files imported under 0001 have no stored bytes: the store says "re-import to triage" for them
(importing the same file again adds its bytes).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 23:43:34.006926
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# Exact money: NUMERIC on PostgreSQL, text on SQLite (see recoup.store.tables.Money).
MONEY = sa.Numeric().with_variant(sa.String(40), "sqlite")
ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("patient_id", sa.Text(), nullable=True),
        sa.Column("denial_id", sa.Text(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_log_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "denials",
        sa.Column("id", ID, nullable=False),
        sa.Column("practice_key", sa.Text(), nullable=False),
        sa.Column("denial_id", sa.Text(), nullable=False),
        sa.Column("patient_account", sa.Text(), nullable=False),
        sa.Column("payer_claim_id", sa.Text(), nullable=False),
        sa.Column("payer_id", sa.Text(), nullable=False),
        sa.Column("payer_name", sa.Text(), nullable=False),
        sa.Column("patient_name", sa.Text(), nullable=False),
        sa.Column("patient_id", sa.Text(), nullable=True),
        sa.Column("service_date", sa.Date(), nullable=True),
        sa.Column("notice_date", sa.Date(), nullable=True),
        sa.Column("code", sa.Text(), nullable=True),
        sa.Column("modifiers", sa.Text(), nullable=False),
        sa.Column("group_code", sa.String(length=4), nullable=False),
        sa.Column("reason_code", sa.String(length=8), nullable=False),
        sa.Column("remark_codes", sa.Text(), nullable=False),
        sa.Column("denied_amount", MONEY, nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("lane", sa.String(length=32), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("missing", sa.Text(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("sort_deadline", sa.Date(), nullable=False),
        sa.Column("deadline_basis", sa.Text(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("file", sa.Text(), nullable=False),
        sa.Column("triage_hash", sa.String(length=64), nullable=False),
        sa.Column("triaged_on", sa.Date(), nullable=False),
        sa.Column("first_seen", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sent_date", sa.Date(), nullable=True),
        sa.Column("sent_channel", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=True),
        sa.Column("outcome_amount", MONEY, nullable=True),
        sa.Column("outcome_date", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_denials")),
        sa.UniqueConstraint(
            "practice_key", "denial_id", name=op.f("uq_denials_practice_key_denial_id")
        ),
    )
    with op.batch_alter_table("denials", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_denials_notice_date"), ["notice_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_denials_outcome_date"), ["outcome_date"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_denials_patient_account"), ["patient_account"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_denials_status_amount_cents_lane"),
            ["status", "amount_cents", "lane"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_denials_status_code_lane_amount_cents"),
            ["status", "code", "lane", "amount_cents"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_denials_status_lane_amount_cents"),
            ["status", "lane", "amount_cents"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_denials_status_payer_name_lane_amount_cents"),
            ["status", "payer_name", "lane", "amount_cents"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_denials_status_reason_code_lane_amount_cents"),
            ["status", "reason_code", "lane", "amount_cents"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_denials_status_sort_deadline_amount_cents_lane"),
            ["status", "sort_deadline", "amount_cents", "lane"],
            unique=False,
        )

    op.create_table(
        "login_attempts",
        sa.Column("id", ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("remote", sa.Text(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_login_attempts_remote_at"), ["remote", "at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_login_attempts_username_at"), ["username", "at"], unique=False
        )

    op.create_table(
        "users",
        sa.Column("id", ID, nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "file_contents",
        sa.Column("source_file_id", ID, nullable=False),
        sa.Column("compression", sa.String(length=16), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_file_id"],
            ["source_files.id"],
            name=op.f("fk_file_contents_source_file_id_source_files"),
        ),
        sa.PrimaryKeyConstraint("source_file_id", name=op.f("pk_file_contents")),
    )
    with op.batch_alter_table("authorizations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_row", sa.Integer(), nullable=True))

    with op.batch_alter_table("benefits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_row", sa.Integer(), nullable=True))

    with op.batch_alter_table("coverages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_row", sa.Integer(), nullable=True))

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_row", sa.Integer(), nullable=True))

    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_row", sa.Integer(), nullable=True))

    with op.batch_alter_table("payers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_row", sa.Integer(), nullable=True))

    with op.batch_alter_table("practices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("folder", sa.Text(), nullable=True))

    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_row", sa.Integer(), nullable=True))

    with op.batch_alter_table("waivers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_row", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("waivers", schema=None) as batch_op:
        batch_op.drop_column("source_row")

    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_column("source_row")

    with op.batch_alter_table("practices", schema=None) as batch_op:
        batch_op.drop_column("folder")

    with op.batch_alter_table("payers", schema=None) as batch_op:
        batch_op.drop_column("source_row")

    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_column("source_row")

    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_column("source_row")

    with op.batch_alter_table("coverages", schema=None) as batch_op:
        batch_op.drop_column("source_row")

    with op.batch_alter_table("benefits", schema=None) as batch_op:
        batch_op.drop_column("source_row")

    with op.batch_alter_table("authorizations", schema=None) as batch_op:
        batch_op.drop_column("source_row")

    op.drop_table("file_contents")
    op.drop_table("users")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_attempts_username_at"))
        batch_op.drop_index(batch_op.f("ix_login_attempts_remote_at"))

    op.drop_table("login_attempts")
    with op.batch_alter_table("denials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_denials_status_sort_deadline_amount_cents_lane"))
        batch_op.drop_index(batch_op.f("ix_denials_status_reason_code_lane_amount_cents"))
        batch_op.drop_index(batch_op.f("ix_denials_status_payer_name_lane_amount_cents"))
        batch_op.drop_index(batch_op.f("ix_denials_status_lane_amount_cents"))
        batch_op.drop_index(batch_op.f("ix_denials_status_code_lane_amount_cents"))
        batch_op.drop_index(batch_op.f("ix_denials_status_amount_cents_lane"))
        batch_op.drop_index(batch_op.f("ix_denials_patient_account"))
        batch_op.drop_index(batch_op.f("ix_denials_outcome_date"))
        batch_op.drop_index(batch_op.f("ix_denials_notice_date"))

    op.drop_table("denials")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_patient_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))

    op.drop_table("audit_log")
