"""Sending progress analytics of one mailing: tiles, charts, the recipients.

``AnalyticsWindow(services, mailing_id)`` is a non-modal window. It follows
the mailing live: a change announced by the bridge schedules one refresh
(at most one a second, one query in flight), and everything is read off the
GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QLocale, QObject, Qt, QTimer, Slot
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import Response
from mailapp.services import analytics
from mailapp.services.analytics import BOUNCED, CANCELLED, STOPPED, Progress, RecipientRow
from mailapp.services.context import AppContext
from mailapp.ui.common import labels
from mailapp.ui.common.charts import Bar, ColumnChart, HorizontalBarChart
from mailapp.ui.common.lazy_model import LazyRowsModel, alive, submit
from mailapp.ui.common.tasks import TaskRunner, error_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

#: Live refreshes at most this often.
REFRESH_MS = 1000
#: Gaps in the per-minute chart are filled up to this many minutes.
MAX_MINUTES = 24 * 60

RESPONSE_COLORS: dict[Response, str] = {
    Response.PLANNED: "#95a5a6",
    Response.SENDING: "#f1c40f",
    Response.SENT: "#27ae60",
    Response.UNCONFIRMED: "#16a085",
    Response.SOFT_BOUNCE: "#e67e22",
    Response.HARD_BOUNCE: "#c0392b",
    Response.CANCELLED_NO_EMAIL: "#7f8c8d",
    Response.CANCELLED_INVALID_EMAIL: "#8e44ad",
    Response.CANCELLED_DUPLICATE: "#9b59b6",
    Response.CANCELLED_UNSUBSCRIBED: "#5d6d7e",
    Response.CANCELLED_TEMPLATE_ERROR: "#a93226",
    Response.STOPPED_MANUALLY: "#2c3e50",
    Response.STOPPED_EXPIRED: "#566573",
}


def format_duration(value: timedelta | None) -> str:
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


class RecipientsModel(LazyRowsModel[RecipientRow]):
    """The recipients of one mailing (of one response, or all), lazily."""

    EMAIL, NAME, RESPONSE, SENT_AT, ERROR = range(5)

    def __init__(
        self, ctx: AppContext, tasks: TaskRunner, mailing_id: int, parent: QObject | None = None
    ) -> None:
        super().__init__(tasks, parent)
        self._ctx = ctx
        self._mailing_id = mailing_id
        self._response: Response | None = None

    @property
    def response(self) -> Response | None:
        return self._response

    def set_response(self, response: Response | None) -> None:
        self._response = response
        self.reload()

    def fetch_ids(self) -> list[int]:
        return analytics.recipient_ids(self._ctx, self._mailing_id, self._response)

    def fetch_rows(self, ids: Sequence[int]) -> list[tuple[int, RecipientRow]]:
        return [(r.id, r) for r in analytics.recipients_by_ids(self._ctx, self._mailing_id, ids)]

    def columns(self) -> list[str]:
        return [
            self.tr("Email"),
            self.tr("Name"),
            self.tr("Response"),
            self.tr("Handed over"),
            self.tr("Error"),
        ]

    def cell(self, row: RecipientRow, column: int, role: int) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        if column == self.EMAIL:
            return row.email or ""
        if column == self.NAME:
            return f"{row.first_name} {row.last_name}".strip()
        if column == self.RESPONSE:
            return labels.response_name(row.response)
        if column == self.SENT_AT:
            return labels.format_time(row.sent_at)
        if column == self.ERROR:
            return row.last_error or ""
        return None


class Tile(QFrame):
    """A count with its share of all recipients."""

    def __init__(self, title: str, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("analyticsTile")
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        self.count = QLabel("—")
        font = self.count.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.count.setFont(font)
        self.count.setStyleSheet(f"color: {color};")
        self.percent = QLabel("")
        layout = QVBoxLayout(self)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.count)
        layout.addWidget(self.percent)

    def set_value(self, count: int, percent: float | None) -> None:
        locale = QLocale()
        self.count.setText(locale.toString(count))
        self.percent.setText("" if percent is None else f"{locale.toString(percent, 'f', 1)} %")


class AnalyticsWindow(QWidget):
    """Sending progress analytics of one mailing (a non-modal window)."""

    def __init__(
        self, services: AppServices, mailing_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._services = services
        self.mailing_id = mailing_id
        self.progress: Progress | None = None
        self._loading = False
        self._again = False
        self.setWindowTitle(self.tr("Sending progress analytics"))
        self.resize(1000, 760)

        self.heading = QLabel(self.tr("Loading…"))
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.times = QLabel()
        self.times.setObjectName("analyticsTimes")
        self.times.setWordWrap(True)
        self.error = QLabel()
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.error.hide()

        # -- tiles
        self.tiles: dict[str, Tile] = {
            "recipients": Tile(self.tr("Recipients"), "#34495e"),
            "planned": Tile(self.tr("Planned"), RESPONSE_COLORS[Response.PLANNED]),
            "handing_over": Tile(self.tr("Being handed over"), "#b7950b"),
            "sent": Tile(self.tr("Sent"), RESPONSE_COLORS[Response.SENT]),
            "unconfirmed": Tile(self.tr("Unconfirmed"), RESPONSE_COLORS[Response.UNCONFIRMED]),
            "stopped": Tile(self.tr("Stopped"), RESPONSE_COLORS[Response.STOPPED_MANUALLY]),
            "cancelled": Tile(self.tr("Cancelled"), RESPONSE_COLORS[Response.CANCELLED_NO_EMAIL]),
            "bounced": Tile(self.tr("Bounced"), RESPONSE_COLORS[Response.HARD_BOUNCE]),
        }
        tiles = QGridLayout()
        for n, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, n // 4, n % 4)

        # -- charts
        self.responses_chart = HorizontalBarChart()
        self.responses_chart.set_empty_text(self.tr("No recipients yet"))
        self.minutes_chart = ColumnChart()
        self.minutes_chart.set_empty_text(self.tr("Nothing handed over yet"))
        responses_box = QGroupBox(self.tr("Responses"))
        QVBoxLayout(responses_box).addWidget(self.responses_chart)
        minutes_box = QGroupBox(self.tr("Handed over per minute"))
        QVBoxLayout(minutes_box).addWidget(self.minutes_chart)
        charts = QHBoxLayout()
        charts.addWidget(responses_box, 1)
        charts.addWidget(minutes_box, 1)

        # -- recipients
        self.response_filter = QComboBox()
        self.response_filter.setObjectName("responseFilter")
        self.response_filter.addItem(self.tr("All recipients"), None)
        for response in Response:
            self.response_filter.addItem(labels.response_name(response), response.value)
        self.response_filter.currentIndexChanged.connect(self._filter_changed)
        self.export_button = QPushButton(self.tr("Export to CSV…"))
        self.export_button.clicked.connect(self.export)
        self.list_status = QLabel()
        self.model = RecipientsModel(services.ctx, services.tasks, mailing_id, self)
        self.model.rows_loaded.connect(self._rows_loaded)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().resizeSection(RecipientsModel.EMAIL, 240)
        self.table.horizontalHeader().resizeSection(RecipientsModel.NAME, 180)
        self.table.horizontalHeader().resizeSection(RecipientsModel.RESPONSE, 200)
        self.table.horizontalHeader().resizeSection(RecipientsModel.SENT_AT, 140)
        list_tools = QHBoxLayout()
        list_tools.addWidget(QLabel(self.tr("Show:")))
        list_tools.addWidget(self.response_filter, 1)
        list_tools.addWidget(self.list_status)
        list_tools.addWidget(self.export_button)
        recipients_box = QGroupBox(self.tr("Recipients"))
        recipients_layout = QVBoxLayout(recipients_box)
        recipients_layout.addLayout(list_tools)
        recipients_layout.addWidget(self.table)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.times)
        layout.addWidget(self.error)
        layout.addLayout(tiles)
        layout.addLayout(charts, 1)
        layout.addWidget(recipients_box, 2)

        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(REFRESH_MS)
        self._throttle.timeout.connect(self.refresh)
        services.bridge.mailings_changed.connect(self._mailings_changed)
        self.refresh()
        self.model.reload()

    # -- live refresh ------------------------------------------------------------

    @Slot(object)
    def _mailings_changed(self, ids: object) -> None:
        mine = isinstance(ids, frozenset | set) and self.mailing_id in ids
        if mine and not self._throttle.isActive():
            self._throttle.start()

    @Slot()
    def refresh(self) -> None:
        if self._loading:
            self._again = True
            return
        ctx, mailing_id = self._services.ctx, self.mailing_id
        self._loading = submit(
            self._services.tasks,
            lambda: analytics.progress(ctx, mailing_id),
            self._loaded,
            self._failed,
        )

    def _loaded(self, progress: Progress) -> None:
        if not alive(self):
            return
        self._loading = False
        self.error.hide()
        self.show_progress(progress)
        if self.model.response is not None or progress.recipients != self.model.rowCount():
            self.model.reload()
        if self._again:
            self._again = False
            self._throttle.start()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._loading = False
        self.error.setText(
            self.tr("Cannot load the analytics: {error}").format(error=error_text(exc))
        )
        self.error.show()

    # -- showing ----------------------------------------------------------------------

    def show_progress(self, p: Progress) -> None:
        """Fill the tiles and charts from a snapshot (also usable without a query)."""
        self.progress = p
        locale = QLocale()
        self.setWindowTitle(self.tr("Analytics: {name}").format(name=p.name))
        self.heading.setText(
            self.tr("{name} — {state}").format(name=p.name, state=labels.state_name(p.state))
        )
        self.times.setText(
            self.tr(
                "Started on: {started}    Finished on: {finished}    Duration: {duration}"
            ).format(
                started=labels.format_time(p.started_at) or "—",
                finished=labels.format_time(p.finished_at) or "—",
                duration=format_duration(p.duration),
            )
        )
        values = {
            "planned": p.planned,
            "handing_over": p.handing_over,
            "sent": p.sent,
            "unconfirmed": p.unconfirmed,
            "stopped": p.stopped,
            "cancelled": p.cancelled,
            "bounced": p.bounced,
        }
        self.tiles["recipients"].set_value(p.recipients, None)
        for key, count in values.items():
            self.tiles[key].set_value(count, p.percent(count))
        for key, group in (("stopped", STOPPED), ("cancelled", CANCELLED), ("bounced", BOUNCED)):
            self.tiles[key].setToolTip(
                "\n".join(
                    f"{labels.response_name(r)}: {locale.toString(p.count(r))}" for r in group
                )
            )
        self.responses_chart.set_bars(
            [
                Bar(labels.response_name(r), p.count(r), QColor(RESPONSE_COLORS[r]))
                for r in Response
                if p.count(r) or r in (Response.PLANNED, Response.SENT)
            ]
        )
        labels_, values_ = self._minute_series(p)
        self.minutes_chart.set_series(labels_, values_)
        for i in range(1, self.response_filter.count()):
            response = Response(self.response_filter.itemData(i))
            self.response_filter.setItemText(
                i, f"{labels.response_name(response)} ({locale.toString(p.count(response))})"
            )
        self.response_filter.setItemText(
            0, self.tr("All recipients ({n})").format(n=locale.toString(p.recipients))
        )

    @staticmethod
    def _minute_series(p: Progress) -> tuple[list[str], list[int]]:
        if not p.per_minute:
            return [], []
        first, last = p.per_minute[0].minute, p.per_minute[-1].minute
        span = int((last - first).total_seconds() // 60) + 1
        if span <= MAX_MINUTES:
            counts = {m.minute: m.count for m in p.per_minute}
            minutes = [first + timedelta(minutes=n) for n in range(span)]
            values = [counts.get(m, 0) for m in minutes]
        else:
            minutes = [m.minute for m in p.per_minute]
            values = [m.count for m in p.per_minute]
        local = [labels.format_time(m) for m in minutes]
        return local, values

    # -- recipients ---------------------------------------------------------------------

    @Slot()
    def _filter_changed(self) -> None:
        value = self.response_filter.currentData()
        self.model.set_response(Response(value) if value else None)

    def show_response(self, response: Response | None) -> None:
        """Show the recipients of one response (None: all)."""
        index = self.response_filter.findData(response.value if response else None)
        self.response_filter.setCurrentIndex(max(index, 0))

    @Slot(int)
    def _rows_loaded(self, count: int) -> None:
        self.list_status.setText(self.tr("%Ln recipient(s)", "", count))

    @Slot()
    def export(self) -> None:
        response = self.model.response
        suggested = f"mailing-{self.mailing_id}-{response.value if response else 'recipients'}.csv"
        dialog = QFileDialog(self, self.tr("Export recipients"))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("csv")
        dialog.setNameFilter(self.tr("CSV files (*.csv)"))
        dialog.selectFile(suggested)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(self.export_to)
        dialog.open()

    @Slot(str)
    def export_to(self, path: str) -> None:
        ctx, mailing_id, response = self._services.ctx, self.mailing_id, self.model.response
        self.export_button.setEnabled(False)
        self.list_status.setText(self.tr("Exporting…"))
        self._services.tasks.run(
            lambda: analytics.export_csv(ctx, mailing_id, Path(path), response),
            on_success=self._exported,
            on_failure=self._export_failed,
        )

    def _exported(self, count: int) -> None:
        if alive(self):
            self.export_button.setEnabled(True)
            self.list_status.setText(self.tr("%Ln recipient(s) exported", "", count))

    def _export_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.export_button.setEnabled(True)
            self.list_status.setText(
                self.tr("Export failed: {error}").format(error=error_text(exc))
            )
