"""A mailing that can no longer be edited, read-only: what it said, to whom,
and how it went.

The editor is for drafts; once a mailing has handed anything to the
provider (or is sending, stopped, completed) a marketer still wants to see
its content, its audience and its results. This small window shows them
without a single editable field: the subject and sender, the email as a
recipient saw it (the shared preview pane, for contacts of its first
folder), the folders and the number of recipients, and the count of each
response, with a button to the full analytics. Everything is read through
the task runner and read again when the bridge says the mailing changed,
so the results of a mailing still sending stay current.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QLocale, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import MailingKind, Response
from mailapp.services import mailings
from mailapp.services.mailings import MailingInfo
from mailapp.ui.common import labels
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text
from mailapp.ui.mailings.preview_contacts import PreviewPane
from mailapp.ui.mailings.start_dialog import folders_phrase

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


def _label(object_name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class MailingViewer(QWidget):
    """``MailingViewer(services, mailing_id)``: one mailing, read-only, in a
    window of its own (not modal: the list stays usable beside it)."""

    #: (int) the user asked for the mailing's analytics.
    analytics_requested = Signal(int)

    def __init__(
        self, services: AppServices, mailing_id: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self._services = services
        self.mailing_id = mailing_id
        self.info: MailingInfo | None = None
        self._loading = False
        self.setObjectName("mailingViewer")
        self.resize(1000, 700)

        self.heading = _label("viewerHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.state = _label("viewerState")
        self.state.setWordWrap(False)  # the long name wraps, not the state
        self.subject = _label("viewerSubject")
        self.sender = _label("viewerSender")
        self.audience = _label("viewerAudience")
        self.recipients = _label("viewerRecipients")
        self.error = _label("viewerError")
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()

        #: The names of the rows, set in the UI language by retranslate_ui.
        self.row_names = [QLabel() for _ in range(4)]
        self.content_box = QGroupBox()
        content = QFormLayout(self.content_box)
        content.addRow(self.row_names[0], self.subject)
        content.addRow(self.row_names[1], self.sender)
        self.audience_box = QGroupBox()
        audience = QFormLayout(self.audience_box)
        audience.addRow(self.row_names[2], self.audience)
        audience.addRow(self.row_names[3], self.recipients)
        self.results_box = QGroupBox()
        self.results = QFormLayout(self.results_box)
        self.analytics_button = QPushButton()
        self.analytics_button.clicked.connect(self._analytics)

        facts = QWidget()
        facts_layout = QVBoxLayout(facts)
        facts_layout.setContentsMargins(0, 0, 0, 0)
        facts_layout.addWidget(self.content_box)
        facts_layout.addWidget(self.audience_box)
        facts_layout.addWidget(self.results_box)
        facts_layout.addStretch(1)
        self.pane = PreviewPane(services.tasks)
        self.pane.contacts.contacts_loaded.connect(self._show_preview)
        self.pane.contacts.currentIndexChanged.connect(self._show_preview)
        splitter = QSplitter()
        splitter.addWidget(facts)
        splitter.addWidget(self.pane)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 620])

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.analytics_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.close)
        close = QAction(self)
        close.setShortcuts([QKeySequence(Qt.Key.Key_Escape), QKeySequence.StandardKey.Close])
        close.triggered.connect(self.close)
        self.addAction(close)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.state)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.error)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)

        services.bridge.mailings_changed.connect(self._mailings_changed)
        self.retranslate_ui()
        self._load()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(QCoreApplication.translate("MailingViewer", "Mailing (read-only)"))
        self.content_box.setTitle(QCoreApplication.translate("MailingViewer", "Content"))
        self.audience_box.setTitle(QCoreApplication.translate("MailingViewer", "Audience"))
        self.results_box.setTitle(QCoreApplication.translate("MailingViewer", "Results"))
        for label, text in zip(
            self.row_names,
            (
                QCoreApplication.translate("MailingViewer", "Subject:"),
                QCoreApplication.translate("MailingViewer", "From:"),
                QCoreApplication.translate("MailingViewer", "To:"),
                QCoreApplication.translate("MailingViewer", "Recipients:"),
            ),
            strict=True,
        ):
            label.setText(text)
        self.analytics_button.setText(QCoreApplication.translate("MailingViewer", "Analytics…"))
        if self.info is not None:
            self._show(self.info)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- reading -------------------------------------------------------------------

    def _load(self) -> None:
        if self._loading:
            return
        self._loading = True
        ctx, mailing_id = self._services.ctx, self.mailing_id
        self._services.tasks.run(
            lambda: mailings.get(ctx, mailing_id),
            on_success=self._loaded,
            on_failure=self._failed,
        )

    @Slot(object)
    def _mailings_changed(self, ids: frozenset[int]) -> None:
        if self.mailing_id in ids:
            self._load()

    def _loaded(self, info: MailingInfo) -> None:
        if not alive(self):
            return
        self._loading = False
        first = self.info is None
        self.info = info
        self._show(info)
        if first:
            folder = info.folders[0] if info.folders else None
            self.pane.contacts.load(self._services.tasks, self._services.ctx, folder)
            self._show_preview()

    def _failed(self, exc: BaseException) -> None:
        if alive(self):
            self._loading = False
            self.error.setText(
                QCoreApplication.translate(
                    "MailingViewer", "Cannot read the mailing: {error}"
                ).format(error=error_text(exc))
            )
            self.error.show()

    # -- showing -------------------------------------------------------------------

    def _show(self, info: MailingInfo) -> None:
        self.setWindowTitle(
            QCoreApplication.translate("MailingViewer", "Mailing: {name}").format(name=info.name)
        )
        self.heading.setText(info.name)
        self.state.setText(f"{labels.kind_name(info.kind)} · {labels.state_name(info.state)}")
        self.subject.setText(info.subject)
        sender = info.sender_email
        self.sender.setText(f"{info.sender_name} <{sender}>" if info.sender_name else sender)
        if info.follows is not None:
            where = QCoreApplication.translate(
                "MailingViewer", "those mailing {id} did not reach"
            ).format(id=info.follows)
        elif info.kind is MailingKind.TRIGGER:
            where = QCoreApplication.translate(
                "MailingViewer", "the participants of the campaigns that lead to it"
            )
        else:
            where = QCoreApplication.translate("MailingViewer", "the contacts {where}").format(
                where=folders_phrase(list(info.folders))
            )
        self.audience.setText(where)
        locale = QLocale()
        self.recipients.setText(locale.toString(info.recipients))
        while self.results.rowCount():
            self.results.removeRow(0)
        for response in Response:
            count = info.responses.get(response.value, 0)
            if count:
                value = QLabel(locale.toString(count))
                value.setObjectName(f"result_{response.value}")
                self.results.addRow(labels.response_name(response) + ":", value)
        if not info.recipients:
            self.results.addRow(
                QLabel(QCoreApplication.translate("MailingViewer", "No recipients yet."))
            )

    @Slot()
    def _show_preview(self) -> None:
        info = self.info
        if info is not None:
            self.pane.preview.set_template(
                info.subject, info.html, self.pane.contacts.contact_data(), info.name, "#"
            )

    @Slot()
    def _analytics(self) -> None:
        self.analytics_requested.emit(self.mailing_id)
