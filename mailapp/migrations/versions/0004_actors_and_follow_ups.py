"""actors and follow-ups

The sending log names who caused an event (``actor``; empty for the
engine's own), and a mailing may follow another one: a resend to those the
first did not reach (``follows_id``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 12:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("journal") as batch:
        batch.add_column(sa.Column("actor", sa.String(length=200), nullable=True))
    with op.batch_alter_table("mailings") as batch:
        batch.add_column(sa.Column("follows_id", sa.Integer(), nullable=True))
        batch.create_index("ix_mailings_follows_id", ["follows_id"])
        batch.create_foreign_key(
            "fk_mailings_follows_id_mailings",
            "mailings",
            ["follows_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("mailings") as batch:
        batch.drop_constraint("fk_mailings_follows_id_mailings", type_="foreignkey")
        batch.drop_index("ix_mailings_follows_id")
        batch.drop_column("follows_id")
    with op.batch_alter_table("journal") as batch:
        batch.drop_column("actor")
