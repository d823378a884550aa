"""The flow diagram's labels: each condition readable, none over another or over a box.

Reported: in Russian the diagram's edge labels overlapped. Two edges
between the same boxes (a transition to the exit and the implicit "any
other response" beside it) drew their labels at the same point, and a tall
label of many responses reached into the next lane.
"""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QRectF

from mailapp.models import Response
from mailapp.models.campaigns import StepKind
from mailapp.ui.campaigns.diagram import CampaignDiagram
from mailapp.ui.campaigns.flow_model import Flow, StepSketch, TransitionSketch, flow_from_steps

BOUNCES = frozenset({Response.HARD_BOUNCE, Response.SOFT_BOUNCE, Response.UNCONFIRMED})
MANY = frozenset(
    {
        Response.HARD_BOUNCE,
        Response.SOFT_BOUNCE,
        Response.CANCELLED_NO_EMAIL,
        Response.CANCELLED_INVALID_EMAIL,
        Response.CANCELLED_DUPLICATE,
        Response.CANCELLED_UNSUBSCRIBED,
    }
)

FLOWS = {
    # The last email before the exit: an explicit exit beside the implicit one.
    "explicit and implicit exit side by side": (
        [StepSketch(StepKind.EMAIL, "Welcome")],
        [TransitionSketch(0, frozenset({Response.STOPPED_MANUALLY}), None)],
    ),
    # Skipping columns: two exits under the boxes, one with many responses.
    "tall labels in neighbouring lanes": (
        [
            StepSketch(StepKind.EMAIL, "Welcome"),
            StepSketch(StepKind.WAIT, wait_seconds=3600, next_step=2),
            StepSketch(StepKind.EMAIL, "Second chance"),
        ],
        [
            TransitionSketch(0, frozenset({Response.STOPPED_MANUALLY}), 1),
            TransitionSketch(0, MANY, None),
            TransitionSketch(2, BOUNCES, None),
        ],
    ),
    # Two branches from one email, a loop back through a wait.
    "branches and a loop": (
        [
            StepSketch(StepKind.EMAIL, "Offer"),
            StepSketch(StepKind.WAIT, wait_seconds=86_400, next_step=0),
            StepSketch(StepKind.EMAIL, "Reminder"),
        ],
        [
            TransitionSketch(0, frozenset({Response.SOFT_BOUNCE}), 1),
            TransitionSketch(0, frozenset({Response.SENT}), 2),
            TransitionSketch(0, BOUNCES - {Response.SOFT_BOUNCE}, None),
            TransitionSketch(2, frozenset({Response.STOPPED_MANUALLY}), None),
        ],
    ),
}


def _flow(name: str) -> Flow:
    steps, transitions = FLOWS[name]
    return flow_from_steps("Sample contacts", steps, transitions)


def _label_rects(view: CampaignDiagram) -> list[tuple[str, QRectF]]:
    return [
        (edge.edge.label, edge.label.sceneBoundingRect())
        for edge in view.edges
        if edge.label is not None
    ]


@pytest.mark.parametrize("name", sorted(FLOWS))
def test_edge_labels_overlap_neither_each_other_nor_the_boxes(
    qtbot, name: str, language: str
) -> None:
    view = CampaignDiagram()
    qtbot.addWidget(view)
    view.set_flow(_flow(name))
    labels = _label_rects(view)
    assert len(labels) == len(view.edges)
    for (a, ra), (b, rb) in itertools.combinations(labels, 2):
        assert not ra.intersects(rb), (a, b)
    for key, node in view.nodes.items():
        box = node.sceneBoundingRect()
        for text, rect in labels:
            assert not rect.intersects(box), (text, key)


def test_a_label_sits_on_its_own_arrow(qtbot) -> None:
    """Moved out of another's way, a label still touches the line it names."""
    view = CampaignDiagram()
    qtbot.addWidget(view)
    view.set_flow(_flow("explicit and implicit exit side by side"))
    for edge in view.edges:
        assert edge.label is not None
        rect = edge.label.sceneBoundingRect().adjusted(-2, -2, 2, 2)
        path = edge.path()
        assert any(rect.contains(path.pointAtPercent(t / 50)) for t in range(51)), edge.edge.label
