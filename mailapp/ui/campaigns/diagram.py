"""The diagram of a campaign's flow: the audience source, the steps and the
exit as boxes, the transitions as arrows labelled with their conditions.

:class:`CampaignDiagram` draws a :class:`~mailapp.ui.campaigns.flow_model.Flow`
where :func:`~mailapp.ui.campaigns.flow_model.positions` puts its boxes, with
the arrows that loop back (through a wait step) or skip columns under the
boxes, each in a lane of its own. No label covers a box or another label.
Long mailing names are elided, with the full name in the tooltip.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
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

from mailapp.ui.campaigns.flow_model import (
    COLUMN_GAP,
    NODE_HEIGHT,
    NODE_WIDTH,
    DiagramEdge,
    DiagramNode,
    Flow,
    NodeKind,
    positions,
)

LABEL_WIDTH = 190.0
#: Vertical distance between the lanes of arrows routed under the boxes.
LANE_GAP = 46.0
#: Room kept between the labels of neighbouring lanes.
LABEL_SPACING = 10.0
#: How far a second arrow between the same two boxes bends away from the first.
PARALLEL_BOW = 30.0


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


def _label_font(font: QFont) -> QFont:
    small = QFont(font)
    small.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
    return small


def label_height(text: str, font: QFont) -> float:
    """The height of the plate :class:`EdgeLabel` draws for ``text``."""
    lines = max(1, len(text.splitlines()))
    return QFontMetricsF(_label_font(font)).height() * lines + 2 * EdgeLabel.PAD


class EdgeLabel(QGraphicsRectItem):
    """The condition of an arrow on a white plate, one condition a line."""

    PAD = 4.0

    def __init__(self, text: str, font: QFont, width: float = LABEL_WIDTH) -> None:
        super().__init__()
        self.text = text
        small = _label_font(font)
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


def adjacent(source: NodeItem, target: NodeItem) -> bool:
    """The target is in the next column: the arrow goes straight across."""
    step = target.pos().x() - source.pos().x()
    return 0 < step <= NODE_WIDTH + COLUMN_GAP + 1


class EdgeItem(QGraphicsPathItem):
    """An arrow from one node to another with its condition label.

    An arrow to the next column is a curve between the boxes; ``bow`` bends
    it down, so that a second arrow between the same boxes (a transition to
    the exit beside the implicit one) is drawn apart from the first. Any
    other arrow runs down, along its own lane at ``low`` under every box,
    and up into the target.
    """

    def __init__(
        self,
        edge: DiagramEdge,
        source: NodeItem,
        target: NodeItem,
        font: QFont,
        lane: int,
        low: float,
        bow: float = 0.0,
    ) -> None:
        super().__init__()
        self.edge = edge
        self.setZValue(-1)
        path = QPainterPath()
        if adjacent(source, target):
            start, end = source.anchor_right(), target.anchor_left()
            bend = max(40.0, (end.x() - start.x()) / 2)
            path.moveTo(start)
            path.cubicTo(start + QPointF(bend, bow * 4 / 3), end - QPointF(bend, -bow * 4 / 3), end)
            room = COLUMN_GAP - 16
        else:
            shift = QPointF(min(12.0 * lane, NODE_WIDTH / 2 - 12), 0)
            start, end = source.anchor_bottom() + shift, target.anchor_bottom() - shift
            path.moveTo(start)
            path.lineTo(QPointF(start.x(), low))
            path.lineTo(QPointF(end.x(), low))
            path.lineTo(end)
            room = LABEL_WIDTH
        self.setPath(path)
        self._along = adjacent(source, target)
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
            self.place_label(self.label_spots()[0])

    def label_spots(self) -> list[QPointF]:
        """Where the label may sit, best first: on the line, from its middle out."""
        path = self.path()
        if self._along:
            return [path.pointAtPercent(t) for t in (0.5, 0.4, 0.6, 0.3, 0.7)]
        # Along the lane (the second of three segments), from its middle out.
        lane = [path.elementAt(n) for n in (1, 2)]
        left, right = sorted((lane[0].x, lane[1].x))
        y = lane[0].y
        spots = [QPointF((left + right) / 2, y)]
        for t in (0.35, 0.65, 0.2, 0.8, 0.1, 0.9):
            spots.append(QPointF(left + (right - left) * t, y))
        return spots

    def place_label(self, centre: QPointF) -> None:
        assert self.label is not None
        size = self.label.rect()
        self.label.setPos(centre - QPointF(size.width() / 2, size.height() / 2))

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
        low = max(item.pos().y() + NODE_HEIGHT for item in self.nodes.values())
        lane = 0
        above = 0.0  # half the height of the label on the lane above
        #: The last arrow drawn straight across between two boxes: its bow, its label's half.
        pairs: dict[tuple[str, str], tuple[float, float]] = {}
        for edge in flow.edges:
            source, target = self.nodes.get(edge.source), self.nodes.get(edge.target)
            if source is None or target is None:
                continue
            half = label_height(edge.label, self.font()) / 2 if edge.label else 0.0
            if adjacent(source, target):
                # A second arrow between the same boxes bows down past the first's label.
                bow = 0.0
                if (edge.source, edge.target) in pairs:
                    last_bow, last_half = pairs[(edge.source, edge.target)]
                    bow = last_bow + max(PARALLEL_BOW, last_half + half + LABEL_SPACING)
                pairs[(edge.source, edge.target)] = (bow, half)
                item = EdgeItem(edge, source, target, self.font(), 0, 0, bow)
            else:
                # Each lane under the boxes leaves room for its label and the one above.
                low += max(LANE_GAP, above + half + LABEL_SPACING)
                above = half
                item = EdgeItem(edge, source, target, self.font(), lane, low)
                lane += 1
            scene.addItem(item)
            if item.label is not None:
                scene.addItem(item.label)
            self.edges.append(item)
        self._separate_labels()
        scene.setSceneRect(scene.itemsBoundingRect().adjusted(-20, -20, 20, 20))
        self._fit()

    def _separate_labels(self) -> None:
        """Move each label along its arrow until it covers no box and no other label."""
        taken = [node.sceneBoundingRect() for node in self.nodes.values()]
        for edge in self.edges:
            label = edge.label
            if label is None:
                continue
            spots = edge.label_spots()
            for spot in spots:
                edge.place_label(spot)
                rect = label.sceneBoundingRect().adjusted(-2, -2, 2, 2)
                if not any(rect.intersects(other) for other in taken):
                    break
            else:
                edge.place_label(spots[0])
            taken.append(label.sceneBoundingRect())

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
        # Too long to fit even shrunk: show where participants enter, not the middle.
        bar = self.horizontalScrollBar()
        bar.setValue(bar.minimum())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()
