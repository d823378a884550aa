"""How the window's data-heavy views keep the event loop free.

* the longest event-loop gap, and its 99th percentile, while the analytics
  window of a 100,000-recipient mailing refreshes live (another process
  hands recipients over; the window re-reads the counts, the series and the
  ids of the "Sent" filter every second while its table scrolls), beside
  the same window left idle for as long (the machine's own noise);
* opening the sandbox's outbox with 10,000 messages: the time until the
  newest messages are listed and until every message is indexed, the
  longest gap meanwhile, beside listing the folder's names.

Gaps are measured as in :mod:`bench.gui`: a 5 ms timer on the GUI thread.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import Row, mailing_with_recipients, run_parts
from bench.gui import StallMeter, _app, _spin, gap_row, idle_meter

OUTBOX_TARGET_S = 1.0


def _close(window: object, services: object) -> None:
    """Close a window and end its services as the application does."""
    from mailapp.ui.app import finish

    window.close()  # type: ignore[attr-defined]
    finish(services)  # type: ignore[arg-type]
    window.deleteLater()  # type: ignore[attr-defined]
    _spin(0.2)


# -- analytics ----------------------------------------------------------------------------


def _half_planned(n: int, now: datetime) -> dict[str, object]:
    if n % 2:
        return {"response": "sent", "sent_at": now - timedelta(seconds=n // 50), "attempts": 1}
    return {"response": "planned", "attempts": 0}


def _hand_over(url: str, mailing_id: int, seconds: float) -> None:
    """Another process that hands 100 recipients over every 100 ms."""
    from sqlalchemy import text

    from mailapp.db import make_engine

    engine = make_engine(url, pooled=False)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "UPDATE recipients SET response = 'sent', sent_at = :now, attempts = 1 "
                    "WHERE id IN (SELECT id FROM recipients WHERE mailing_id = :m "
                    "AND response = 'planned' ORDER BY id LIMIT 100)"
                ),
                {"now": datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" "), "m": mailing_id},
            )
        time.sleep(0.1)
    engine.dispose()


def analytics_refresh(quick: bool) -> None:
    count = 20_000 if quick else 100_000
    seconds = 6 if quick else 20
    app = _app()
    from PySide6.QtCore import QTimer

    from mailapp.models import Response
    from mailapp.services.context import AppContext
    from mailapp.ui.app import GuiThreadCollector
    from mailapp.ui.mailings.analytics import AnalyticsWindow
    from mailapp.ui.services import make_services

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MAILAPP_HOME"] = tmp
        url = f"sqlite:///{Path(tmp) / 'analytics.sqlite3'}"
        maker = multiprocessing.get_context("spawn").Process(
            target=mailing_with_recipients, args=(url, count, "sending", _half_planned)
        )
        maker.start()
        maker.join()
        ctx = AppContext.open(url)
        services = make_services(ctx)
        services.bridge.start()
        window = AnalyticsWindow(services, 1)
        window.resize(1000, 760)
        window.show()
        _spin(30, lambda: window.progress is not None and window.model.rowCount() == count)
        window.show_response(Response.SENT)
        _spin(30, lambda: window.model.rowCount() == count // 2 and not window.model.loading)
        GuiThreadCollector(app).settle()  # as the application collects
        _spin(0.5)

        idle = idle_meter(seconds / 2)

        refreshes = [0]
        window.model.rows_loaded.connect(lambda _n: refreshes.__setitem__(0, refreshes[0] + 1))
        writer = multiprocessing.get_context("spawn").Process(
            target=_hand_over, args=(url, 1, seconds + 5)
        )
        writer.start()
        _spin(3)  # the writer's interpreter starts
        # What the bridge does while a worker sends: "this mailing changed".
        announce = QTimer()
        announce.setInterval(200)
        announce.timeout.connect(lambda: services.bridge.mailings_changed.emit(frozenset({1})))
        bar = window.table.verticalScrollBar()
        meter = StallMeter()
        meter.start()
        announce.start()
        end = time.perf_counter() + seconds
        step = 0
        while time.perf_counter() < end:
            step += 1
            bar.setValue(bar.maximum() * (step % 40) // 40)
            _spin(0.25)
        meter.stop()
        announce.stop()
        writer.join()
        shown = window.model.rowCount()
        _close(window, services)
        del app
    gap_row(
        f"longest GUI gap while the analytics of a {count:,}-recipient mailing refresh",
        meter,
        idle,
        f"{refreshes[0]} reloads of the Sent list (up to {shown:,} ids) in {seconds} s, "
        "table scrolled 4 times a second; baseline: the same window idle",
    )


# -- outbox -----------------------------------------------------------------------------


def outbox_open(quick: bool) -> None:
    count = 2_000 if quick else 10_000
    app = _app()
    from mailapp.delivery.sandbox import outbox_files
    from mailapp.paths import outbox_dir
    from mailapp.services.context import AppContext
    from mailapp.ui.app import GuiThreadCollector
    from mailapp.ui.services import make_services
    from mailapp.ui.settings.outbox import OutboxWindow
    from tests.support.outbox import fill_outbox

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MAILAPP_HOME"] = tmp
        fill_outbox(outbox_dir(), count)
        ctx = AppContext.open(f"sqlite:///{Path(tmp) / 'outbox.sqlite3'}")
        services = make_services(ctx)
        services.bridge.start()
        GuiThreadCollector(app).settle()  # as the application collects
        started = time.perf_counter()
        listed = len(outbox_files(outbox_dir()))
        listing = time.perf_counter() - started

        started = time.perf_counter()
        window = OutboxWindow(services)
        window.resize(1100, 700)
        window.show()
        meter = StallMeter()  # from the window on screen: the wait while it indexes
        meter.start()
        _spin(60, lambda: window.model.rowCount() > 0)
        first = time.perf_counter() - started
        _spin(120, lambda: window.indexed)
        whole = time.perf_counter() - started
        meter.stop()
        shown = window.model.rowCount()
        _close(window, services)
        del app
    Row(
        f"outbox of {count:,} messages: newest listed",
        value=first,
        unit="s",
        baseline=listing,
        target=f"≤ {OUTBOX_TARGET_S:.0f} s",
        ok=first <= OUTBOX_TARGET_S and shown == listed,
        note=f"every message indexed after {whole:.2f} s; longest GUI gap while it indexes "
        f"{meter.worst_ms:.0f} ms, p99 {meter.percentile(0.99):.1f} ms; "
        "baseline: listing the folder's names",
    ).emit()


PARTS = {"analytics": analytics_refresh, "outbox": outbox_open}


def run(quick: bool = False) -> None:
    run_parts("bench.views", list(PARTS), quick)


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    if "--part" in sys.argv:
        PARTS[sys.argv[sys.argv.index("--part") + 1]](quick)
    else:
        run(quick)
