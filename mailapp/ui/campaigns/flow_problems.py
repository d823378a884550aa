"""What is wrong with a campaign's flow, said in the UI language.

:func:`flow_message` turns a refusal of the campaign rules into a sentence;
:func:`form_problem` finds the first thing wrong with the editor's form
before the service would refuse it, with the same rules
(:func:`mailapp.models.campaigns.check_flow`).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from mailapp.models import Refused, Response
from mailapp.models.campaigns import (
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
from mailapp.services.campaigns import CampaignInput
from mailapp.services.mailings import MailingInfo
from mailapp.ui.common import labels


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


def form_problem(data: CampaignInput, mailings: list[MailingInfo]) -> str:
    """The first thing wrong with the form's ``data``, in the UI language; "" if none.

    ``mailings`` are the trigger mailings the editor offers; their kind and
    state decide whether a step may use them. The texts are the editor's own
    (translation context ``CampaignEditor``).
    """
    if not data.name.strip():
        return QCoreApplication.translate("CampaignEditor", "Give the campaign a name.")
    if not data.folder:
        return QCoreApplication.translate(
            "CampaignEditor", "Choose the folder the participants come from."
        )
    if not data.steps:
        return QCoreApplication.translate(
            "CampaignEditor", "The flow has no steps: add an email step."
        )
    for n, step in enumerate(data.steps):
        if step.kind is StepKind.EMAIL and step.mailing_id is None:
            return QCoreApplication.translate(
                "CampaignEditor", "Step {n}: choose the trigger mailing."
            ).format(n=n + 1)
        if step.kind is StepKind.WAIT and not (
            MIN_WAIT_SECONDS <= (step.wait_seconds or 0) <= MAX_WAIT_SECONDS
        ):
            return QCoreApplication.translate(
                "CampaignEditor", "Step {n}: a wait lasts from 1 second to 366 days."
            ).format(n=n + 1)
    for n, transition in enumerate(data.transitions):
        if transition.from_step < 0:
            return QCoreApplication.translate(
                "CampaignEditor", "Transition {n}: choose the email step it starts from."
            ).format(n=n + 1)
        if not transition.responses:
            return QCoreApplication.translate(
                "CampaignEditor", "Transition {n}: choose at least one response."
            ).format(n=n + 1)
    seen: dict[tuple[int, Response], int | None] = {}
    for n, transition in enumerate(data.transitions):
        for response in transition.responses:
            key = (transition.from_step, response)
            if key in seen and seen[key] != transition.to_step:
                return QCoreApplication.translate(
                    "CampaignEditor",
                    "Transition {n}: the response “{response}” of step {step} already "
                    "leads elsewhere.",
                ).format(
                    n=n + 1,
                    response=labels.response_name(response),
                    step=transition.from_step + 1,
                )
            seen[key] = transition.to_step
    facts = {m.id: MailingFacts(name=m.name, kind=m.kind, state=m.state) for m in mailings}
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
