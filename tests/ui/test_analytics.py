"""The analytics window over a mailing with known responses."""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QPushButton
from sqlalchemy import insert

from mailapp.models import Recipient, Response
from mailapp.services.analytics import GROUPS
from mailapp.services.context import AppContext
from mailapp.services.hub import Changed
from mailapp.ui.common import labels
from mailapp.ui.common.charts import ColumnChart, HorizontalBarChart
from mailapp.ui.mailings.analytics import AnalyticsWindow
from mailapp.ui.services import AppServices
from tests.support.data import add_contacts, handed_over, make_mailing

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
    # 5 handed over at 10:00:00 .. 10:02:00: buckets of 2 seconds
    assert window.progress.bucket == 2
    assert window.minutes_box.title() == "Handed over per 2 seconds"
    values = window.minutes_chart.values()
    assert (len(values), sum(values), values[0], values[15], values[-1]) == (61, 5, 1, 1, 1)
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


# -- what a marketer reads ---------------------------------------------------------

#: Every response of a stopped mailing that met all kinds of trouble.
TROUBLED = {
    Response.SENT: 120,
    Response.UNCONFIRMED: 2,
    Response.SOFT_BOUNCE: 3,
    Response.HARD_BOUNCE: 4,
    Response.CANCELLED_NO_EMAIL: 1,
    Response.CANCELLED_INVALID_EMAIL: 2,
    Response.CANCELLED_DUPLICATE: 1,
    Response.CANCELLED_UNSUBSCRIBED: 3,
    Response.CANCELLED_TEMPLATE_ERROR: 1,
    Response.STOPPED_MANUALLY: 40,
    Response.STOPPED_EXPIRED: 5,
}


@pytest.fixture(params=["en", "ru"])
def language(request: pytest.FixtureRequest, qapp: object) -> Iterator[str]:
    from mailapp.ui.common.i18n import Translations

    translations = Translations()
    assert translations.apply(request.param) == request.param
    yield request.param
    translations.apply("en")
    for translator in translations._installed:
        QCoreApplication.instance().removeTranslator(translator)


def _window(qtbot, services: AppServices, plan: dict[Response, int]) -> AnalyticsWindow:
    window = AnalyticsWindow(services, _mailing(services.ctx, plan))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.progress is not None, timeout=5000)
    qtbot.waitUntil(lambda: services.tasks.pending == 0, timeout=5000)
    return window


def _cut_texts(window: AnalyticsWindow) -> list[str]:
    """Texts of the window that do not fit where they are drawn."""
    cut = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or not label.text():
            continue
        fm = label.fontMetrics()
        if label.wordWrap():
            needed = fm.boundingRect(
                QRect(0, 0, label.contentsRect().width(), 10_000),
                int(Qt.TextFlag.TextWordWrap),
                label.text(),
            ).height()
            if needed > label.contentsRect().height():
                cut.append(label.text())
        elif fm.horizontalAdvance(label.text()) > label.contentsRect().width():
            cut.append(label.text())
    for button in window.findChildren(QPushButton):
        if button.isVisible() and button.text():
            needed = button.fontMetrics().horizontalAdvance(button.text()) + 12
            if needed > button.width():
                cut.append(button.text())
    chart = window.responses_chart
    hint = chart.minimumSizeHint()
    if chart.width() < hint.width() or chart.height() < hint.height():
        cut.append(f"responses chart {chart.size().toTuple()} < {hint.toTuple()}")
    header = window.table.horizontalHeader()
    for column in range(window.model.columnCount()):
        title = str(window.model.headerData(column, Qt.Orientation.Horizontal))
        if header.fontMetrics().horizontalAdvance(title) + 8 > header.sectionSize(column):
            cut.append(title)
    return cut


def _label_rects(chart: ColumnChart) -> list[tuple[float, float]]:
    fm = chart.fontMetrics()
    plot = chart._plot()
    slot = plot.width() / len(chart.values())
    width = max(fm.horizontalAdvance(t) for t in chart._labels) + 12
    lefts = [chart._label_left(plot, i, slot, width) for i in chart.label_positions()]
    return [(left, left + width) for left in lefts]


def test_no_label_is_cut_at_the_default_and_the_minimum_size(
    qtbot, services: AppServices, language: str
) -> None:
    window = _window(qtbot, services, TROUBLED)
    for size in (window.size(), window.minimumSize()):
        window.resize(size)
        for _ in range(40):  # the layout settles
            QTest.qWait(50)
            if not _cut_texts(window):
                break
        assert _cut_texts(window) == [], (language, size.toTuple())
        # Every bar of the responses chart is drawn with its whole name.
        chart = window.responses_chart
        names = [b.label for b in chart.bars()]
        assert labels.response_name(Response.STOPPED_MANUALLY) in names
        assert len(names) == len(TROUBLED) + 1  # and Planned, always shown
        assert chart._label_width() + chart._count_width() + HorizontalBarChart.MIN_SPAN <= (
            chart.width()
        )
    assert window.minimumSize().width() <= 1280 and window.minimumSize().height() <= 800


def test_tiles_and_the_filter_say_the_same_names(
    qtbot, services: AppServices, language: str
) -> None:
    window = _window(qtbot, services, TROUBLED)
    entries = [window.response_filter.itemText(i) for i in range(window.response_filter.count())]
    for key, tile in window.tiles.items():
        title = tile.title.text()
        count = QLocale().toString(
            window.progress.recipients
            if key == "recipients"
            else window.progress.count(*GROUPS[key])
        )
        assert f"{title} ({count})" in entries, (title, entries)
    # A click on a tile shows its recipients.
    QTest.mouseClick(window.tiles["stopped"], Qt.MouseButton.LeftButton)
    assert window.response_filter.currentText().startswith(window.tiles["stopped"].title.text())
    qtbot.waitUntil(lambda: window.model.rowCount() == 45, timeout=5000)
    QTest.mouseClick(window.tiles["recipients"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.model.rowCount() == sum(TROUBLED.values()), timeout=5000)


def test_russian_names_of_the_window(qtbot, services: AppServices, language: str) -> None:
    window = _window(qtbot, services, TROUBLED)
    if language != "ru":
        return
    assert window.model.headerData(1, Qt.Orientation.Horizontal) == "Имя"
    assert window.tiles["stopped"].title.text() == "Остановлено"
    assert window.minutes_box.title() == "Передано в минуту"
    # A recipient's responses agree with the seed's «Остановлен (вручную)».
    assert labels.response_name(Response.STOPPED_MANUALLY) == "Остановлен (вручную)"
    for response in Response:
        if response.is_cancelled:
            assert labels.response_name(response).startswith("Отменён ("), response
    assert labels.response_name(Response.SENT) == "Отправлен"
    assert labels.response_name(Response.PLANNED) == "Запланирован"


def _spread(ctx: AppContext, count: int, span: timedelta) -> int:
    """A mailing whose ``count`` recipients were handed over evenly over ``span``."""
    add_contacts(ctx, ["someone@example.com"])
    mailing_id = make_mailing(ctx, name="Long one")
    step = span / (count - 1)
    handed_over(ctx, mailing_id, (T0 + step * n for n in range(count)))
    return mailing_id


@pytest.mark.parametrize(
    ("span", "bucket", "title"),
    [
        (timedelta(minutes=2), 2, "Handed over per 2 seconds"),
        (timedelta(minutes=50), 60, "Handed over per minute"),
        (timedelta(days=3), 3600, "Handed over per hour"),
    ],
)
def test_the_chart_reads_at_any_duration(
    qtbot, services: AppServices, span: timedelta, bucket: int, title: str
) -> None:
    window = AnalyticsWindow(services, _spread(services.ctx, 400, span))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.progress is not None, timeout=5000)
    assert window.progress.bucket == bucket
    assert window.minutes_box.title() == title
    chart = window.minutes_chart
    assert sum(chart.values()) == 400
    assert len(chart.values()) <= 91
    for size in (window.size(), window.minimumSize()):
        window.resize(size)
        QTest.qWait(50)
        rects = _label_rects(chart)
        assert len(rects) >= 2
        assert all(left >= 0 and right <= chart.width() for left, right in rects)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(rects)), rects
    # Each bar says what it counts.
    assert "handed over" in chart._tips[0]


def test_escape_and_ctrl_w_close_the_window(qtbot, services: AppServices) -> None:
    for key, modifier in (
        (Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier),
        (Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier),
    ):
        window = _window(qtbot, services, PLAN)
        window.activateWindow()
        window.table.setFocus()
        QTest.keyClick(window.table, key, modifier)
        assert not window.isVisible()


def test_labels_make_room_for_a_larger_font(qtbot) -> None:
    """The widest label is measured once a series; a new font measures again."""
    chart = ColumnChart()
    qtbot.addWidget(chart)
    chart.resize(600, 200)
    chart.set_series([f"10:{m:02d}" for m in range(60)], [1] * 60)
    before = chart.label_positions()

    larger = chart.font()
    larger.setPointSizeF(larger.pointSizeF() * 2)
    chart.setFont(larger)

    assert len(chart.label_positions()) < len(before)


def test_a_new_series_measures_only_its_new_labels(qtbot) -> None:
    """The analytics refresh every second: the labels of before are known."""
    chart = ColumnChart()
    qtbot.addWidget(chart)
    chart.resize(600, 200)
    chart.set_series([f"10:{m:02d}" for m in range(59)], [1] * 59)
    chart.label_positions()
    measured: list[str] = []
    metrics = chart.fontMetrics()

    class Counting:
        def horizontalAdvance(self, text: str) -> int:
            measured.append(text)
            return metrics.horizontalAdvance(text)

        def __getattr__(self, name: str) -> object:
            return getattr(metrics, name)

    chart.fontMetrics = Counting  # type: ignore[method-assign]
    chart.set_series([f"10:{m:02d}" for m in range(60)], [1] * 60)
    chart.label_positions()

    assert "10:59" in measured
    assert not {"10:00", "10:30", "10:58"} & set(measured)
