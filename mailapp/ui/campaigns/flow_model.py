"""What the campaign diagram shows, as plain data, and where it goes.

A :class:`Flow` is built either from a stored campaign
(:func:`flow_from_info`, with the number of participants at each step) or
from the editor's form (:func:`flow_from_steps`, no counts yet).
:func:`positions` lays it out in layers from left to right — the source
first, every step one column after the furthest step leading to it, the
exit last.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QPointF

from mailapp.models import Response
from mailapp.models.campaigns import FINAL_RESPONSES, StepKind
from mailapp.services.campaigns import CampaignInfo
from mailapp.ui.common import labels

NODE_WIDTH = 210.0
NODE_HEIGHT = 74.0
COLUMN_GAP = 150.0
ROW_GAP = 60.0


def duration_text(seconds: int) -> str:
    """``90`` → "1 min 30 s"; at most the two largest units."""
    units = [
        (86_400, QCoreApplication.translate("campaign_diagram", "{n} d")),
        (3_600, QCoreApplication.translate("campaign_diagram", "{n} h")),
        (60, QCoreApplication.translate("campaign_diagram", "{n} min")),
        (1, QCoreApplication.translate("campaign_diagram", "{n} s")),
    ]
    parts: list[str] = []
    left = max(0, seconds)
    for size, text in units:
        if left >= size:
            parts.append(text.format(n=left // size))
            left %= size
        if len(parts) == 2:
            break
    return (
        " ".join(parts)
        if parts
        else QCoreApplication.translate("campaign_diagram", "{n} s").format(n=0)
    )


class NodeKind(StrEnum):
    SOURCE = "source"
    EMAIL = "email"
    WAIT = "wait"
    EXIT = "exit"


@dataclass(frozen=True)
class DiagramNode:
    key: str
    kind: NodeKind
    title: str
    detail: str
    #: The participants line ("12 reached · 3 now"); empty for a flow not yet saved.
    count: str = ""


@dataclass(frozen=True)
class DiagramEdge:
    source: str
    target: str
    #: One condition per line (response names, "after 2 h").
    label: str
    #: The implicit way out: responses no transition names.
    implicit: bool = False


@dataclass(frozen=True)
class Flow:
    nodes: tuple[DiagramNode, ...]
    edges: tuple[DiagramEdge, ...]


@dataclass(frozen=True)
class StepSketch:
    """A step as the diagram needs it (by index, as in the editor's form)."""

    kind: StepKind
    mailing_name: str | None = None
    wait_seconds: int | None = None
    #: Wait steps: the index of the next step, None for the exit.
    next_step: int | None = None
    #: (reached ever, at the step now); None before the campaign is saved.
    counts: tuple[int, int] | None = None


@dataclass(frozen=True)
class TransitionSketch:
    from_step: int
    responses: frozenset[Response]
    to_step: int | None


SOURCE_KEY = "source"
EXIT_KEY = "exit"


def step_key(index: int) -> str:
    return f"step:{index}"


def response_names(responses: Iterable[Response]) -> list[str]:
    """Names in the UI language, in the order of the response codes."""
    order = list(Response)
    return [labels.response_name(r) for r in sorted(responses, key=order.index)]


def flow_from_steps(
    folder: str | None,
    steps: Sequence[StepSketch],
    transitions: Sequence[TransitionSketch],
    *,
    entered: int | None = None,
    left: int | None = None,
) -> Flow:
    """The diagram of a flow given by step indexes (the editor's form, or a
    stored campaign). Counts appear when ``entered``/``left`` and the steps'
    counts are given."""
    nodes = [
        DiagramNode(
            SOURCE_KEY,
            NodeKind.SOURCE,
            QCoreApplication.translate("campaign_diagram", "Audience: folder"),
            folder or QCoreApplication.translate("campaign_diagram", "(no folder chosen)"),
            ""
            if entered is None
            else QCoreApplication.translate(
                "campaign_diagram", "%n participant(s) entered", None, entered
            ),
        )
    ]
    for index, step in enumerate(steps):
        count = ""
        if step.counts is not None:
            count = QCoreApplication.translate(
                "campaign_diagram", "{reached} reached · {now} now"
            ).format(reached=step.counts[0], now=step.counts[1])
        if step.kind is StepKind.EMAIL:
            title = QCoreApplication.translate("campaign_diagram", "{n}. Email").format(n=index + 1)
            detail = step.mailing_name or QCoreApplication.translate(
                "campaign_diagram", "(no mailing chosen)"
            )
            kind = NodeKind.EMAIL
        else:
            title = QCoreApplication.translate("campaign_diagram", "{n}. Wait").format(n=index + 1)
            detail = duration_text(step.wait_seconds or 0)
            kind = NodeKind.WAIT
        nodes.append(DiagramNode(step_key(index), kind, title, detail, count))
    nodes.append(
        DiagramNode(
            EXIT_KEY,
            NodeKind.EXIT,
            QCoreApplication.translate("campaign_diagram", "Exit"),
            QCoreApplication.translate("campaign_diagram", "Participants leave the flow"),
            ""
            if left is None
            else QCoreApplication.translate(
                "campaign_diagram", "%n participant(s) left", None, left
            ),
        )
    )

    def target_key(index: int | None) -> str:
        if index is None or not 0 <= index < len(steps):
            return EXIT_KEY
        return step_key(index)

    edges: list[DiagramEdge] = []
    if steps:
        edges.append(
            DiagramEdge(
                SOURCE_KEY,
                step_key(0),
                QCoreApplication.translate("campaign_diagram", "new contacts"),
            )
        )
    grouped: dict[tuple[int, str], set[Response]] = defaultdict(set)
    covered: dict[int, set[Response]] = defaultdict(set)
    for transition in transitions:
        if not 0 <= transition.from_step < len(steps):
            continue
        if steps[transition.from_step].kind is not StepKind.EMAIL:
            continue
        grouped[(transition.from_step, target_key(transition.to_step))] |= transition.responses
        covered[transition.from_step] |= transition.responses
    for index, step in enumerate(steps):
        if step.kind is StepKind.WAIT:
            edges.append(
                DiagramEdge(
                    step_key(index),
                    target_key(step.next_step),
                    QCoreApplication.translate("campaign_diagram", "after {duration}").format(
                        duration=duration_text(step.wait_seconds or 0)
                    ),
                )
            )
            continue
        for (source, target), responses in grouped.items():
            if source == index and responses:
                edges.append(
                    DiagramEdge(step_key(index), target, "\n".join(response_names(responses)))
                )
        if not FINAL_RESPONSES.issubset(covered[index]):
            edges.append(
                DiagramEdge(
                    step_key(index),
                    EXIT_KEY,
                    QCoreApplication.translate("campaign_diagram", "any other response"),
                    implicit=True,
                )
            )
    return Flow(tuple(nodes), tuple(edges))


def flow_from_info(info: CampaignInfo) -> Flow:
    """The diagram of a stored campaign with its participant counts."""
    index = {step.id: n for n, step in enumerate(info.steps)}
    steps = [
        StepSketch(
            kind=step.kind,
            mailing_name=step.mailing_name,
            wait_seconds=step.wait_seconds,
            next_step=index.get(step.next_step_id) if step.next_step_id is not None else None,
            counts=(step.participants, step.current),
        )
        for step in info.steps
    ]
    transitions = [
        TransitionSketch(
            index[t.from_step_id],
            frozenset(t.responses),
            index.get(t.to_step_id) if t.to_step_id is not None else None,
        )
        for t in info.transitions
        if t.from_step_id in index
    ]
    return flow_from_steps(
        info.folder,
        steps,
        transitions,
        entered=info.participants,
        left=info.participants - info.in_flow,
    )


# --- layout -------------------------------------------------------------------


def layers(flow: Flow) -> dict[str, int]:
    """The column of every node: the longest path from the source, back
    edges (loops) left out; the exit in the last column."""
    keys = [node.key for node in flow.nodes]
    out: dict[str, list[str]] = {key: [] for key in keys}
    for edge in flow.edges:
        if edge.source in out and edge.target in out and edge.target != EXIT_KEY:
            out[edge.source].append(edge.target)
    # Depth-first from the source, then from anything left: edges into a
    # node on the current path close a loop and do not count for layers.
    state: dict[str, int] = dict.fromkeys(keys, 0)
    back: set[tuple[str, str]] = set()

    def visit(key: str) -> None:
        state[key] = 1
        for target in out[key]:
            if state[target] == 1:
                back.add((key, target))
            elif state[target] == 0:
                visit(target)
        state[key] = 2

    for key in keys:
        if state[key] == 0 and key != EXIT_KEY:
            visit(key)
    layer = {key: (0 if key == SOURCE_KEY else 1) for key in keys if key != EXIT_KEY}
    # Longest path over the acyclic edges (few nodes: relax until stable).
    for _ in range(len(keys)):
        changed = False
        for source, targets in out.items():
            for target in targets:
                if (source, target) in back or source == EXIT_KEY:
                    continue
                if layer[target] < layer[source] + 1:
                    layer[target] = layer[source] + 1
                    changed = True
        if not changed:
            break
    layer[EXIT_KEY] = max(layer.values(), default=0) + 1
    return layer


def positions(flow: Flow) -> dict[str, QPointF]:
    """Top-left corner of every node: columns by layer, rows centred."""
    layer = layers(flow)
    columns: dict[int, list[str]] = defaultdict(list)
    for node in flow.nodes:
        columns[layer[node.key]].append(node.key)
    result: dict[str, QPointF] = {}
    for column, keys in columns.items():
        height = len(keys) * NODE_HEIGHT + (len(keys) - 1) * ROW_GAP
        for row, key in enumerate(keys):
            result[key] = QPointF(
                column * (NODE_WIDTH + COLUMN_GAP),
                row * (NODE_HEIGHT + ROW_GAP) - height / 2,
            )
    return result
