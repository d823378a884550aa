"""Run by the Python of an installed mailapp (not this checkout): open the
window as ``mailapp`` does, wait for its worker, and print as JSON what a
person sees. ``probe_window.py DB_URL``."""

from __future__ import annotations

import json
import sys
import time

from PySide6.QtWidgets import QToolButton

import mailapp
from mailapp import assets
from mailapp.ui.app import finish, make_application, open_window

app = make_application()
opened = open_window(app, sys.argv[1])
assert opened is not None, "the database did not open"
window, services = opened
window.show()
deadline = time.monotonic() + 30


def worker_pid() -> int | None:
    """The worker's, once the window has started it (after its first paint)."""
    return window.supervisor.child_pid if window.supervisor is not None else None


while worker_pid() is None and time.monotonic() < deadline:
    app.processEvents()
    time.sleep(0.02)
app.processEvents()
start_buttons = [
    button.text()
    for button in window.findChildren(QToolButton)
    if button.isVisible() and button.defaultAction() is window.start_action
]
print(
    json.dumps(
        {
            "package": mailapp.__file__,
            "translations": str(assets.translations_dir()),
            "language": services.translations.language,
            "visible": window.isVisible(),
            "title": window.windowTitle(),
            "start_buttons": start_buttons,
            "icon_sizes": sorted(s.width() for s in app.windowIcon().availableSizes()),
            "worker_pid": worker_pid(),
        }
    )
)
window.hide()
finish(services)
