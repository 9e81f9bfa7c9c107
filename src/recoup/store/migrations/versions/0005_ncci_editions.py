"""CMS NCCI PTP and MUE editions: the quarter's tables, their files and rows
(recoup.store.ncci).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 15:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "ncci_editions",
        sa.Column("id", _ID, nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("setting", sa.String(length=32), nullable=False),
        sa.Column("quarter", sa.String(length=8), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ncci_editions")),
        sa.UniqueConstraint(
            "kind", "setting", "quarter", name=op.f("uq_ncci_editions_kind_setting_quarter")
        ),
    )
    op.create_table(
        "ncci_files",
        sa.Column("id", _ID, nullable=False),
        sa.Column("edition_id", _ID, nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["edition_id"],
            ["ncci_editions.id"],
            name=op.f("fk_ncci_files_edition_id_ncci_editions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ncci_files")),
        sa.UniqueConstraint("edition_id", "sha256", name=op.f("uq_ncci_files_edition_id_sha256")),
    )
    op.create_index(op.f("ix_ncci_files_edition_id"), "ncci_files", ["edition_id"])
    op.create_table(
        "ncci_ptp_edits",
        sa.Column("id", _ID, nullable=False),
        sa.Column("file_id", _ID, nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("column1", sa.String(length=5), nullable=False),
        sa.Column("column2", sa.String(length=5), nullable=False),
        sa.Column("prior_1996", sa.Boolean(), nullable=False),
        sa.Column("effective_ymd", sa.Integer(), nullable=False),
        sa.Column("deleted_ymd", sa.Integer(), nullable=True),
        sa.Column("modifier_indicator", sa.String(length=1), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"], ["ncci_files.id"], name=op.f("fk_ncci_ptp_edits_file_id_ncci_files")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ncci_ptp_edits")),
    )
    op.create_index(op.f("ix_ncci_ptp_edits_file_id"), "ncci_ptp_edits", ["file_id"])
    op.create_table(
        "ncci_mue_values",
        sa.Column("id", _ID, nullable=False),
        sa.Column("file_id", _ID, nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=5), nullable=False),
        sa.Column("mue_value", sa.Integer(), nullable=False),
        sa.Column("mai", sa.String(length=1), nullable=False),
        sa.Column("mai_text", sa.Text(), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"], ["ncci_files.id"], name=op.f("fk_ncci_mue_values_file_id_ncci_files")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ncci_mue_values")),
    )
    op.create_index(op.f("ix_ncci_mue_values_file_id"), "ncci_mue_values", ["file_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_ncci_mue_values_file_id"), table_name="ncci_mue_values")
    op.drop_table("ncci_mue_values")
    op.drop_index(op.f("ix_ncci_ptp_edits_file_id"), table_name="ncci_ptp_edits")
    op.drop_table("ncci_ptp_edits")
    op.drop_index(op.f("ix_ncci_files_edition_id"), table_name="ncci_files")
    op.drop_table("ncci_files")
    op.drop_table("ncci_editions")
