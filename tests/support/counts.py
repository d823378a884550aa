"""The counts the database keeps, checked against the rows themselves."""

from __future__ import annotations

from sqlalchemy import func, select, text

from mailapp.models import Recipient, RecipientCount
from mailapp.services.context import AppContext


def assert_counts_kept(ctx: AppContext) -> None:
    """``recipient_counts`` says what a count of ``recipients`` says, and no
    transaction left the triggers deferred.

    Run after every test that uses the ``ctx`` fixture: a writer of
    responses that slips past the counts fails the test that exercises it.
    """
    with ctx.db.read() as session:
        rows = {
            (m, r): n
            for m, r, n in session.execute(
                select(Recipient.mailing_id, Recipient.response, func.count()).group_by(
                    Recipient.mailing_id, Recipient.response
                )
            )
        }
        kept = {
            (m, r): n
            for m, r, n in session.execute(
                select(RecipientCount.mailing_id, RecipientCount.response, RecipientCount.n)
            )
            if n
        }
        assert kept == rows, "recipient_counts disagrees with the recipients"
        if ctx.db.dialect == "sqlite":
            left = session.scalar(text("SELECT count(*) FROM recipient_counts_deferred"))
            assert left == 0, "a transaction left the counting triggers deferred"
