"""The campaigns' refusals in the UI language: a flow that leads nowhere,
a state that does not allow the change, a wait too long."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from PySide6.QtCore import QCoreApplication

from mailapp.ui.common.values import as_int


def _flow_target(p: Mapping[str, object]) -> str:
    via = p.get("via")
    if via == "wait":
        return QCoreApplication.translate(
            "refusals", "The wait at step {source} leads to step {step}, which does not exist."
        )
    if via == "transition":
        return QCoreApplication.translate(
            "refusals",
            "A transition from step {source} leads to step {step}, which does not exist.",
        )
    return QCoreApplication.translate(
        "refusals", "A transition starts at step {step}, which does not exist."
    )


def campaign_templates(p: Mapping[str, object]) -> dict[str, Callable[[], str]]:
    """Sentences of the campaigns' refusal codes (the values are filled in later)."""
    return {
        "campaign_not_found": lambda: QCoreApplication.translate(
            "refusals", "The campaign no longer exists."
        ),
        "campaign_running": lambda: QCoreApplication.translate(
            "refusals", "The campaign is already running."
        ),
        "campaign_final": lambda: (
            QCoreApplication.translate("refusals", "The campaign is already “{state}”.")
            if p.get("action") == "stop"
            else QCoreApplication.translate(
                "refusals", "The campaign is “{state}” and can never be started again."
            )
        ),
        "campaign_stopping": lambda: QCoreApplication.translate(
            "refusals",
            "The campaign is already stopping; stop it at once to let the remaining "
            "participants leave the flow now.",
        ),
        "campaign_draft": lambda: QCoreApplication.translate(
            "refusals", "The campaign has not been started."
        ),
        "campaign_edit_state": lambda: QCoreApplication.translate(
            "refusals", "Only a draft campaign can change its flow; this one is “{state}”."
        ),
        "campaign_interval": lambda: QCoreApplication.translate(
            "refusals",
            "The run interval must be between {minimum} and {maximum} seconds, not {seconds}.",
        ),
        "campaign_no_source": lambda: QCoreApplication.translate(
            "refusals",
            "The campaign has no audience source: choose the folder its participants come from.",
        ),
        "campaign_no_steps": lambda: QCoreApplication.translate(
            "refusals", "The flow has no steps: add an email step."
        ),
        "transition_response": lambda: QCoreApplication.translate(
            "refusals", "“{response}” is not a response code (known: {known})."
        ),
        "transition_not_final": lambda: QCoreApplication.translate(
            "refusals", "A transition waits for a final response; “{response}” is not final."
        ),
        "transition_empty": lambda: QCoreApplication.translate(
            "refusals", "A transition needs at least one response."
        ),
        "transition_from_wait": lambda: QCoreApplication.translate(
            "refusals", "Transitions start at email steps; step {step} is a wait."
        ),
        "transition_conflict": lambda: QCoreApplication.translate(
            "refusals", "The response “{response}” of step {step} leads to two different places."
        ),
        "flow_target": lambda: _flow_target(p),
        "flow_email_next": lambda: QCoreApplication.translate(
            "refusals", "The email at step {step} goes on by transitions, not by a next step."
        ),
        "flow_loop_without_wait": lambda: QCoreApplication.translate(
            "refusals", "The flow loops without a wait ({steps}): add a wait step to the loop."
        ),
        "step_no_mailing": lambda: (
            QCoreApplication.translate("refusals", "The email at step {step} has no mailing.")
            if "step" in p
            else QCoreApplication.translate("refusals", "An email step's mailing was deleted.")
        ),
        "step_mailing_unknown": lambda: QCoreApplication.translate(
            "refusals", "The email at step {step} names mailing {mailing_id}, which does not exist."
        ),
        "step_bulk_mailing": lambda: QCoreApplication.translate(
            "refusals",
            "The mailing “{mailing}” (step {step}) is a bulk mailing; an email step of a "
            "campaign needs a trigger mailing.",
        ),
        "step_mailing_completed": lambda: QCoreApplication.translate(
            "refusals",
            "The mailing “{mailing}” (step {step}) is completed and takes no new recipients.",
        ),
        "step_wait": lambda: QCoreApplication.translate(
            "refusals",
            "The wait at step {step} must last between {minimum_seconds} s and %n day(s).",
            None,
            as_int(p.get("maximum_days")),
        ),
    }


#: Codes whose ``state`` is a campaign state (the others name a mailing state).
