"""Adding one contact and editing one: address, names, custom fields and
subscription, checked as the user types and saved off the GUI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import Refused
from mailapp.models.validation import require_email
from mailapp.services import contacts
from mailapp.services.contacts import ContactInfo
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices


class AddContactDialog(QDialog):
    """Email, names and folder of a new contact; the service's refusal shows inline."""

    contact_added = Signal(int)

    def __init__(
        self,
        services: AppServices,
        folders: list[str],
        folder: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.setWindowTitle(self.tr("Add contact"))
        self.email = QLineEdit()
        self.email.setPlaceholderText(self.tr("name@example.com"))
        self.first_name = QLineEdit()
        self.last_name = QLineEdit()
        self.folder = QComboBox()
        self.folder.setEditable(True)
        self.folder.addItem(self.tr("(no folder)"), None)
        for name in folders:
            self.folder.addItem(name, name)
        if folder is not None:
            self.folder.setCurrentIndex(max(self.folder.findData(folder), 0))
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b;")
        self.error.hide()
        form = QFormLayout()
        form.addRow(self.tr("Email:"), self.email)
        form.addRow(self.tr("First name:"), self.first_name)
        form.addRow(self.tr("Last name:"), self.last_name)
        form.addRow(self.tr("Folder:"), self.folder)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def _folder_name(self) -> str | None:
        text = self.folder.currentText().strip()
        if self.folder.currentIndex() == 0 and text == self.folder.itemText(0):
            return None
        return text or None

    @Slot()
    def save(self) -> None:
        ctx = self._services.ctx
        email, first, last = self.email.text(), self.first_name.text(), self.last_name.text()
        folder = self._folder_name()
        self.buttons.setEnabled(False)
        self._services.tasks.run_write(
            lambda: contacts.add_contact(ctx, email, first, last, folder),
            on_success=self._saved,
            on_failure=self._refused,
        )

    def _saved(self, contact_id: int) -> None:
        if alive(self):
            self.contact_added.emit(contact_id)
            self.accept()

    def _refused(self, exc: BaseException) -> None:
        if alive(self):
            self.buttons.setEnabled(True)
            self.error.setText(error_text(exc))
            self.error.show()


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet("color: #c0392b;")
    label.hide()
    return label


class EditContactDialog(QDialog):
    """Address, names, custom fields and subscription of one contact.

    The address is checked as it is typed, by the same
    :func:`~mailapp.models.validation.require_email` the service uses, so a
    bad address is refused right under the field and Save stays disabled;
    nothing reaches the database until it passes. Whatever the service
    still refuses (an address another contact has, a reserved field name)
    shows in the dialog, which stays open with nothing changed.
    """

    #: (ContactInfo) the contact as saved.
    saved = Signal(object)

    def __init__(
        self, services: AppServices, contact: ContactInfo, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.contact = contact
        self._email_ok = True
        self._saving = False
        self.setWindowTitle(self.tr("Edit contact"))
        self.email = QLineEdit(contact.email or "")
        self.email.setPlaceholderText(self.tr("name@example.com"))
        self.email_error = _error_label()
        self.email_error.setObjectName("emailError")
        self.first_name = QLineEdit(contact.first_name)
        self.last_name = QLineEdit(contact.last_name)
        self.fields = QTableWidget(0, 2)
        self.fields.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Value")])
        self.fields.horizontalHeader().setStretchLastSection(True)
        self.fields.verticalHeader().hide()
        self.fields.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        add_field = QPushButton(self.tr("Add field"))
        add_field.clicked.connect(self._new_field)
        self.remove_field_button = QPushButton(self.tr("Remove field"))
        self.remove_field_button.clicked.connect(self._remove_field)
        field_buttons = QHBoxLayout()
        field_buttons.addWidget(add_field)
        field_buttons.addWidget(self.remove_field_button)
        field_buttons.addStretch(1)
        self.unsubscribed = QCheckBox(self.tr("Unsubscribed (mailings leave this contact out)"))
        self.unsubscribed.setChecked(contact.unsubscribed)
        self.bounced = QCheckBox(self.tr("Address bounced (mailings leave this contact out)"))
        self.bounced.setToolTip(
            self.tr(
                "Set by a bounce report that said the address does not exist. "
                "Clear it once the address works again."
            )
        )
        self.bounced.setChecked(contact.bounced)
        self.error = _error_label()
        self.error.setObjectName("saveError")

        form = QFormLayout()
        email_box = QVBoxLayout()
        email_box.setContentsMargins(0, 0, 0, 0)
        email_box.addWidget(self.email)
        email_box.addWidget(self.email_error)
        form.addRow(self.tr("Email:"), email_box)
        form.addRow(self.tr("First name:"), self.first_name)
        form.addRow(self.tr("Last name:"), self.last_name)
        form.addRow(self.tr("Custom fields:"), self.fields)
        form.addRow("", field_buttons)
        form.addRow("", self.unsubscribed)
        form.addRow("", self.bounced)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        assert save is not None
        self.save_button: QPushButton = save
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(480)
        self.set_custom_fields(contact.fields)
        self.email.textChanged.connect(self._check_email)
        self.email.textEdited.connect(self._address_edited)
        self._check_email()

    # -- custom fields ----------------------------------------------------------

    def set_custom_fields(self, fields: dict[str, Any]) -> None:
        self.fields.setRowCount(0)
        for key, value in fields.items():
            self._add_field(key, "" if value is None else str(value))

    def _add_field(self, key: str = "", value: str = "") -> None:
        row = self.fields.rowCount()
        self.fields.insertRow(row)
        self.fields.setItem(row, 0, QTableWidgetItem(key))
        self.fields.setItem(row, 1, QTableWidgetItem(value))

    @Slot()
    def _new_field(self) -> None:
        self._add_field()
        item = self.fields.item(self.fields.rowCount() - 1, 0)
        self.fields.setCurrentItem(item)
        self.fields.editItem(item)

    @Slot()
    def _remove_field(self) -> None:
        rows = sorted({i.row() for i in self.fields.selectedIndexes()}, reverse=True)
        if not rows and self.fields.currentRow() >= 0:
            rows = [self.fields.currentRow()]
        for row in rows:
            self.fields.removeRow(row)

    def custom_fields(self) -> dict[str, Any]:
        """The table as the service takes it; a value left as it was keeps
        its type (a number stays a number), empty rows are dropped."""
        result: dict[str, Any] = {}
        stored = self.contact.fields
        for row in range(self.fields.rowCount()):
            key_item, value_item = self.fields.item(row, 0), self.fields.item(row, 1)
            key = key_item.text().strip() if key_item is not None else ""
            value = value_item.text() if value_item is not None else ""
            if not key and not value:
                continue
            original = stored.get(key)
            if key in stored and ("" if original is None else str(original)) == value:
                result[key] = original
            else:
                result[key] = value
        return result

    # -- checking and saving ------------------------------------------------------

    def _email_changed(self) -> bool:
        return self.email.text().strip() != (self.contact.email or "")

    @Slot()
    def _address_edited(self) -> None:
        """A new address has not bounced; the old one back has, as stored."""
        self.bounced.setChecked(self.contact.bounced and not self._email_changed())

    @Slot()
    def _check_email(self) -> None:
        """Refuse a bad address as it is typed; an address left as stored
        (even an old invalid one) does not stop saving the other fields."""
        self._email_ok = True
        self.email_error.setText("")
        if self._email_changed():
            try:
                require_email(self.email.text())
            except Refused as exc:
                self._email_ok = False
                self.email_error.setText(error_text(exc))
        elif self.contact.email and self.contact.email_status == "invalid":
            self.email_error.setText(
                self.tr("This address is not valid, so mailings leave it out; correct it here.")
            )
        self.email_error.setVisible(bool(self.email_error.text()))
        self._update_save()

    def _update_save(self) -> None:
        self.save_button.setEnabled(self._email_ok and not self._saving)

    @Slot()
    def save(self) -> None:
        self._check_email()
        if not self._email_ok or self._saving:
            return
        ctx = self._services.ctx
        contact_id = self.contact.id
        email = self.email.text() if self._email_changed() else None
        first, last = self.first_name.text(), self.last_name.text()
        fields = self.custom_fields()
        flag = self.unsubscribed.isChecked()
        bounced = self.bounced.isChecked()
        self._saving = True
        self._update_save()
        self.error.hide()
        self._services.tasks.run_write(
            lambda: contacts.update_contact(
                ctx,
                contact_id,
                email=email,
                first_name=first,
                last_name=last,
                fields=fields,
                unsubscribed=flag,
                bounced=bounced,
            ),
            on_success=self._saved,
            on_failure=self._refused,
        )

    def _saved(self, info: ContactInfo) -> None:
        if alive(self):
            self._saving = False
            self.saved.emit(info)
            self.accept()

    def _refused(self, exc: BaseException) -> None:
        if alive(self):
            self._saving = False
            self._update_save()
            self.error.setText(error_text(exc))
            self.error.show()
