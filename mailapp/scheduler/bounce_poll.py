"""The worker reads the bounce mailbox every ``BouncePollSeconds``.

A job of the engine's scheduler, in a thread of its own pool: reading a
mailbox takes seconds, and the tick that dispatches mail must never wait
for it. The job wakes every :data:`CHECK_SECONDS` and reads the mailbox when
``BounceMailbox`` is set and the poll interval has passed, so a changed
setting applies without a restart. A mailbox that cannot be read is logged
once per distinct reason, not every five minutes.
"""

from __future__ import annotations

import logging
import threading
import time

from mailapp.models import Refused
from mailapp.services import bounces
from mailapp.services import settings as settings_service
from mailapp.services.context import AppContext

log = logging.getLogger(__name__)

#: How often the job looks whether a read is due.
CHECK_SECONDS = 30.0


class BouncePoller:
    def __init__(self, ctx: AppContext, shutdown: threading.Event) -> None:
        self.ctx = ctx
        self.shutdown = shutdown
        self._last: float | None = None
        self._problem = ""

    def poll(self) -> None:
        if self.shutdown.is_set():
            return
        settings = settings_service.load(self.ctx)
        if not settings.bounce_mailbox:
            return
        now = time.monotonic()
        if self._last is not None and now - self._last < settings.bounce_poll_seconds:
            return
        self._last = now
        try:
            counts = bounces.fetch_mailbox(self.ctx)
        except Refused as exc:
            if exc.message != self._problem:
                log.warning("The bounce mailbox cannot be read: %s", exc.message)
            self._problem = exc.message
            return
        self._problem = ""
        if counts.messages:
            log.info("Bounce mailbox read: %s", counts.as_json())
