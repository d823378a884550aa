"""The diagram of a campaign's flow: the audience source, the steps and the
exit as boxes, the transitions as arrows labelled with their conditions.

A :class:`Flow` is plain data built either from a stored campaign
(:func:`flow_from_info`, with the number of participants at each step) or
from the editor's form (:func:`flow_from_steps`, no counts yet).
:class:`CampaignDiagram` lays it out in layers from left to right — the
source first, every step one column after the furthest step leading to it,
the exit last — and draws arrows that loop back (through a wait step) under
the boxes. Long mailing names are elided, with the full name in the tooltip.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsRectItem,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QWidget,
)

from mailapp.models import Response
from mailapp.models.campaigns import FINAL_RESPONSES, StepKind
from mailapp.services.campaigns import CampaignInfo
from mailapp.ui.common import labels

NODE_WIDTH = 210.0
NODE_HEIGHT = 74.0
COLUMN_GAP = 150.0
ROW_GAP = 60.0
LABEL_WIDTH = 190.0
#: Vertical distance between the lanes of arrows routed under the boxes.
LANE_GAP = 46.0


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


# --- items --------------------------------------------------------------------

NODE_COLOURS: dict[NodeKind, tuple[str, str]] = {
    # (fill, border)
    NodeKind.SOURCE: ("#e6f4ea", "#1a7f37"),
    NodeKind.EMAIL: ("#e8f0fe", "#1f6feb"),
    NodeKind.WAIT: ("#fff4d6", "#b08800"),
    NodeKind.EXIT: ("#eef0f2", "#6e7781"),
}
TEXT_COLOUR = "#1f2328"
MUTED_COLOUR = "#57606a"


def _text_item(text: str, font: QFont, colour: str, width: float) -> QGraphicsSimpleTextItem:
    """One line, elided to ``width``."""
    elided = QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, width)
    item = QGraphicsSimpleTextItem(elided)
    item.setFont(font)
    item.setBrush(QColor(colour))
    return item


class NodeItem(QGraphicsPathItem):
    """A box: title, detail (elided, full text in the tooltip), count.

    Built from Qt's own items, which paint without calling back into Python.
    """

    def __init__(self, node: DiagramNode, font: QFont) -> None:
        super().__init__()
        self.node = node
        fill, border = NODE_COLOURS[node.kind]
        outline = QPainterPath()
        outline.addRoundedRect(QRectF(1, 1, NODE_WIDTH - 2, NODE_HEIGHT - 2), 8, 8)
        self.setPath(outline)
        self.setPen(QPen(QColor(border), 1.5))
        self.setBrush(QColor(fill))
        tip = [node.title, node.detail]
        if node.count:
            tip.append(node.count)
        self.setToolTip("\n".join(t for t in tip if t))
        bold = QFont(font)
        bold.setBold(True)
        inner = NODE_WIDTH - 20
        line = (NODE_HEIGHT - 12) / 3
        rows = [
            (node.title, bold, border),
            (node.detail, QFont(font), TEXT_COLOUR),
            (node.count, QFont(font), MUTED_COLOUR),
        ]
        for n, (text, row_font, colour) in enumerate(rows):
            if not text:
                continue
            item = _text_item(text, row_font, colour, inner)
            item.setParentItem(self)
            height = item.boundingRect().height()
            item.setPos(10, 6 + n * line + (line - height) / 2)

    def anchor_right(self) -> QPointF:
        return self.pos() + QPointF(NODE_WIDTH, NODE_HEIGHT / 2)

    def anchor_left(self) -> QPointF:
        return self.pos() + QPointF(0, NODE_HEIGHT / 2)

    def anchor_bottom(self) -> QPointF:
        return self.pos() + QPointF(NODE_WIDTH / 2, NODE_HEIGHT)


class EdgeLabel(QGraphicsRectItem):
    """The condition of an arrow on a white plate, one condition a line."""

    PAD = 4.0

    def __init__(self, text: str, font: QFont, width: float = LABEL_WIDTH) -> None:
        super().__init__()
        self.text = text
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        metrics = QFontMetricsF(small)
        lines = text.splitlines()
        widest = 0.0
        for n, line in enumerate(lines):
            item = _text_item(line, small, TEXT_COLOUR, width)
            item.setParentItem(self)
            item.setPos(self.PAD, self.PAD + n * metrics.height())
            widest = max(widest, item.boundingRect().width())
        for child in self.childItems():
            child.setX(self.PAD + (widest - child.boundingRect().width()) / 2)
        self.setRect(
            QRectF(0, 0, widest + 2 * self.PAD, metrics.height() * len(lines) + 2 * self.PAD)
        )
        self.setPen(QPen(QColor("#d0d7de"), 1))
        self.setBrush(QColor("#ffffff"))
        if any(metrics.horizontalAdvance(line) > width for line in lines):
            self.setToolTip(text)
        self.setZValue(2)


class EdgeItem(QGraphicsPathItem):
    """An arrow from one node to another with its condition label."""

    def __init__(
        self,
        edge: DiagramEdge,
        source: NodeItem,
        target: NodeItem,
        font: QFont,
        lane: int,
        floor: float,
    ) -> None:
        super().__init__()
        self.edge = edge
        self.setZValue(-1)
        step = target.pos().x() - source.pos().x()
        path = QPainterPath()
        if 0 < step <= NODE_WIDTH + COLUMN_GAP + 1:
            # To the next column: a smooth curve between the boxes.
            start, end = source.anchor_right(), target.anchor_left()
            bend = max(40.0, (end.x() - start.x()) / 2)
            path.moveTo(start)
            path.cubicTo(start + QPointF(bend, 0), end - QPointF(bend, 0), end)
            middle = path.pointAtPercent(0.5)
            room = COLUMN_GAP - 16
        else:
            # Skipping columns, looping back or within a column: down, along
            # its own lane under every box, and up into the target.
            shift = QPointF(min(12.0 * lane, NODE_WIDTH / 2 - 12), 0)
            start, end = source.anchor_bottom() + shift, target.anchor_bottom() - shift
            low = floor + LANE_GAP * (lane + 1)
            path.moveTo(start)
            path.lineTo(QPointF(start.x(), low))
            path.lineTo(QPointF(end.x(), low))
            path.lineTo(end)
            middle = QPointF((start.x() + end.x()) / 2, low)
            room = LABEL_WIDTH
        self.setPath(path)
        colour = QColor("#8c959f" if edge.implicit else "#57606a")
        pen = QPen(colour, 1.4)
        if edge.implicit:
            pen.setStyle(Qt.PenStyle.DashLine)
        self.setPen(pen)
        self.arrow = self._arrow_head(path, colour)
        self.arrow.setParentItem(self)
        self.label: EdgeLabel | None = None
        if edge.label:
            self.label = EdgeLabel(edge.label, font, room)
            size = self.label.rect()
            self.label.setPos(middle - QPointF(size.width() / 2, size.height() / 2))

    @staticmethod
    def _arrow_head(path: QPainterPath, colour: QColor) -> QGraphicsPathItem:
        tip = path.pointAtPercent(1.0)
        before = path.pointAtPercent(0.97)
        direction = tip - before
        length = (direction.x() ** 2 + direction.y() ** 2) ** 0.5 or 1.0
        ux, uy = direction.x() / length, direction.y() / length
        size = 9.0
        back = QPointF(tip.x() - ux * size, tip.y() - uy * size)
        normal = QPointF(-uy * size / 2, ux * size / 2)
        head = QPainterPath()
        head.addPolygon(QPolygonF([tip, back + normal, back - normal, tip]))
        item = QGraphicsPathItem(head)
        item.setBrush(QBrush(colour))
        item.setPen(QPen(colour, 1))
        return item


class CampaignDiagram(QGraphicsView):
    """Shows one :class:`Flow`; call :meth:`set_flow` again to update it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("campaignDiagram")
        self.setScene(QGraphicsScene(self))
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setBackgroundBrush(QColor("#fbfbfc"))
        self.setMinimumSize(320, 220)
        self.flow: Flow | None = None
        self.nodes: dict[str, NodeItem] = {}
        self.edges: list[EdgeItem] = []
        self._placeholder = ""

    def set_placeholder(self, text: str) -> None:
        """What the empty view says (no campaign selected)."""
        self._placeholder = text
        if self.flow is None:
            self.set_flow(None)

    def set_flow(self, flow: Flow | None) -> None:
        if flow is not None and flow == self.flow and self.nodes:
            return
        self.flow = flow
        scene = self.scene()
        scene.clear()
        self.nodes = {}
        self.edges = []
        if flow is None:
            if self._placeholder:
                text = scene.addSimpleText(self._placeholder)
                text.setBrush(QColor(MUTED_COLOUR))
            scene.setSceneRect(scene.itemsBoundingRect())
            return
        for key, point in positions(flow).items():
            node = next(n for n in flow.nodes if n.key == key)
            item = NodeItem(node, self.font())
            item.setPos(point)
            scene.addItem(item)
            self.nodes[key] = item
        floor = max(item.pos().y() + NODE_HEIGHT for item in self.nodes.values())
        lane = 0
        for edge in flow.edges:
            source, target = self.nodes.get(edge.source), self.nodes.get(edge.target)
            if source is None or target is None:
                continue
            step = target.pos().x() - source.pos().x()
            routed_under = not 0 < step <= NODE_WIDTH + COLUMN_GAP + 1
            item = EdgeItem(edge, source, target, self.font(), lane, floor)
            if routed_under:
                lane += 1
            scene.addItem(item)
            if item.label is not None:
                scene.addItem(item.label)
            self.edges.append(item)
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self._fit()

    def edge_labels(self) -> list[str]:
        return [edge.edge.label for edge in self.edges]

    def _fit(self) -> None:
        """Shrink a big flow to fit the view (never enlarge past 100 %)."""
        rect = self.sceneRect()
        self.resetTransform()
        if rect.isEmpty():
            return
        view = self.viewport().rect()
        scale = min(view.width() / rect.width(), view.height() / rect.height(), 1.0)
        scale = max(scale, 0.4)
        self.scale(scale, scale)
        self.centerOn(rect.center())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()
