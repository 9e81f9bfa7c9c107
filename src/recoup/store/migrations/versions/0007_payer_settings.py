"""The payer's decision settings in the store (state, correction form, CO member billing, the
corrected-claim window), kept as JSON beside the payer row, so triage from the store decides as
triage from the practice folder does. Rows stored before hold ``{}`` (the defaults) until the
practice folder is imported again.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 16:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("payers") as batch:
        batch.add_column(sa.Column("settings", sa.Text(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("payers") as batch:
        batch.drop_column("settings")
