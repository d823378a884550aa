"""The rows of the campaign editor's form: a step (an email or a wait) and a
transition (from an email step, by the recipient's final response, to a step
or the exit), with the multi-select of responses they use.

Their texts live in the ``campaign_editor`` translation context, shared with
the editor.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal, Slot
from PySide6.QtGui import QMouseEvent, QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidget,
)

from mailapp.models import Response
from mailapp.models.campaigns import FINAL_RESPONSES, StepKind
from mailapp.ui.campaigns.flow_model import response_names
from mailapp.ui.common import labels

#: Item data of a target combo: the key of a step row, or EXIT.
EXIT = -1
#: Wait units offered, seconds.
UNITS = (1, 60, 3600, 86_400)
#: The response picker's natural width; it grows with the row.
PICKER_WIDTH = 200


class StickyMenu(QMenu):
    """A menu of check boxes that stays open while they are ticked."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)


class ResponsePicker(QToolButton):
    """A multi-select of final responses by their translated names."""

    #: () the chosen responses changed.
    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = StickyMenu(self)
        self.actions_by_response = {}
        for response in Response:
            if response not in FINAL_RESPONSES:
                continue
            action = menu.addAction(labels.response_name(response))
            action.setCheckable(True)
            action.toggled.connect(self._toggled)
            self.actions_by_response[response] = action
        self.setMenu(menu)
        self._update_text()

    def responses(self) -> frozenset[Response]:
        return frozenset(r for r, a in self.actions_by_response.items() if a.isChecked())

    def set_responses(self, responses: frozenset[Response] | set[Response]) -> None:
        for response, action in self.actions_by_response.items():
            action.blockSignals(True)
            action.setChecked(response in responses)
            action.blockSignals(False)
        self._update_text()
        self.changed.emit()

    @Slot(bool)
    def _toggled(self, _checked: bool) -> None:
        self._update_text()
        self.changed.emit()

    def _update_text(self) -> None:
        names = response_names(self.responses())
        text = (
            ", ".join(names)
            if names
            else QCoreApplication.translate("campaign_editor", "Choose responses…")
        )
        room = max(60, self.width() - 30)  # the menu arrow's room
        self.setText(self.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, room))
        self.setToolTip("\n".join(names) if names else text)

    def sizeHint(self) -> QSize:
        """A fixed width: the text is elided to what the layout gives."""
        return QSize(PICKER_WIDTH, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return QSize(PICKER_WIDTH // 2, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_text()


class StepRow(QFrame):
    """One step: an email step (its trigger mailing) or a wait (how long,
    then where). ``key`` names the row in target combos across reorders."""

    _keys = itertools.count(1)
    #: () anything in the row changed.
    changed = Signal()
    #: (StepRow, int) move by -1 (up) or +1 (down).
    move_requested = Signal(object, int)
    #: (StepRow) remove me.
    remove_requested = Signal(object)

    def __init__(self, kind: StepKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = next(self._keys)
        self.kind = kind
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.number = QLabel()
        self.number.setMinimumWidth(90)
        # A wait takes two lines (how long; then where) so that the row keeps
        # to the form's width.
        layout = QGridLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setVerticalSpacing(3)
        layout.addWidget(self.number, 0, 0)
        self.mailing = _narrow_combo()
        self.mailing.setObjectName("stepMailing")
        self.mailing.setMinimumContentsLength(18)
        self.wait_amount = QSpinBox()
        self.wait_amount.setRange(1, 9999)
        self.wait_unit = QComboBox()
        for size in UNITS:
            self.wait_unit.addItem("", size)
        self.wait_unit.setCurrentIndex(2)
        self.next_step = _narrow_combo()
        self.then_label = QLabel()
        if kind is StepKind.EMAIL:
            layout.addWidget(self.mailing, 0, 1)
            self.mailing.currentIndexChanged.connect(self.changed)
        else:
            how_long = QHBoxLayout()
            how_long.addWidget(self.wait_amount)
            how_long.addWidget(self.wait_unit)
            how_long.addStretch(1)
            layout.addLayout(how_long, 0, 1)
            layout.addWidget(self.then_label, 1, 0, Qt.AlignmentFlag.AlignRight)
            layout.addWidget(self.next_step, 1, 1)
            self.then_label.setBuddy(self.next_step)
            self.wait_amount.valueChanged.connect(self.changed)
            self.wait_unit.currentIndexChanged.connect(self.changed)
            self.next_step.currentIndexChanged.connect(self.changed)
        layout.setColumnStretch(1, 1)
        self.up = QToolButton()
        self.up.setText("↑")
        self.down = QToolButton()
        self.down.setText("↓")
        self.remove = QToolButton()
        self.remove.setText("✕")
        buttons = QHBoxLayout()
        buttons.setSpacing(2)
        for button in (self.up, self.down, self.remove):
            buttons.addWidget(button)
        layout.addLayout(buttons, 0, 2)
        self.up.clicked.connect(lambda: self.move_requested.emit(self, -1))
        self.down.clicked.connect(lambda: self.move_requested.emit(self, 1))
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        units = (
            QCoreApplication.translate("campaign_editor", "seconds"),
            QCoreApplication.translate("campaign_editor", "minutes"),
            QCoreApplication.translate("campaign_editor", "hours"),
            QCoreApplication.translate("campaign_editor", "days"),
        )
        for n, text in enumerate(units):
            self.wait_unit.setItemText(n, text)
        self.then_label.setText(QCoreApplication.translate("campaign_editor", "then"))
        self.up.setToolTip(QCoreApplication.translate("campaign_editor", "Move the step up"))
        self.down.setToolTip(QCoreApplication.translate("campaign_editor", "Move the step down"))
        self.remove.setToolTip(QCoreApplication.translate("campaign_editor", "Remove the step"))

    def set_number(self, index: int) -> None:
        if self.kind is StepKind.EMAIL:
            self.number.setText(
                QCoreApplication.translate("campaign_editor", "{n}. Email:").format(n=index + 1)
            )
        else:
            self.number.setText(
                QCoreApplication.translate("campaign_editor", "{n}. Wait:").format(n=index + 1)
            )

    def mailing_id(self) -> int | None:
        value = self.mailing.currentData()
        return int(value) if value is not None else None

    def wait_seconds(self) -> int:
        return int(self.wait_amount.value()) * int(self.wait_unit.currentData())

    def set_wait_seconds(self, seconds: int) -> None:
        for unit in reversed(UNITS):
            if seconds % unit == 0 and seconds // unit <= self.wait_amount.maximum():
                self.wait_unit.setCurrentIndex(UNITS.index(unit))
                self.wait_amount.setValue(seconds // unit)
                return
        self.wait_unit.setCurrentIndex(0)
        self.wait_amount.setValue(min(seconds, self.wait_amount.maximum()))


class TransitionRow(QFrame):
    """From an email step, when the response is one of those chosen, to a
    step or the exit.

    One line for each of the three, captions in a column: the row keeps to
    the width of the form however long the step names are (they are elided,
    whole in the tooltips).
    """

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.from_step = _narrow_combo()
        self.from_step.setObjectName("transitionFrom")
        self.responses = ResponsePicker()
        self.responses.setObjectName("transitionResponses")
        self.to_step = _narrow_combo()
        self.to_step.setObjectName("transitionTo")
        self.from_label = QLabel()
        self.when_label = QLabel()
        self.to_label = QLabel()
        for label, field in (
            (self.from_label, self.from_step),
            (self.when_label, self.responses),
            (self.to_label, self.to_step),
        ):
            label.setBuddy(field)
        self.remove = QToolButton()
        self.remove.setText("✕")
        layout = QGridLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setVerticalSpacing(3)
        layout.addWidget(self.from_label, 0, 0)
        layout.addWidget(self.from_step, 0, 1)
        layout.addWidget(self.remove, 0, 2)
        layout.addWidget(self.when_label, 1, 0)
        layout.addWidget(self.responses, 1, 1)
        layout.addWidget(self.to_label, 2, 0)
        layout.addWidget(self.to_step, 2, 1)
        layout.setColumnStretch(1, 1)
        self.from_step.currentIndexChanged.connect(self.changed)
        self.to_step.currentIndexChanged.connect(self.changed)
        self.responses.changed.connect(self.changed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.from_label.setText(QCoreApplication.translate("campaign_editor", "From step:"))
        self.when_label.setText(
            QCoreApplication.translate("campaign_editor", "When the response is:")
        )
        self.to_label.setText(QCoreApplication.translate("campaign_editor", "Go to:"))
        self.remove.setToolTip(
            QCoreApplication.translate("campaign_editor", "Remove the transition")
        )


def _narrow_combo() -> QComboBox:
    """A combo whose width follows the form, not its longest item."""
    combo = QComboBox()
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(12)
    return combo


def fill_targets(combo: QComboBox, items: list[tuple[str, int]], keep: object) -> None:
    """Refill a combo of (text, key) keeping the chosen key when it is still there."""
    combo.blockSignals(True)
    combo.clear()
    for text, key in items:
        combo.addItem(text, key)
        combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
    found = combo.findData(keep)
    combo.setCurrentIndex(found if found >= 0 else (0 if combo.count() else -1))
    combo.blockSignals(False)
