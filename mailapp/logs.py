"""The log files in the data folder.

Tracebacks on a terminal nobody watches help nobody: the window and the
worker each keep a log file of their own in the data folder (one writer per
file, so rotation never races), which Help → About names.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from mailapp.paths import data_dir

FORMAT = "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"
#: Libraries that log every job run, SMTP command and migration step at INFO.
NOISY = ("apscheduler", "mail.log", "alembic")


def log_file(name: str) -> Path:
    """``<data folder>/logs/<name>.log``."""
    folder = data_dir() / "logs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{name}.log"


def to_file(name: str) -> Path:
    """Send INFO and above to the log file ``name`` (kept at 3 × 5 MB)."""
    path = log_file(name)
    root = logging.getLogger()
    if not any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        handler = RotatingFileHandler(
            path, maxBytes=5 * 1024 * 1024, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
