"""bounces and complaints

A contact remembers that its address bounced (later audiences give it
``cancelled_bounced``) and that it complained of spam. Bounce reports are
matched to their recipient by the Message-ID they quote, hence its index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contacts") as batch:
        batch.add_column(
            sa.Column("bounced", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(
            sa.Column("complained", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index("ix_recipients_message_id", "recipients", ["message_id"])


def downgrade() -> None:
    op.drop_index("ix_recipients_message_id", table_name="recipients")
    with op.batch_alter_table("contacts") as batch:
        batch.drop_column("complained")
        batch.drop_column("bounced")
