"""recipient counts kept by triggers; partial indexes of unfinished rows

The index of every recipient by (mailing, response) moved an entry for each
row a stop or an expiry finished, most of the time of finishing a million.
It gives way to partial indexes of the unfinished rows (what claims and the
finish look for) and a plain index of the mailing; the counts the window
shows come from ``recipient_counts``, kept by triggers in the transaction of
every write to ``recipients``, whichever code makes it.

A bulk writer may defer the triggers for its own transaction and account for
its rows itself: on SQLite by a row in ``recipient_counts_deferred`` that it
deletes before it commits (nobody else can write meanwhile: SQLite has one
writer, and the row is invisible to other connections); on PostgreSQL by
``SET LOCAL mailapp.counts_deferred = 'on'``, which ends with the transaction.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_UNFINISHED = ("planned", "sending")

_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER recipient_counts_insert AFTER INSERT ON recipients
    WHEN NOT EXISTS (SELECT 1 FROM recipient_counts_deferred)
    BEGIN
      INSERT INTO recipient_counts (mailing_id, response, n)
      VALUES (NEW.mailing_id, NEW.response, 1)
      ON CONFLICT (mailing_id, response) DO UPDATE SET n = n + 1;
    END
    """,
    """
    CREATE TRIGGER recipient_counts_delete AFTER DELETE ON recipients
    WHEN NOT EXISTS (SELECT 1 FROM recipient_counts_deferred)
    BEGIN
      UPDATE recipient_counts SET n = n - 1
      WHERE mailing_id = OLD.mailing_id AND response = OLD.response;
    END
    """,
    """
    CREATE TRIGGER recipient_counts_update AFTER UPDATE OF response, mailing_id ON recipients
    WHEN (OLD.response IS NOT NEW.response OR OLD.mailing_id IS NOT NEW.mailing_id)
      AND NOT EXISTS (SELECT 1 FROM recipient_counts_deferred)
    BEGIN
      UPDATE recipient_counts SET n = n - 1
      WHERE mailing_id = OLD.mailing_id AND response = OLD.response;
      INSERT INTO recipient_counts (mailing_id, response, n)
      VALUES (NEW.mailing_id, NEW.response, 1)
      ON CONFLICT (mailing_id, response) DO UPDATE SET n = n + 1;
    END
    """,
)

# The two rows a change touches are locked in the order of their keys, so
# two transactions moving rows between the same responses in opposite
# directions (a claim and a requeue) cannot deadlock on the counts.
_POSTGRES_FUNCTION = """
CREATE FUNCTION recipient_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND (OLD.mailing_id, OLD.response) > (NEW.mailing_id, NEW.response) THEN
    INSERT INTO recipient_counts (mailing_id, response, n)
    VALUES (NEW.mailing_id, NEW.response, 1)
    ON CONFLICT (mailing_id, response) DO UPDATE SET n = recipient_counts.n + 1;
    UPDATE recipient_counts SET n = n - 1
    WHERE mailing_id = OLD.mailing_id AND response = OLD.response;
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE recipient_counts SET n = n - 1
    WHERE mailing_id = OLD.mailing_id AND response = OLD.response;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    INSERT INTO recipient_counts (mailing_id, response, n)
    VALUES (NEW.mailing_id, NEW.response, 1)
    ON CONFLICT (mailing_id, response) DO UPDATE SET n = recipient_counts.n + 1;
  END IF;
  RETURN NULL;
END
$$
"""

_COUNTED = "current_setting('mailapp.counts_deferred', true) IS DISTINCT FROM 'on'"

_POSTGRES_TRIGGERS = (
    f"""
    CREATE TRIGGER recipient_counts_insert AFTER INSERT ON recipients
    FOR EACH ROW WHEN ({_COUNTED}) EXECUTE FUNCTION recipient_counts_follow()
    """,
    f"""
    CREATE TRIGGER recipient_counts_delete AFTER DELETE ON recipients
    FOR EACH ROW WHEN ({_COUNTED}) EXECUTE FUNCTION recipient_counts_follow()
    """,
    f"""
    CREATE TRIGGER recipient_counts_update AFTER UPDATE OF response, mailing_id ON recipients
    FOR EACH ROW WHEN ((OLD.response IS DISTINCT FROM NEW.response
      OR OLD.mailing_id IS DISTINCT FROM NEW.mailing_id) AND {_COUNTED})
    EXECUTE FUNCTION recipient_counts_follow()
    """,
)


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "recipient_counts",
        sa.Column("mailing_id", sa.Integer(), nullable=False),
        sa.Column("response", sa.String(length=30), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["mailing_id"],
            ["mailings.id"],
            name="fk_recipient_counts_mailing_id_mailings",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("mailing_id", "response", name="pk_recipient_counts"),
    )
    op.execute(
        "INSERT INTO recipient_counts (mailing_id, response, n)"
        " SELECT mailing_id, response, count(*) FROM recipients GROUP BY mailing_id, response"
    )
    if postgres:
        op.execute(_POSTGRES_FUNCTION)
        for statement in _POSTGRES_TRIGGERS:
            op.execute(statement)
    else:
        op.create_table(
            "recipient_counts_deferred",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.PrimaryKeyConstraint("id", name="pk_recipient_counts_deferred"),
        )
        for statement in _SQLITE_TRIGGERS:
            op.execute(statement)
    # Plain index operations: a batch operation could copy the table on
    # SQLite, and its triggers with it would be lost.
    op.drop_index("ix_recipients_mailing_response", table_name="recipients")
    op.create_index("ix_recipients_mailing_id", "recipients", ["mailing_id"])
    for response in _UNFINISHED:
        where = sa.text(f"response = '{response}'")
        op.create_index(
            f"ix_recipients_{response}",
            "recipients",
            ["mailing_id", "response"],
            sqlite_where=where,
            postgresql_where=where,
        )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for response in _UNFINISHED:
        op.drop_index(f"ix_recipients_{response}", table_name="recipients")
    op.drop_index("ix_recipients_mailing_id", table_name="recipients")
    op.create_index("ix_recipients_mailing_response", "recipients", ["mailing_id", "response"])
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER recipient_counts_{name}" + (" ON recipients" if postgres else ""))
    if postgres:
        op.execute("DROP FUNCTION recipient_counts_follow()")
    else:
        op.drop_table("recipient_counts_deferred")
    op.drop_table("recipient_counts")
