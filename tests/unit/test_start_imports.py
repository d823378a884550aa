"""The window's start imports what its first paint needs, and no more.

``make run`` is ``mailapp`` without a command: the command line, then the
window. Every module loaded before the window shows delays it (over a
million-recipient database the whole start is meant to take under a second,
and most of it is imports: docs/PERFORMANCE.md). The modules named here are
used only by dialogs, pages and commands that the first window does not
show, each imported where it is first used; this test makes the same start
in a process of its own and fails when one of them is loaded anyway.
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
    # the pages and windows that are not the first one
    "mailapp.services.campaigns",
    "mailapp.ui.campaigns",
    "mailapp.ui.contacts",
    "mailapp.ui.settings",
    "mailapp.ui.mailings.editor",
    "mailapp.ui.mailings.analytics",
    "mailapp.ui.mailings.start_dialog",
)

#: ``mailapp.cli.main([])`` as ``make run`` calls it, stopped once the
#: window is built and the reads and writes it started are done, before it
#: would be shown; prints every module loaded by then.
_START = """
import json, sys

import mailapp.cli
from mailapp.ui import app

build = app.open_window


def built(qapp, db_url):
    opened = build(qapp, db_url)
    assert opened is not None, "the window was not built"
    window, services = opened
    app.finish(services)  # waits for the first reads and writes
    print("MODULES", json.dumps(sorted(sys.modules)), type(window).__name__, flush=True)
    return None


app.open_window = built
mailapp.cli.main(["--db", sys.argv[1]])
"""


def _loaded(name: str, modules: set[str]) -> bool:
    return any(m == name or m.startswith(name + ".") for m in modules)


def test_the_window_starts_without_what_its_first_paint_does_not_need(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'used.sqlite3'}"
    ctx = AppContext.open(url)  # the newest schema, as every start after the first
    assert samples.ensure_samples(ctx).created  # a database in use: no samples made
    ctx.db.dispose()

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run(
        [sys.executable, "-c", _START, url],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    line = next((x for x in proc.stdout.splitlines() if x.startswith("MODULES ")), None)
    assert line is not None, proc.stderr[-2000:]
    listing, window = line.removeprefix("MODULES ").rsplit(" ", 1)
    modules = set(json.loads(listing))

    assert window == "MainWindow"
    # What the first paint does need is there: the check looks at a real start.
    for needed in ("PySide6.QtWidgets", "sqlalchemy.orm", "mailapp.ui.window.main_window"):
        assert needed in modules
    assert [name for name in DEFERRED if _loaded(name, modules)] == []
