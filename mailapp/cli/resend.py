"""``mailapp mailing resend ID``: a follow-up for those a mailing did not reach.

The follow-up is a draft: its content and sender can be edited, and it is
sent with an ordinary ``mailapp mailing start``, delay window and all. Exit
status as for every command: 0 ok, 1 refused (the reason on stderr, nothing
made), 2 usage.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mailapp.cli.output import print_json
from mailapp.models.states import (
    DEFAULT_RESEND_RESPONSES,
    RESENDABLE_RESPONSES,
    parse_resend_responses,
)
from mailapp.services.context import AppContext

OK = 0

_DEFAULT = ",".join(r.value for r in RESENDABLE_RESPONSES if r in DEFAULT_RESEND_RESPONSES)


def add_parser(mailing_actions: Any) -> argparse.ArgumentParser:
    """Add ``resend`` to the actions of ``mailapp mailing``."""
    resend: argparse.ArgumentParser = mailing_actions.add_parser(
        "resend",
        help="a draft copy for the recipients a stopped, expired or completed mailing "
        "did not reach",
    )
    resend.add_argument("id", type=int)
    resend.add_argument(
        "--responses",
        default=_DEFAULT,
        metavar="CODE[,CODE...]",
        help=f"the responses to resend (default {_DEFAULT}; also soft_bounce and "
        "unconfirmed, which may give those people a second copy)",
    )
    resend.add_argument("--name", metavar="N", help='the draft\'s name (default "NAME (resend)")')
    resend.add_argument("--json", action="store_true", help='print {"id": N, "recipients": n}')
    resend.set_defaults(handler=cmd_mailing_resend)
    return resend


def cmd_mailing_resend(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.cli.commands import open_context
    from mailapp.services import resend

    responses = parse_resend_responses(args.responses.split(","))
    ctx: AppContext = open_context(db_url)
    outcome = resend.resend(ctx, args.id, responses, name=args.name)
    if outcome.unconfirmed:
        sys.stderr.write(
            f"mailapp: warning: {outcome.unconfirmed} of them are unconfirmed: their earlier "
            "message may have arrived, so they may get a second copy\n"
        )
    if args.json:
        print_json(outcome.as_json())
        return OK
    left_out = (
        f"; {outcome.left_out} left out (unsubscribed, no valid address, or reached since)"
        if outcome.left_out
        else ""
    )
    print(
        f"Created mailing {outcome.id} as a draft for {outcome.recipients} recipients "
        f"mailing {args.id} did not reach{left_out}. "
        f"Start it with: mailapp mailing start {outcome.id}"
    )
    return OK
