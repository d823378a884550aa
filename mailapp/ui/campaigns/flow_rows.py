"""The rows of the campaign editor's form: a step (an email or a wait) and a
transition (from an email step, by the recipient's final response, to a step
or the exit), with the multi-select of responses they use.

Their texts live in the ``campaign_editor`` translation context, shared with
the editor.
"""

from __future__ import annotations

import itertools

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSpinBox,
    QToolButton,
    QWidget,
)

from mailapp.models import Response
from mailapp.models.campaigns import FINAL_RESPONSES, StepKind
from mailapp.ui.campaigns.diagram import response_names
from mailapp.ui.common import labels

#: Item data of a target combo: the key of a step row, or EXIT.
EXIT = -1
#: Wait units offered, seconds.
UNITS = (1, 60, 3600, 86_400)


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
        metrics = self.fontMetrics()
        self.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, 260))
        self.setToolTip("\n".join(names) if names else text)


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
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.number)
        self.mailing = QComboBox()
        self.mailing.setObjectName("stepMailing")
        self.mailing.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.mailing.setMinimumContentsLength(18)
        self.wait_amount = QSpinBox()
        self.wait_amount.setRange(1, 9999)
        self.wait_unit = QComboBox()
        for size in UNITS:
            self.wait_unit.addItem("", size)
        self.wait_unit.setCurrentIndex(2)
        self.next_step = QComboBox()
        self.then_label = QLabel()
        if kind is StepKind.EMAIL:
            layout.addWidget(self.mailing, 1)
            self.mailing.currentIndexChanged.connect(self.changed)
        else:
            layout.addWidget(self.wait_amount)
            layout.addWidget(self.wait_unit)
            layout.addWidget(self.then_label)
            layout.addWidget(self.next_step, 1)
            self.wait_amount.valueChanged.connect(self.changed)
            self.wait_unit.currentIndexChanged.connect(self.changed)
            self.next_step.currentIndexChanged.connect(self.changed)
        self.up = QToolButton()
        self.up.setText("↑")
        self.down = QToolButton()
        self.down.setText("↓")
        self.remove = QToolButton()
        self.remove.setText("✕")
        for button in (self.up, self.down, self.remove):
            layout.addWidget(button)
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
    step or the exit."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.from_step = QComboBox()
        self.from_step.setObjectName("transitionFrom")
        self.responses = ResponsePicker()
        self.responses.setObjectName("transitionResponses")
        self.to_step = QComboBox()
        self.to_step.setObjectName("transitionTo")
        self.from_label = QLabel()
        self.when_label = QLabel()
        self.to_label = QLabel()
        self.remove = QToolButton()
        self.remove.setText("✕")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.from_label)
        layout.addWidget(self.from_step, 1)
        layout.addWidget(self.when_label)
        layout.addWidget(self.responses, 2)
        layout.addWidget(self.to_label)
        layout.addWidget(self.to_step, 1)
        layout.addWidget(self.remove)
        self.from_step.currentIndexChanged.connect(self.changed)
        self.to_step.currentIndexChanged.connect(self.changed)
        self.responses.changed.connect(self.changed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.from_label.setText(QCoreApplication.translate("campaign_editor", "From"))
        self.when_label.setText(QCoreApplication.translate("campaign_editor", "when"))
        self.to_label.setText(QCoreApplication.translate("campaign_editor", "go to"))
        self.remove.setToolTip(
            QCoreApplication.translate("campaign_editor", "Remove the transition")
        )


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
