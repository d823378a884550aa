"""The mailing editor: what the mailing says, from whom, and to whom.

``MailingEditor(services, mailing_id, parent)`` edits a mailing (``None``
creates one). Each field is checked as it is typed, with the message in red
under the field and *Save* disabled while anything is wrong; the template is
compiled and rendered off the GUI thread for a contact of the audience, so
the preview shows what that person will get and a template error names its
line. A mailing that has handed anything to the provider, or whose state
does not allow changes, opens read-only with a banner that says why.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDateTime, QLocale, Qt, Signal, Slot
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mailapp.delivery.render import TemplateProblem
from mailapp.models import MailingKind, Refused
from mailapp.models.states import can_edit
from mailapp.models.validation import require_email, require_header_text
from mailapp.services import campaigns, contacts, mailings
from mailapp.services.campaigns import CampaignInfo
from mailapp.services.contacts import ContactInfo, FolderInfo
from mailapp.services.mailings import MailingInfo, MailingInput
from mailapp.ui import labels
from mailapp.ui.contacts_model import alive
from mailapp.ui.html_preview import HtmlPreview
from mailapp.ui.tasks import error_text

if TYPE_CHECKING:
    from mailapp.ui.app import AppServices

ERROR_STYLE = "color: #c0392b;"
BANNER_STYLE = "background: #fdebd0; color: #6e2c00; padding: 6px; border-radius: 3px;"
#: Contacts offered for the preview.
SAMPLE_SIZE = 50
FOLDER_ROLE = Qt.ItemDataRole.UserRole + 1


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
        self._folders: list[FolderInfo] = []
        self._checked_folders: set[str] = set()
        self._samples: list[ContactInfo] = []
        self._sample_generation = 0
        self.template_problem: TemplateProblem | None = None
        self.setWindowTitle(self.tr("New mailing") if mailing_id is None else self.tr("Mailing"))
        self.resize(1100, 780)

        self.banner = QLabel()
        self.banner.setObjectName("readOnlyBanner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(BANNER_STYLE)
        self.banner.hide()

        # -- fields
        self.errors: dict[str, QLabel] = {}
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
        self.macro_button = QToolButton()
        self.macro_button.setText(self.tr("Insert field"))
        self.macro_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.macro_menu = QMenu(self.macro_button)
        self.macro_button.setMenu(self.macro_menu)
        self.expires = QCheckBox(self.tr("Stop sending at"))
        self.expires_at = QDateTimeEdit()
        self.expires_at.setCalendarPopup(True)
        self.expires_at.setDateTime(QDateTime.currentDateTime().addDays(7))
        self.expires_at.setEnabled(False)
        self.expires.toggled.connect(self.expires_at.setEnabled)

        form = QFormLayout()
        form.addRow(self.tr("Name:"), self._with_error("name", self.name))
        form.addRow(self.tr("Kind:"), self.kind)
        form.addRow(self.tr("Sender name:"), self._with_error("sender_name", self.sender_name))
        form.addRow(self.tr("Sender email:"), self._with_error("sender_email", self.sender_email))
        form.addRow(self.tr("Subject:"), self._with_error("subject", self.subject))
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
        body_layout.addWidget(self._with_error("html", self.html), 1)
        self.preview_contact = QComboBox()
        self.preview_contact.setObjectName("previewContact")
        self.preview = HtmlPreview(services.tasks)
        self.preview.problem_changed.connect(self._template_checked)
        preview_box = QWidget()
        preview_layout = QVBoxLayout(preview_box)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        contact_row = QHBoxLayout()
        contact_row.addWidget(QLabel(self.tr("Preview for:")))
        contact_row.addWidget(self.preview_contact, 1)
        preview_layout.addLayout(contact_row)
        preview_layout.addWidget(self.preview, 1)
        splitter = QSplitter()
        splitter.addWidget(body)
        splitter.addWidget(preview_box)
        splitter.setSizes([550, 550])

        # -- audience
        self.folder_list = QListWidget()
        self.folder_list.setObjectName("audienceFolders")
        self.folder_list.itemChanged.connect(self._folder_toggled)
        self.trigger_note = QLabel(
            self.tr(
                "A trigger mailing has no folders: the campaigns that lead to it "
                "add its recipients one by one."
            )
        )
        self.trigger_note.setWordWrap(True)
        self.trigger_note.hide()
        # Trigger mailings: the campaigns that feed it (read off-thread).
        self.fed_by = QLabel()
        self.fed_by.setObjectName("fedBy")
        self.fed_by.setWordWrap(True)
        self.fed_by.setTextFormat(Qt.TextFormat.PlainText)
        self.fed_by.hide()
        audience = QGroupBox(self.tr("Audience"))
        audience_layout = QVBoxLayout(audience)
        audience_layout.addWidget(self._with_error("folders", self.folder_list))
        audience_layout.addWidget(self.trigger_note)
        audience_layout.addWidget(self.fed_by)

        top = QHBoxLayout()
        top.addLayout(form, 3)
        top.addWidget(audience, 2)

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
        layout.addWidget(self.save_error)
        layout.addWidget(self.buttons)

        for edit in (self.name, self.sender_name, self.sender_email, self.subject):
            edit.textChanged.connect(self.validate)
        self.subject.textChanged.connect(self._schedule_preview)
        self.name.textChanged.connect(self._schedule_preview)
        self.html.textChanged.connect(self._schedule_preview)
        self.html.textChanged.connect(self.validate)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.preview_contact.currentIndexChanged.connect(self._schedule_preview)
        self._build_macro_menu([])
        self._fill_samples([])

        self.save_button.setEnabled(False)
        self._load()

    def _with_error(self, key: str, widget: QWidget) -> QWidget:
        label = QLabel()
        label.setObjectName(f"{key}Error")
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        self.errors[key] = label
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(widget, 1)
        column.addWidget(label)
        return box

    # -- loading -------------------------------------------------------------------

    def _load(self) -> None:
        ctx, mailing_id = self._services.ctx, self.mailing_id
        self._services.tasks.run(
            lambda: contacts.list_folders(ctx),
            on_success=self._folders_loaded,
            on_failure=self._load_failed,
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
        self._checked_folders = set(info.folders)
        self._show_folders()
        if info.handed_over:
            self._make_read_only(
                self.tr(
                    "This mailing has already handed emails to the provider, so its "
                    "template can no longer be changed."
                )
            )
        elif not can_edit(info.state):
            self._make_read_only(
                self.tr(
                    "A mailing in the state “{state}” cannot be changed. Pause it "
                    "(Stop sending) to change it."
                ).format(state=labels.state_name(info.state))
            )
        if info.kind is MailingKind.TRIGGER:
            ctx = self._services.ctx
            self._services.tasks.run(
                lambda: campaigns.campaigns_feeding(ctx, info.id),
                on_success=self._feeders_loaded,
            )
        self.validate()
        self._load_samples()

    def _feeders_loaded(self, feeders: list[CampaignInfo]) -> None:
        if not alive(self):
            return
        if feeders:
            names = ", ".join(
                self.tr("“{name}” ({state})").format(
                    name=c.name, state=labels.campaign_state_name(c.state)
                )
                for c in feeders
            )
            self.fed_by.setText(self.tr("Fed by campaigns: {names}").format(names=names))
        else:
            self.fed_by.setText(self.tr("Fed by campaigns: none yet"))
        self.fed_by.setVisible(self.kind.currentData() == MailingKind.TRIGGER.value)

    def _folders_loaded(self, folders: list[FolderInfo]) -> None:
        if not alive(self):
            return
        self._folders = folders
        self._show_folders()
        self._load_samples()

    def _load_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.save_error.setText(
                self.tr("Cannot load the mailing: {error}").format(error=error_text(exc))
            )
            self.save_error.show()

    def _show_folders(self) -> None:
        locale = QLocale()
        self.folder_list.blockSignals(True)
        self.folder_list.clear()
        for folder in self._folders:
            item = QListWidgetItem(
                self.tr(
                    "{name} — {valid} valid · {invalid} invalid · {unsubscribed} unsubscribed"
                ).format(
                    name=folder.name,
                    valid=locale.toString(folder.valid),
                    invalid=locale.toString(folder.invalid + folder.no_email),
                    unsubscribed=locale.toString(folder.unsubscribed),
                )
            )
            item.setData(FOLDER_ROLE, folder.name)
            item.setToolTip(self.tr("%Ln contact(s) in this folder", "", folder.contacts))
            flags = item.flags() | Qt.ItemFlag.ItemIsUserCheckable
            if self.read_only:
                flags &= ~Qt.ItemFlag.ItemIsEnabled
            item.setFlags(flags)
            checked = folder.name in self._checked_folders
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            self.folder_list.addItem(item)
        self.folder_list.blockSignals(False)

    def _make_read_only(self, reason: str) -> None:
        self.read_only = True
        self.banner.setText(reason)
        self.banner.show()
        for edit in (self.name, self.sender_name, self.sender_email, self.subject):
            edit.setReadOnly(True)
        self.html.setReadOnly(True)
        for widget in (self.kind, self.expires, self.expires_at, self.macro_button):
            widget.setEnabled(False)
        self.folder_list.setEnabled(False)
        self.save_button.hide()
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Close"))

    # -- audience and preview contacts ------------------------------------------------

    def chosen_folders(self) -> tuple[str, ...]:
        if self.kind.currentData() == MailingKind.TRIGGER.value:
            return ()
        return tuple(
            str(self.folder_list.item(i).data(FOLDER_ROLE))
            for i in range(self.folder_list.count())
            if self.folder_list.item(i).checkState() == Qt.CheckState.Checked
        )

    @Slot(QListWidgetItem)
    def _folder_toggled(self, item: QListWidgetItem) -> None:
        name = str(item.data(FOLDER_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            self._checked_folders.add(name)
        else:
            self._checked_folders.discard(name)
        self.validate()
        self._load_samples()

    @Slot()
    def _kind_changed(self) -> None:
        trigger = self.kind.currentData() == MailingKind.TRIGGER.value
        self.folder_list.setVisible(not trigger)
        self.trigger_note.setVisible(trigger)
        self.fed_by.setVisible(trigger and bool(self.fed_by.text()))
        self.validate()

    def _load_samples(self) -> None:
        """Contacts of the first chosen folder (or of all) for the preview."""
        if not self._folders and self.mailing_id is None:
            return
        self._sample_generation += 1
        generation = self._sample_generation
        ctx = self._services.ctx
        folders = self.chosen_folders()
        folder = folders[0] if folders else None

        def fetch() -> list[ContactInfo]:
            return contacts.list_contacts(ctx, folder=folder, limit=SAMPLE_SIZE)

        self._services.tasks.run(
            fetch,
            on_success=lambda rows: self._samples_loaded(generation, rows),
            on_failure=lambda _exc: None,
        )

    def _samples_loaded(self, generation: int, rows: list[ContactInfo]) -> None:
        if alive(self) and generation == self._sample_generation:
            self._fill_samples(rows)

    def _fill_samples(self, rows: list[ContactInfo]) -> None:
        self._samples = [c for c in rows if c.email_status == "valid"] or rows
        self.preview_contact.blockSignals(True)
        self.preview_contact.clear()
        if not self._samples:
            self.preview_contact.addItem(self.tr("Sample contact (no contacts yet)"))
        for contact in self._samples:
            name = f"{contact.first_name} {contact.last_name}".strip()
            self.preview_contact.addItem(f"{name} <{contact.email}>" if name else contact.email)
        self.preview_contact.blockSignals(False)
        keys = sorted({k for c in self._samples for k in c.fields})
        self._build_macro_menu(keys)
        self._schedule_preview()

    def preview_data(self) -> dict[str, Any]:
        row = self.preview_contact.currentIndex()
        if 0 <= row < len(self._samples):
            c = self._samples[row]
            return {
                **c.fields,
                "email": c.email or "",
                "first_name": c.first_name,
                "last_name": c.last_name,
            }
        return {
            "email": "alex.sample@example.com",
            "first_name": self.tr("Alex"),
            "last_name": self.tr("Sample"),
        }

    # -- macros ----------------------------------------------------------------------------

    def _build_macro_menu(self, custom: list[str]) -> None:
        self.macro_menu.clear()
        for text, code in (
            (self.tr("First name"), "{{ contact.first_name }}"),
            (self.tr("Last name"), "{{ contact.last_name }}"),
            (self.tr("Email"), "{{ contact.email }}"),
            (self.tr("Mailing name"), "{{ mailing.name }}"),
            (self.tr("Unsubscribe link"), "{{ unsubscribe_url }}"),
        ):
            self._add_macro(text, code)
        if custom:
            self.macro_menu.addSection(self.tr("Fields of the contacts"))
            for key in custom:
                self._add_macro(key, f"{{{{ contact.{key} }}}}")

    def _add_macro(self, text: str, code: str) -> None:
        action = QAction(f"{text}    {code}", self.macro_menu)
        action.setData(code)
        action.triggered.connect(self._insert_macro)
        self.macro_menu.addAction(action)

    @Slot()
    def _insert_macro(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.insert_macro(str(action.data()))

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
            self.preview_data(),
            self.name.text(),
            "#unsubscribe",
        )
        self.validate()

    @Slot(object)
    def _template_checked(self, problem: TemplateProblem | None) -> None:
        self.template_problem = problem
        self.validate()

    def _field_message(self, exc: Refused, limit: int = 0) -> str:
        messages = {
            "field_empty": self.tr("This field is required."),
            "email_empty": self.tr("Enter an email address."),
            "email_invalid": self.tr("This is not a valid email address."),
            "header_injection": self.tr("Line breaks are not allowed here."),
            "field_too_long": self.tr("Too long: at most %n character(s).", "", limit),
        }
        return messages.get(exc.code, exc.message)

    def _template_message(self, problem: TemplateProblem) -> str:
        part = self.tr("subject") if problem.part == "subject" else self.tr("body")
        if problem.line is not None:
            return self.tr("Template error in the {part}, line {line}: {message}").format(
                part=part, line=problem.line, message=problem.message
            )
        return self.tr("Template error in the {part}: {message}").format(
            part=part, message=problem.message
        )

    def problems(self) -> dict[str, str]:
        """Field → message for everything wrong now (empty when all is well)."""
        found: dict[str, str] = {}
        checks = (
            ("name", lambda: require_header_text(self.name.text(), "Name", limit=300), 300),
            (
                "sender_name",
                lambda: require_header_text(
                    self.sender_name.text(), "Sender name", required=False, limit=200
                ),
                200,
            ),
            ("sender_email", lambda: require_email(self.sender_email.text(), "Sender email"), 0),
            ("subject", lambda: require_header_text(self.subject.text(), "Subject"), 998),
        )
        for key, check, limit in checks:
            try:
                check()
            except Refused as exc:
                found[key] = self._field_message(exc, limit)
        if not self.html.toPlainText().strip():
            found["html"] = self.tr("The email body is empty.")
        elif self.template_problem is not None:
            key = "subject" if self.template_problem.part == "subject" else "html"
            found.setdefault(key, self._template_message(self.template_problem))
        return found

    @Slot()
    def validate(self) -> bool:
        """Show each problem under its field; Save only when there is none."""
        found = self.problems() if self.loaded else {}
        for key, label in self.errors.items():
            text = found.get(key, "")
            label.setText(text)
            label.setVisible(bool(text))
        ok = self.loaded and not found and not self.preview.pending and not self.read_only
        self.save_button.setEnabled(ok)
        if found:
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
        self.save_button.setEnabled(False)
        if mailing_id is None:
            self._services.tasks.run_write(
                lambda: mailings.create(ctx, data), on_success=self._saved, on_failure=self._refused
            )
        else:
            self._services.tasks.run_write(
                lambda: (mailings.update(ctx, mailing_id, data), mailing_id)[1],
                on_success=self._saved,
                on_failure=self._refused,
            )

    def _saved(self, mailing_id: int) -> None:
        if alive(self):
            self.mailing_id = mailing_id
            self.saved.emit(mailing_id)
            self.accept()

    def _refused(self, exc: BaseException) -> None:
        if alive(self):
            self.save_error.setText(error_text(exc))
            self.save_error.show()
            self.save_button.setEnabled(True)

    # -- test email ----------------------------------------------------------------------------

    @Slot()
    def send_test(self) -> None:
        if self.mailing_id is None:
            return
        from mailapp.ui.test_email_dialog import TestEmailDialog

        dialog = TestEmailDialog(self._services, self.mailing_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
