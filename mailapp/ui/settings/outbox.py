"""The sandbox's outbox: every message the built-in provider kept.

``OutboxWindow(services)`` lists the newest messages (read off the GUI
thread) and shows the chosen one's headers and rendered HTML.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mailapp.delivery.sandbox import OutboxMessage, read_outbox
from mailapp.paths import outbox_dir
from mailapp.ui.common import labels
from mailapp.ui.common.html_preview import HtmlPreview
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

#: Messages listed; the outbox of a big test mailing holds far more.
LIMIT = 500


class OutboxWindow(QWidget):
    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._services = services
        self.messages: list[OutboxMessage] = []
        self.loaded = False
        self.setWindowTitle(self.tr("Outbox"))
        self.resize(1000, 640)
        self.list = QListWidget()
        self.list.setObjectName("outboxList")
        self.list.currentRowChanged.connect(self._show)
        self.refresh_button = QPushButton(self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.refresh)
        self.status = QLabel()
        self.headers = QLabel()
        self.headers.setObjectName("outboxHeaders")
        self.headers.setWordWrap(True)
        self.headers.setTextFormat(Qt.TextFormat.PlainText)
        self.headers.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview = HtmlPreview(services.tasks)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list, 1)
        row = QHBoxLayout()
        row.addWidget(self.status, 1)
        row.addWidget(self.refresh_button)
        left_layout.addLayout(row)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.headers)
        right_layout.addWidget(self.preview, 1)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([340, 660])
        QVBoxLayout(self).addWidget(splitter)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        self.refresh_button.setEnabled(False)
        self.status.setText(self.tr("Loading…"))
        self._services.tasks.run(
            lambda: read_outbox(outbox_dir(), LIMIT),
            on_success=self._loaded,
            on_failure=self._failed,
        )

    def _loaded(self, messages: list[OutboxMessage]) -> None:
        if not alive(self):
            return
        self.loaded = True
        self.refresh_button.setEnabled(True)
        self.messages = messages
        self.list.clear()
        for message in messages:
            to = ", ".join(message.recipients)
            item = QListWidgetItem(
                f"{message.subject}\n{to} · {labels.format_time(message.received_at)}"
            )
            item.setToolTip(message.path.name)
            self.list.addItem(item)
        if messages:
            self.status.setText(
                self.tr("%Ln message(s)", "", len(messages))
                if len(messages) < LIMIT
                else self.tr("The newest {n} messages").format(n=QLocale().toString(LIMIT))
            )
            self.list.setCurrentRow(0)
        else:
            self.status.setText(self.tr("The outbox is empty"))
            self.headers.setText(self.tr("Messages sent with the Sandbox provider appear here."))
            self.preview.show_message("", "")

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self.loaded = True
            self.refresh_button.setEnabled(True)
            self.status.setText(
                self.tr("Cannot read the outbox: {error}").format(error=error_text(exc))
            )

    @Slot(int)
    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.messages):
            return
        message = self.messages[row]
        self.headers.setText(
            "\n".join(
                (
                    self.tr("From: {value}").format(value=message.sender),
                    self.tr("To: {value}").format(value=", ".join(message.recipients)),
                    self.tr("Subject: {value}").format(value=message.subject),
                    self.tr("Received: {value}").format(
                        value=labels.format_time(message.received_at)
                    ),
                    self.tr("Message-ID: {value}").format(value=message.message_id),
                )
            )
        )
        if message.html:
            self.preview.show_message(message.subject, message.html)
        else:
            self.preview.show_message(message.subject, "")
            self.preview.view.setPlainText(message.text)
