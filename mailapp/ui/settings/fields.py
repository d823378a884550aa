"""The pieces every tab of the settings dialog is built from.

A :class:`SettingsTab` is one page of settings: text fields checked with
the definitions the services use (:data:`mailapp.models.settings.SETTINGS`),
each with a :class:`FieldMessage` under it. The message keeps its room
while empty, so an error or a warning appearing never moves a field away
from under the pointer. A new tab subclasses :class:`SettingsTab` and is
listed in the dialog's ``TABS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import Refused
from mailapp.models.settings import SETTINGS
from mailapp.ui.common.refusals import refused_message

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

ERROR_STYLE = "color: #c0392b;"
WARNING_STYLE = "color: #9a6700;"
OK_STYLE = "color: #1e8449;"
#: The narrowest a text field gets, so that its messages fit in their two lines.
FIELD_MIN_WIDTH = 300


class FieldMessage(QLabel):
    """A message under a field that keeps its room, shown or not.

    Its height is fixed at ``lines`` lines and its width follows the field,
    never its text: a message appearing changes no geometry. A text longer
    than its room is cut, and kept whole in the tooltip.
    """

    def __init__(self, lines: int = 2, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(lines * self.fontMetrics().lineSpacing() + 2)
        self.kind = ""

    def show_error(self, text: str) -> None:
        self._show(text, "error", ERROR_STYLE)

    def show_warning(self, text: str) -> None:
        self._show(text, "warning", WARNING_STYLE)

    def show_ok(self, text: str) -> None:
        self._show(text, "ok", OK_STYLE)

    def show_note(self, text: str) -> None:
        self._show(text, "note", "")

    def _show(self, text: str, kind: str, style: str) -> None:
        self.kind = kind
        self.setStyleSheet(style)
        self.setText(text)
        self.setToolTip(text)

    def clear(self) -> None:
        self.kind = ""
        self.setText("")
        self.setToolTip("")


def setting_problem(exc: Refused) -> str:
    """A refused value, said next to its field in the UI language.

    Shorter than :func:`~mailapp.ui.common.refusals.refused_message`: the
    field and its value are right there, so the text says only what to do.
    """
    p = exc.params
    if exc.code == "setting_not_int":
        return QCoreApplication.translate("SettingsDialog", "Enter a whole number.")
    if exc.code == "setting_too_small":
        return QCoreApplication.translate("SettingsDialog", "Must be at least {n}.").format(
            n=p.get("minimum")
        )
    if exc.code == "setting_too_large":
        return QCoreApplication.translate("SettingsDialog", "Must be at most {n}.").format(
            n=p.get("maximum")
        )
    if exc.code == "setting_control":
        return QCoreApplication.translate("SettingsDialog", "Line breaks are not allowed here.")
    if exc.code == "setting_unsubscribe_url":
        if p.get("problem") == "scheme":
            return QCoreApplication.translate(
                "SettingsDialog",
                "Start the link with https://, http:// or mailto:, or leave it empty.",
            )
        if p.get("problem") == "too_long":
            limit = int(str(p.get("limit", 0)))
            return QCoreApplication.translate(
                "SettingsDialog", "The link is longer than %n character(s).", None, limit
            )
        return QCoreApplication.translate(
            "SettingsDialog",
            "No spaces, angle brackets or non-Latin letters in a link; percent-encode them.",
        )
    if exc.code == "setting_bounce_mailbox":
        return QCoreApplication.translate(
            "SettingsDialog",
            "Write imaps://USER@HOST/FOLDER or imap://USER@HOST/FOLDER; "
            "the password has a field of its own.",
        )
    if exc.code == "setting_bounce_address":
        return QCoreApplication.translate(
            "SettingsDialog",
            "A plain Latin address without “+”, at most %n character(s) before the @.",
            None,
            int(str(p.get("limit", 0))),
        )
    return refused_message(exc)


class SettingsTab(QWidget):
    """One tab of settings: its fields, their messages and its own checks.

    ``load`` fills the fields from the typed values, ``changes`` gives them
    back as text (the way ``settings set`` takes it), ``check`` adds rules
    between fields once every value parses. Text fields made with
    :meth:`add_text` are loaded, collected and checked without more code.
    A tab sets its name in the UI language as its window title.
    """

    def __init__(self, services: AppServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.services = services
        self.form = QFormLayout(self)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.edits: dict[str, QLineEdit] = {}
        self.messages: dict[str, FieldMessage] = {}

    def add_text(self, code: str, label: str, hint: str = "") -> QLineEdit:
        """A text field for the setting ``code``; ``hint`` (translated, as
        ``label``) is its tool tip. The settings' own descriptions are the
        command line's English and never shown here."""
        edit = QLineEdit()
        edit.setObjectName(code)
        edit.setMinimumWidth(FIELD_MIN_WIDTH)
        edit.setToolTip(hint)
        edit.textChanged.connect(self._edited)
        self.add_field(code, label, edit)
        self.edits[code] = edit
        return edit

    def add_field(self, code: str, label: str, field: QWidget) -> FieldMessage:
        """``field`` in a row of the form, with its message under it."""
        message = FieldMessage()
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(1)
        column.addWidget(field)
        column.addWidget(message)
        caption = QLabel(label)
        # The caption stays beside the field, not in the middle of field and message.
        caption.setFixedHeight(field.sizeHint().height())
        caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        caption.setBuddy(field)
        self.form.addRow(caption, box)
        self.messages[code] = message
        return message

    @Slot()
    def _edited(self) -> None:
        edit = self.sender()
        if isinstance(edit, QLineEdit) and edit.objectName() in self.messages:
            self.messages[edit.objectName()].clear()
            self.field_edited(edit.objectName())

    def field_edited(self, code: str) -> None:
        """A field changed and its message was cleared; a tab may warn here."""

    def load(self, values: dict[str, Any]) -> None:
        for code, edit in self.edits.items():
            edit.setText(SETTINGS[code].format(values[code]))

    def changes(self) -> dict[str, str]:
        return {code: edit.text() for code, edit in self.edits.items()}

    def check(self, parsed: dict[str, Any]) -> bool:
        """Rules between fields, once every value parses; False after showing why."""
        return True

    def show_problem(self, code: str, text: str) -> bool:
        """Show ``text`` next to the field of ``code``; False if it is not on this tab."""
        message = self.messages.get(code)
        if message is None:
            return False
        message.show_error(text)
        return True

    def has_errors(self) -> bool:
        return any(m.kind == "error" for m in self.messages.values())

    def add_test_row(self, button: QPushButton, result: FieldMessage) -> None:
        """A *Test connection* button at the start of a row, its result under it."""
        row = QWidget()
        buttons = QHBoxLayout(row)
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(button)
        buttons.addStretch(1)
        self.form.addRow("", row)
        self.form.addRow("", result)


def choose(combo: QComboBox, value: object) -> None:
    """Select the item whose data is ``value`` (the first one if none is)."""
    combo.setCurrentIndex(max(combo.findData(value), 0))
