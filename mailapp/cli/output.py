"""How the command line shows things: English names, local times, tables, JSON.

Scripts read ``--json``; people read the tables. The tables use the English
names of MISSION.md so that what a marketer reads in the terminal matches
what the window and the help pages call the same thing.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from mailapp.models import MailingState, Response

STATE_NAMES: dict[str, str] = {
    MailingState.DRAFT: "Draft",
    MailingState.SCHEDULED: "Scheduled",
    MailingState.WAITING: "Waiting for sending",
    MailingState.PAUSED: "Paused",
    MailingState.QUEUED: "Queued",
    MailingState.SENDING: "Sending",
    MailingState.ACTIVE: "Active",
    MailingState.STOPPING: "Stopping",
    MailingState.STOPPED: "Stopped",
    MailingState.COMPLETED: "Completed",
    MailingState.EXPIRED: "Expired",
    MailingState.ERROR: "Sending error",
}

RESPONSE_NAMES: dict[str, str] = {
    Response.PLANNED: "Planned",
    Response.SENDING: "Being handed to the provider",
    Response.SENT: "Sent",
    Response.UNCONFIRMED: "Sent, unconfirmed",
    Response.SOFT_BOUNCE: "Soft bounce",
    Response.HARD_BOUNCE: "Hard bounce",
    Response.CANCELLED_NO_EMAIL: "Cancelled (email not provided)",
    Response.CANCELLED_INVALID_EMAIL: "Cancelled (invalid email)",
    Response.CANCELLED_DUPLICATE: "Cancelled (duplicate email)",
    Response.CANCELLED_UNSUBSCRIBED: "Cancelled (unsubscribed)",
    Response.CANCELLED_TEMPLATE_ERROR: "Cancelled (template error)",
    Response.STOPPED_MANUALLY: "Stopped (manually)",
    Response.STOPPED_EXPIRED: "Stopped (time to send expired)",
    Response.UNSUBSCRIBED: "Unsubscribed (after this mailing)",
    Response.CANCELLED_BOUNCED: "Cancelled (address bounced before)",
    Response.SPAM_COMPLAINT: "Spam complaint",
}


def state_name(state: str) -> str:
    return STATE_NAMES.get(state, state)


def response_name(response: str) -> str:
    return RESPONSE_NAMES.get(response, response)


def local_time(value: datetime | None) -> str:
    """A stored (aware UTC) time as the reader's wall clock; ``-`` for none."""
    if value is None:
        return "-"
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def print_json(data: Any, out: TextIO | None = None) -> None:
    stream = out or sys.stdout
    stream.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    right: Sequence[int] = (),
    out: TextIO | None = None,
) -> None:
    """Columns padded to their widest cell; ``right`` aligns numbers."""
    stream = out or sys.stdout
    cells = [[str(h) for h in headers]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(parts).rstrip()

    stream.write(line(cells[0]) + "\n")
    stream.write("  ".join("-" * w for w in widths) + "\n")
    for row in cells[1:]:
        stream.write(line(row) + "\n")


def _cell(value: object) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return local_time(value)
    # A value from a CSV could carry a line break; it must not break the table.
    return " ".join(str(value).split()) if any(c in str(value) for c in "\r\n\t") else str(value)
