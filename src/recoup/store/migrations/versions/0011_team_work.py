"""A billing team's work on a denial: who has it (``assigned_to``), when to call back
(``follow_up_on``), where it stands (``work_status``), why it was written off
(``write_off_reason``); the notes and call log (``denial_notes``); each user's e-mail address
for reminders; and the secret calendar feed of each user (``calendar_feeds``, the token's
SHA-256 only).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 23:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("denials") as batch:
        batch.add_column(sa.Column("assigned_to", sa.Text(), nullable=True))
        batch.add_column(sa.Column("follow_up_on", sa.Date(), nullable=True))
        batch.add_column(
            sa.Column("work_status", sa.String(16), nullable=False, server_default="new")
        )
        batch.add_column(sa.Column("write_off_reason", sa.String(32), nullable=True))
        batch.create_index("ix_denials_assigned_to_sort_deadline", ["assigned_to", "sort_deadline"])
        batch.create_index("ix_denials_follow_up_on", ["follow_up_on"])
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.Text(), nullable=True))
    op.create_table(
        "denial_notes",
        sa.Column("id", ID, nullable=False),
        sa.Column("denial_row_id", ID, nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("contact", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["denial_row_id"], ["denials.id"], name=op.f("fk_denial_notes_denial_row_id_denials")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_denial_notes")),
    )
    op.create_index(
        op.f("ix_denial_notes_denial_row_id"), "denial_notes", ["denial_row_id"], unique=False
    )
    op.create_table(
        "calendar_feeds",
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("username", name=op.f("pk_calendar_feeds")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feeds_token_hash")),
    )


def downgrade() -> None:
    op.drop_table("calendar_feeds")
    op.drop_index(op.f("ix_denial_notes_denial_row_id"), table_name="denial_notes")
    op.drop_table("denial_notes")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("email")
    with op.batch_alter_table("denials") as batch:
        batch.drop_index("ix_denials_follow_up_on")
        batch.drop_index("ix_denials_assigned_to_sort_deadline")
        batch.drop_column("write_off_reason")
        batch.drop_column("work_status")
        batch.drop_column("follow_up_on")
        batch.drop_column("assigned_to")
