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

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from mailapp.models import MailingKind, MailingState, Refused, Response
from mailapp.models.campaigns import (
    DEFAULT_INTERVAL_SECONDS,
    MAX_INTERVAL_SECONDS,
    MIN_INTERVAL_SECONDS,
    MIN_WAIT_SECONDS,
    CampaignState,
    StepKind,
)
from mailapp.services import campaigns, mailings
from mailapp.services import folders as folder_service
from mailapp.services.campaigns import CampaignInfo, CampaignInput, StepInput, TransitionInput
from mailapp.services.folders import FolderInfo
from mailapp.services.mailings import MailingInfo
from mailapp.ui.campaigns.diagram import CampaignDiagram
from mailapp.ui.campaigns.flow_model import (
    StepSketch,
    TransitionSketch,
    duration_text,
    flow_from_steps,
)
from mailapp.ui.campaigns.flow_problems import flow_message, form_problem
from mailapp.ui.campaigns.flow_rows import EXIT, StepRow, TransitionRow, fill_targets
from mailapp.ui.common import labels
from mailapp.ui.common.lazy_model import alive
from mailapp.ui.common.tasks import error_text

if TYPE_CHECKING:
    from mailapp.ui.services import AppServices

ERROR_STYLE = "color: #c0392b;"


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
        self.folder.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.folder.setMinimumContentsLength(16)
        self.reentry.setObjectName("campaignReentry")
        self.form = QFormLayout()
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        #: The caption of each field, by the field's object name.
        self.captions: dict[str, QLabel] = {}
        for field in (self.name, self.folder, self.reentry, self.interval):
            caption = QLabel()
            caption.setBuddy(field)
            self.captions[field.objectName()] = caption
            self.form.addRow(caption, field)

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
        # The form scrolls down, never sideways: its rows fit the pane's width.
        scroll = QScrollArea()
        scroll.setObjectName("campaignForm")
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(form_page)
        self.scroll = scroll

        self.diagram = CampaignDiagram()
        splitter = QSplitter()
        splitter.addWidget(scroll)
        splitter.addWidget(self.diagram)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
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
        captions = {
            "campaignName": self.tr("Name:"),
            "campaignFolder": self.tr("Participants from folder:"),
            "campaignReentry": self.tr("Re-entry:"),
            "campaignInterval": self.tr("Run every:"),
        }
        for name, text in captions.items():
            self.captions[name].setText(text)
        self.reentry.setText(self.tr("A contact that left the flow can enter again"))
        self.reentry.setToolTip(
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
            lambda: folder_service.list_folders(ctx),
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
                fill_targets(row.mailing, items, keep)  # type: ignore[arg-type]
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
                fill_targets(row.next_step, targets, keep)
                row.setProperty("wanted_next", None)
        email_titles = [
            (t, r.key)
            for (t, _), r in zip(titles, self.step_rows, strict=True)
            if r.kind is StepKind.EMAIL
        ]
        for transition in self.transition_rows:
            wanted_from = transition.property("wanted_from")
            keep_from = transition.from_step.currentData() if wanted_from is None else wanted_from
            fill_targets(transition.from_step, email_titles, keep_from)
            wanted_to = transition.property("wanted_to")
            keep_to = transition.to_step.currentData() if wanted_to is None else wanted_to
            fill_targets(transition.to_step, [*titles, (exit_text, EXIT)], keep_to)
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
        return form_problem(self.campaign_input(), list(self._mailings.values()))

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
