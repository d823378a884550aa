"""Keys every secondary window of the application answers the same way."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def close_on_escape_and_ctrl_w(window: QWidget) -> None:
    """Esc and the platform's Close key (Ctrl+W) close ``window``, as a
    viewer window (analytics, the outbox) is expected to."""
    # The standard key itself, not QKeySequence(it): that keeps its first binding only.
    for keys in (QKeySequence.StandardKey.Close, QKeySequence(Qt.Key.Key_Escape)):
        QShortcut(keys, window, window.close, context=Qt.ShortcutContext.WindowShortcut)
