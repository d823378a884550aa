"""Finishing a stop of 1,000,000 unsent recipients.

The engine's finish (``lifecycle.finish_stopping``: every unsent recipient
``stopped_manually`` in id-range batches, then the mailing ``stopped`` with
its journal line) against a bare SQL UPDATE of the same rows in a copy of
the same database, with the counting triggers deferred as the engine
defers them. The note gives the same UPDATE counted by the triggers.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Row, mailing_with_recipients
from mailapp.models import MailingState, Response
from mailapp.services import lifecycle, mailings
from mailapp.services.context import AppContext


def _planned(_n: int, _now: object) -> dict[str, object]:
    return {"response": Response.PLANNED.value, "attempts": 0}


def _make_database(path: Path, count: int) -> int:
    """A mailing being stopped with ``count`` recipients not yet handed over."""
    return mailing_with_recipients(
        f"sqlite:///{path}", count, MailingState.STOPPING.value, _planned
    )


def _bare_update(path: Path, mailing_id: int, *, counted: bool) -> float:
    """One UPDATE of every planned row, one commit. Uncounted: the counting
    triggers deferred, as the engine defers them (it counts by row counts);
    counted: a trigger per row, as any other writer is counted."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    if not counted:
        conn.execute("INSERT INTO recipient_counts_deferred (id) VALUES (1)")
    conn.execute(
        "UPDATE recipients SET response = ? WHERE mailing_id = ? AND response = ?",
        (Response.STOPPED_MANUALLY.value, mailing_id, Response.PLANNED.value),
    )
    conn.execute("DELETE FROM recipient_counts_deferred")
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def run(quick: bool = False) -> None:
    count = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        original = Path(tmp) / "original.sqlite3"
        mailing_id = _make_database(original, count)
        bare_copy = Path(tmp) / "bare.sqlite3"
        ours_copy = Path(tmp) / "ours.sqlite3"
        shutil.copy(original, bare_copy)
        shutil.copy(original, ours_copy)

        bare = _bare_update(bare_copy, mailing_id, counted=False)
        shutil.copy(original, bare_copy)
        counted = _bare_update(bare_copy, mailing_id, counted=True)

        ctx = AppContext.open(f"sqlite:///{ours_copy}")
        start = time.perf_counter()
        finished = lifecycle.finish_stopping(ctx)
        ours = time.perf_counter() - start
        info = mailings.get(ctx, mailing_id)
        ctx.db.dispose()
        assert finished == [mailing_id] and info.state is MailingState.STOPPED
        assert info.responses[Response.STOPPED_MANUALLY.value] == count
        ratio = ours / bare
        Row(
            f"finishing a stop of {count:,} unsent recipients",
            value=ours,
            unit="s",
            baseline=bare,
            ratio=ratio,
            target="≤ 1.2× and ≤ 2 s",
            ok=ratio <= 1.2 and ours <= 2,
            note=f"the same UPDATE counted by a trigger per row: {counted:.2f} s",
        ).emit()


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
