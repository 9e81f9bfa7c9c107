"""Practice access: the practices each user may see in multi-user mode (a billing company's
staff kept to their own clients). Every user that exists when this runs is given every
practice ("*"), so a server that worked before works the same; new users get what they are
granted.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-03 23:20:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

revision: str = "0014"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    table = op.create_table(
        "user_practices",
        sa.Column("id", ID, nullable=False),
        sa.Column("username", sa.Text(), nullable=False),
        sa.Column("practice_key", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_practices")),
        sa.UniqueConstraint(
            "username", "practice_key", name=op.f("uq_user_practices_username_practice_key")
        ),
    )
    users = sa.table("users", sa.column("username", sa.Text()))
    names = [row.username for row in op.get_bind().execute(sa.select(users.c.username))]
    if names:
        op.bulk_insert(table, [{"username": name, "practice_key": "*"} for name in names])


def downgrade() -> None:
    op.drop_table("user_practices")
