"""The analytics window over a mailing with known responses."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QLocale
from sqlalchemy import insert

from mailapp.models import Recipient, Response
from mailapp.services.context import AppContext
from mailapp.services.hub import Changed
from mailapp.ui.mailings.analytics import AnalyticsWindow
from mailapp.ui.services import AppServices
from tests.support.data import add_contacts, make_mailing

PLAN = {
    Response.SENT: 5,
    Response.PLANNED: 2,
    Response.STOPPED_MANUALLY: 2,
    Response.CANCELLED_UNSUBSCRIBED: 1,
}
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def _mailing(ctx: AppContext, plan: dict[Response, int]) -> int:
    total = sum(plan.values())
    ids = add_contacts(
        ctx, ["=HYPERLINK(1)@example.com"] + [f"u{n}@example.com" for n in range(1, total)]
    )
    mailing_id = make_mailing(ctx, name="Весенняя распродажа")
    rows = []
    n = 0
    for response, count in plan.items():
        for _ in range(count):
            rows.append(
                {
                    "mailing_id": mailing_id,
                    "contact_id": ids[n],
                    "email": "=HYPERLINK(1)@example.com" if n == 0 else f"u{n}@example.com",
                    "response": response.value,
                    "sent_at": T0 + timedelta(seconds=30 * n)
                    if response is Response.SENT
                    else None,
                }
            )
            n += 1
    with ctx.db.write() as session:
        session.execute(insert(Recipient), rows)
    return mailing_id


def _percent(value: float) -> str:
    return f"{QLocale().toString(value, 'f', 1)} %"


def test_tiles_percent_and_charts(qtbot, services: AppServices) -> None:
    mailing_id = _mailing(services.ctx, PLAN)
    window = AnalyticsWindow(services, mailing_id)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.progress is not None, timeout=5000)
    tiles = window.tiles
    assert tiles["recipients"].count.text() == "10"
    assert tiles["sent"].count.text() == "5"
    assert tiles["sent"].percent.text() == _percent(50.0)
    assert tiles["stopped"].count.text() == "2"
    assert tiles["stopped"].percent.text() == _percent(20.0)
    assert tiles["cancelled"].count.text() == "1"
    assert "Cancelled (unsubscribed): 1" in tiles["cancelled"].toolTip()
    assert tiles["bounced"].percent.text() == _percent(0.0)
    # 5 handed over at 10:00:00 .. 10:02:00 -> 3 minutes
    assert window.minutes_chart.values() == [2, 2, 1]
    bars = {b.label: b.value for b in window.responses_chart.bars()}
    assert bars["Stopped (manually)"] == 2
    qtbot.waitUntil(lambda: window.model.rowCount() == 10, timeout=5000)

    window.show_response(Response.STOPPED_MANUALLY)
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=5000)
    window.model.data(window.model.index(0, 0))
    qtbot.waitUntil(lambda: window.model.row_at(0) is not None, timeout=5000)
    assert window.model.row_at(0).response is Response.STOPPED_MANUALLY
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_live_refresh_on_bridge(qtbot, services: AppServices) -> None:
    mailing_id = _mailing(services.ctx, PLAN)
    window = AnalyticsWindow(services, mailing_id)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.progress is not None, timeout=5000)
    with services.ctx.db.write() as session:
        session.query(Recipient).filter(Recipient.response == "planned").update(
            {"response": "sent", "sent_at": T0}
        )
    services.ctx.hub.publish(Changed(mailing_ids=frozenset({mailing_id})))
    qtbot.waitUntil(lambda: window.tiles["sent"].count.text() == "7", timeout=5000)
    qtbot.waitUntil(lambda: services.tasks.pending == 0)


def test_export_is_formula_safe(qtbot, services: AppServices, tmp_path: Path) -> None:
    mailing_id = _mailing(services.ctx, PLAN)
    window = AnalyticsWindow(services, mailing_id)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.progress is not None, timeout=5000)
    target = tmp_path / "export.csv"
    window.export_to(str(target))
    qtbot.waitUntil(lambda: "exported" in window.list_status.text(), timeout=5000)
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert len(rows) == 11
    assert rows[1][0] == "'=HYPERLINK(1)@example.com"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    qtbot.waitUntil(lambda: services.tasks.pending == 0)
