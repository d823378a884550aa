"""The campaign editor: the flow in a form beside its diagram.

``CampaignEditor(services, campaign_id, parent)`` edits a draft campaign
(``None`` creates one): its name, the folder its participants come from,
re-entry, the run interval, the steps (an email step hands the participant
to a trigger mailing, a wait step holds it) and the transitions (from an
email step, by the recipient's final response, to a step or the exit).

The form is checked as it changes with the same rules the service applies
(:func:`mailapp.models.campaigns.check_flow`); the first problem is shown
under the form in the UI language and *Save* stays disabled until it is
fixed. The diagram beside the form redraws on every change. Folders and
mailings are read, and the campaign saved, off the GUI thread.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import MailingKind, MailingState, Refused, Response
from mailapp.models.campaigns import (
    DEFAULT_INTERVAL_SECONDS,
    FINAL_RESPONSES,
    MAX_INTERVAL_SECONDS,
    MAX_WAIT_SECONDS,
    MIN_INTERVAL_SECONDS,
    MIN_WAIT_SECONDS,
    CampaignState,
    FlowStep,
    FlowTransition,
    MailingFacts,
    StepKind,
    check_flow,
)
from mailapp.services import campaigns, contacts, mailings
from mailapp.services.campaigns import CampaignInfo, CampaignInput, StepInput, TransitionInput
from mailapp.services.contacts import FolderInfo
from mailapp.services.mailings import MailingInfo
from mailapp.ui.campaigns.diagram import (
    CampaignDiagram,
    StepSketch,
    TransitionSketch,
    duration_text,
    flow_from_steps,
    response_names,
)
from mailapp.ui.common import labels
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

ERROR_STYLE = "color: #c0392b;"
#: Item data of a target combo: the key of a step row, or EXIT.
EXIT = -1
#: Wait units offered, seconds.
UNITS = (1, 60, 3600, 86_400)


def flow_message(exc: Refused) -> str:
    """A campaign refusal in the UI language when its code is known, else its text."""
    state = exc.params.get("state")
    state_text = (
        labels.campaign_state_name(CampaignState(state)) if state in set(CampaignState) else ""
    )
    response = exc.params.get("response")
    response_text = labels.response_name(Response(response)) if response in set(Response) else ""
    known = {
        "campaign_no_source": QCoreApplication.translate(
            "campaign_editor",
            "The campaign has no audience source: choose the folder its participants come from.",
        ),
        "campaign_no_steps": QCoreApplication.translate(
            "campaign_editor", "The flow has no steps: add an email step."
        ),
        "folder_unknown": QCoreApplication.translate(
            "campaign_editor", "The folder “{folder}” no longer exists."
        ),
        "campaign_interval": QCoreApplication.translate(
            "campaign_editor", "The run interval must be between {low} and {high} seconds."
        ),
        "step_mailing_unknown": QCoreApplication.translate(
            "campaign_editor", "A mailing of the flow no longer exists."
        ),
        "step_bulk_mailing": QCoreApplication.translate(
            "campaign_editor", "An email step needs a trigger mailing, not a bulk mailing."
        ),
        "step_mailing_completed": QCoreApplication.translate(
            "campaign_editor", "A mailing of the flow is completed and takes no new recipients."
        ),
        "step_no_mailing": QCoreApplication.translate(
            "campaign_editor", "An email step has no mailing."
        ),
        "transition_conflict": QCoreApplication.translate(
            "campaign_editor",
            "The response “{response}” of one email step leads to two different places.",
        ),
        "flow_loop_without_wait": QCoreApplication.translate(
            "campaign_editor",
            "The flow loops without a wait: an email would follow an email with no "
            "pause. Add a wait step to the loop.",
        ),
        "campaign_edit_state": QCoreApplication.translate(
            "campaign_editor", "Only a draft campaign can change its flow; this one is “{state}”."
        ),
        "campaign_running": QCoreApplication.translate(
            "campaign_editor", "The campaign is already running."
        ),
        "campaign_final": QCoreApplication.translate(
            "campaign_editor", "The campaign is “{state}” and can never be started again."
        ),
        "campaign_stopping": QCoreApplication.translate(
            "campaign_editor",
            "The campaign is already stopping; stop it at once to let the remaining "
            "participants leave the flow now.",
        ),
        "campaign_draft": QCoreApplication.translate(
            "campaign_editor", "The campaign has not been started."
        ),
        "campaign_not_found": QCoreApplication.translate(
            "campaign_editor", "The campaign no longer exists."
        ),
    }
    template = known.get(exc.code)
    if template is None:
        return exc.message
    return template.format(
        state=state_text,
        response=response_text,
        folder=exc.params.get("folder", ""),
        low=MIN_INTERVAL_SECONDS,
        high=MAX_INTERVAL_SECONDS,
    )


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


def _fill_targets(combo: QComboBox, items: list[tuple[str, int]], keep: object) -> None:
    """Refill a combo of (text, key) keeping the chosen key when it is still there."""
    combo.blockSignals(True)
    combo.clear()
    for text, key in items:
        combo.addItem(text, key)
        combo.setItemData(combo.count() - 1, text, Qt.ItemDataRole.ToolTipRole)
    found = combo.findData(keep)
    combo.setCurrentIndex(found if found >= 0 else (0 if combo.count() else -1))
    combo.blockSignals(False)


class CampaignEditor(QDialog):
    #: (int) the campaign was saved; its id.
    saved = Signal(int)

    def __init__(
        self, services: AppServices, campaign_id: int | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.campaign_id = campaign_id
        self.info: CampaignInfo | None = None
        self.loaded = campaign_id is None
        self.folders_loaded = False
        self.mailings_loaded = False
        self._mailings: dict[int, MailingInfo] = {}
        self._folder_wanted: str | None = None
        self.step_rows: list[StepRow] = []
        self.transition_rows: list[TransitionRow] = []
        self.problem = ""
        self.setObjectName("campaignEditor")
        self.resize(1280, 720)

        self.name = QLineEdit()
        self.name.setObjectName("campaignName")
        self.folder = QComboBox()
        self.folder.setObjectName("campaignFolder")
        self.reentry = QCheckBox()
        self.interval = QSpinBox()
        self.interval.setObjectName("campaignInterval")
        self.interval.setRange(MIN_INTERVAL_SECONDS, MAX_INTERVAL_SECONDS)
        self.interval.setValue(DEFAULT_INTERVAL_SECONDS)
        self.form = QFormLayout()
        self.form.addRow("", self.name)
        self.form.addRow("", self.folder)
        self.form.addRow("", self.reentry)
        self.form.addRow("", self.interval)

        self.steps_box = QGroupBox()
        self.steps_layout = QVBoxLayout()
        self.steps_layout.setSpacing(4)
        self.add_email_button = QPushButton()
        self.add_wait_button = QPushButton()
        self.add_email_button.clicked.connect(lambda: self.add_step(StepKind.EMAIL))
        self.add_wait_button.clicked.connect(lambda: self.add_step(StepKind.WAIT))
        step_buttons = QHBoxLayout()
        step_buttons.addWidget(self.add_email_button)
        step_buttons.addWidget(self.add_wait_button)
        step_buttons.addStretch(1)
        steps_outer = QVBoxLayout(self.steps_box)
        steps_outer.addLayout(self.steps_layout)
        steps_outer.addLayout(step_buttons)

        self.transitions_box = QGroupBox()
        self.transitions_layout = QVBoxLayout()
        self.transitions_layout.setSpacing(4)
        self.add_transition_button = QPushButton()
        self.add_transition_button.clicked.connect(lambda: self.add_transition())
        self.transitions_note = QLabel()
        self.transitions_note.setWordWrap(True)
        self.transitions_note.setStyleSheet("color: #57606a;")
        transition_buttons = QHBoxLayout()
        transition_buttons.addWidget(self.add_transition_button)
        transition_buttons.addStretch(1)
        transitions_outer = QVBoxLayout(self.transitions_box)
        transitions_outer.addWidget(self.transitions_note)
        transitions_outer.addLayout(self.transitions_layout)
        transitions_outer.addLayout(transition_buttons)

        form_page = QWidget()
        form_column = QVBoxLayout(form_page)
        form_column.addLayout(self.form)
        form_column.addWidget(self.steps_box)
        form_column.addWidget(self.transitions_box)
        form_column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_page)

        self.diagram = CampaignDiagram()
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(self.diagram)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([720, 520])

        self.error = QLabel()
        self.error.setObjectName("flowError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        # Redraw the diagram and re-check at most once per event-loop turn.
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self._recheck)
        self.name.textChanged.connect(self._changed)
        self.folder.currentIndexChanged.connect(self._changed)
        self.interval.valueChanged.connect(self._changed)
        self.reentry.toggled.connect(self._changed)

        self.retranslate_ui()
        self._load()

    # -- texts ---------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        if self.campaign_id is None:
            self.setWindowTitle(self.tr("New campaign"))
        else:
            self.setWindowTitle(self.tr("Campaign: {name}").format(name=self.name.text()))
        rows = (
            self.tr("Name:"),
            self.tr("Participants from folder:"),
            self.tr("Re-entry:"),
            self.tr("Run every:"),
        )
        for n, text in enumerate(rows):
            label = self.form.itemAt(n, QFormLayout.ItemRole.LabelRole)
            if label is not None and isinstance(label.widget(), QLabel):
                label.widget().setText(text)  # type: ignore[union-attr]
        self.reentry.setText(
            self.tr("A contact that has left the flow enters again when added to the folder again")
        )
        self.interval.setSuffix(self.tr(" s"))
        self.steps_box.setTitle(self.tr("Steps (participants enter at step 1)"))
        self.add_email_button.setText(self.tr("Add email step"))
        self.add_wait_button.setText(self.tr("Add wait step"))
        self.transitions_box.setTitle(self.tr("Transitions"))
        self.transitions_note.setText(
            self.tr(
                "When the recipient's response to an email step is final, the first "
                "transition naming it leads on; any other response leaves the flow."
            )
        )
        self.add_transition_button.setText(self.tr("Add transition"))
        self.diagram.set_placeholder(self.tr("Add steps to see the flow."))
        for row in self.step_rows:
            row.retranslate_ui()
        for row in self.transition_rows:
            row.retranslate_ui()
        self._refresh_rows()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- loading -------------------------------------------------------------------

    def _load(self) -> None:
        ctx, campaign_id, tasks = self._services.ctx, self.campaign_id, self._services.tasks
        tasks.run(
            lambda: contacts.list_folders(ctx),
            on_success=self._folders_loaded,
            on_failure=self._load_failed,
        )
        tasks.run(
            lambda: mailings.list_all(ctx),
            on_success=self._mailings_loaded,
            on_failure=self._load_failed,
        )
        if campaign_id is not None:
            tasks.run(
                lambda: campaigns.get_campaign(ctx, campaign_id),
                on_success=self._campaign_loaded,
                on_failure=self._load_failed,
            )
        self._changed()

    @property
    def ready(self) -> bool:
        return self.loaded and self.folders_loaded and self.mailings_loaded

    def _folders_loaded(self, folders: list[FolderInfo]) -> None:
        if not alive(self):
            return
        keep = self.folder.currentData() or self._folder_wanted
        self.folder.blockSignals(True)
        self.folder.clear()
        self.folder.addItem(self.tr("Choose a folder…"), None)
        for folder in folders:
            self.folder.addItem(
                self.tr("{name} (%n contact(s))", "", folder.contacts).format(name=folder.name),
                folder.name,
            )
        found = self.folder.findData(keep) if keep else -1
        if keep and found < 0:  # the folder was deleted: say so
            self.folder.addItem(keep, keep)
            found = self.folder.count() - 1
        self.folder.setCurrentIndex(max(found, 0))
        self.folder.blockSignals(False)
        self.folders_loaded = True
        self._changed()

    def _mailings_loaded(self, rows: list[MailingInfo]) -> None:
        if not alive(self):
            return
        self._mailings = {m.id: m for m in rows if m.kind is MailingKind.TRIGGER}
        self.mailings_loaded = True
        self._refresh_rows()
        self._changed()

    def _campaign_loaded(self, info: CampaignInfo) -> None:
        if not alive(self):
            return
        self.info = info
        self.name.setText(info.name)
        self.reentry.setChecked(info.reentry)
        self.interval.setValue(info.interval_seconds)
        self._folder_wanted = info.folder
        if info.folder is not None:
            found = self.folder.findData(info.folder)
            if found >= 0:
                self.folder.setCurrentIndex(found)
        index = {step.id: n for n, step in enumerate(info.steps)}
        rows = [self.add_step(step.kind) for step in info.steps]
        for row, step in zip(rows, info.steps, strict=True):
            if step.kind is StepKind.EMAIL:
                row.setProperty("wanted_mailing", step.mailing_id)
            else:
                row.set_wait_seconds(step.wait_seconds or MIN_WAIT_SECONDS)
                target = index.get(step.next_step_id) if step.next_step_id else None
                row.setProperty("wanted_next", rows[target].key if target is not None else EXIT)
        for transition in info.transitions:
            to_key = EXIT
            if transition.to_step_id is not None and transition.to_step_id in index:
                to_key = rows[index[transition.to_step_id]].key
            self.add_transition(
                rows[index[transition.from_step_id]].key,
                frozenset(transition.responses),
                to_key,
            )
        self.loaded = True
        if info.state is not CampaignState.DRAFT:
            self.save_button.hide()
            self.error.setText(
                self.tr("Only a draft campaign can change its flow; this one is “{state}”.").format(
                    state=labels.campaign_state_name(info.state)
                )
            )
        self.retranslate_ui()
        self._changed()

    def _load_failed(self, exc: BaseException) -> None:
        if alive(self):
            self.error.setText(
                self.tr("Cannot load the campaign: {error}").format(error=error_text(exc))
            )

    # -- rows ------------------------------------------------------------------------

    def add_step(self, kind: StepKind) -> StepRow:
        row = StepRow(kind)
        row.changed.connect(self._step_changed)
        row.move_requested.connect(self._move_step)
        row.remove_requested.connect(self._remove_step)
        self.step_rows.append(row)
        self.steps_layout.addWidget(row)
        if kind is StepKind.WAIT:
            row.setProperty("wanted_next", None)
        self._refresh_rows()
        self._changed()
        return row

    def add_transition(
        self,
        from_key: int | None = None,
        responses: frozenset[Response] = frozenset(),
        to_key: int | None = None,
    ) -> TransitionRow:
        row = TransitionRow()
        row.changed.connect(self._changed)
        row.remove_requested.connect(self._remove_transition)
        row.setProperty("wanted_from", from_key)
        row.setProperty("wanted_to", to_key if to_key is not None else EXIT)
        self.transition_rows.append(row)
        self.transitions_layout.addWidget(row)
        self._refresh_rows()
        row.responses.set_responses(responses)
        self._changed()
        return row

    @Slot(object, int)
    def _move_step(self, row: StepRow, delta: int) -> None:
        at = self.step_rows.index(row)
        to = at + delta
        if not 0 <= to < len(self.step_rows):
            return
        self.step_rows[at], self.step_rows[to] = self.step_rows[to], self.step_rows[at]
        for step in self.step_rows:
            self.steps_layout.removeWidget(step)
        for step in self.step_rows:
            self.steps_layout.addWidget(step)
        self._refresh_rows()
        self._changed()

    @Slot(object)
    def _remove_step(self, row: StepRow) -> None:
        self.step_rows.remove(row)
        self.steps_layout.removeWidget(row)
        row.deleteLater()
        self._refresh_rows()
        self._changed()

    @Slot(object)
    def _remove_transition(self, row: TransitionRow) -> None:
        self.transition_rows.remove(row)
        self.transitions_layout.removeWidget(row)
        row.deleteLater()
        self._changed()

    @Slot()
    def _step_changed(self) -> None:
        self._refresh_rows()
        self._changed()

    def _step_title(self, index: int, row: StepRow) -> str:
        if row.kind is StepKind.EMAIL:
            mailing = self._mailings.get(row.mailing_id() or -1)
            name = mailing.name if mailing else self.tr("(no mailing chosen)")
            return self.tr("{n}. Email: {name}").format(n=index + 1, name=name)
        return self.tr("{n}. Wait {duration}").format(
            n=index + 1, duration=duration_text(row.wait_seconds())
        )

    def _refresh_rows(self) -> None:
        """Numbers and the target combos after any change of the steps."""
        trigger = sorted(self._mailings.values(), key=lambda m: m.name.casefold())
        for index, row in enumerate(self.step_rows):
            row.set_number(index)
            row.up.setEnabled(index > 0)
            row.down.setEnabled(index < len(self.step_rows) - 1)
            if row.kind is StepKind.EMAIL and self.mailings_loaded:
                wanted = row.property("wanted_mailing")
                keep = row.mailing_id() if wanted is None else wanted
                items = [(self.tr("Choose a trigger mailing…"), None)]
                for m in trigger:
                    if m.state is MailingState.COMPLETED and m.id != keep:
                        continue
                    items.append(
                        (
                            self.tr("{name} — {state}").format(
                                name=m.name, state=labels.state_name(m.state)
                            ),
                            m.id,
                        )
                    )
                _fill_targets(row.mailing, items, keep)  # type: ignore[arg-type]
                row.setProperty("wanted_mailing", None)
        exit_text = self.tr("Exit (leave the flow)")
        titles = [(self._step_title(n, r), r.key) for n, r in enumerate(self.step_rows)]
        for row in self.step_rows:
            if row.kind is StepKind.WAIT:
                wanted = row.property("wanted_next")
                keep = row.next_step.currentData() if wanted is None else wanted
                if keep is None:  # a new wait: on to the step after it
                    at = self.step_rows.index(row)
                    keep = self.step_rows[at + 1].key if at + 1 < len(self.step_rows) else EXIT
                targets = [(t, k) for t, k in titles if k != row.key] + [(exit_text, EXIT)]
                _fill_targets(row.next_step, targets, keep)
                row.setProperty("wanted_next", None)
        email_titles = [
            (t, r.key)
            for (t, _), r in zip(titles, self.step_rows, strict=True)
            if r.kind is StepKind.EMAIL
        ]
        for transition in self.transition_rows:
            wanted_from = transition.property("wanted_from")
            keep_from = transition.from_step.currentData() if wanted_from is None else wanted_from
            _fill_targets(transition.from_step, email_titles, keep_from)
            wanted_to = transition.property("wanted_to")
            keep_to = transition.to_step.currentData() if wanted_to is None else wanted_to
            _fill_targets(transition.to_step, [*titles, (exit_text, EXIT)], keep_to)
            transition.setProperty("wanted_from", None)
            transition.setProperty("wanted_to", None)

    # -- checking --------------------------------------------------------------------

    def _index_of(self, key: object) -> int | None:
        for n, row in enumerate(self.step_rows):
            if row.key == key:
                return n
        return None

    def campaign_input(self) -> CampaignInput:
        steps = []
        for row in self.step_rows:
            if row.kind is StepKind.EMAIL:
                steps.append(StepInput(StepKind.EMAIL, mailing_id=row.mailing_id()))
            else:
                steps.append(
                    StepInput(
                        StepKind.WAIT,
                        wait_seconds=row.wait_seconds(),
                        next_step=self._index_of(row.next_step.currentData()),
                    )
                )
        transitions = []
        for row in self.transition_rows:
            source = self._index_of(row.from_step.currentData())
            transitions.append(
                TransitionInput(
                    from_step=-1 if source is None else source,
                    responses=row.responses.responses(),
                    to_step=self._index_of(row.to_step.currentData()),
                )
            )
        folder = self.folder.currentData()
        return CampaignInput(
            name=self.name.text(),
            folder=str(folder) if folder else None,
            steps=tuple(steps),
            transitions=tuple(transitions),
            reentry=self.reentry.isChecked(),
            interval_seconds=int(self.interval.value()),
        )

    def problems(self) -> str:
        """The first thing wrong with the form, in the UI language; "" if none."""
        data = self.campaign_input()
        if not data.name.strip():
            return self.tr("Give the campaign a name.")
        if not data.folder:
            return self.tr("Choose the folder the participants come from.")
        if not data.steps:
            return self.tr("The flow has no steps: add an email step.")
        for n, step in enumerate(data.steps):
            if step.kind is StepKind.EMAIL and step.mailing_id is None:
                return self.tr("Step {n}: choose the trigger mailing.").format(n=n + 1)
            if step.kind is StepKind.WAIT and not (
                MIN_WAIT_SECONDS <= (step.wait_seconds or 0) <= MAX_WAIT_SECONDS
            ):
                return self.tr("Step {n}: a wait lasts from 1 second to 366 days.").format(n=n + 1)
        for n, transition in enumerate(data.transitions):
            if transition.from_step < 0:
                return self.tr("Transition {n}: choose the email step it starts from.").format(
                    n=n + 1
                )
            if not transition.responses:
                return self.tr("Transition {n}: choose at least one response.").format(n=n + 1)
        seen: dict[tuple[int, Response], int | None] = {}
        for n, transition in enumerate(data.transitions):
            for response in transition.responses:
                key = (transition.from_step, response)
                if key in seen and seen[key] != transition.to_step:
                    return self.tr(
                        "Transition {n}: the response “{response}” of step {step} already "
                        "leads elsewhere."
                    ).format(
                        n=n + 1,
                        response=labels.response_name(response),
                        step=transition.from_step + 1,
                    )
                seen[key] = transition.to_step
        facts = {
            m.id: MailingFacts(name=m.name, kind=m.kind, state=m.state)
            for m in self._mailings.values()
        }
        try:
            check_flow(
                True,
                [FlowStep(s.kind, s.mailing_id, s.wait_seconds, s.next_step) for s in data.steps],
                [FlowTransition(t.from_step, t.responses, t.to_step) for t in data.transitions],
                facts,
            )
        except Refused as exc:
            return flow_message(exc)
        return ""

    @Slot()
    def _changed(self) -> None:
        self._pending.start()

    @Slot()
    def _recheck(self) -> None:
        self.validate()

    def validate(self) -> bool:
        """Check the form, show the first problem, redraw the diagram."""
        if not alive(self):
            return False
        self.problem = self.problems() if self.ready else ""
        editable = self.info is None or self.info.state is CampaignState.DRAFT
        if editable:
            self.error.setText(self.problem)
        self.save_button.setEnabled(self.ready and editable and not self.problem)
        data = self.campaign_input()
        names = {m.id: m.name for m in self._mailings.values()}
        self.diagram.set_flow(
            flow_from_steps(
                data.folder,
                [
                    StepSketch(s.kind, names.get(s.mailing_id or -1), s.wait_seconds, s.next_step)
                    for s in data.steps
                ],
                [TransitionSketch(t.from_step, t.responses, t.to_step) for t in data.transitions],
            )
            if data.steps
            else None
        )
        return not self.problem

    # -- saving ----------------------------------------------------------------------

    @Slot()
    def save(self) -> None:
        if not self.validate():
            return
        data = self.campaign_input()
        ctx, campaign_id = self._services.ctx, self.campaign_id
        self.save_button.setEnabled(False)

        def write() -> int:
            if campaign_id is None:
                return campaigns.create_campaign(ctx, data)
            campaigns.update_flow(ctx, campaign_id, data)
            return campaign_id

        self._services.tasks.run_write(write, on_success=self._saved, on_failure=self._refused)

    def _saved(self, campaign_id: int) -> None:
        if not alive(self):
            return
        self.campaign_id = campaign_id
        self.saved.emit(campaign_id)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        if not alive(self):
            return
        message = flow_message(exc) if isinstance(exc, Refused) else error_text(exc)
        self.error.setText(message)
        self.save_button.setEnabled(True)
