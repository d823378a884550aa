"""Campaign runs on the engine's tick.

Each tick of :class:`~mailapp.scheduler.engine.MailEngine` (an APScheduler
interval job, woken early by any change) calls :func:`tick`, which runs the
campaigns whose own interval has elapsed and completes trigger mailings
whose campaigns have all finished. The run times live in the database, so a
restart or a second process picks up exactly where things are. The hook
runs before the engine looks for mailings with something to send, so
participants handed to an active trigger mailing are dispatched in the same
tick.
"""

from __future__ import annotations

import logging

from mailapp.services import campaign_runs
from mailapp.services.context import AppContext

log = logging.getLogger(__name__)


def tick(ctx: AppContext) -> list[campaign_runs.RunResult]:
    """Run every due campaign.

    Nothing escapes: the engine runs its hooks before it starts dispatches,
    so a failure here (the database busy for too long, say) must not keep
    mailings from sending in this tick. The next tick tries again.
    """
    try:
        return campaign_runs.run_due(ctx)
    except Exception:
        log.exception("campaign runs failed; the next tick tries again")
        return []
