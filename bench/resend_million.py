"""A follow-up of a stopped mailing of 1,000,000 recipients, half of them
not reached: making the draft (``resend.resend``) and starting it (its
start takes out whoever was excluded or reached since), each against the
bare SQL that writes the same rows in a copy of the same database.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from bench.common import Row, fill_contacts, mailing_with_recipients
from mailapp.models import MailingState, Response
from mailapp.services import lifecycle, resend
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext


def _half_stopped(n: int, _now: datetime) -> dict[str, object]:
    """Contact ``n + 1`` (a fresh database numbers them from 1): the even
    ones were sent, the odd ones stopped."""
    response = Response.SENT if n % 2 == 0 else Response.STOPPED_MANUALLY
    return {"contact_id": n + 1, "response": response.value, "attempts": 0}


_BARE_INSERT = (
    "INSERT INTO recipients (mailing_id, contact_id, email, response, attempts,"
    " created_at, updated_at)"
    " SELECT ?, c.id, c.email, 'planned', 0, datetime('now'), datetime('now') FROM contacts c"
    " WHERE c.id IN (SELECT contact_id FROM recipients WHERE mailing_id = ?"
    " AND response = 'stopped_manually') ORDER BY c.id"
)


def _bare(path: Path, mailing_id: int) -> tuple[float, float]:
    """The same rows written by plain SQL: the insert, then one update of them."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    follow_up = mailing_id + 1
    conn.execute(
        "INSERT INTO mailings (id, name, kind, state, sender_name, sender_email, subject, html,"
        " state_changed_at, created_at, updated_at) SELECT ?, name, kind, 'draft', sender_name,"
        " sender_email, subject, html, state_changed_at, created_at, updated_at FROM mailings"
        " WHERE id = ?",
        (follow_up, mailing_id),
    )
    start = time.perf_counter()
    conn.execute(_BARE_INSERT, (follow_up, mailing_id))
    conn.commit()
    made = time.perf_counter() - start
    start = time.perf_counter()
    conn.execute(
        "UPDATE recipients SET response = 'planned', updated_at = datetime('now')"
        " WHERE mailing_id = ?",
        (follow_up,),
    )
    conn.commit()
    started = time.perf_counter() - start
    conn.close()
    return made, started


def run(quick: bool = False) -> None:
    count = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        original = Path(tmp) / "original.sqlite3"
        url = f"sqlite:///{original}"
        fill_contacts(url, count)
        mailing_id = mailing_with_recipients(url, count, MailingState.STOPPED.value, _half_stopped)
        bare_copy = Path(tmp) / "bare.sqlite3"
        ours_copy = Path(tmp) / "ours.sqlite3"
        shutil.copy(original, bare_copy)
        shutil.copy(original, ours_copy)
        bare_made, bare_started = _bare(bare_copy, mailing_id)

        ctx = AppContext.open(f"sqlite:///{ours_copy}")
        settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "600")
        start = time.perf_counter()
        outcome = resend.resend(ctx, mailing_id)
        made = time.perf_counter() - start
        start = time.perf_counter()
        started = lifecycle.start(ctx, outcome.id)
        begun = time.perf_counter() - start
        ctx.db.dispose()
        assert outcome.recipients == count // 2
        assert started.audience is not None and started.audience.will_send == count // 2
        for figure, ours, bare in (
            (f"making a follow-up for {count // 2:,} not reached", made, bare_made),
            (f"starting a follow-up of {count // 2:,}", begun, bare_started),
        ):
            ratio = ours / bare
            Row(
                figure,
                value=ours,
                unit="s",
                baseline=bare,
                ratio=ratio,
                target="≤ 4× and ≤ 10 s",
                ok=ratio <= 4 and ours <= 10,
            ).emit()


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
