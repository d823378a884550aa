"""Choose when a draft or paused mailing starts (*Schedule sending*)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QDateTime, Slot
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from mailapp.services import lifecycle
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


def to_utc(value: QDateTime) -> datetime:
    """A QDateTime (local time) as an aware UTC datetime."""
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=value.toSecsSinceEpoch())


class ScheduleDialog(QDialog):
    """``ScheduleDialog(services, mailing_id, parent)``."""

    def __init__(
        self, services: AppServices, mailing_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.mailing_id = mailing_id
        self.setWindowTitle(self.tr("Schedule sending"))
        self.when = QDateTimeEdit()
        self.when.setCalendarPopup(True)
        now = QDateTime.currentDateTime()
        self.when.setMinimumDateTime(now)
        self.when.setDateTime(now.addSecs(3600))
        self.error = QLabel()
        self.error.setObjectName("scheduleError")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.schedule_button = self.buttons.addButton(
            self.tr("Schedule sending"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.schedule)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(self.tr("Start sending at:"), self.when)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    @Slot()
    def schedule(self) -> None:
        ctx, mailing_id, at = self._services.ctx, self.mailing_id, to_utc(self.when.dateTime())
        self.schedule_button.setEnabled(False)
        self._services.tasks.run_write(
            lambda: lifecycle.schedule(ctx, mailing_id, at),
            on_success=self._done,
            on_failure=self._refused,
        )

    def _done(self, _value: object) -> None:
        if alive(self):
            self.accept()

    def _refused(self, exc: BaseException) -> None:
        if alive(self):
            self.schedule_button.setEnabled(True)
            self.error.setText(error_text(exc))
            self.error.show()
