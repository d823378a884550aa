"""The mailing editor: what the mailing says, from whom, and to whom.

``MailingEditor(services, mailing_id, parent)`` edits a mailing (``None``
creates one). A marketer writes a mailing over several sittings, so a draft
saves as soon as it has a name: what would stop it being *sent* (no subject
yet, a half-written template) is listed but does not disable *Save*; *Start
sending* refuses it later (``mailings.validate``). Only what cannot be stored
at all (no name, a line break in a header) disables *Save*.

Every problem is shown at once under its field, not only the first: the
template is read off the GUI thread (``delivery.template_check``) and each
mistake is told in plain words at its line (``problems``). A field the
template uses that no contact has is a warning (it renders empty), as is a
template that fails for the preview contact; neither stops sending. The
preview (``preview_contacts``) renders it off the GUI thread for a contact.

Closing the editor with unsaved changes (Cancel, Esc, the window's close
button) asks first, with *Keep editing* as the default. A mailing that has
handed anything to the provider, or whose state does not allow changes,
opens read-only with a banner that says why.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mailapp.delivery.render import TemplateProblem
from mailapp.delivery.template_check import TemplateCheck, check_template
from mailapp.models import MailingKind
from mailapp.services import campaigns, mailings
from mailapp.services import folders as folder_service
from mailapp.services.campaigns import CampaignInfo
from mailapp.services.folders import FolderInfo
from mailapp.services.mailings import MailingInfo, MailingInput
from mailapp.ui.common import labels
from mailapp.ui.common.lazy_model import alive, submit
from mailapp.ui.common.tasks import error_text
from mailapp.ui.mailings.audience_box import AudienceBox
from mailapp.ui.mailings.discard_box import DiscardChangesBox
from mailapp.ui.mailings.field_menu import FieldMenuButton
from mailapp.ui.mailings.preview_contacts import PreviewPane
from mailapp.ui.mailings.problems import (
    ERROR_STYLE,
    EditorProblem,
    FieldMessages,
    Level,
    field_message,
    read_only_reason,
    summary_text,
    template_problems,
)

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

BANNER_STYLE = "background: #fdebd0; color: #6e2c00; padding: 6px; border-radius: 3px;"
#: How long typing must pause before the template is read again.
CHECK_DEBOUNCE_MS = 300


class MailingEditor(QDialog):
    #: (int) the mailing was saved; its id.
    saved = Signal(int)

    def __init__(
        self, services: AppServices, mailing_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.mailing_id = mailing_id
        self.info: MailingInfo | None = None
        self.read_only = False
        self.loaded = mailing_id is None
        #: The preview's problem for its contact (a warning unless the check
        #: below already calls the template wrong).
        self.preview_problem: TemplateProblem | None = None
        #: The latest reading of the template, and whether a newer one is due.
        self.template_check: TemplateCheck | None = None
        self.checking = False
        self._check_generation = 0
        #: Custom field names some contact has; None until read (off-thread).
        self.field_names: frozenset[str] | None = None
        self.discard_box: DiscardChangesBox | None = None
        self._discard_question: DiscardChangesBox | None = None
        self._baseline: tuple[Any, ...] | None = None
        self._saving = False
        self.setWindowTitle(self.tr("New mailing") if mailing_id is None else self.tr("Mailing"))
        self.resize(1100, 780)

        self.banner = QLabel()
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()

        # -- fields
        self.messages = FieldMessages()
        self.errors, self.warnings = self.messages.errors, self.messages.warnings
        self.name = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItem(labels.kind_name(MailingKind.BULK), MailingKind.BULK.value)
        self.kind.addItem(labels.kind_name(MailingKind.TRIGGER), MailingKind.TRIGGER.value)
        self.sender_name = QLineEdit()
        self.sender_email = QLineEdit()
        self.sender_email.setPlaceholderText(self.tr("news@example.com"))
        self.subject = QLineEdit()
        self.html = QPlainTextEdit()
        self.html.setObjectName("htmlSource")
        self.html.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        mono = self.html.font()
        mono.setFamily("monospace")
        self.html.setFont(mono)
        self.macro_button = FieldMenuButton()
        self.macro_button.chosen.connect(self.insert_macro)
        self.macro_menu = self.macro_button.field_menu
        self.expires = QCheckBox(self.tr("Stop sending at"))
        self.expires_at = QDateTimeEdit()
        self.expires_at.setCalendarPopup(True)
        self.expires_at.setDateTime(QDateTime.currentDateTime().addDays(7))
        self.expires_at.setEnabled(False)
        self.expires.toggled.connect(self.expires_at.setEnabled)

        form = QFormLayout()
        form.addRow(self.tr("Name:"), self.messages.wrap("name", self.name))
        form.addRow(self.tr("Kind:"), self.kind)
        form.addRow(
            self.tr("Sender name:"),
            self.messages.wrap("sender_name", self.sender_name),
        )
        form.addRow(
            self.tr("Sender email:"),
            self.messages.wrap("sender_email", self.sender_email),
        )
        form.addRow(self.tr("Subject:"), self.messages.wrap("subject", self.subject))
        expiry = QHBoxLayout()
        expiry.addWidget(self.expires)
        expiry.addWidget(self.expires_at, 1)
        form.addRow(self.tr("Expiration:"), expiry)

        # -- body and preview
        body_tools = QHBoxLayout()
        body_tools.addWidget(QLabel(self.tr("HTML body:")))
        body_tools.addStretch(1)
        body_tools.addWidget(self.macro_button)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(0, 0, 0, 0)
        body_layout.addLayout(body_tools)
        body_layout.addWidget(self.messages.wrap("html", self.html), 1)
        preview_box = PreviewPane(services.tasks)
        self.preview_contact = preview_box.contacts
        self.preview_contact.contacts_loaded.connect(self._samples_loaded)
        self.preview = preview_box.preview
        self.preview.problem_changed.connect(self._template_checked)
        splitter = QSplitter()
        splitter.addWidget(body)
        splitter.addWidget(preview_box)
        splitter.setSizes([550, 550])

        # -- audience
        self.audience = AudienceBox(lambda widget: self.messages.wrap("folders", widget))
        self.audience.toggled.connect(self._folder_toggled)
        self.folder_list = self.audience.folder_list
        self.trigger_note = self.audience.trigger_note
        self.fed_by = self.audience.fed_by
        self.follow_up_note = self.audience.follow_up_note

        top = QHBoxLayout()
        top.addLayout(form, 3)
        top.addWidget(self.audience, 2)

        # What stops saving or sending, by field, so nothing is overlooked
        # when the problem's own field is scrolled away or hidden.
        self.summary = QLabel()
        self.summary.setObjectName("problemSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.hide()
        self.save_error = QLabel()
        self.save_error.setObjectName("saveError")
        self.save_error.setStyleSheet(ERROR_STYLE)
        self.save_error.setWordWrap(True)
        self.save_error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.test_button = QPushButton(self.tr("Send test email…"))
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.test_button.clicked.connect(self.send_test)
        if mailing_id is None:
            self.test_button.setEnabled(False)
            self.test_button.setToolTip(self.tr("Save the mailing first"))
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.save_error)
        layout.addWidget(self.buttons)

        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(CHECK_DEBOUNCE_MS)
        self._check_timer.timeout.connect(self._check_template)
        for edit in (self.name, self.sender_name, self.sender_email, self.subject):
            edit.textChanged.connect(self.validate)
        self.subject.textChanged.connect(self._schedule_preview)
        self.subject.textChanged.connect(self._schedule_check)
        self.name.textChanged.connect(self._schedule_preview)
        self.html.textChanged.connect(self._schedule_preview)
        self.html.textChanged.connect(self._schedule_check)
        self.html.textChanged.connect(self.validate)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.preview_contact.currentIndexChanged.connect(self._schedule_preview)

        self._schedule_preview()
        self.save_button.setEnabled(False)
        self._load()
        if mailing_id is None:
            self._baseline = self._snapshot()

    # -- loading -------------------------------------------------------------------

    def _load(self) -> None:
        ctx, mailing_id = self._services.ctx, self.mailing_id
        self._services.tasks.run(
            lambda: folder_service.list_folders(ctx),
            on_success=self._folders_loaded,
            on_failure=self._load_failed,
        )
        # Every contact's fields are read: with many contacts this takes a
        # while, so never on the GUI thread. Without it there is no warning.
        self._services.tasks.run(
            lambda: mailings.contact_field_names(ctx),
            on_success=self._field_names_loaded,
            on_failure=lambda _exc: None,
        )
        if mailing_id is not None:
            self._services.tasks.run(
                lambda: mailings.get(ctx, mailing_id),
                on_success=self._mailing_loaded,
                on_failure=self._load_failed,
            )
        else:
            self.validate()

    def _mailing_loaded(self, info: MailingInfo) -> None:
        if not alive(self):
            return
        self.info = info
        self.loaded = True
        self.setWindowTitle(self.tr("Mailing: {name}").format(name=info.name))
        self.name.setText(info.name)
        self.kind.setCurrentIndex(max(self.kind.findData(info.kind.value), 0))
        self.sender_name.setText(info.sender_name)
        self.sender_email.setText(info.sender_email)
        self.subject.setText(info.subject)
        self.html.setPlainText(info.html)
        if info.expires_at is not None:
            self.expires.setChecked(True)
            self.expires_at.setDateTime(
                QDateTime.fromSecsSinceEpoch(int(info.expires_at.timestamp()))
            )
        self.audience.set_checked(info.folders)
        if info.follows is not None:
            self.audience.show_follow_up(info.follows, info.recipients)
            self.kind.setEnabled(False)
            self._kind_changed()
        reason = read_only_reason(info)
        if reason is not None:
            self._make_read_only(reason)
        if info.kind is MailingKind.TRIGGER:
            ctx = self._services.ctx
            self._services.tasks.run(
                lambda: campaigns.campaigns_feeding(ctx, info.id),
                on_success=self._feeders_loaded,
            )
        self._baseline = self._snapshot()
        self.validate()
        self._load_samples()

    def _field_names_loaded(self, names: frozenset[str]) -> None:
        if not alive(self):
            return
        self.field_names = names
        self.macro_button.set_fields(sorted(names | self.preview_contact.field_keys()))
        self.validate()

    def _feeders_loaded(self, feeders: list[CampaignInfo]) -> None:
        if alive(self):
            self.audience.set_feeders(feeders, self.kind.currentData() == MailingKind.TRIGGER.value)

    def _folders_loaded(self, folders: list[FolderInfo]) -> None:
        if not alive(self):
            return
        self.audience.set_folders(folders)
        self._load_samples()

    def _load_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.save_error.setText(
                self.tr("Cannot load the mailing: {error}").format(error=error_text(exc))
            )
            self.save_error.show()

    def _make_read_only(self, reason: str) -> None:
        self.read_only = True
        self.banner.setText(reason)
        self.banner.show()
        for edit in (self.name, self.sender_name, self.sender_email, self.subject):
            edit.setReadOnly(True)
        self.html.setReadOnly(True)
        for widget in (self.kind, self.expires, self.expires_at, self.macro_button):
            widget.setEnabled(False)
        self.audience.set_read_only()
        self.save_button.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))

    # -- audience and preview contacts ------------------------------------------------

    def chosen_folders(self) -> tuple[str, ...]:
        """The ticked folders (none for a trigger mailing)."""
        if self.kind.currentData() == MailingKind.TRIGGER.value:
            return ()
        return self.audience.chosen(self.info.folders if self.info is not None else ())

    @Slot()
    def _folder_toggled(self) -> None:
        self.validate()
        self._load_samples()

    @Slot()
    def _kind_changed(self) -> None:
        trigger = self.kind.currentData() == MailingKind.TRIGGER.value
        self.audience.show_kind(trigger, self._follow_up())
        self.validate()

    def _load_samples(self) -> None:
        """Contacts of the first chosen folder (or of all) for the preview."""
        if self.audience.folders or self.mailing_id is not None:
            folders = self.chosen_folders()
            folder = folders[0] if folders else None
            self.preview_contact.load(self._services.tasks, self._services.ctx, folder)

    @Slot()
    def _samples_loaded(self) -> None:
        fields = self.preview_contact.field_keys() | (self.field_names or frozenset())
        self.macro_button.set_fields(sorted(fields))
        self._schedule_preview()

    @Slot(str)
    def insert_macro(self, code: str) -> None:
        cursor = self.html.textCursor()
        cursor.insertText(code)
        self.html.setTextCursor(cursor)
        self.html.moveCursor(QTextCursor.MoveOperation.NoMove)
        self.html.setFocus()

    # -- validation ------------------------------------------------------------------------

    @Slot()
    def _schedule_preview(self) -> None:
        self.preview.set_template(
            self.subject.text(),
            self.html.toPlainText(),
            self.preview_contact.contact_data(),
            self.name.text(),
            "#unsubscribe",
        )
        self.validate()

    @Slot(object)
    def _template_checked(self, problem: TemplateProblem | None) -> None:
        self.preview_problem = problem
        self.validate()

    @Slot()
    def _schedule_check(self) -> None:
        self.checking = True
        self._check_generation += 1
        self._check_timer.start()

    @Slot()
    def _check_template(self) -> None:
        """Read the template in the task runner: a long template takes a
        while to parse, and typing must not wait for it."""
        generation = self._check_generation
        subject, html = self.subject.text(), self.html.toPlainText()
        submit(  # the timer may fire after the runner shut down (quitting)
            self._services.tasks,
            lambda: check_template(subject, html),
            lambda check: self._template_read(generation, check),
            lambda _exc: self._template_read(generation, None),
        )

    def _template_read(self, generation: int, check: TemplateCheck | None) -> None:
        if not alive(self) or generation != self._check_generation:
            return
        self.checking = False
        self.template_check = check
        self.validate()

    def _template_problems(self) -> list[EditorProblem]:
        """Errors and warnings of the template, from the latest reading."""
        check = self.template_check
        current = (
            check is not None
            and not self.checking
            and (check.subject, check.html) == (self.subject.text(), self.html.toPlainText())
        )
        return template_problems(check, self.field_names, self.preview_problem, current)

    def _follow_up(self) -> bool:
        return self.info is not None and self.info.follows is not None

    def problems(self) -> list[EditorProblem]:
        """Everything wrong now, each under its field (empty when all is well).

        The fields are judged by the same rules as the services
        (``mailings.field_problems``), so *Save* is enabled exactly when
        ``mailings.create``/``update`` would store the draft.
        """
        if not self.loaded or self.read_only:
            return []
        found = []
        for problem in mailings.field_problems(self.mailing_input()):
            level = Level.SAVE if problem.blocks_saving else Level.SEND
            found.append(EditorProblem(problem.field, field_message(problem.refusal, level), level))
        bulk = self.kind.currentData() == MailingKind.BULK.value
        if bulk and not self._follow_up() and not self.chosen_folders():
            found.append(
                EditorProblem(
                    "folders",
                    self.tr("Choose at least one folder of recipients before sending."),
                    Level.SEND,
                )
            )
        subject_broken = any(p.field == "subject" and p.blocks_saving for p in found)
        found.extend(
            p for p in self._template_problems() if not (subject_broken and p.field == "subject")
        )
        return found

    @Slot()
    def validate(self) -> bool:
        """Show every problem under its field; Save unless one blocks storing."""
        found = self.problems()
        self.messages.show(found)
        summary = summary_text(found)
        self.summary.setText(summary)
        self.summary.setVisible(bool(summary))
        ok = (
            self.loaded
            and not self.read_only
            and not self._saving
            and not any(p.blocks_saving for p in found)
        )
        self.save_button.setEnabled(ok)
        if any(p.blocks_saving for p in found):
            self.save_error.hide()
        return ok

    # -- saving ------------------------------------------------------------------------------

    def mailing_input(self) -> MailingInput:
        expires_at = None
        if self.expires.isChecked():
            seconds = self.expires_at.dateTime().toSecsSinceEpoch()
            expires_at = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)
        return MailingInput(
            name=self.name.text(),
            subject=self.subject.text(),
            sender_email=self.sender_email.text(),
            html=self.html.toPlainText(),
            kind=MailingKind(self.kind.currentData()),
            sender_name=self.sender_name.text(),
            folders=self.chosen_folders(),
            expires_at=expires_at,
        )

    @Slot()
    def save(self) -> None:
        if not self.validate():
            return
        data = self.mailing_input()
        ctx, mailing_id = self._services.ctx, self.mailing_id
        self._saving = True
        self.save_button.setEnabled(False)
        if mailing_id is None:
            self._services.tasks.run_write(
                lambda: mailings.create(ctx, data), on_success=self._saved, on_failure=self._refused
            )
        else:
            existing = mailing_id

            def update() -> int:
                mailings.update(ctx, existing, data)
                return existing

            self._services.tasks.run_write(update, on_success=self._saved, on_failure=self._refused)

    def _saved(self, mailing_id: int) -> None:
        if alive(self):
            self._saving = False
            self.mailing_id = mailing_id
            self._baseline = self._snapshot()  # nothing left to lose: no question
            self.saved.emit(mailing_id)
            self.accept()

    def _refused(self, exc: BaseException) -> None:
        if alive(self):
            self._saving = False
            self.save_error.setText(error_text(exc))
            self.save_error.show()
            self.validate()

    # -- unsaved changes ------------------------------------------------------------------------

    def _snapshot(self) -> tuple[Any, ...]:
        """What Save would store, to compare with what was loaded: typing a
        change and typing it back is no change."""
        bulk = self.kind.currentData() == MailingKind.BULK.value
        expires = (
            self.expires_at.dateTime().toSecsSinceEpoch() if self.expires.isChecked() else None
        )
        return (
            self.name.text(),
            self.kind.currentData(),
            self.sender_name.text(),
            self.sender_email.text(),
            self.subject.text(),
            self.html.toPlainText(),
            frozenset(self.audience.checked) if bulk else frozenset(),
            expires,
        )

    def has_changes(self) -> bool:
        """Whether closing now would lose something the user typed."""
        return (
            not self.read_only and self._baseline is not None and self._snapshot() != self._baseline
        )

    def reject(self) -> None:
        """Cancel, Esc and the window's close button all come here (Qt's
        ``QDialog.closeEvent`` calls it, and ignores the close while the
        dialog stays visible): ask before unsaved changes are lost."""
        if self.discard_box is not None:
            return  # already asking
        if not self.has_changes():
            super().reject()
            return
        if self._discard_question is None:
            self._discard_question = DiscardChangesBox(self)
            self._discard_question.finished.connect(self._discard_answered)
        self.discard_box = self._discard_question
        self.discard_box.open()

    @Slot(int)
    def _discard_answered(self, _result: int) -> None:
        box, self.discard_box = self.discard_box, None
        if box is not None and box.discarded():
            super().reject()

    # -- test email ----------------------------------------------------------------------------

    @Slot()
    def send_test(self) -> None:
        if self.mailing_id is None:
            return
        from mailapp.ui.mailings.test_email_dialog import TestEmailDialog

        dialog = TestEmailDialog(self._services, self.mailing_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
