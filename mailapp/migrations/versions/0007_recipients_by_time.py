"""recipients of a mailing by the time they were handed over

The analytics of a sending mailing read, every second, the first and the
last handover and the handovers per bucket of time. By ``(mailing_id,
sent_at)`` each is a step or a range of one index; by ``mailing_id`` alone
each read every row of the mailing. The new index leads with
``mailing_id``, so it serves every read the old one did, which goes.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 05:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_recipients_mailing_id_sent_at", "recipients", ["mailing_id", "sent_at"])
    op.drop_index("ix_recipients_mailing_id", table_name="recipients")


def downgrade() -> None:
    op.create_index("ix_recipients_mailing_id", "recipients", ["mailing_id"])
    op.drop_index("ix_recipients_mailing_id_sent_at", table_name="recipients")
