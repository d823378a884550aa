"""The window's start imports what its first paint needs, and no more.

``make run`` is ``mailapp`` without a command: the command line, then the
window. Every module loaded before the window shows its list delays it
(over a million-recipient database the whole start is meant to take under
0.7 s, and most of it is imports: docs/PERFORMANCE.md). The modules named
here are used only by dialogs, pages and commands that the first window
does not show, each imported where it is first used, or (the ORM) by the
work that follows the first paint; this test makes the same start in a
process of its own and fails when one of them is loaded by the time the
list is first painted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from mailapp.services import samples
from mailapp.services.context import AppContext

#: Loaded only when a user, a command or the worker needs them.
DEFERRED = (
    # the template engine: the start check, the editor, the previews
    "jinja2",
    "html2text",
    "mailapp.delivery.template_check",
    "mailapp.services.start_check",
    # addresses are judged when one is typed or imported
    "email_validator",
    # the message builder and the sending side
    "mailapp.delivery.message",
    "mailapp.delivery.smtp",
    "aiosmtplib",
    "aiosmtpd",
    "dkim",
    # the worker's scheduler and its unsubscribe listener's web server
    "mailapp.scheduler",
    "apscheduler",
    "aiohttp",
    # bounce mailboxes and passwords
    "imapclient",
    "keyring",
    "flufl.bounce",
    # migrations: a database at the newest schema is known by one query
    "alembic",
    # SQLAlchemy's ORM and the mapped tables: the first list is read with
    # Core, and the worker, the samples and every change load the ORM after
    "sqlalchemy.orm",
    "mailapp.models.declarative",
    "mailapp.models.entities",
    "mailapp.models.campaign_tables",
    "mailapp.services.mailings",
    "mailapp.services.samples",
    "mailapp.services.workers",
    "mailapp.ui.window.worker_supervisor",
    # the pages and windows that are not the first one
    "mailapp.services.campaigns",
    "mailapp.ui.campaigns",
    "mailapp.ui.contacts",
    "mailapp.ui.settings",
    "mailapp.ui.mailings.editor",
    "mailapp.ui.mailings.analytics",
    "mailapp.ui.mailings.start_dialog",
)

#: ``mailapp.cli.main([])`` as ``make run`` calls it, up to the first paint
#: of the window's table with the mailings in it; prints every module loaded
#: by then and ends the process there (before the work that follows).
_START = """
import json, os, sys

from PySide6.QtCore import QEvent, QObject

import mailapp.cli
from mailapp.ui import app

build = app.open_window


class FirstPaint(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and self.window.model.rowCount() > 0:
            listing = json.dumps(sorted(sys.modules))
            print("MODULES", listing, self.window.model.rowCount(), flush=True)
            os._exit(0)
        return False


def built(qapp, db_url):
    opened = build(qapp, db_url)
    assert opened is not None, "the window was not built"
    window, _ = opened
    window.table.viewport().installEventFilter(FirstPaint(window))
    return opened


app.open_window = built
mailapp.cli.main(["--db", sys.argv[1]])
print("NOT PAINTED", flush=True)
"""


def _loaded(name: str, modules: set[str]) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def _start_in_use(tmp_path: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``script`` (a start of mailapp) over a database in use."""
    url = f"sqlite:///{tmp_path / 'used.sqlite3'}"
    ctx = AppContext.open(url)  # the newest schema, as every start after the first
    assert samples.ensure_samples(ctx).created  # a database in use: no samples made
    ctx.db.dispose()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", MAILAPP_HOME=str(tmp_path))
    return subprocess.run(
        [sys.executable, "-c", script, url, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_window_paints_its_list_without_what_that_does_not_need(tmp_path: Path) -> None:
    proc = _start_in_use(tmp_path, _START)
    line = next((x for x in proc.stdout.splitlines() if x.startswith("MODULES ")), None)
    assert line is not None, proc.stderr[-2000:]
    listing, rows = line.removeprefix("MODULES ").rsplit(" ", 1)
    modules = set(json.loads(listing))

    assert rows == "3"  # the sample mailings, painted
    # What the first paint does need is there: the check looks at a real start.
    needed = ("PySide6.QtWidgets", "sqlalchemy.engine", "mailapp.ui.window.main_window")
    for name in needed:
        assert name in modules
    assert [name for name in DEFERRED if _loaded(name, modules)] == []


#: Needed only after the first paint, and first imported then by a reader
#: thread: SQLAlchemy's ORM (a fifth of a second) and the services the
#: window's commands change mailings with (15 ms each, the first click's).
AFTER_PAINT = (
    "sqlalchemy.orm",
    "mailapp.services.lifecycle",
    "mailapp.services.stops",
    "mailapp.services.mailings",
)

#: The same start, on until the window has its worker: says which thread
#: first imported each of the modules named in its second argument.
_IMPORT_THREADS = """
import os, sys, threading

watched = set(sys.argv[2].split(","))


def hook(event, args):
    if event == "import" and args[0] in watched:
        watched.discard(args[0])
        in_gui = threading.current_thread() is threading.main_thread()
        print("IMPORTED", args[0], "IN THE GUI THREAD", in_gui, flush=True)


sys.addaudithook(hook)

from PySide6.QtCore import QTimer

import mailapp.cli
from mailapp.ui import app

build = app.open_window


def built(qapp, db_url):
    opened = build(qapp, db_url)
    window, _ = opened
    timer = QTimer(window)
    timer.timeout.connect(lambda: window.supervisor is not None and os._exit(0))
    timer.start(20)
    return opened


app.open_window = built
mailapp.cli.main(["--db", sys.argv[1]])
"""


def test_what_follows_the_first_paint_is_loaded_off_the_gui_thread(tmp_path: Path) -> None:
    """On the GUI thread these imports would freeze the window just shown,
    or the first click on Start or Stop sending."""
    proc = _start_in_use(tmp_path, _IMPORT_THREADS, ",".join(AFTER_PAINT))
    lines = sorted(x for x in proc.stdout.splitlines() if x.startswith("IMPORTED"))
    expected = sorted(f"IMPORTED {name} IN THE GUI THREAD False" for name in AFTER_PAINT)
    assert lines == expected, proc.stdout + proc.stderr[-2000:]
