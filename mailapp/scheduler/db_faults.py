"""How the dispatcher's threads meet a database that fails them.

A write the database refuses is repeated or left to the next tick, never
lost and never retried in a tight loop; a lane that finds a row it held
taken drops everything it holds (:class:`LeaseLost`).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import DBAPIError

log = logging.getLogger(__name__)

#: The longest wait before a write or a provider is tried again.
MAX_BACKOFF = 30.0


class LeaseLost(Exception):
    """A row this lane held was taken: its lease is no longer honoured."""


class Abandon(Exception):
    """The process stops while the database does not answer."""


def retrying(shutdown: threading.Event, write: Callable[[], object]) -> None:
    """Repeat a write the database refuses (a full disk, a lost server)
    until it goes through or the process stops."""
    delay = 0.5
    while True:
        try:
            write()
            return
        except DBAPIError as exc:
            log.warning("writing to the database failed, trying again: %s", exc.orig)
        if shutdown.wait(delay):
            return
        delay = min(delay * 2, MAX_BACKOFF)


class suppress_db_errors:  # noqa: N801 - used as a statement, like contextlib's
    """Log and swallow a failed write that the next tick will make again."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, _tb: Any
    ) -> bool:
        if exc is not None and isinstance(exc, DBAPIError):
            log.warning("%s failed: %s", self.what, exc)
            return True
        return False
