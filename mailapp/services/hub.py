"""In-process notifications from the services to whoever listens.

The services publish a :class:`Changed` after each commit; the scheduler
wakes on it, and the window's bridge re-emits it as a Qt signal in the GUI
thread. Other processes sharing the database are seen through the journal
feed, which publishes the same values.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Changed:
    """Something about these mailings changed (state, recipients, settings)."""

    mailing_ids: frozenset[int] = field(default_factory=frozenset)
    #: Only sending progress moved (counts), no state: the window refreshes,
    #: the scheduler has nothing to do.
    progress: bool = False
    settings: bool = False
    contacts: bool = False
    campaigns: bool = False


Listener = Callable[[object], None]


class Hub:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, value: object) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(value)
            except Exception:  # a broken listener must not break a service
                log.exception("listener failed for %r", value)

    def mailings_changed(self, *ids: int, progress: bool = False) -> None:
        self.publish(Changed(mailing_ids=frozenset(ids), progress=progress))

    def contacts_changed(self) -> None:
        """Contacts or folders changed: the window refreshes its lists and the
        scheduler picks up new folder members for trigger mailings."""
        self.publish(Changed(contacts=True))
