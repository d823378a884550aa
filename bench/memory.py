"""Peak memory of the process while it sends a 1,000,000-recipient mailing.

The database is filled by a child process first, so the figure is what the
application itself holds: building the audience, dispatching for a while
over 4 connections to an SMTP server in another process, then stopping the
mailing (which finishes the stop of every recipient not yet handed over).
"""

from __future__ import annotations

import multiprocessing
import resource
import sys
import tempfile
import time
from pathlib import Path

from bench.common import Row, fill_contacts, sending_mailing
from mailapp.models import MailingState
from mailapp.scheduler.engine import MailEngine
from mailapp.services import lifecycle, mailings, stops
from mailapp.services.context import AppContext
from tests.support.smtp_server import ServerProcess

SEND_SECONDS = 20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(quick: bool = False) -> None:
    count = 100_000 if quick else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'memory.sqlite3'}"
        filler = multiprocessing.get_context("spawn").Process(
            target=fill_contacts, args=(url, count)
        )
        filler.start()
        filler.join()
        before = _peak_mb()
        with ServerProcess(Path(tmp) / "ids.txt") as server:
            ctx = AppContext.open(url)
            mailing_id = sending_mailing(ctx, server.host, server.port, "A million")
            engine = MailEngine(ctx)
            engine.start()
            lifecycle.start(ctx, mailing_id)
            time.sleep(5 if quick else SEND_SECONDS)
            stops.stop(ctx, mailing_id)
            while mailings.get(ctx, mailing_id).state is not MailingState.STOPPED:
                time.sleep(0.2)
            info = mailings.get(ctx, mailing_id)
            engine.stop()
            ctx.db.dispose()
        peak = _peak_mb()
        Row(
            f"peak memory while sending {count:,} recipients",
            value=peak,
            unit="MB",
            target="≤ 250 MB",
            ok=peak <= 250,
            note=(
                f"{info.handed_over:,} handed over in {SEND_SECONDS if not quick else 5} s, "
                f"the rest stopped; interpreter and libraries alone {before:.0f} MB"
            ),
        ).emit()


if __name__ == "__main__":
    run(quick="--quick" in sys.argv)
