"""The main window's toolbar: groups of commands, some shown by icon only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar, QToolButton, QWidget


def command_toolbar(
    parent: QWidget, groups: Sequence[Sequence[QAction]], icon_only: Iterable[QAction]
) -> QToolBar:
    """The groups of actions, separated; the seed's commands keep their words,
    ``icon_only`` show their icon (their words are the tool tip and the
    menu's), so the bar fits the window in both languages instead of hiding
    commands behind its overflow button."""
    toolbar = QToolBar(parent)
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    for index, group in enumerate(groups):
        if index:
            toolbar.addSeparator()
        for action in group:
            toolbar.addAction(action)
    for action in icon_only:
        button = toolbar.widgetForAction(action)
        if isinstance(button, QToolButton):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonIconOnly)
    return toolbar
