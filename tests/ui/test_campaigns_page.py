"""The Campaigns page, its flow editor and its diagram, over a real SQLite
database and the real services (no engine: runs are driven by hand)."""

from __future__ import annotations

import pytest
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QLabel

from mailapp.models import MailingKind, MailingState, Response
from mailapp.models.campaigns import CampaignState, StepKind
from mailapp.services import campaign_runs, campaigns, folders, lifecycle, mailings, stops
from mailapp.services import settings as settings_service
from mailapp.services.campaigns import CampaignInput, StepInput, TransitionInput
from mailapp.services.context import AppContext
from mailapp.ui.campaigns.commands import StartCampaignDialog, StopCampaignDialog
from mailapp.ui.campaigns.diagram import CampaignDiagram
from mailapp.ui.campaigns.editor import CampaignEditor
from mailapp.ui.campaigns.flow_model import EXIT_KEY, SOURCE_KEY
from mailapp.ui.campaigns.flow_rows import StepRow
from mailapp.ui.campaigns.page import CampaignsPage
from mailapp.ui.campaigns.table import CampaignColumn
from mailapp.ui.mailings.editor import MailingEditor
from tests.support.data import add_contacts, make_mailing

FOLDER = "New customers"
LONG_NAME = "Welcome — the first letter of the onboarding series for new customers " * 2


def trigger(ctx: AppContext, name: str) -> int:
    return make_mailing(ctx, kind=MailingKind.TRIGGER, name=name)


def stopped_trigger(ctx: AppContext, name: str) -> int:
    """A trigger mailing taken through start and stop by the services."""
    mailing_id = trigger(ctx, name)
    settings_service.set_value(ctx, "MandrillMailingDelayInSeconds", "0")
    lifecycle.start(ctx, mailing_id)
    lifecycle.promote_waiting(ctx)
    stops.stop(ctx, mailing_id)
    lifecycle.finish_stopping(ctx)
    assert mailings.get(ctx, mailing_id).state is MailingState.STOPPED
    return mailing_id


@pytest.fixture
def flow_data(ctx: AppContext) -> dict[str, int]:
    add_contacts(ctx, ["ann@example.com", "bob@example.com", "cat@example.com"], folder=FOLDER)
    return {"a": trigger(ctx, LONG_NAME), "b": trigger(ctx, "Second chance")}


@pytest.fixture
def page(qtbot, services) -> CampaignsPage:  # type: ignore[no-untyped-def]
    widget = CampaignsPage(services)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitUntil(lambda: not widget.loader.busy)
    return widget


def open_editor(qtbot, page: CampaignsPage, edit: bool = False) -> CampaignEditor:  # type: ignore[no-untyped-def]
    editor = page.edit_campaign() if edit else page.new_campaign()
    assert editor is not None
    qtbot.waitUntil(lambda: editor.ready)
    qtbot.waitUntil(lambda: not editor._pending.isActive())
    return editor


def settle(qtbot, editor: CampaignEditor) -> str:  # type: ignore[no-untyped-def]
    """Let the form's check run; the inline message."""
    qtbot.waitUntil(lambda: not editor._pending.isActive())
    return editor.error.text()


def choose(combo, data: object) -> None:  # type: ignore[no-untyped-def]
    index = combo.findData(data)
    assert index >= 0, (data, [combo.itemData(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)


def welcome_input(a: int, b: int, **kwargs: object) -> CampaignInput:
    options: dict[str, object] = {
        "name": "Welcome",
        "folder": FOLDER,
        "steps": (StepInput(StepKind.EMAIL, mailing_id=a), StepInput(StepKind.EMAIL, mailing_id=b)),
        "transitions": (TransitionInput(0, frozenset({Response.STOPPED_MANUALLY}), 1),),
        "interval_seconds": 1,
    }
    options.update(kwargs)
    return CampaignInput(**options)  # type: ignore[arg-type]


# --- the editor -------------------------------------------------------------------


def test_the_editor_explains_each_problem_saves_nothing_then_creates_the_campaign(
    qtbot, page, services, flow_data
) -> None:  # type: ignore[no-untyped-def]
    ctx = services.ctx
    a, b = flow_data["a"], flow_data["b"]
    editor = open_editor(qtbot, page)
    save = editor.save_button

    assert settle(qtbot, editor) == "Give the campaign a name."
    assert not save.isEnabled()
    editor.name.setText("Welcome")
    assert settle(qtbot, editor) == "Choose the folder the participants come from."
    choose(editor.folder, FOLDER)
    assert settle(qtbot, editor) == "The flow has no steps: add an email step."
    assert editor.diagram.flow is None

    first = editor.add_step(StepKind.EMAIL)
    assert settle(qtbot, editor) == "Step 1: choose the trigger mailing."
    # Only trigger mailings are offered, by name and state.
    offered = [first.mailing.itemData(i) for i in range(first.mailing.count())]
    assert offered == [None, b, a]  # "Choose…", then by name
    assert "Draft" in first.mailing.itemText(first.mailing.findData(a))
    choose(first.mailing, a)
    assert settle(qtbot, editor) == ""
    assert save.isEnabled()

    second = editor.add_step(StepKind.EMAIL)
    choose(second.mailing, b)
    transition = editor.add_transition()
    assert settle(qtbot, editor) == "Transition 1: choose at least one response."
    assert not save.isEnabled()
    editor.save()  # refused by the form: nothing is written
    qtbot.wait(100)
    assert campaigns.list_campaigns(ctx) == []

    transition.responses.set_responses({Response.STOPPED_MANUALLY})
    choose(transition.from_step, first.key)
    choose(transition.to_step, second.key)
    assert settle(qtbot, editor) == ""
    assert transition.responses.text() == "Stopped (manually)"

    # A loop of emails without a wait is refused with the rule's reason.
    loop = editor.add_transition(second.key, frozenset({Response.SENT}), first.key)
    message = settle(qtbot, editor)
    assert message.startswith("The flow loops without a wait")
    assert not save.isEnabled()
    loop.remove.click()
    assert settle(qtbot, editor) == ""

    # A wait out of range.
    wait = editor.add_step(StepKind.WAIT)
    wait.wait_unit.setCurrentIndex(3)  # days
    wait.wait_amount.setValue(400)
    assert settle(qtbot, editor) == "Step 3: a wait lasts from 1 second to 366 days."
    wait.remove.click()
    assert settle(qtbot, editor) == ""

    # The diagram beside the form follows it.
    assert set(editor.diagram.nodes) == {SOURCE_KEY, "step:0", "step:1", EXIT_KEY}
    assert "Stopped (manually)" in editor.diagram.edge_labels()

    with qtbot.waitSignal(editor.saved, timeout=5000) as saved:
        save.click()
    campaign_id = saved.args[0]
    info = campaigns.get_campaign(ctx, campaign_id)
    assert (info.name, info.folder, info.state) == ("Welcome", FOLDER, CampaignState.DRAFT)
    assert [s.mailing_id for s in info.steps] == [a, b]
    assert [(t.responses, t.to_step_id) for t in info.transitions] == [
        ((Response.STOPPED_MANUALLY,), info.steps[1].id)
    ]
    # The list shows it, selected, with its state badge.
    qtbot.waitUntil(lambda: page.selected() is not None and page.selected().id == campaign_id)
    assert page.model.index(0, CampaignColumn.STATE).data() == "Draft"


def test_a_refusal_of_the_service_is_shown_inline_and_nothing_is_saved(
    qtbot, page, services, flow_data
) -> None:  # type: ignore[no-untyped-def]
    ctx = services.ctx
    editor = open_editor(qtbot, page)
    editor.name.setText("Welcome")
    choose(editor.folder, FOLDER)
    step = editor.add_step(StepKind.EMAIL)
    choose(step.mailing, flow_data["a"])
    assert settle(qtbot, editor) == ""
    folders.delete_folder(ctx, FOLDER)  # meanwhile, elsewhere
    editor.save_button.click()
    qtbot.waitUntil(lambda: "no longer exists" in editor.error.text())
    assert editor.error.text() == f"The folder “{FOLDER}” no longer exists."
    assert editor.isVisible()
    assert campaigns.list_campaigns(ctx) == []


def test_a_draft_opens_in_the_editor_as_it_was_saved(qtbot, page, services, flow_data) -> None:  # type: ignore[no-untyped-def]
    ctx = services.ctx
    a, b = flow_data["a"], flow_data["b"]
    campaign_id = campaigns.create_campaign(
        ctx,
        welcome_input(
            a,
            b,
            steps=(
                StepInput(StepKind.EMAIL, mailing_id=a),
                StepInput(StepKind.WAIT, wait_seconds=7200, next_step=2),
                StepInput(StepKind.EMAIL, mailing_id=b),
            ),
            transitions=(
                TransitionInput(0, frozenset({Response.STOPPED_MANUALLY}), 1),
                TransitionInput(0, frozenset({Response.HARD_BOUNCE}), None),
            ),
            reentry=True,
            interval_seconds=30,
        ),
    )
    qtbot.waitUntil(lambda: page.select_campaign(campaign_id))
    editor = open_editor(qtbot, page, edit=True)
    qtbot.waitUntil(lambda: len(editor.step_rows) == 3)
    assert settle(qtbot, editor) == ""
    assert editor.campaign_input() == campaigns_input_of(ctx, campaign_id)
    rows: list[StepRow] = editor.step_rows
    assert rows[1].wait_amount.value() == 2 and rows[1].wait_unit.currentData() == 3600
    # Saving unchanged keeps the flow.
    with qtbot.waitSignal(editor.saved, timeout=5000):
        editor.save_button.click()
    assert campaigns_input_of(ctx, campaign_id) == editor.campaign_input()


def campaigns_input_of(ctx: AppContext, campaign_id: int) -> CampaignInput:
    info = campaigns.get_campaign(ctx, campaign_id)
    index = {s.id: n for n, s in enumerate(info.steps)}
    return CampaignInput(
        name=info.name,
        folder=info.folder,
        steps=tuple(
            StepInput(
                s.kind,
                mailing_id=s.mailing_id,
                wait_seconds=s.wait_seconds,
                next_step=index.get(s.next_step_id) if s.next_step_id else None,
            )
            for s in info.steps
        ),
        transitions=tuple(
            TransitionInput(
                index[t.from_step_id],
                frozenset(t.responses),
                index[t.to_step_id] if t.to_step_id else None,
            )
            for t in info.transitions
        ),
        reentry=info.reentry,
        interval_seconds=info.interval_seconds,
    )


# --- start and stop ------------------------------------------------------------------


def open_dialog(qtbot, page: CampaignsPage, button):  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(page.commands.dialog_opened, timeout=5000) as blocker:
        button.click()
    dialog = blocker.args[0]
    assert dialog.isVisible()
    assert dialog.defaultButton() is dialog.cancel_button
    return dialog


def state_in_list(page: CampaignsPage, campaign_id: int) -> CampaignState | None:
    info = page.model.find(campaign_id)
    return info.state if info else None


def test_start_and_stop_ask_first_and_cancel_changes_nothing(
    qtbot, page, services, flow_data
) -> None:  # type: ignore[no-untyped-def]
    ctx = services.ctx
    campaign_id = campaigns.create_campaign(ctx, welcome_input(flow_data["a"], flow_data["b"]))
    qtbot.waitUntil(lambda: page.select_campaign(campaign_id))
    assert page.start_button.isEnabled() and not page.stop_button.isEnabled()

    dialog = open_dialog(qtbot, page, page.start_button)
    assert isinstance(dialog, StartCampaignDialog)
    assert dialog.action_button.text() == "Start campaign"
    assert f"folder “{FOLDER}”" in dialog.informativeText()
    assert "The folder holds 3 contacts now." in dialog.informativeText()
    assert "Not active yet" in dialog.informativeText()  # both mailings are drafts
    with qtbot.waitSignal(page.commands.cancelled, timeout=3000):
        dialog.cancel_button.click()
    assert campaigns.get_campaign(ctx, campaign_id).state is CampaignState.DRAFT

    dialog = open_dialog(qtbot, page, page.start_button)
    with qtbot.waitSignal(page.commands.done, timeout=5000):
        dialog.action_button.click()
    assert campaigns.get_campaign(ctx, campaign_id).state is CampaignState.RUNNING
    qtbot.waitUntil(lambda: state_in_list(page, campaign_id) is CampaignState.RUNNING)
    assert page.model.index(0, CampaignColumn.STATE).data() == "Running"
    assert page.stop_button.isEnabled() and not page.start_button.isEnabled()
    assert not page.edit_button.isEnabled() and not page.delete_button.isEnabled()

    campaign_runs.run_campaign(ctx, campaign_id, force=True)
    dialog = open_dialog(qtbot, page, page.stop_button)
    assert isinstance(dialog, StopCampaignDialog)
    assert dialog.action_button.text() == "Stop campaign"
    text = dialog.informativeText()
    assert "No new participants will be added; participants already in the flow finish it." in text
    assert "3 participants are in the flow now." in text
    with qtbot.waitSignal(page.commands.cancelled, timeout=3000):
        dialog.cancel_button.click()
    assert campaigns.get_campaign(ctx, campaign_id).state is CampaignState.RUNNING

    dialog = open_dialog(qtbot, page, page.stop_button)
    with qtbot.waitSignal(page.commands.done, timeout=5000) as done:
        dialog.action_button.click()
    assert done.args == [campaign_id, "stop"]
    assert campaigns.get_campaign(ctx, campaign_id).state is CampaignState.STOPPING
    qtbot.waitUntil(lambda: state_in_list(page, campaign_id) is CampaignState.STOPPING)

    # A stopping campaign: Stop lets the remaining participants leave at once.
    assert page.stop_button.text() == "Stop at once"
    dialog = open_dialog(qtbot, page, page.stop_button)
    assert dialog.at_once and dialog.action_button.text() == "Stop at once"
    assert "3 participants still in the flow leave it now" in dialog.informativeText()
    with qtbot.waitSignal(page.commands.done, timeout=5000):
        dialog.action_button.click()
    assert campaigns.get_campaign(ctx, campaign_id).state is CampaignState.STOPPED
    qtbot.waitUntil(lambda: state_in_list(page, campaign_id) is CampaignState.STOPPED)
    assert not page.stop_button.isEnabled()


def test_delete_asks_first(qtbot, page, services, flow_data) -> None:  # type: ignore[no-untyped-def]
    ctx = services.ctx
    campaign_id = campaigns.create_campaign(ctx, welcome_input(flow_data["a"], flow_data["b"]))
    qtbot.waitUntil(lambda: page.select_campaign(campaign_id))
    dialog = open_dialog(qtbot, page, page.delete_button)
    dialog.cancel_button.click()
    qtbot.wait(100)
    assert len(campaigns.list_campaigns(ctx)) == 1
    dialog = open_dialog(qtbot, page, page.delete_button)
    with qtbot.waitSignal(page.commands.done, timeout=5000):
        dialog.action_button.click()
    assert campaigns.list_campaigns(ctx) == []
    qtbot.waitUntil(lambda: page.model.rowCount() == 0)
    assert page.diagram.flow is None


# --- the diagram -------------------------------------------------------------------


def test_the_diagram_shows_steps_conditions_and_participants_live(
    qtbot, page, services, flow_data
) -> None:  # type: ignore[no-untyped-def]
    ctx = services.ctx
    a = stopped_trigger(ctx, LONG_NAME + " (stopped)")
    b = flow_data["b"]
    campaign_id = campaigns.create_campaign(
        ctx,
        welcome_input(
            a,
            b,
            transitions=(
                TransitionInput(0, frozenset({Response.STOPPED_MANUALLY}), 1),
                TransitionInput(0, frozenset({Response.SENT, Response.UNCONFIRMED}), None),
            ),
        ),
    )
    campaigns.start_campaign(ctx, campaign_id)
    qtbot.waitUntil(lambda: page.select_campaign(campaign_id))
    diagram: CampaignDiagram = page.diagram
    assert set(diagram.nodes) == {SOURCE_KEY, "step:0", "step:1", EXIT_KEY}
    # source → A; A → B (stopped); A → exit (sent); A → exit (any other); B → exit (any other)
    assert len(diagram.edges) == 5
    labels = diagram.edge_labels()
    assert "Stopped (manually)" in labels
    assert "Sent\nSent, unconfirmed" in labels
    assert labels.count("any other response") == 2
    assert diagram.nodes["step:0"].node.count == "0 reached · 0 now"

    # Layers from left to right: source, A, B, exit.
    xs = [diagram.nodes[k].pos().x() for k in (SOURCE_KEY, "step:0", "step:1", EXIT_KEY)]
    assert xs == sorted(xs) and len(set(xs)) == 4
    # A long mailing name is elided in the box, whole in its tooltip.
    assert LONG_NAME.strip() in diagram.nodes["step:0"].toolTip()

    # A run: the stopped mailing A answers "Stopped (manually)" at once, and
    # the transition takes every participant on to B. The page follows.
    result = campaign_runs.run_campaign(ctx, campaign_id, force=True)
    assert result.entered == 3
    qtbot.waitUntil(
        lambda: (
            diagram.nodes.get("step:1") is not None
            and diagram.nodes["step:1"].node.count == "3 reached · 3 now"
        ),
        timeout=5000,
    )
    assert diagram.nodes["step:0"].node.count == "3 reached · 0 now"
    assert diagram.nodes[SOURCE_KEY].node.count == "3 participants entered"
    assert diagram.nodes[EXIT_KEY].node.count == "0 participants left"
    assert {r.email: r.response for r in mailings.recipients(ctx, b)} == {
        "ann@example.com": Response.PLANNED,
        "bob@example.com": Response.PLANNED,
        "cat@example.com": Response.PLANNED,
    }
    assert page.model.index(0, CampaignColumn.PARTICIPANTS).data() == 3
    assert page.summary.text().startswith("3 participants entered · 3 in the flow now")


def test_a_loop_through_a_wait_is_drawn_back_under_the_boxes(qtbot, flow_data) -> None:  # type: ignore[no-untyped-def]
    from mailapp.ui.campaigns.flow_model import (
        StepSketch,
        TransitionSketch,
        flow_from_steps,
        layers,
    )

    flow = flow_from_steps(
        FOLDER,
        [
            StepSketch(StepKind.EMAIL, "A"),
            StepSketch(StepKind.WAIT, wait_seconds=86_400, next_step=0),
        ],
        [TransitionSketch(0, frozenset({Response.SOFT_BOUNCE}), 1)],
    )
    assert layers(flow) == {SOURCE_KEY: 0, "step:0": 1, "step:1": 2, EXIT_KEY: 3}
    view = CampaignDiagram()
    qtbot.addWidget(view)
    view.set_flow(flow)
    back = next(e for e in view.edges if e.edge.source == "step:1")
    assert back.edge.target == "step:0" and back.edge.label == "after 1 d"
    assert back.path().boundingRect().bottom() > view.nodes["step:0"].sceneBoundingRect().bottom()


# --- the list model and the mailing's page ------------------------------------------


def test_the_list_model_passes_the_item_model_tester(qtbot, page, services, flow_data) -> None:  # type: ignore[no-untyped-def]
    QAbstractItemModelTester(page.model, QAbstractItemModelTester.FailureReportingMode.Fatal, page)
    ctx = services.ctx
    ids = [
        campaigns.create_campaign(
            ctx, welcome_input(flow_data["a"], flow_data["b"], name=f"Campaign {n}")
        )
        for n in range(3)
    ]
    qtbot.waitUntil(lambda: page.model.rowCount() == 3)
    campaigns.start_campaign(ctx, ids[1])
    campaign_runs.run_campaign(ctx, ids[1], force=True)
    campaigns.delete_campaign(ctx, ids[0])
    qtbot.waitUntil(
        lambda: page.model.rowCount() == 2 and state_in_list(page, ids[1]) is CampaignState.RUNNING
    )
    assert page.model.find(ids[1]).participants == 3
    assert page.model.index(0, CampaignColumn.INTERVAL).data() == "1 s"


def test_a_trigger_mailing_names_the_campaigns_that_feed_it(qtbot, services, flow_data) -> None:  # type: ignore[no-untyped-def]
    ctx = services.ctx
    a, b = flow_data["a"], flow_data["b"]
    campaign_id = campaigns.create_campaign(ctx, welcome_input(a, b))
    campaigns.start_campaign(ctx, campaign_id)
    editor = MailingEditor(services, b)
    qtbot.addWidget(editor)
    editor.show()
    fed_by: QLabel = editor.fed_by
    qtbot.waitUntil(lambda: fed_by.text() != "")
    assert fed_by.text() == "Fed by campaigns: “Welcome” (Running)"
    assert fed_by.isVisible()

    bulk = make_mailing(ctx, name="Newsletter", folders=(FOLDER,))
    other = MailingEditor(services, bulk)
    qtbot.addWidget(other)
    other.show()
    qtbot.waitUntil(lambda: other.loaded)
    qtbot.wait(100)
    assert not other.fed_by.isVisible()
