"""lane leases and holds

Each SMTP lane claims under a lease of its own: a ``workers`` row with the
process it belongs to, where that process runs and a beat counter that the
process raises while it lives. A mailing can be held (a click on *Stop
sending* whose dialog is open): a lease of the window until ``hold_until``.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import mailapp.models.base

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Leases of an older version's workers cannot be judged by the new
    # rules; their claims are released as orphans on the first tick.
    op.execute("DELETE FROM workers")
    with op.batch_alter_table("workers") as batch:
        batch.add_column(sa.Column("process_id", sa.String(length=64), nullable=False))
        batch.add_column(sa.Column("host_key", sa.String(length=400), nullable=False))
        batch.add_column(sa.Column("beat", sa.Integer(), nullable=False, server_default="0"))
        batch.create_index("ix_workers_process_id", ["process_id"])
    with op.batch_alter_table("mailings") as batch:
        batch.add_column(sa.Column("hold_token", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("held_at", mailapp.models.base.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("hold_until", mailapp.models.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("mailings") as batch:
        batch.drop_column("hold_until")
        batch.drop_column("held_at")
        batch.drop_column("hold_token")
    with op.batch_alter_table("workers") as batch:
        batch.drop_index("ix_workers_process_id")
        batch.drop_column("beat")
        batch.drop_column("host_key")
        batch.drop_column("process_id")
