"""Sending progress analytics of one mailing: tiles, charts, the recipients.

``AnalyticsWindow(services, mailing_id)`` is a non-modal window. It follows
the mailing live: a change announced by the bridge schedules one refresh
(at most one a second, one query in flight), and everything is read off the
GUI thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QLocale, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import Response
from mailapp.services import analytics, resend
from mailapp.services.analytics import GROUPS, Progress, RecipientRow
from mailapp.services.context import AppContext
from mailapp.ui.common import labels
from mailapp.ui.common.charts import Bar, ColumnChart, HorizontalBarChart
from mailapp.ui.common.lazy_model import LazyRowsModel, alive, submit
from mailapp.ui.common.lazy_table import LazyRowsTable
from mailapp.ui.common.tasks import TaskRunner, error_text
from mailapp.ui.common.window_keys import close_on_escape_and_ctrl_w
from mailapp.ui.mailings import analytics_series
from mailapp.ui.mailings.follow_ups import FollowUps

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

#: Live refreshes at most this often.
REFRESH_MS = 1000
#: The window's smallest size.
MIN_WIDTH, MIN_HEIGHT = 820, 700

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
    Response.UNSUBSCRIBED: "#d35400",
    Response.CANCELLED_BOUNCED: "#6e2c00",
    Response.SPAM_COMPLAINT: "#78281f",
}


TILE_COLORS: dict[str, str] = {
    "planned": RESPONSE_COLORS[Response.PLANNED],
    "handing_over": "#b7950b",
    "sent": RESPONSE_COLORS[Response.SENT],
    "unconfirmed": RESPONSE_COLORS[Response.UNCONFIRMED],
    "stopped": RESPONSE_COLORS[Response.STOPPED_MANUALLY],
    "cancelled": RESPONSE_COLORS[Response.CANCELLED_NO_EMAIL],
    "bounced": RESPONSE_COLORS[Response.HARD_BOUNCE],
    "unsubscribed": RESPONSE_COLORS[Response.UNSUBSCRIBED],
    "complaints": RESPONSE_COLORS[Response.SPAM_COMPLAINT],
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
        self._responses: tuple[Response, ...] | None = None

    @property
    def responses(self) -> tuple[Response, ...] | None:
        """The responses shown (None: every recipient)."""
        return self._responses

    def set_responses(self, responses: tuple[Response, ...] | None) -> None:
        self._responses = responses
        self.reload()

    def fetch_ids(self) -> Sequence[int]:
        return analytics.recipient_ids(self._ctx, self._mailing_id, self._responses)

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

    def texts(self, row: RecipientRow) -> tuple[str, ...]:
        return (
            row.email or "",
            f"{row.first_name} {row.last_name}".strip(),
            self.words(labels.response_names)[row.response],
            labels.format_time(row.sent_at),
            row.last_error or "",
        )


class Tile(QFrame):
    """A count with its share of all recipients; a click shows those recipients."""

    #: () the tile was clicked.
    clicked = Signal()

    def __init__(self, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("analyticsTile")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.title = QLabel()
        self.title.setWordWrap(True)
        # Two lines always: a long name wraps instead of being cut.
        self.title.setMinimumHeight(2 * self.title.fontMetrics().lineSpacing())
        self.title.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
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

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def set_value(self, count: int, percent: float | None) -> None:
        locale = QLocale()
        self.count.setText(locale.toString(count))
        self.percent.setText("" if percent is None else f"{locale.toString(percent, 'f', 1)} %")


class AnalyticsWindow(QWidget):
    """Sending progress analytics of one mailing (a non-modal window)."""

    #: (int) a follow-up draft was made from here; the main window opens it.
    follow_up_created = Signal(int)

    def __init__(
        self, services: AppServices, mailing_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._services = services
        self.mailing_id = mailing_id
        self.progress: Progress | None = None
        self._loading = False
        self._again = False
        self.resize(1000, 760)
        # Room for every label in both languages (the tiles' and the charts'
        # names wrap or shrink, none is cut); fits a 1280×800 screen.
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)

        self.heading = QLabel()
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
        # One tile per group of responses, named as the filter names it.
        self.tiles: dict[str, Tile] = {"recipients": Tile("#34495e")}
        self.tiles["recipients"].clicked.connect(lambda: self.show_group(None))
        for key in GROUPS:
            tile = Tile(TILE_COLORS[key])
            tile.clicked.connect(lambda key=key: self.show_group(key))
            self.tiles[key] = tile
        tiles = QGridLayout()
        for n, tile in enumerate(self.tiles.values()):
            tiles.addWidget(tile, n // 5, n % 5)

        # -- charts
        self.responses_chart = HorizontalBarChart()
        self.minutes_chart = ColumnChart()
        self.responses_box = QGroupBox()
        QVBoxLayout(self.responses_box).addWidget(self.responses_chart)
        self.minutes_box = QGroupBox()
        QVBoxLayout(self.minutes_box).addWidget(self.minutes_chart)
        charts = QHBoxLayout()
        charts.addWidget(self.responses_box, 1)
        charts.addWidget(self.minutes_box, 1)

        # -- recipients
        # The tiles' groups first, then each response of a group of several.
        self.response_filter = QComboBox()
        self.response_filter.setObjectName("responseFilter")
        self.response_filter.addItem("", "")
        for key in GROUPS:
            self.response_filter.addItem("", f"group:{key}")
        self.response_filter.insertSeparator(self.response_filter.count())
        for response in Response:
            if not any(response in group and len(group) == 1 for group in GROUPS.values()):
                self.response_filter.addItem("", response.value)
        self.response_filter.currentIndexChanged.connect(self._filter_changed)
        self.export_button = QPushButton()
        self.export_button.clicked.connect(self.export)
        self.list_status = QLabel()
        self.model = RecipientsModel(services.ctx, services.tasks, mailing_id, self)
        self.model.rows_loaded.connect(self._rows_loaded)
        self.table = LazyRowsTable(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.follow_ups = FollowUps(services, mailing_id, self.table, self.model, self)
        self.follow_ups.created.connect(self.follow_up_created)
        self.follow_ups.marked.connect(self._marked)
        self.show_label = QLabel()
        list_tools = QHBoxLayout()
        list_tools.addWidget(self.show_label)
        list_tools.addWidget(self.response_filter, 1)
        list_tools.addWidget(self.list_status)
        # The actions on a row of their own: with the filter beside them they
        # would not fit the window's smallest width in Russian.
        list_actions = QHBoxLayout()
        list_actions.addStretch(1)
        list_actions.addWidget(self.follow_ups.delivered_button)
        list_actions.addWidget(self.follow_ups.include_button)
        list_actions.addWidget(self.export_button)
        self.recipients_box = QGroupBox()
        recipients_layout = QVBoxLayout(self.recipients_box)
        recipients_layout.addLayout(list_tools)
        recipients_layout.addLayout(list_actions)
        recipients_layout.addWidget(self.table)

        close_on_escape_and_ctrl_w(self)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        times_row = QHBoxLayout()
        times_row.addWidget(self.times, 1)
        times_row.addWidget(self.follow_ups.resend_button)
        layout.addLayout(times_row)
        layout.addWidget(self.follow_ups.summary)
        layout.addWidget(self.error)
        layout.addLayout(tiles)
        layout.addLayout(charts, 1)
        layout.addWidget(self.recipients_box, 2)
        self._retranslate()

        self._throttle = QTimer(self)
        self._throttle.setSingleShot(True)
        self._throttle.setInterval(REFRESH_MS)
        self._throttle.timeout.connect(self.refresh)
        services.bridge.mailings_changed.connect(self._mailings_changed)
        self.refresh()
        self.model.reload()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        """Every text in the UI language (at start and on a live switch)."""
        self.setWindowTitle(self.tr("Sending progress analytics"))
        self.follow_ups.retranslate()
        self.heading.setText(self.tr("Loading…"))
        self.tiles["recipients"].title.setText(self.tr("All recipients"))
        for key in GROUPS:
            self.tiles[key].title.setText(labels.response_group_name(key))
        self.responses_chart.set_empty_text(self.tr("No recipients yet"))
        self.minutes_chart.set_empty_text(self.tr("Nothing handed over yet"))
        self.responses_box.setTitle(self.tr("Responses"))
        self.minutes_box.setTitle(analytics_series.title(60))
        self.export_button.setText(self.tr("Export to CSV…"))
        self.show_label.setText(self.tr("Show:"))
        self.recipients_box.setTitle(self.tr("Recipients"))
        self.model.retranslate()
        self._size_columns()
        self._name_filter_entries()
        if self.progress is not None:
            self.show_progress(self.progress)
        if not self.model.loading:
            self._rows_loaded(self.model.rowCount())

    def _name_filter_entries(self, p: Progress | None = None) -> None:
        """The filter's entries by name, with their counts once known."""
        locale = QLocale()
        for i in range(self.response_filter.count()):
            data = self.response_filter.itemData(i)
            responses = self._filter_responses(data)
            if responses is None:
                if data == "":
                    name = self.tr("All recipients")
                    if p is not None:
                        name = self.tr("All recipients ({n})").format(
                            n=locale.toString(p.recipients)
                        )
                    self.response_filter.setItemText(i, name)
                continue
            name = self._filter_name(data)
            if p is not None:
                name = f"{name} ({locale.toString(p.count(*responses))})"
            self.response_filter.setItemText(i, name)

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
        ctx, mailing_id, offset = self._services.ctx, self.mailing_id, analytics_series.utc_offset()
        self._loading = submit(
            self._services.tasks,
            lambda: (analytics.progress(ctx, mailing_id, offset), resend.summary(ctx, mailing_id)),
            self._loaded,
            self._failed,
        )

    def _loaded(self, loaded: tuple[Progress, resend.ChainSummary]) -> None:
        if not alive(self):
            return
        self._loading = False
        self.error.hide()
        progress, chain = loaded
        self.show_progress(progress)
        self.follow_ups.show_chain(chain)
        if self.model.responses is not None or progress.recipients != self.model.rowCount():
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
        self.follow_ups.set_state(p.state)
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
        self.tiles["recipients"].set_value(p.recipients, None)
        for key, group in GROUPS.items():
            count = p.count(*group)
            self.tiles[key].set_value(count, p.percent(count))
            if len(group) > 1:
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
        bars = analytics_series.series(p, analytics_series.utc_offset())
        self.minutes_chart.set_series(bars.labels, bars.values, bars.tips, bars.phase, bars.strides)
        self.minutes_box.setTitle(analytics_series.title(p.bucket))
        self._name_filter_entries(p)

    # -- recipients ---------------------------------------------------------------------

    @staticmethod
    def _filter_responses(data: object) -> tuple[Response, ...] | None:
        """The responses of a filter entry's data (None: every recipient)."""
        if not isinstance(data, str) or not data:
            return None
        if data.startswith("group:"):
            return GROUPS[data.removeprefix("group:")]
        return (Response(data),)

    @staticmethod
    def _filter_name(data: str) -> str:
        if data.startswith("group:"):
            return labels.response_group_name(data.removeprefix("group:"))
        return labels.response_name(Response(data))

    @Slot()
    def _filter_changed(self) -> None:
        self.model.set_responses(self._filter_responses(self.response_filter.currentData()))

    def show_group(self, key: str | None) -> None:
        """Show the recipients of one tile's group (None: all)."""
        index = self.response_filter.findData(f"group:{key}" if key else "")
        self.response_filter.setCurrentIndex(max(index, 0))

    def show_response(self, response: Response | None) -> None:
        """Show the recipients of one response (None: all)."""
        if response is None:
            self.show_group(None)
            return
        index = self.response_filter.findData(response.value)
        if index < 0:  # a response that is a tile of its own
            key = next(k for k, group in GROUPS.items() if group == (response,))
            index = self.response_filter.findData(f"group:{key}")
        self.response_filter.setCurrentIndex(index)

    def _size_columns(self) -> None:
        """Room for each header in the UI language, and for typical values."""
        header = self.table.horizontalHeader()
        fm = header.fontMetrics()
        widest_response = max(fm.horizontalAdvance(labels.response_name(r)) for r in Response)
        wanted = {
            RecipientsModel.EMAIL: 240,
            RecipientsModel.NAME: 180,
            RecipientsModel.RESPONSE: widest_response + 16,
            RecipientsModel.SENT_AT: fm.horizontalAdvance(
                labels.format_time(datetime(2026, 12, 31, 23, 59, tzinfo=UTC))
            )
            + 16,
        }
        for column, width in wanted.items():
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal))
            header.resizeSection(column, max(width, fm.horizontalAdvance(title) + 24))

    @Slot()
    def _marked(self) -> None:
        """Unconfirmed recipients were marked delivered: read everything again."""
        self.model.reload()
        self.refresh()

    @Slot(int)
    def _rows_loaded(self, count: int) -> None:
        self.list_status.setText(self.tr("%Ln recipient(s)", "", count))

    @Slot()
    def export(self) -> None:
        data = self.response_filter.currentData()
        part = str(data).removeprefix("group:") if data else "recipients"
        suggested = f"mailing-{self.mailing_id}-{part}.csv"
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
        ctx, mailing_id, responses = self._services.ctx, self.mailing_id, self.model.responses
        self.export_button.setEnabled(False)
        self.list_status.setText(self.tr("Exporting…"))
        self._services.tasks.run(
            lambda: analytics.export_csv(ctx, mailing_id, Path(path), responses),
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
