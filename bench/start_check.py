"""The warnings of *Start sending* on a 1,000,000-contact audience.

``start_check.check_start`` (the audience's sendable, invalid and
unsubscribed contacts and, per field the template reads, how many lack it:
one SQL aggregate) against a bare ``COUNT(*)`` of the same audience in the
same database. Half the contacts have a city; the template reads the first
name and the city.
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Row, fill_contacts
from mailapp.services import start_check
from mailapp.services.context import AppContext
from tests.support.data import make_mailing

HTML = "<p>Hello {{ contact.first_name }} from {{ contact.city }}</p>"


def run(quick: bool = False) -> None:
    count = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        url = f"sqlite:///{path}"
        fill_contacts(url, count, folder="Customers")
        conn = sqlite3.connect(path)
        conn.execute(
            'UPDATE contacts SET fields = json(\'{"city": "Riga", "tier": "gold"}\') '
            "WHERE id % 2 = 0"
        )
        conn.commit()
        ctx = AppContext.open(url)
        mailing_id = make_mailing(ctx, html=HTML)
        bare_sql = (
            "SELECT count(*) FROM contacts WHERE id IN (SELECT contact_id FROM folder_members "
            "WHERE folder_id IN (SELECT folder_id FROM mailing_folders WHERE mailing_id = ?))"
        )
        conn.execute(bare_sql, (mailing_id,)).fetchone()  # both read a warm cache
        start = time.perf_counter()
        audience = conn.execute(bare_sql, (mailing_id,)).fetchone()[0]
        bare = time.perf_counter() - start
        conn.close()
        start_check.check_start(ctx, mailing_id)
        start = time.perf_counter()
        check = start_check.check_start(ctx, mailing_id)
        ours = time.perf_counter() - start
        ctx.db.dispose()
    missing = {m.name: m.recipients for m in check.missing_fields}
    ok = check.recipients == audience == count and missing == {"city": count // 2}
    Row(
        figure=f"Start warnings, {count:,} contacts (s)",
        value=ours,
        unit="s",
        baseline=bare,
        ratio=ours / bare if bare else None,
        target="≤ ×5 the bare count: a few aggregates, no rows in Python",
        ok=ok and bare > 0 and ours / bare <= 5,
        note="baseline: bare COUNT(*) of the audience",
    ).emit()


if __name__ == "__main__":
    run("--quick" in sys.argv)
