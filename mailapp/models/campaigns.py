"""Campaigns: flows that feed participants to trigger mailings.

A campaign takes contacts from its audience source (a folder) and walks each
of them through a flow of steps. An *email* step hands the participant to a
trigger mailing as a recipient; a *wait* step holds it for a while; a
*transition* leaves an email step once the recipient's personal response is
final, chosen by that response (any set of codes → a step or the exit).

Every participant has one row that says where it is now, and every move is
also written to ``campaign_moves`` in the same transaction. The move log is
what makes a run crash-safe and auditable: a move either happened together
with its side effect (a recipient row, a wait time) or not at all, and the
log tells how each participant got where it is.

This module holds the pure rules of the campaign state machine and of a
valid flow, so the services, the command line and the window ask the same
code; the tables are in :mod:`mailapp.models.campaign_tables`, which loads
SQLAlchemy's ORM (the window's start does not).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from mailapp.models.states import MailingKind, MailingState, Refused, Response

#: Run interval bounds, seconds: once a minute by default, down to every second.
DEFAULT_INTERVAL_SECONDS = 60
MIN_INTERVAL_SECONDS = 1
MAX_INTERVAL_SECONDS = 86_400
#: A wait step holds a participant between one second and a year.
MIN_WAIT_SECONDS = 1
MAX_WAIT_SECONDS = 366 * 86_400


class CampaignState(StrEnum):
    """``draft`` → ``running`` → ``stopping`` → ``completed``.

    *Stop* on a running campaign stops adding participants; the ones already
    in the flow go on to its end, and the campaign completes when the last
    one has left. *Stop at once* (from ``running`` or ``stopping``) lets every
    participant still in the flow leave right away: ``stopped``.
    """

    DRAFT = "draft"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"
    COMPLETED = "completed"


#: States in which the engine runs the campaign.
ACTIVE_CAMPAIGN_STATES = frozenset({CampaignState.RUNNING, CampaignState.STOPPING})
#: States a campaign never leaves.
FINAL_CAMPAIGN_STATES = frozenset({CampaignState.STOPPED, CampaignState.COMPLETED})


class StepKind(StrEnum):
    EMAIL = "email"
    WAIT = "wait"


class ParticipantState(StrEnum):
    IN_FLOW = "in_flow"
    LEFT = "left"


#: Responses a transition may wait for: only final ones end an email step.
FINAL_RESPONSES = frozenset(r for r in Response if r.is_final)


def check_start(state: CampaignState) -> None:
    if state is CampaignState.DRAFT:
        return
    if state in ACTIVE_CAMPAIGN_STATES:
        raise Refused("campaign_running", "The campaign is already running", state=state.value)
    raise Refused(
        "campaign_final",
        f"The campaign is {state.value} and can never be started again",
        state=state.value,
        action="start",
    )


def check_stop(state: CampaignState, *, at_once: bool) -> CampaignState:
    """The state *Stop* moves to, or :class:`Refused`."""
    if state is CampaignState.RUNNING:
        return CampaignState.STOPPED if at_once else CampaignState.STOPPING
    if state is CampaignState.STOPPING:
        if at_once:
            return CampaignState.STOPPED
        raise Refused(
            "campaign_stopping",
            "The campaign is already stopping; stop it at once to let the remaining "
            "participants leave the flow now",
        )
    if state is CampaignState.DRAFT:
        raise Refused("campaign_draft", "The campaign has not been started")
    raise Refused(
        "campaign_final",
        f"The campaign is already {state.value}",
        state=state.value,
        action="stop",
    )


def check_edit(state: CampaignState) -> None:
    if state is not CampaignState.DRAFT:
        raise Refused(
            "campaign_edit_state",
            f"Only a draft campaign can change its flow; this one is {state.value}",
            state=state.value,
        )


def check_interval(seconds: int) -> int:
    if not MIN_INTERVAL_SECONDS <= seconds <= MAX_INTERVAL_SECONDS:
        raise Refused(
            "campaign_interval",
            f"The run interval must be between {MIN_INTERVAL_SECONDS} and "
            f"{MAX_INTERVAL_SECONDS} seconds, not {seconds}",
            minimum=MIN_INTERVAL_SECONDS,
            maximum=MAX_INTERVAL_SECONDS,
            seconds=seconds,
        )
    return seconds


def parse_responses(codes: Iterable[str]) -> frozenset[Response]:
    """Response codes of a transition; only final responses end an email step."""
    result: set[Response] = set()
    for raw in codes:
        code = raw.strip()
        try:
            response = Response(code)
        except ValueError:
            known = ", ".join(r.value for r in Response if r.is_final)
            raise Refused(
                "transition_response",
                f"{code!r} is not a response code (known: {known})",
                response=code,
                known=tuple(r.value for r in Response if r.is_final),
            ) from None
        if not response.is_final:
            raise Refused(
                "transition_not_final",
                f"A transition waits for a final response; {code} is not final",
                response=code,
            )
        result.add(response)
    if not result:
        raise Refused("transition_empty", "A transition needs at least one response")
    return frozenset(result)


@dataclass(frozen=True)
class FlowStep:
    """A step as the flow rules see it (by index in the flow)."""

    kind: StepKind
    mailing_id: int | None = None
    wait_seconds: int | None = None
    next_step: int | None = None


@dataclass(frozen=True)
class FlowTransition:
    from_step: int
    responses: frozenset[Response]
    to_step: int | None


@dataclass(frozen=True)
class MailingFacts:
    name: str
    kind: MailingKind
    state: MailingState


def check_flow(
    has_source: bool,
    steps: Sequence[FlowStep],
    transitions: Sequence[FlowTransition],
    mailings: Mapping[int, MailingFacts],
) -> None:
    """:class:`Refused` with a clear reason for the first thing wrong with a flow.

    ``mailings`` holds the mailings the email steps name (missing ones do not
    exist). A loop is allowed only through a wait step: a loop of email steps
    alone would send the same participant email after email without a pause.
    """
    if not has_source:
        raise Refused(
            "campaign_no_source",
            "The campaign has no audience source: choose the folder its participants come from",
        )
    if not steps:
        raise Refused("campaign_no_steps", "The flow has no steps: add an email step")
    count = len(steps)

    def step_name(index: int) -> str:
        return f"step {index + 1}"

    def check_target(target: int | None, what: str, via: str, source: int) -> None:
        if target is not None and not 0 <= target < count:
            raise Refused(
                "flow_target",
                f"{what} leads to step {target + 1}, which does not exist",
                step=target + 1,
                via=via,
                source=source + 1,
            )

    for index, step in enumerate(steps):
        if step.kind is StepKind.EMAIL:
            if step.mailing_id is None:
                raise Refused(
                    "step_no_mailing",
                    f"The email {step_name(index)} has no mailing",
                    step=index + 1,
                )
            facts = mailings.get(step.mailing_id)
            if facts is None:
                raise Refused(
                    "step_mailing_unknown",
                    f"The email {step_name(index)} names mailing {step.mailing_id}, "
                    "which does not exist",
                    step=index + 1,
                    mailing_id=step.mailing_id,
                )
            if facts.kind is not MailingKind.TRIGGER:
                raise Refused(
                    "step_bulk_mailing",
                    f"Mailing {step.mailing_id} ({facts.name}) is a bulk mailing; an email "
                    "step of a campaign needs a trigger mailing",
                    step=index + 1,
                    mailing_id=step.mailing_id,
                    mailing=facts.name,
                )
            if facts.state is MailingState.COMPLETED:
                raise Refused(
                    "step_mailing_completed",
                    f"Mailing {step.mailing_id} ({facts.name}) is completed and takes no "
                    "new recipients",
                    step=index + 1,
                    mailing_id=step.mailing_id,
                    mailing=facts.name,
                )
            if step.next_step is not None:
                raise Refused(
                    "flow_email_next",
                    f"The email {step_name(index)} goes on by transitions, not by a next step",
                    step=index + 1,
                )
        else:
            seconds = step.wait_seconds
            if seconds is None or not MIN_WAIT_SECONDS <= seconds <= MAX_WAIT_SECONDS:
                raise Refused(
                    "step_wait",
                    f"The wait {step_name(index)} must last between {MIN_WAIT_SECONDS} s "
                    f"and {MAX_WAIT_SECONDS // 86_400} days",
                    step=index + 1,
                    minimum_seconds=MIN_WAIT_SECONDS,
                    maximum_days=MAX_WAIT_SECONDS // 86_400,
                )
            check_target(step.next_step, f"The wait {step_name(index)}", "wait", index)
    seen: dict[tuple[int, Response], int | None] = {}
    for transition in transitions:
        source = transition.from_step
        if not 0 <= source < count:
            raise Refused(
                "flow_target",
                f"A transition starts at step {source + 1}, which does not exist",
                step=source + 1,
                via="start",
            )
        if steps[source].kind is not StepKind.EMAIL:
            raise Refused(
                "transition_from_wait",
                f"Transitions start at email steps; {step_name(source)} is a wait",
                step=source + 1,
            )
        if not transition.responses:
            raise Refused("transition_empty", "A transition needs at least one response")
        check_target(
            transition.to_step, f"A transition from {step_name(source)}", "transition", source
        )
        for response in sorted(transition.responses):
            if not response.is_final:
                raise Refused(
                    "transition_not_final",
                    f"A transition waits for a final response; {response.value} is not final",
                    response=response.value,
                )
            key = (source, response)
            if key in seen and seen[key] != transition.to_step:
                raise Refused(
                    "transition_conflict",
                    f"The response {response.value} of {step_name(source)} leads to two "
                    "different places",
                    response=response.value,
                    step=source + 1,
                )
            seen[key] = transition.to_step
    # A loop of email steps with no wait in it.
    edges: dict[int, set[int]] = {i: set() for i in range(count)}
    for transition in transitions:
        if transition.to_step is not None and steps[transition.to_step].kind is StepKind.EMAIL:
            edges[transition.from_step].add(transition.to_step)
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(range(count), white)

    def visit(node: int, path: list[int]) -> None:
        colour[node] = grey
        path.append(node)
        for target in sorted(edges[node]):
            if colour[target] == grey:
                loop = [*path[path.index(target) :], target]
                raise Refused(
                    "flow_loop_without_wait",
                    "The flow loops without a wait ("
                    + " → ".join(step_name(i) for i in loop)
                    + "): add a wait step to the loop",
                    steps=tuple(i + 1 for i in loop),
                )
            if colour[target] == white:
                visit(target, path)
        path.pop()
        colour[node] = black

    for node in range(count):
        if colour[node] == white and steps[node].kind is StepKind.EMAIL:
            visit(node, [])
