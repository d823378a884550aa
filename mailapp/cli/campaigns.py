"""``mailapp campaign …``: campaigns that feed trigger mailings.

The flow the command line builds is the common one: participants from a
folder get one trigger mailing, and ``--then RESPONSE=MAILING_ID`` sends
those whose response is RESPONSE another trigger mailing (the seed's note:
participants stopped at once by a stopped mailing can be sent a different
one). Richer flows (waits, several levels) are built in the window or with
the service API. Exit status as for every command: 0 ok, 1 refused (the
reason on stderr, nothing changed), 2 usage.
"""

from __future__ import annotations

import argparse
from typing import Any

from mailapp.cli.output import local_time, print_json, print_table
from mailapp.models import Response
from mailapp.models.campaigns import DEFAULT_INTERVAL_SECONDS, StepKind, parse_responses
from mailapp.models.states import Refused
from mailapp.services.context import AppContext

OK = 0

CAMPAIGN_STATE_NAMES: dict[str, str] = {
    "draft": "Draft",
    "running": "Running",
    "stopping": "Stopping",
    "stopped": "Stopped",
    "completed": "Completed",
}


def _then(text: str) -> tuple[frozenset[Response], int]:
    """``RESPONSE[,RESPONSE…]=MAILING_ID`` for ``--then``; a usage error
    (exit 2) when it does not have that shape or names no response code."""
    codes, sep, mailing = text.partition("=")
    if not sep or not codes.strip() or not mailing.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not RESPONSE=MAILING_ID (for example stopped_manually=7)"
        )
    try:
        mailing_id = int(mailing.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{mailing.strip()!r} is not a mailing id") from None
    try:
        responses = parse_responses(codes.split(","))
    except Refused as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return responses, mailing_id


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``campaign`` to the top-level subparsers of ``mailapp``."""
    campaign: argparse.ArgumentParser = subparsers.add_parser(
        "campaign", help="campaigns that feed trigger mailings"
    )
    sub = campaign.add_subparsers(dest="action", metavar="ACTION", required=True)

    create = sub.add_parser(
        "create",
        help="create a draft campaign: participants from a folder get a trigger mailing",
    )
    create.add_argument("--name", required=True, metavar="N")
    create.add_argument(
        "--folder", required=True, metavar="F", help="the folder participants come from"
    )
    create.add_argument(
        "--mailing", required=True, type=int, metavar="ID", help="the trigger mailing to send"
    )
    create.add_argument(
        "--then",
        action="append",
        default=[],
        type=_then,
        metavar="RESPONSE=MAILING_ID",
        help="when the response to the mailing is RESPONSE (several: a,b=ID), send "
        "this trigger mailing next (repeat for several)",
    )
    create.add_argument(
        "--interval",
        type=int,
        default=DEFAULT_INTERVAL_SECONDS,
        metavar="SECONDS",
        help=f"how often the campaign runs (default {DEFAULT_INTERVAL_SECONDS})",
    )
    create.add_argument(
        "--reentry",
        action="store_true",
        help="a contact that left the flow enters again when added to the folder again",
    )
    create.add_argument("--json", action="store_true", help='print {"id": N}')
    create.set_defaults(handler=cmd_campaign_create)

    start = sub.add_parser("start", help="start running the campaign")
    start.add_argument("id", type=int)
    start.set_defaults(handler=cmd_campaign_start)

    stop = sub.add_parser(
        "stop",
        help="stop adding participants; the campaign completes when the last has left",
    )
    stop.add_argument("id", type=int)
    stop.add_argument(
        "--now", action="store_true", help="let the participants still in the flow leave now"
    )
    stop.set_defaults(handler=cmd_campaign_stop)

    listing = sub.add_parser("list", help="every campaign with its state")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_campaign_list)

    show = sub.add_parser("show", help="a campaign's flow and participants")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_campaign_show)
    return campaign


def _open(db_url: str) -> AppContext:
    return AppContext.open(db_url)


def cmd_campaign_create(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import campaigns

    steps = [campaigns.StepInput(StepKind.EMAIL, mailing_id=args.mailing)]
    index: dict[int, int] = {}
    responses_to: dict[int, set[Response]] = {}
    for responses, mailing_id in args.then:
        if mailing_id not in index:
            index[mailing_id] = len(steps)
            steps.append(campaigns.StepInput(StepKind.EMAIL, mailing_id=mailing_id))
            responses_to[mailing_id] = set()
        responses_to[mailing_id] |= responses
    transitions = tuple(
        campaigns.TransitionInput(0, frozenset(responses_to[mid]), index[mid]) for mid in index
    )
    data = campaigns.CampaignInput(
        name=args.name,
        folder=args.folder,
        steps=tuple(steps),
        transitions=transitions,
        reentry=args.reentry,
        interval_seconds=args.interval,
    )
    ctx = _open(db_url)
    campaign_id = campaigns.create_campaign(ctx, data)
    if args.json:
        print_json({"id": campaign_id})
    else:
        print(
            f"Created campaign {campaign_id} ({args.name.strip()}) as a draft. "
            f"Start it with: mailapp campaign start {campaign_id}"
        )
    return OK


def cmd_campaign_start(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import campaigns

    ctx = _open(db_url)
    campaigns.start_campaign(ctx, args.id)
    print(f"Campaign {args.id} is running; a running worker or window adds its participants.")
    return OK


def cmd_campaign_stop(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import campaigns

    ctx = _open(db_url)
    state = campaigns.stop_campaign(ctx, args.id, at_once=args.now)
    if state.value == "stopped":
        print(f"Campaign {args.id} stopped; its participants have left the flow.")
    else:
        print(
            f"Campaign {args.id} is stopping: no new participants; it completes when "
            "the last one has left the flow."
        )
    return OK


def _show_json(info: Any) -> dict[str, Any]:
    """The ``show --json`` object: the contract's keys first, details after."""
    data: dict[str, Any] = info.as_json()
    return data


def cmd_campaign_list(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import campaigns

    ctx = _open(db_url)
    items = campaigns.list_campaigns(ctx)
    if args.json:
        print_json([_show_json(c) for c in items])
        return OK
    print_table(
        ("ID", "NAME", "STATE", "FOLDER", "PARTICIPANTS", "IN FLOW", "STARTED", "FINISHED"),
        [
            (
                c.id,
                c.name,
                CAMPAIGN_STATE_NAMES.get(c.state.value, c.state.value),
                c.folder,
                c.participants,
                c.in_flow,
                c.started_at,
                c.finished_at,
            )
            for c in items
        ],
        right=(0, 4, 5),
    )
    return OK


def cmd_campaign_show(args: argparse.Namespace, db_url: str) -> int:
    from mailapp.services import campaigns

    ctx = _open(db_url)
    info = campaigns.get_campaign(ctx, args.id)
    if args.json:
        print_json(_show_json(info))
        return OK
    fields = [
        ("Campaign", f"{info.id}: {info.name}"),
        ("State", CAMPAIGN_STATE_NAMES.get(info.state.value, info.state.value)),
        ("Folder", info.folder or "-"),
        ("Re-entry", "on" if info.reentry else "off"),
        ("Runs every", f"{info.interval_seconds} s"),
        ("Started", local_time(info.started_at)),
        ("Last run", local_time(info.last_run_at)),
        ("Finished", local_time(info.finished_at)),
        ("Participants", f"{info.participants} ({info.in_flow} in the flow)"),
    ]
    width = max(len(k) for k, _ in fields)
    for key, value in fields:
        print(f"{key.ljust(width)}  {value}")
    print()
    number = {s.id: n + 1 for n, s in enumerate(info.steps)}
    print_table(
        ("STEP", "KIND", "MAILING", "WAIT", "REACHED", "NOW"),
        [
            (
                number[s.id],
                s.kind.value,
                f"{s.mailing_id}: {s.mailing_name}" if s.mailing_id is not None else None,
                f"{s.wait_seconds} s" if s.wait_seconds is not None else None,
                s.participants,
                s.current,
            )
            for s in info.steps
        ],
        right=(0, 4, 5),
    )
    if info.transitions:
        print()
        for t in info.transitions:
            target = f"step {number[t.to_step_id]}" if t.to_step_id is not None else "the exit"
            codes = ", ".join(r.value for r in t.responses)
            print(f"step {number[t.from_step_id]}: {codes} → {target}")
    return OK
