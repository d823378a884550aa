"""The one door through which notifications reach the GUI thread.

The services publish :class:`~mailapp.services.hub.Changed` values on the
hub from whatever thread made the change (the GUI's writer lane, the
scheduler's workers). :class:`Bridge` lives in the GUI thread; its hub
listener only emits a signal, which Qt queues to the GUI thread, where the
values are coalesced and re-emitted as the signals the widgets connect to.

The sending log is followed by polling ``journal.entries(after_id=last)``
off the GUI thread whenever the hub wakes us and every
:attr:`Bridge.POLL_MS` milliseconds, which also brings in what another
process sharing the database (``mailapp worker``) did. The mailings named by
new journal entries are announced as changed too.
"""

from __future__ import annotations

import contextlib
import logging
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from mailapp.services import journal
from mailapp.services.context import AppContext
from mailapp.services.hub import Changed
from mailapp.services.journal import JournalEntry
from mailapp.ui.common.tasks import TaskRunner

log = logging.getLogger(__name__)


class Bridge(QObject):
    #: (frozenset[int]) these mailings changed; at most every COALESCE_MS.
    mailings_changed = Signal(object)
    #: (list[JournalEntry]) the sending log as found at start, oldest first
    #: (the last :attr:`HISTORY` entries); emitted once.
    journal_loaded = Signal(object)
    #: (list[JournalEntry]) entries written since, oldest first.
    journal_added = Signal(object)
    settings_changed = Signal()
    contacts_changed = Signal()
    campaigns_changed = Signal()

    #: internal: a hub value, queued from any thread to the GUI thread.
    _noticed = Signal(object)

    COALESCE_MS = 200
    POLL_MS = 1500
    #: Journal entries kept for widgets created after the first load.
    HISTORY = 5000

    def __init__(self, ctx: AppContext, tasks: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._tasks = tasks
        self._unsubscribe: Callable[[], None] | None = None
        self._pending_ids: set[int] = set()
        self._flags: set[str] = set()
        self._last_journal_id = 0
        self._journal_loaded = False
        self._polling = False
        self._poll_again = False
        self._history: deque[JournalEntry] = deque(maxlen=self.HISTORY)

        self._noticed.connect(self._on_noticed, Qt.ConnectionType.QueuedConnection)
        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(self.COALESCE_MS)
        self._coalesce.timeout.connect(self._flush)
        self._poll_timer = QTimer(self)
        self._poll_timer.setInterval(self.POLL_MS)
        self._poll_timer.timeout.connect(self.poll_journal)

    # -- life ---------------------------------------------------------------

    def start(self) -> None:
        """Listen to the hub and load the sending log (off the GUI thread)."""
        if self._unsubscribe is None:
            self._unsubscribe = self._ctx.hub.subscribe(self._on_hub)
        self._poll_timer.start()
        self.poll_journal()

    def stop(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._poll_timer.stop()
        self._coalesce.stop()

    @property
    def is_journal_loaded(self) -> bool:
        """True once :attr:`journal_loaded` has been emitted."""
        return self._journal_loaded

    def journal_history(self) -> list[JournalEntry]:
        """The most recent entries announced so far, oldest first; for a
        widget created after :attr:`journal_loaded` was emitted."""
        return list(self._history)

    # -- from the hub (any thread) -------------------------------------------

    def _on_hub(self, value: object) -> None:
        # Called in the publisher's thread: emit only, touch nothing.
        with contextlib.suppress(RuntimeError):  # the bridge is being destroyed
            self._noticed.emit(value)

    # -- in the GUI thread ---------------------------------------------------

    @Slot(object)
    def _on_noticed(self, value: object) -> None:
        if not isinstance(value, Changed):
            return
        self._pending_ids |= value.mailing_ids
        if value.settings:
            self._flags.add("settings")
        if value.contacts:
            self._flags.add("contacts")
        if value.campaigns:
            self._flags.add("campaigns")
        if not self._coalesce.isActive():
            self._coalesce.start()
        if value.mailing_ids:
            self.poll_journal()

    @Slot()
    def _flush(self) -> None:
        ids, self._pending_ids = frozenset(self._pending_ids), set()
        flags, self._flags = self._flags, set()
        if ids:
            self.mailings_changed.emit(ids)
        if "settings" in flags:
            self.settings_changed.emit()
        if "contacts" in flags:
            self.contacts_changed.emit()
        if "campaigns" in flags:
            self.campaigns_changed.emit()

    @Slot()
    def poll_journal(self) -> None:
        """Fetch new journal entries off the GUI thread (one poll at a time);
        once stopped, nothing more (a read still in flight may answer after
        the task runner is shut down)."""
        if not self._poll_timer.isActive():
            return
        if self._polling:
            self._poll_again = True
            return
        self._polling = True
        ctx, after = self._ctx, self._last_journal_id
        # The first read takes only the recent history, not the whole log.
        limit = None if self._journal_loaded else self.HISTORY
        self._tasks.run(
            lambda: journal.entries(ctx, after_id=after, limit=limit, newest=True),
            on_success=self._journal_fetched,
            on_failure=self._journal_failed,
        )

    def _journal_fetched(self, entries: list[JournalEntry]) -> None:
        self._polling = False
        fresh = [e for e in entries if e.id > self._last_journal_id]
        first = not self._journal_loaded
        self._journal_loaded = True
        if fresh:
            self._last_journal_id = fresh[-1].id
            self._history.extend(fresh)
            if not first:
                # Another process may have made these changes: say so.
                ids = {e.mailing_id for e in fresh if e.mailing_id is not None}
                if ids:
                    self._pending_ids |= ids
                    if not self._coalesce.isActive():
                        self._coalesce.start()
        if first:
            self.journal_loaded.emit(list(self._history))
        elif fresh:
            self.journal_added.emit(fresh)
        if self._poll_again:
            self._poll_again = False
            self.poll_journal()

    def _journal_failed(self, exc: BaseException) -> None:
        self._polling = False
        log.warning("reading the sending log failed: %s", exc)
