"""State badges: a coloured rounded label per state, shared by every table.

The mailing list, the campaigns list and the journal colour states the
same way, so a marketer learns one palette.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from mailapp.models import MailingState

Index = QModelIndex | QPersistentModelIndex

#: The badge colour (a colour name) of a cell painted by
#: :class:`StateBadgeDelegate` in any model; mailing rows go by their state.
BadgeColourRole = Qt.ItemDataRole.UserRole + 4

#: Badge colours (background) by state; text is white or dark by contrast.
STATE_COLOURS: dict[MailingState, str] = {
    MailingState.DRAFT: "#8a8f98",
    MailingState.SCHEDULED: "#6f42c1",
    MailingState.WAITING: "#d39e00",
    MailingState.PAUSED: "#e07b00",
    MailingState.QUEUED: "#17a2b8",
    MailingState.SENDING: "#1f6feb",
    MailingState.ACTIVE: "#1f6feb",
    MailingState.STOPPING: "#c2410c",
    MailingState.STOPPED: "#b42318",
    MailingState.COMPLETED: "#1a7f37",
    MailingState.EXPIRED: "#6e7781",
    MailingState.ERROR: "#cf222e",
}


class StateBadgeDelegate(QStyledItemDelegate):
    """The state as a coloured rounded badge with its (translated) text.

    The model gives the colour through :data:`BadgeColourRole`; a cell
    without one is painted as plain text.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        colour_name: str | None = index.data(BadgeColourRole)
        if colour_name is None:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = opt.fontMetrics
        rect = opt.rect.adjusted(4, 3, -4, -3)
        width = min(rect.width(), metrics.horizontalAdvance(text) + 16)
        badge = QRect(rect.left(), rect.top(), width, rect.height())
        colour = QColor(colour_name)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour)
        painter.drawRoundedRect(badge, badge.height() / 2, badge.height() / 2)
        painter.setPen(QColor("#ffffff") if colour.lightness() < 170 else QColor("#1f2328"))
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, badge.width() - 12)
        painter.drawText(badge.adjusted(6, 0, -6, 0), Qt.AlignmentFlag.AlignCenter, elided)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> Any:
        size = super().sizeHint(option, index)
        size.setWidth(size.width() + 24)
        return size
