"""Running a process below the ones the user is looking at."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def run_below(nice: int, pid: int = 0) -> None:
    """Run process ``pid`` (0: this one) at ``nice``, below the processes
    the user is looking at.

    On a desktop the window and its worker share the cores; at full pace
    the worker keeps one busy, and the window's paint waited for a core
    (measured: 20–60 ms gaps, nearly all of it runnable and not running).
    Linux puts each session in a scheduling group of its own (autogroup)
    and shares the cores between the groups, so a nice value alone counts
    only inside the group: the group is lowered too, when it is the
    process's alone (it leads its own session). Where either is not there
    (another system), the process runs as it is.
    """
    real = pid or os.getpid()
    try:
        if os.getpriority(os.PRIO_PROCESS, real) < nice:
            os.setpriority(os.PRIO_PROCESS, real, nice)
        own_session = os.getsid(real) == real
    except (OSError, AttributeError):  # gone already, or not a POSIX system
        return
    if own_session:
        with contextlib.suppress(OSError):
            Path(f"/proc/{real}/autogroup").write_text(f"{nice}\n")
