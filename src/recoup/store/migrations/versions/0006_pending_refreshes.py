"""Pending worklist refreshes: the practices an import changed that no refresh has caught up
with yet (written with the import, cleared with the refresh), so an interrupted refresh is
finished the next time the worklist is read instead of leaving it stale without a word.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 16:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_refreshes",
        sa.Column("practice_key", sa.Text(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("practice_key", name=op.f("pk_pending_refreshes")),
    )


def downgrade() -> None:
    op.drop_table("pending_refreshes")
